package eventsource

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// MoveQueue is the part of the SQS API Redrive uses.
type MoveQueue interface {
	ReceiveMessage(ctx context.Context, in *sqs.ReceiveMessageInput, opts ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error)
	SendMessageBatch(ctx context.Context, in *sqs.SendMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error)
	DeleteMessageBatch(ctx context.Context, in *sqs.DeleteMessageBatchInput, opts ...func(*sqs.Options)) (*sqs.DeleteMessageBatchOutput, error)
}

// moveVisibility hides the messages being moved, so that none is received
// twice while the move runs.
const moveVisibility = 5 * time.Minute

// Redrive moves every message of the dead-letter queue at dlqURL back to
// the queue at to, as `aws sqs start-message-move-task --source-arn
// <dead-letter queue ARN>` does in AWS (moto_server does not implement
// message move tasks): each message is sent again with its body and
// attributes, then deleted from the dead-letter queue. A moved message is a
// new message, received for the first time. It returns how many messages
// it moved.
func Redrive(ctx context.Context, q MoveQueue, dlqURL, to string) (int, error) {
	moved := 0
	for {
		out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(dlqURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 0,
			VisibilityTimeout:     int32(moveVisibility / time.Second),
			MessageAttributeNames: []string{"All"},
		})
		if err != nil {
			return moved, fmt.Errorf("receive from %s: %w", dlqURL, err)
		}
		if len(out.Messages) == 0 {
			return moved, nil
		}
		send := make([]types.SendMessageBatchRequestEntry, len(out.Messages))
		del := make([]types.DeleteMessageBatchRequestEntry, len(out.Messages))
		for i, m := range out.Messages {
			id := aws.String(strconv.Itoa(i))
			send[i] = types.SendMessageBatchRequestEntry{Id: id, MessageBody: m.Body, MessageAttributes: m.MessageAttributes}
			del[i] = types.DeleteMessageBatchRequestEntry{Id: id, ReceiptHandle: m.ReceiptHandle}
		}
		sent, err := q.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(to), Entries: send})
		if err != nil {
			return moved, fmt.Errorf("send to %s: %w", to, err)
		}
		if len(sent.Failed) > 0 {
			// Delete only what was sent: the rest stays in the dead-letter
			// queue, visible again after moveVisibility.
			failed := map[string]bool{}
			for _, f := range sent.Failed {
				failed[aws.ToString(f.Id)] = true
			}
			kept := del[:0]
			for _, d := range del {
				if !failed[aws.ToString(d.Id)] {
					kept = append(kept, d)
				}
			}
			del = kept
		}
		if len(del) > 0 {
			if _, err := q.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(dlqURL), Entries: del}); err != nil {
				return moved, fmt.Errorf("delete moved messages from %s: %w", dlqURL, err)
			}
		}
		moved += len(del)
		if len(sent.Failed) > 0 {
			return moved, fmt.Errorf("%d messages could not be sent to %s: %s", len(sent.Failed), to, aws.ToString(sent.Failed[0].Message))
		}
	}
}
