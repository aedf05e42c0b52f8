// Package notify is the change event of policylens: a "Policy Changed"
// event on an EventBridge bus for every new version of a policy that
// differs from the previous one (a change report that is not quiet). It
// makes the event's detail from the report and puts it on the bus.
//
// Ingest records the detail with the version before the version becomes
// current and sends it after (see package store, TakeEvent): an event is
// sent once per version unless a run stops between sending it and
// recording that it was sent, when the next delivery sends it again.
// Consumers that must not act twice can drop repeats by (policy, to).
package notify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/service/topology"
)

// Detail is the detail of a "Policy Changed" event.
type Detail struct {
	// Policy is the policy id; Bucket and Key name its object.
	Policy string `json:"policy"`
	Bucket string `json:"bucket"`
	Key    string `json:"key"`
	// Title is the new version's title, when it has one.
	Title string `json:"title,omitempty"`
	// From and To are the ids of the previous version and the new one, as
	// GET /policies/{id}/versions lists them.
	From string `json:"from"`
	To   string `json:"to"`
	// Received is when S3 received the new version.
	Received string `json:"received"`
	// Summary counts the clauses by change; Labels are the labels whose
	// clause counts changed.
	Summary changes.Summary       `json:"summary"`
	Labels  []changes.LabelChange `json:"labels"`
	// Facts are the key facts that changed (the updated date, the
	// language, e-mail addresses, URLs and laws added or removed), as the
	// change report lists them; the key facts' own limits bound them
	// (20 e-mail addresses, 50 URLs of 500 bytes, the 53 laws).
	Facts []changes.FactChange `json:"facts"`
	// Changes is the path of the change report in the lookup API:
	// GET <ApiUrl> + Changes.
	Changes string `json:"changes"`
}

// NewDetail describes the change from version from to version to of the
// policy id (object bucket/key) that rep reports.
func NewDetail(id, bucket, key, title, from, to, received string, rep *changes.Report) Detail {
	d := Detail{Policy: id, Bucket: bucket, Key: key, Title: title, From: from, To: to, Received: received,
		Summary: rep.Summary, Labels: rep.Labels, Facts: rep.Facts, Changes: ChangesPath(id, from, to)}
	if d.Labels == nil {
		d.Labels = []changes.LabelChange{}
	}
	if d.Facts == nil {
		d.Facts = []changes.FactChange{}
	}
	return d
}

// ChangesPath is the lookup API's path of the change report from version
// from to version to of policy id.
func ChangesPath(id, from, to string) string {
	q := url.Values{"from": {from}, "to": {to}}
	return "/policies/" + url.PathEscape(id) + "/changes?" + q.Encode()
}

// Putter is the PutEvents call of EventBridge; *eventbridge.Client
// implements it.
type Putter interface {
	PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, opts ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// Publisher puts change events on one event bus.
type Publisher struct {
	client Putter
	bus    string
}

// NewPublisher returns a Publisher on the named bus (a name or an ARN).
func NewPublisher(client Putter, bus string) *Publisher { return &Publisher{client: client, bus: bus} }

// Publish puts one "Policy Changed" event with the given detail (a
// Detail as JSON) on the bus and returns its event id. A throttled or
// failed entry is an error (throttling of the fault.Throttled kind).
func (p *Publisher) Publish(ctx context.Context, detail []byte) (string, error) {
	if !json.Valid(detail) {
		return "", fmt.Errorf("change event detail is not JSON: %.80q", detail)
	}
	out, err := p.client.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: []types.PutEventsRequestEntry{{
		EventBusName: aws.String(p.bus),
		Source:       aws.String(topology.EventSource),
		DetailType:   aws.String(topology.EventDetailType),
		Detail:       aws.String(string(detail)),
	}}})
	if err != nil {
		return "", fmt.Errorf("put the change event on %s: %w", p.bus, err)
	}
	if out.FailedEntryCount > 0 || len(out.Entries) != 1 {
		code, msg := "", ""
		if len(out.Entries) == 1 {
			code, msg = aws.ToString(out.Entries[0].ErrorCode), aws.ToString(out.Entries[0].ErrorMessage)
		}
		err := fmt.Errorf("put the change event on %s: entry refused: %s %s", p.bus, code, msg)
		if code == "ThrottlingException" || code == "InternalFailure" {
			return "", fault.Wrap(fault.Throttled, err, "")
		}
		return "", err
	}
	return aws.ToString(out.Entries[0].EventId), nil
}
