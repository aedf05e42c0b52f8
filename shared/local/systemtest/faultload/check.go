package faultload

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/notify"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
)

// stored is what the check reads of a policy item.
type stored struct {
	ID          string   `dynamodbav:"id"`
	Key         string   `dynamodbav:"key"`
	Status      string   `dynamodbav:"status"`
	Gen         string   `dynamodbav:"gen"`
	SHA256      string   `dynamodbav:"sha256"`
	Clauses     int      `dynamodbav:"clauses"`
	Reason      string   `dynamodbav:"reason"`
	StaleGens   []string `dynamodbav:"staleGens,stringset"`
	RetiredGens []string `dynamodbav:"retiredGens,stringset"`
	Notify      []string `dynamodbav:"notify,stringset"`
	Versions    []struct {
		Version string `dynamodbav:"version"`
		Gen     string `dynamodbav:"gen"`
	} `dynamodbav:"versions"`
}

// kept reports whether gen holds one of p's kept versions.
func (p stored) kept(gen string) bool {
	for _, v := range p.Versions {
		if v.Gen == gen {
			return true
		}
	}
	return false
}

// partition counts the items of one clause partition: all of them, and
// the label entries among them.
type partition struct{ items, labels int }

// table reads every policy item and counts the items of every clause
// partition.
func (r *run) table(ctx context.Context, db *dynamodb.Client) (map[string]stored, map[string]partition, error) {
	policies := map[string]stored{}
	partitions := map[string]partition{}
	p := dynamodb.NewScanPaginator(db, &dynamodb.ScanInput{TableName: aws.String(r.res.Table), ConsistentRead: aws.Bool(true)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, nil, fmt.Errorf("scan the table: %w", err)
		}
		for _, it := range page.Items {
			var keys struct {
				PK string `dynamodbav:"pk"`
				SK string `dynamodbav:"sk"`
			}
			if err := attributevalue.UnmarshalMap(it, &keys); err != nil {
				return nil, nil, err
			}
			switch {
			case strings.HasPrefix(keys.PK, "P#"):
				var s stored
				if err := attributevalue.UnmarshalMap(it, &s); err != nil {
					return nil, nil, err
				}
				policies[s.ID] = s
			case strings.HasPrefix(keys.PK, "C#"):
				c := partitions[keys.PK]
				c.items++
				if strings.HasPrefix(keys.SK, "L#") {
					c.labels++
				}
				partitions[keys.PK] = c
			}
		}
	}
	return policies, partitions, nil
}

// countProcessing records how many policies are PROCESSING now.
func (r *run) countProcessing(ctx context.Context) {
	policies, _, err := r.table(ctx, r.db)
	if err != nil {
		return
	}
	n := 0
	for _, p := range policies {
		if p.Status == string(policy.Processing) {
			n++
		}
	}
	r.mu.Lock()
	r.rep.LeftProcessing = max(r.rep.LeftProcessing, n)
	r.mu.Unlock()
}

// check compares the table with the bucket, object by object.
func (r *run) check(ctx context.Context, cl provision.Clients) error {
	for _, q := range []string{r.res.QueueURL, r.res.DLQURL} {
		out, err := cl.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(q),
			AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
				sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
		if err != nil {
			return err
		}
		for _, a := range out.Attributes {
			if n, _ := strconv.Atoi(a); n > 0 {
				r.rep.Stuck += n
				r.problem("%d messages left in %s", n, q)
			}
		}
	}
	model, err := classify.Default()
	if err != nil {
		return err
	}
	analyzer := analyze.New(model, policy.DefaultLimits())
	policies, partitions, err := r.table(ctx, cl.DynamoDB)
	if err != nil {
		return err
	}
	live := map[string]bool{}
	p := s3.NewListObjectsV2Paginator(cl.S3, &s3.ListObjectsV2Input{Bucket: aws.String(r.res.Bucket)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return err
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			r.rep.Objects++
			id := s3event.PolicyID(r.res.Bucket, key)
			live[id] = true
			obj, err := cl.S3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(r.res.Bucket), Key: aws.String(key)})
			if err != nil {
				return err
			}
			data, err := io.ReadAll(obj.Body)
			obj.Body.Close()
			if err != nil {
				return err
			}
			r.checkObject(ctx, analyzer, key, data, policies[id], partitions)
		}
	}
	for id, pol := range policies {
		if !live[id] && pol.Status != string(policy.Deleted) {
			r.rep.Duplicated++
			r.problem("%s: %s, but its object was deleted", pol.Key, pol.Status)
		}
	}
	for pk, n := range partitions {
		id, gen := splitPartition(pk)
		pol, ok := policies[id]
		switch {
		case !ok || pol.Status == string(policy.Deleted) || !live[id] || pol.Gen != gen && !pol.kept(gen):
			r.rep.Duplicated++
			r.problem("%d items of a generation that is neither current nor kept (%s)", n.items, pk)
		case pol.Gen != gen && n.labels > 0:
			r.rep.Duplicated++
			r.problem("%d label entries of a version that is no longer current (%s)", n.labels, pk)
		}
	}
	return r.checkEvents(ctx, cl, policies)
}

// checkObject checks the policy of one object of the bucket.
func (r *run) checkObject(ctx context.Context, a *analyze.Analyzer, key string, data []byte, pol stored, partitions map[string]partition) {
	switch pol.Status {
	case string(policy.Ready):
	case string(policy.Processing), string(policy.Failed):
		r.rep.Stuck++
		r.problem("%s: %s %s", key, pol.Status, pol.Reason)
		return
	default:
		r.rep.Lost++
		r.problem("%s: no policy (status %q)", key, pol.Status)
		return
	}
	if pol.SHA256 != sha(data) {
		r.rep.Lost++
		r.problem("%s: the policy is of other content than the object's", key)
		return
	}
	want, err := a.Analyze(ctx, path.Base(key), data)
	if err != nil {
		r.problem("%s: analyse: %v", key, err)
		return
	}
	kept, entries := store.ItemsOf(want)
	items := 1 + kept + entries // the version item besides

	got := partitions["C#"+pol.ID+"#"+pol.Gen].items
	switch {
	case pol.Clauses != len(want.Clauses) || got < items:
		r.rep.Lost++
		r.problem("%s: %d clauses and %d items stored, want %d and %d", key, pol.Clauses, got, len(want.Clauses), items)
		return
	case got > items || len(pol.StaleGens) > 0 || len(pol.RetiredGens) > 0:
		r.rep.Duplicated++
		r.problem("%s: %d items stored, want %d; stale generations %v, retired %v", key, got, items, pol.StaleGens, pol.RetiredGens)
		return
	}
	r.rep.Ready++
}

// checkEvents reads the change events delivered to the changes queue:
// every version kept after another (every write is new text) has exactly
// one, from that one; no version has two; no event is left pending.
func (r *run) checkEvents(ctx context.Context, cl provision.Clients, policies map[string]stored) error {
	sent := map[string]int{} // policy, from and to
	for {
		out, err := cl.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(r.res.ChangesQueueURL), MaxNumberOfMessages: 10})
		if err != nil {
			return fmt.Errorf("receive the change events: %w", err)
		}
		if len(out.Messages) == 0 {
			break
		}
		for _, m := range out.Messages {
			var ev struct {
				Detail notify.Detail `json:"detail"`
			}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil {
				r.problem("change event %s: %v", aws.ToString(m.Body), err)
				continue
			}
			r.rep.Events++
			sent[ev.Detail.Policy+" "+ev.Detail.From+" "+ev.Detail.To]++
			cl.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.res.ChangesQueueURL), ReceiptHandle: m.ReceiptHandle})
		}
	}
	for k, n := range sent {
		if n > 1 {
			r.rep.DuplicateEvents += n - 1
			r.problem("change event %s sent %d times", k, n)
		}
	}
	for _, p := range policies {
		if p.Status == string(policy.Deleted) {
			continue
		}
		for i := 0; i+1 < len(p.Versions); i++ {
			if k := p.ID + " " + p.Versions[i+1].Version + " " + p.Versions[i].Version; sent[k] == 0 {
				r.rep.MissingEvents++
				r.problem("no change event %s", k)
			}
		}
		if len(p.Notify) > 0 {
			r.rep.MissingEvents++
			r.problem("%s: change events of %v left pending", p.Key, p.Notify)
		}
	}
	return nil
}

// splitPartition splits C#<id>#<gen>.
func splitPartition(pk string) (id, gen string) {
	rest := strings.TrimPrefix(pk, "C#")
	i := strings.LastIndexByte(rest, '#')
	if i < 0 {
		return rest, ""
	}
	return rest[:i], rest[i+1:]
}
