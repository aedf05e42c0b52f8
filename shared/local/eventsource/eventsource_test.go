package eventsource

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// fakeQueue hands out one batch and records deletions.
type fakeQueue struct {
	batch   []types.Message
	deleted []string
	recvErr error
}

func (q *fakeQueue) ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	if q.recvErr != nil {
		return nil, q.recvErr
	}
	b := q.batch
	q.batch = nil
	return &sqs.ReceiveMessageOutput{Messages: b}, nil
}

func (q *fakeQueue) DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error) {
	for _, e := range in.Entries {
		q.deleted = append(q.deleted, aws.ToString(e.ReceiptHandle))
	}
	return &sqs.DeleteMessageBatchOutput{}, nil
}

func messages(n int) []types.Message {
	var ms []types.Message
	for i := 1; i <= n; i++ {
		ms = append(ms, types.Message{
			MessageId:     aws.String(fmt.Sprintf("m%d", i)),
			ReceiptHandle: aws.String(fmt.Sprintf("r%d", i)),
			Body:          aws.String(fmt.Sprintf("body %d", i)),
			Attributes:    map[string]string{"ApproximateReceiveCount": "1"},
		})
	}
	return ms
}

func TestPollOnceDeletesOnlySuccesses(t *testing.T) {
	tests := []struct {
		name    string
		handler Handler
		deleted []string
	}{
		{"all succeed", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{}, nil
		}, []string{"r1", "r2", "r3"}},
		{"one reported failure", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: "m2"}}}, nil
		}, []string{"r1", "r3"}},
		{"handler error fails the batch", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{}, errors.New("boom")
		}, nil},
		{"panic fails the batch", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			panic("bad")
		}, nil},
		{"unknown id fails the batch", func(context.Context, events.SQSEvent) (events.SQSEventResponse, error) {
			return events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{{ItemIdentifier: ""}}}, nil
		}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := &fakeQueue{batch: messages(3)}
			p := New(q, "http://queue", "arn:aws:sqs:us-east-1:000000000000:q", "us-east-1", tt.handler, nil)
			n, err := p.PollOnce(context.Background())
			if err != nil || n != 3 {
				t.Fatalf("PollOnce = %d, %v", n, err)
			}
			sort.Strings(q.deleted)
			if fmt.Sprint(q.deleted) != fmt.Sprint(tt.deleted) {
				t.Errorf("deleted %v, want %v", q.deleted, tt.deleted)
			}
		})
	}
}

func TestEventLooksLikeLambdas(t *testing.T) {
	q := &fakeQueue{batch: messages(2)}
	var got events.SQSEvent
	p := New(q, "http://queue", "arn:aws:sqs:eu-west-1:000000000000:q", "eu-west-1", func(_ context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		got = ev
		return events.SQSEventResponse{}, nil
	}, nil)
	if _, err := p.PollOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(got.Records) != 2 {
		t.Fatalf("%d records", len(got.Records))
	}
	r := got.Records[1]
	if r.MessageId != "m2" || r.Body != "body 2" || r.EventSource != "aws:sqs" ||
		r.EventSourceARN != "arn:aws:sqs:eu-west-1:000000000000:q" || r.AWSRegion != "eu-west-1" ||
		r.Attributes["ApproximateReceiveCount"] != "1" {
		t.Errorf("record %+v", r)
	}
}

func TestPollOnceReceiveError(t *testing.T) {
	q := &fakeQueue{recvErr: errors.New("connection refused")}
	p := New(q, "u", "a", "r", nil, nil)
	if _, err := p.PollOnce(context.Background()); err == nil {
		t.Fatal("receive error not reported")
	}
}
