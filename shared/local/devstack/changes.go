package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/notify"
)

// FollowChanges prints the change events that the local system (its
// emulator listening at endpoint) delivers to its changes queue, as they
// arrive, until ctx ends: one line each, or with asJSON each event as
// EventBridge delivered it, on one line. An event printed is deleted from
// the queue.
func FollowChanges(ctx context.Context, endpoint string, w io.Writer, asJSON bool) error {
	q, err := localSQS(ctx, endpoint)
	if err != nil {
		return err
	}
	url, err := queueURL(ctx, q, endpoint, provision.LocalNames().ChangesQueue)
	if err != nil {
		return err
	}
	for {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 2,
		})
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("receive from %s: %w", url, err)
		}
		for _, m := range out.Messages {
			line := aws.ToString(m.Body)
			if !asJSON {
				if line, err = ChangeLine(line); err != nil {
					line = "unreadable event: " + err.Error() + ": " + aws.ToString(m.Body)
				}
			}
			if _, err := fmt.Fprintln(w, strings.ReplaceAll(line, "\n", " ")); err != nil {
				return err
			}
			if _, err := q.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil && ctx.Err() == nil {
				return fmt.Errorf("delete from %s: %w", url, err)
			}
		}
	}
}

// ChangeLine says in one line what a change event (as EventBridge
// delivers it to a queue) reports.
func ChangeLine(body string) (string, error) {
	var ev struct {
		Time       string        `json:"time"`
		DetailType string        `json:"detail-type"`
		Detail     notify.Detail `json:"detail"`
	}
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return "", err
	}
	d := ev.Detail
	if d.Policy == "" {
		return "", errors.New("no policy in the event's detail")
	}
	s := d.Summary
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: %s (%s) %s -> %s: %d added, %d removed, %d modified, %d moved, %d unchanged",
		ev.Time, ev.DetailType, d.Policy, d.Key, d.From, d.To, s.Added, s.Removed, s.Modified, s.Moved, s.Unchanged)
	if s.Headings > 0 {
		fmt.Fprintf(&b, ", %d headings", s.Headings)
	}
	for i, l := range d.Labels {
		sep := ", "
		if i == 0 {
			sep = "; labels "
		}
		fmt.Fprintf(&b, "%s%s %d -> %d", sep, l.Label, l.Before, l.After)
	}
	fmt.Fprintf(&b, "; GET %s", d.Changes)
	return b.String(), nil
}
