package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// Outcome is what Finish records: an analysis, or a failure with a reason.
type Outcome struct {
	// Result is the analysis. It may be set on a failure too, to record
	// what is known about the file (format, pages, hash).
	Result *policy.Analysis
	// Reason, when set, marks the policy FAILED: it says what is wrong with
	// the object and what the user can do.
	Reason string
	// Bytes is the object's size.
	Bytes int64
}

// Snapshot returns the stored policy item of id, tombstones included, or
// nil when there is none. It reads consistently.
func (s *Store) Snapshot(ctx context.Context, id string) (*Policy, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.table,
		Key:            policyKey(id),
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get policy %s: %w", id, err)
	}
	if len(out.Item) == 0 {
		return nil, nil
	}
	return unmarshalPolicy(out.Item)
}

// Begin claims the policy for version v and marks it PROCESSING, unless an
// event at least as new has been applied (ErrSuperseded). A redelivered
// event whose processing did not finish may claim again. The clauses of
// the previous version stay visible until Finish. Begin returns the item as
// it was before, nil for a new policy.
func (s *Store) Begin(ctx context.Context, v policy.Version) (*Policy, error) {
	id := v.ID
	now := formatTime(s.Now())
	e := newExpr()
	e.Set("status", str(string(policy.Processing)))
	e.Set("updatedAt", str(now))
	e.SetIfMissing("createdAt", str(now))
	e.SetIfMissing("clauses", num(0))
	e.Set(topology.ByRecency.PartitionKey, str(recencyPK(shardOf(id))))
	e.Set(topology.ByRecency.SortKey, str(recencySK(now, id)))
	e.Remove(topology.TTLAttribute)
	out, err := s.claim(ctx, v, policy.Processing, e, types.ReturnValueAllOld)
	if err != nil {
		return nil, fmt.Errorf("begin policy %s: %w", id, err)
	}
	if len(out.Attributes) == 0 {
		return nil, nil
	}
	return unmarshalPolicy(out.Attributes)
}

// WriteClauses writes the clauses of res to version v's generation. It can
// run again for the same version: it writes the same items.
func (s *Store) WriteClauses(ctx context.Context, v policy.Version, res *policy.Analysis) error {
	id, gen := v.ID, Generation(v.Seq)
	var reqs []types.WriteRequest
	for _, c := range res.Clauses {
		items, err := clauseItems(id, gen, c)
		if err != nil {
			return err
		}
		for _, it := range items {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		}
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("write clauses of %s: %w", id, err)
	}
	return nil
}

// Finish records the outcome of version v and makes its generation the
// current one, provided v still holds the claim taken by Begin; otherwise
// it returns ErrSuperseded and the caller should Abandon. prev is what
// Begin returned: the generations it held are deleted once the switch is
// made, so no stale clause survives.
func (s *Store) Finish(ctx context.Context, v policy.Version, prev *Policy, o Outcome) error {
	id := v.ID
	gen := Generation(v.Seq)
	failed := o.Reason != ""
	if failed {
		gen = ""
	}
	now := formatTime(s.Now())
	e := newExpr()
	status := policy.Ready
	if failed {
		status = policy.Failed
	}
	e.Set("status", str(string(status)))
	e.Set("updatedAt", str(now))
	e.Set(topology.ByRecency.PartitionKey, str(recencyPK(shardOf(id))))
	e.Set(topology.ByRecency.SortKey, str(recencySK(now, id)))
	setOrRemove(e, "versionId", v.VersionID)
	setOrRemove(e, "eTag", v.ETag)
	if o.Bytes > 0 {
		e.Set("bytes", num(o.Bytes))
	} else {
		e.Remove("bytes")
	}
	if failed {
		reason, _ := truncateUTF8(o.Reason, maxReasonBytes)
		e.Set("reason", str(reason))
		e.Set("clauses", num(0))
		e.Remove("gen", "labelCounts", "modelVersion", "title", "facts", "factsTruncated")
	} else {
		e.Remove("reason")
		e.Set("gen", str(gen))
		e.Set("clauses", num(int64(len(o.Result.Clauses))))
		counts, err := attributevalue.Marshal(o.Result.Policy.LabelCounts)
		if err != nil {
			return fmt.Errorf("marshal label counts: %w", err)
		}
		e.Set("labelCounts", counts)
		setOrRemove(e, "modelVersion", o.Result.Policy.ModelVersion)
		f, cut := boundFacts(o.Result.Policy.Facts)
		setOrRemove(e, "title", f.Title)
		fav, err := marshalFacts(f)
		if err != nil {
			return fmt.Errorf("marshal facts: %w", err)
		}
		if avSize(fav) > maxFactsBytes {
			// Facts the store does not know how to bound would make the
			// item too large: keep the title only.
			if fav, err = marshalFacts(policy.Facts{Title: f.Title, Emails: []string{}, URLs: []string{}, Regulations: []string{}}); err != nil {
				return fmt.Errorf("marshal facts: %w", err)
			}
			cut = true
		}
		e.Set("facts", fav)
		if cut {
			e.Set("factsTruncated", &types.AttributeValueMemberBOOL{Value: true})
		} else {
			e.Remove("factsTruncated")
		}
	}
	if r := o.Result; r != nil {
		setOrRemove(e, "sha256", r.Policy.SHA256)
		setOrRemove(e, "format", r.Policy.Format)
		setOrRemove(e, "encoding", r.Policy.Encoding)
		if r.Policy.Pages > 0 {
			e.Set("pages", num(int64(r.Policy.Pages)))
		} else {
			e.Remove("pages")
		}
	} else {
		e.Remove("sha256", "format", "encoding", "pages")
	}
	stale := staleGens(prev, gen)
	if len(stale) > 0 {
		e.Add("staleGens", &types.AttributeValueMemberSS{Value: stale})
	}
	cond := fmt.Sprintf("%s = %s", e.n("seq"), e.v(str(v.Seq)))
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       policyKey(id),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
	})
	if err != nil {
		if isConditionFailed(err) {
			return ErrSuperseded
		}
		return fmt.Errorf("finish policy %s: %w", id, err)
	}
	return s.sweep(ctx, id, v.Seq, stale, false)
}

// staleGens lists the generations of prev that are not gen.
func staleGens(prev *Policy, gen string) []string {
	if prev == nil {
		return nil
	}
	var out []string
	for _, g := range append([]string{prev.Gen}, prev.StaleGens...) {
		if g != "" && g != gen && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

// claim applies the update e to the policy of version v, recording v's
// object and order token, on condition that no event at least as new has
// been applied: the item is absent, its seq is older, or it is this same
// event, redelivered, and the item is still in state again (an unfinished
// claim). A failed condition is ErrSuperseded.
func (s *Store) claim(ctx context.Context, v policy.Version, again policy.Status, e *expr, rv types.ReturnValue) (*dynamodb.UpdateItemOutput, error) {
	id, seq := v.ID, v.Seq
	e.Set("type", str(typePolicy))
	e.Set("id", str(id))
	e.Set("bucket", str(v.Bucket))
	e.Set("key", str(v.Key))
	e.Set("seq", str(seq))
	cond := fmt.Sprintf("attribute_not_exists(%s) OR %s < %s OR (%s = %s AND %s = %s)",
		e.n(topology.PartitionKey), e.n("seq"), e.v(str(seq)),
		e.n("seq"), e.v(str(seq)), e.n("status"), e.v(str(string(again))))
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       policyKey(id),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
		ReturnValues:              rv,
	})
	if isConditionFailed(err) {
		return nil, ErrSuperseded
	}
	return out, err
}

// Remove deletes the policy of version v's object, with all its clauses,
// unless a newer event has been applied (ErrSuperseded). It leaves a
// tombstone that remembers the deletion for 30 days, so that an older
// upload event delivered late cannot bring the policy back.
func (s *Store) Remove(ctx context.Context, v policy.Version) error {
	id := v.ID
	now := s.Now()
	e := newExpr()
	e.Set("status", str(string(policy.Deleted)))
	e.Set("updatedAt", str(formatTime(now)))
	e.Set("clauses", num(0))
	e.Set(topology.TTLAttribute, num(now.Unix()+tombstoneTTLDays*24*3600))
	e.Remove(topology.ByRecency.PartitionKey, topology.ByRecency.SortKey, "versionId", "eTag", "reason",
		"sha256", "format", "encoding", "pages", "bytes", "title", "facts", "factsTruncated",
		"labelCounts", "modelVersion", "createdAt")
	out, err := s.claim(ctx, v, policy.Deleted, e, types.ReturnValueAllNew)
	if err != nil {
		return fmt.Errorf("remove policy %s: %w", id, err)
	}
	p, err := unmarshalPolicy(out.Attributes)
	if err != nil {
		return err
	}
	return s.sweep(ctx, id, v.Seq, staleGens(p, ""), true)
}

// Sweep deletes generations that p lists as replaced (and, for a tombstone,
// its last generation), finishing the work of an attempt that stopped
// before its clean-up.
func (s *Store) Sweep(ctx context.Context, p *Policy) error {
	if p == nil {
		return nil
	}
	keep := p.Gen
	if p.Status == policy.Deleted {
		keep = ""
	}
	gens := staleGens(p, keep)
	if len(gens) == 0 {
		return nil
	}
	return s.sweep(ctx, p.ID, p.Seq, gens, p.Status == policy.Deleted)
}

// sweep deletes gens of policy id, then forgets them. For a tombstone
// (tomb), it also forgets the policy's generation, provided the item still
// belongs to the event with order token seq.
func (s *Store) sweep(ctx context.Context, id, seq string, gens []string, tomb bool) error {
	if len(gens) == 0 {
		return nil
	}
	for _, g := range gens {
		if err := s.DeleteGeneration(ctx, id, g); err != nil {
			return err
		}
	}
	e := newExpr()
	e.Delete("staleGens", &types.AttributeValueMemberSS{Value: gens})
	in := &dynamodb.UpdateItemInput{TableName: &s.table, Key: policyKey(id)}
	if tomb {
		e.Remove("gen")
		cond := fmt.Sprintf("%s = %s AND %s = %s", e.n("seq"), e.v(str(seq)), e.n("status"), e.v(str(string(policy.Deleted))))
		in.ConditionExpression = &cond
	} else {
		// Only forget what is there: never recreate a deleted item.
		cond := "attribute_exists(" + e.n(topology.PartitionKey) + ")"
		in.ConditionExpression = &cond
	}
	in.UpdateExpression = e.Update()
	in.ExpressionAttributeNames = e.Names()
	in.ExpressionAttributeValues = e.Values()
	if _, err := s.db.UpdateItem(ctx, in); err != nil && !isConditionFailed(err) {
		return fmt.Errorf("forget stale generations of %s: %w", id, err)
	}
	return nil
}

// Abandon deletes what version v wrote, unless it became the current
// generation. Call it when v was superseded.
func (s *Store) Abandon(ctx context.Context, v policy.Version) error {
	p, err := s.Snapshot(ctx, v.ID)
	if err != nil {
		return err
	}
	if p != nil && p.Gen == Generation(v.Seq) && p.Status != policy.Deleted {
		return nil
	}
	return s.DeleteGeneration(ctx, v.ID, Generation(v.Seq))
}

// DeleteGeneration deletes every item of generation gen of policy id.
func (s *Store) DeleteGeneration(ctx context.Context, id, gen string) error {
	pk := genPK(id, gen)
	e := newExpr()
	kc := e.n(topology.PartitionKey) + " = " + e.v(str(pk))
	proj := e.n(topology.PartitionKey) + ", " + e.n(topology.SortKey)
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    &kc,
		ProjectionExpression:      &proj,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
		ConsistentRead:            aws.Bool(true),
	}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return fmt.Errorf("list generation %s of %s: %w", gen, id, err)
		}
		reqs := make([]types.WriteRequest, 0, len(out.Items))
		for _, it := range out.Items {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: map[string]types.AttributeValue{
				topology.PartitionKey: it[topology.PartitionKey],
				topology.SortKey:      it[topology.SortKey],
			}}})
		}
		if err := s.batchWrite(ctx, reqs); err != nil {
			return fmt.Errorf("delete generation %s of %s: %w", gen, id, err)
		}
		if len(out.LastEvaluatedKey) == 0 {
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// batchSize is the most requests BatchWriteItem takes at once.
const batchSize = 25

// batchWrite runs reqs in batches of 25, Writers at a time, retrying
// unprocessed items and throttled requests with backoff: the SDK retries
// neither the former nor, beyond a few attempts, the latter.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	if len(reqs) == 0 {
		return nil
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []types.WriteRequest)
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		lastErr error
	)
	workers := max(1, min(s.Writers, (len(reqs)+batchSize-1)/batchSize))
	for range workers {
		wg.Go(func() {
			for b := range batches {
				if err := s.writeBatch(ctx, b); err != nil {
					mu.Lock()
					if lastErr == nil {
						lastErr = err
					}
					mu.Unlock()
					cancel()
				}
			}
		})
	}
send:
	for i := 0; i < len(reqs); i += batchSize {
		select {
		case batches <- reqs[i:min(i+batchSize, len(reqs))]:
		case <-ctx.Done():
			break send
		}
	}
	close(batches)
	wg.Wait()
	if lastErr != nil {
		return lastErr
	}
	return ctx.Err()
}

func (s *Store) writeBatch(ctx context.Context, reqs []types.WriteRequest) error {
	for attempt := 0; ; attempt++ {
		out, err := s.db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{s.table: reqs},
		})
		switch {
		case err != nil && !isThrottle(err):
			return err
		case err == nil && len(out.UnprocessedItems[s.table]) == 0:
			return nil
		case err == nil:
			reqs = out.UnprocessedItems[s.table]
		}
		if attempt+1 >= s.Retry.Attempts {
			if err != nil {
				return fault.Wrap(fault.Throttled, err, fmt.Sprintf("still throttled after %d attempts: %v", attempt+1, err))
			}
			return fault.E(fault.Throttled, "%d items still unprocessed after %d attempts", len(reqs), attempt+1)
		}
		if werr := s.Retry.wait(ctx, attempt); werr != nil {
			return werr
		}
	}
}

func policyKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		topology.PartitionKey: str(policyPK(id)),
		topology.SortKey:      str(policySortKey),
	}
}

func setOrRemove(e *expr, a, v string) {
	if v == "" {
		e.Remove(a)
	} else {
		e.Set(a, str(v))
	}
}

func isConditionFailed(err error) bool {
	var cf *types.ConditionalCheckFailedException
	return errors.As(err, &cf)
}

// isThrottle reports errors that mean "slow down and try again".
func isThrottle(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
		return true
	}
	return false
}
