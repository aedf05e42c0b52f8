// Package eventsource delivers SQS messages to a Lambda handler the way an
// AWS Lambda event source mapping with ReportBatchItemFailures does: it
// receives a batch, invokes the handler with an SQS event, deletes the
// messages that succeeded and leaves the failed ones on the queue, where they
// become visible again and, after the queue's maximum receive count, move to
// its dead-letter queue.
package eventsource

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Handler is the signature of an SQS Lambda handler with partial batch
// responses.
type Handler func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error)

// Queue is the part of the SQS API the poller uses.
type Queue interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// Poller feeds one queue to one handler.
type Poller struct {
	queue   Queue
	url     string
	arn     string
	region  string
	handler Handler
	log     *slog.Logger
	// BatchSize is the most messages per invocation (1-10).
	BatchSize int32
	// Wait is the long-poll wait of each receive.
	Wait time.Duration
	// Timeout bounds one invocation, like a function timeout.
	Timeout time.Duration
}

// New returns a Poller that reads the queue at url (whose ARN is arn) and
// invokes h. A nil log discards logs.
func New(q Queue, url, arn, region string, h Handler, log *slog.Logger) *Poller {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{queue: q, url: url, arn: arn, region: region, handler: h, log: log,
		BatchSize: 10, Wait: time.Second, Timeout: 2 * time.Minute}
}

// Run polls until ctx is done. Receive errors are logged and retried after a
// pause; they do not end the loop.
func (p *Poller) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		if _, err := p.PollOnce(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("poll failed", "queue", p.url, "error", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}
	return nil
}

// PollOnce receives at most one batch and delivers it. It returns how many
// messages were received.
func (p *Poller) PollOnce(ctx context.Context) (int, error) {
	out, err := p.queue.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    aws.String(p.url),
		MaxNumberOfMessages:         p.BatchSize,
		WaitTimeSeconds:             int32(p.Wait / time.Second),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return 0, fmt.Errorf("receive from %s: %w", p.url, err)
	}
	if len(out.Messages) == 0 {
		return 0, nil
	}
	ev := p.event(out.Messages)
	failed, err := p.invoke(ctx, ev)
	if err != nil {
		// A failed invocation fails the whole batch: nothing is deleted.
		p.log.Error("invocation failed; the batch will be retried", "messages", len(ev.Records), "error", err)
		return len(out.Messages), nil
	}
	var del []types.DeleteMessageBatchRequestEntry
	for i, m := range out.Messages {
		if failed[aws.ToString(m.MessageId)] {
			continue
		}
		del = append(del, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
	}
	if len(failed) > 0 {
		p.log.Warn("messages failed; they will be retried", "failed", len(failed), "messages", len(out.Messages))
	}
	if len(del) > 0 {
		res, err := p.queue.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(p.url), Entries: del})
		if err != nil {
			return len(out.Messages), fmt.Errorf("delete processed messages: %w", err)
		}
		if len(res.Failed) > 0 {
			return len(out.Messages), fmt.Errorf("delete processed messages: %d not deleted: %s", len(res.Failed), aws.ToString(res.Failed[0].Message))
		}
	}
	return len(out.Messages), nil
}

// invoke calls the handler with a timeout and turns a panic into an error,
// as the Lambda runtime would report it. It returns the ids of the messages
// the handler reported as failed.
func (p *Poller) invoke(ctx context.Context, ev events.SQSEvent) (failed map[string]bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	resp, err := p.handler(ctx, ev)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool, len(ev.Records))
	for _, r := range ev.Records {
		known[r.MessageId] = true
	}
	failed = map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		if !known[f.ItemIdentifier] {
			// Lambda treats an unknown or empty identifier as a failure of
			// the whole batch.
			return nil, errors.New("handler reported a failure for an unknown message id " + strconv.Quote(f.ItemIdentifier))
		}
		failed[f.ItemIdentifier] = true
	}
	return failed, nil
}

// event builds the SQS event Lambda would send for msgs.
func (p *Poller) event(msgs []types.Message) events.SQSEvent {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, len(msgs))}
	for i, m := range msgs {
		attrs := make(map[string]string, len(m.Attributes))
		for k, v := range m.Attributes {
			attrs[k] = v
		}
		mattrs := map[string]events.SQSMessageAttribute{}
		for k, v := range m.MessageAttributes {
			mattrs[k] = events.SQSMessageAttribute{
				StringValue: v.StringValue, BinaryValue: v.BinaryValue,
				DataType: aws.ToString(v.DataType),
			}
		}
		ev.Records[i] = events.SQSMessage{
			MessageId:         aws.ToString(m.MessageId),
			ReceiptHandle:     aws.ToString(m.ReceiptHandle),
			Body:              aws.ToString(m.Body),
			Md5OfBody:         aws.ToString(m.MD5OfBody),
			Attributes:        attrs,
			MessageAttributes: mattrs,
			EventSourceARN:    p.arn,
			EventSource:       "aws:sqs",
			AWSRegion:         p.region,
		}
	}
	return ev
}
