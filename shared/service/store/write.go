package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

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
	// Retryable marks a failure that is not the file's (its message ran out
	// of deliveries): the policy is processed again when the same event is
	// delivered again.
	Retryable bool
	// Bytes is the object's size.
	Bytes int64
	// Unchanged records an object that holds the same bytes as the
	// policy's current version (the same SHA-256): the object is recorded,
	// the analysis, its generation and the history stay as they are.
	Unchanged bool
	// Received is when S3 received the object (zero: now), the time its
	// version shows.
	Received time.Time
	// Event, when set, is the detail of the change event the new version
	// is to send once it is current: it is recorded as pending with the
	// version, held by the claim until EventLease, and listed in the
	// policy's Notify (see TakeEvent and EventSent).
	Event      []byte
	EventLease time.Time
}

// Claim is the right to record one version of a policy, taken by Begin.
type Claim struct {
	// Rev is the revision Begin wrote; Finish succeeds only while the item
	// still has it.
	Rev string
	// Gen is the generation the claim writes its clauses to: its own, so
	// that no two claims ever write to the same partition.
	Gen string
	// Prev is the item as it was before the claim (nil for a new policy),
	// with the generation of an unfinished claim it replaced among its
	// stale generations.
	Prev *Policy
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

// newRev returns a fresh revision: 64 random bits in hexadecimal.
func newRev() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("store: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return hex.EncodeToString(b[:])
}

// Begin claims the policy for version v and marks it PROCESSING, provided
// the item is still seen, the snapshot the caller decided on (nil: there
// is no item); otherwise someone else changed the policy meanwhile and
// Begin returns ErrSuperseded, and the caller should look again. The
// clauses of the previous version stay visible until Finish. Claiming a
// policy that another claim left PROCESSING (a crashed or timed-out
// attempt) takes over from it: that claim's generation becomes stale.
func (s *Store) Begin(ctx context.Context, v policy.Version, seen *Policy) (Claim, error) {
	id := v.ID
	rev := newRev()
	now := formatTime(s.Now())
	e := newExpr()
	e.Set("status", str(string(policy.Processing)))
	e.Set("updatedAt", str(now))
	e.SetIfMissing("createdAt", str(now))
	e.SetIfMissing("clauses", num(0))
	e.Set(topology.ByRecency.PartitionKey, str(recencyPK(shardOf(id, s.shards()))))
	e.Set(topology.ByRecency.SortKey, str(recencySK(now, id)))
	setOrRemove(e, "pendingVersionId", v.VersionID)
	setOrRemove(e, "pendingETag", v.ETag)
	e.Remove(topology.TTLAttribute, "retryable")
	var prev *Policy
	if seen != nil {
		p := *seen
		p.StaleGens = slices.Clone(p.StaleGens)
		if g := unfinishedGen(seen); g != "" {
			p.StaleGens = append(p.StaleGens, g)
			e.Add("staleGens", &types.AttributeValueMemberSS{Value: []string{g}})
		}
		prev = &p
	}
	if err := s.claim(ctx, v, rev, seen, e, nil); err != nil {
		return Claim{}, fmt.Errorf("begin policy %s: %w", id, err)
	}
	return Claim{Rev: rev, Gen: rev, Prev: prev}, nil
}

// unfinishedGen returns the generation an unfinished claim of p may have
// written to: a PROCESSING item's revision is its claim's generation.
func unfinishedGen(p *Policy) string {
	if p.Status != policy.Processing || p.Rev == "" || p.Rev == p.Gen {
		return ""
	}
	return p.Rev
}

// WriteClauses writes the clauses of res to the generation of claim c. It
// can run again for the same claim: it writes the same items.
func (s *Store) WriteClauses(ctx context.Context, v policy.Version, c Claim, res *policy.Analysis) error {
	id := v.ID
	var reqs []types.WriteRequest
	for _, cl := range res.Clauses {
		items, err := clauseItems(id, c.Gen, cl, s.shards())
		if err != nil {
			return err
		}
		for _, it := range items {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: it}})
		}
	}
	sum, err := summaryItem(id, c.Gen, res.Privacy)
	if err != nil {
		return err
	}
	reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: sum}})
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("write clauses of %s: %w", id, err)
	}
	return nil
}

// Finish records the outcome of version v and makes the generation of
// claim c the current one, provided c still holds the policy; otherwise it
// returns ErrSuperseded and the caller should Abandon. A READY analysis
// becomes the newest kept version (its version item is written first, in
// its generation, and is invisible until the switch lists it); the
// previous current version stays kept, but leaves the byLabel index; a
// version that falls out of the newest KeepVersions is deleted, as are the
// generations of unfinished claims. The clean-up runs once the switch is
// made; when it fails, the policy lists what is left to do (StaleGens,
// RetiredGens) and the next Sweep does it.
func (s *Store) Finish(ctx context.Context, v policy.Version, c Claim, o Outcome) error {
	id := v.ID
	failed := o.Reason != ""
	unchanged := !failed && o.Unchanged
	if unchanged && (c.Prev == nil || c.Prev.Gen == "") {
		return fmt.Errorf("finish policy %s: an unchanged object needs a current version", id)
	}
	gen := c.Gen
	var versions, dropped []string
	var prevVersions []VersionEntry
	if c.Prev != nil {
		prevVersions = c.Prev.Versions
	}
	list := prevVersions
	var entry VersionEntry
	switch {
	case failed:
		gen = ""
	case unchanged:
		gen = c.Prev.Gen
	default:
		received := o.Received
		if received.IsZero() {
			received = s.Now()
		}
		entry = newEntry(v, c, o.Result, received)
		list, dropped = nextVersions(prevVersions, entry, s.keepVersions())
		from := ""
		if l := c.Prev.Latest(); l != nil {
			from = l.Version
		}
		item, err := versionItem(v, c, entry, o, from)
		if err != nil {
			return err
		}
		if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item}); err != nil {
			return fmt.Errorf("write version of %s: %w", id, err)
		}
	}
	versions = keptGens(list)
	now := formatTime(s.Now())
	rev := newRev()
	e := newExpr()
	// The counters follow the current version: what it states replaces
	// what the previous one stated (nothing for a failure; an unchanged
	// object changes nothing).
	var oldCounts, newCounts map[string]int
	if c.Prev != nil {
		oldCounts = c.Prev.AttrCounts
	}
	status := policy.Ready
	if failed {
		status = policy.Failed
	}
	e.Set("status", str(string(status)))
	e.Set("rev", str(rev))
	e.Set("updatedAt", str(now))
	e.Set(topology.ByRecency.PartitionKey, str(recencyPK(shardOf(id, s.shards()))))
	e.Set(topology.ByRecency.SortKey, str(recencySK(now, id)))
	setOrRemove(e, "versionId", v.VersionID)
	setOrRemove(e, "eTag", v.ETag)
	e.Remove("pendingVersionId", "pendingETag")
	if o.Bytes > 0 {
		e.Set("bytes", num(o.Bytes))
	} else if !unchanged {
		e.Remove("bytes")
	}
	switch {
	case failed:
		reason, _ := truncateUTF8(o.Reason, maxReasonBytes)
		e.Set("reason", str(reason))
		e.Set("clauses", num(0))
		e.Remove("gen", "version", "labelCounts", "modelVersion", "attributeModelVersion", "analysisVersion", "title", "facts", "factsTruncated", countsAttribute)
		if o.Retryable {
			e.Set("retryable", &types.AttributeValueMemberBOOL{Value: true})
		} else {
			e.Remove("retryable")
		}
	case unchanged:
		// The analysis and everything describing it stay.
		e.Remove("reason", "retryable")
	default:
		e.Remove("reason", "retryable")
		e.Set("gen", str(gen))
		e.Set("version", str(entry.Version))
		history, err := attributevalue.Marshal(list)
		if err != nil {
			return fmt.Errorf("marshal versions: %w", err)
		}
		e.Set("versions", history)
		e.Set("clauses", num(int64(len(o.Result.Clauses))))
		counts, err := attributevalue.Marshal(o.Result.Policy.LabelCounts)
		if err != nil {
			return fmt.Errorf("marshal label counts: %w", err)
		}
		e.Set("labelCounts", counts)
		newCounts = attributeCounts(o.Result)
		ac, err := attributevalue.Marshal(newCounts)
		if err != nil {
			return fmt.Errorf("marshal attribute counts: %w", err)
		}
		e.Set(countsAttribute, ac)
		setOrRemove(e, "modelVersion", o.Result.Policy.ModelVersion)
		setOrRemove(e, "attributeModelVersion", o.Result.Policy.AttributeModelVersion)
		setOrRemove(e, "analysisVersion", o.Result.Policy.AnalysisVersion)
		fav, cut, err := factsValue(o.Result.Policy.Facts)
		if err != nil {
			return err
		}
		setOrRemove(e, "title", boundTitle(o.Result.Policy.Facts.Title))
		setOrRemove(e, companyKeyAttribute, boundTitle(CompanyKey(o.Result.Policy.Facts.Company)))
		e.Set("facts", fav)
		if cut {
			e.Set("factsTruncated", &types.AttributeValueMemberBOOL{Value: true})
		} else {
			e.Remove("factsTruncated")
		}
		if o.Event != nil {
			e.Add("notify", &types.AttributeValueMemberSS{Value: []string{gen}})
		}
	}
	if r := o.Result; r != nil && !unchanged {
		setOrRemove(e, "sha256", r.Policy.SHA256)
		setOrRemove(e, "format", r.Policy.Format)
		setOrRemove(e, "encoding", r.Policy.Encoding)
		setOrRemove(e, "language", r.Policy.Language)
		if notes := boundNotes(r.Policy.Notes); len(notes) > 0 {
			e.Set("notes", strList(notes))
		} else {
			e.Remove("notes")
		}
		if r.Policy.Pages > 0 {
			e.Set("pages", num(int64(r.Policy.Pages)))
		} else {
			e.Remove("pages")
		}
	} else if !unchanged {
		e.Remove("sha256", "format", "encoding", "language", "notes", "pages")
	}
	stale := without(append(staleGens(c.Prev, gen), dropped...), append(versions, gen)...)
	if len(stale) > 0 {
		e.Add("staleGens", &types.AttributeValueMemberSS{Value: stale})
	}
	var retired []string
	if p := c.Prev; p != nil {
		if p.Gen != "" && p.Gen != gen && slices.Contains(versions, p.Gen) {
			retired = append(retired, p.Gen)
			e.Add("retiredGens", &types.AttributeValueMemberSS{Value: []string{p.Gen}})
		}
		retired = without(append(retired, p.RetiredGens...), append(stale, gen)...)
	}
	var delta map[string]map[string]int
	if !unchanged {
		delta = countDelta(oldCounts, newCounts)
	}
	cond := fmt.Sprintf("%s = %s", e.n("rev"), e.v(str(c.Rev)))
	err := s.updateCounting(ctx, id, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       policyKey(id),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
	}, delta)
	if err != nil {
		if isConditionFailed(err) {
			return ErrSuperseded
		}
		return fmt.Errorf("finish policy %s: %w", id, err)
	}
	return s.sweep(ctx, id, rev, stale, retired, false)
}

// factsValue bounds key facts to what fits an item and marshals them,
// reporting whether anything was cut.
func factsValue(facts policy.Facts) (types.AttributeValue, bool, error) {
	f, cut := boundFacts(facts)
	fav, err := marshalFacts(f)
	if err != nil {
		return nil, false, fmt.Errorf("marshal facts: %w", err)
	}
	if avSize(fav) > maxFactsBytes {
		// Facts the store does not know how to bound would make the item
		// too large: keep the title only.
		if fav, err = marshalFacts(policy.Facts{Title: f.Title, Emails: []string{}, URLs: []string{}, Regulations: []string{}}); err != nil {
			return nil, false, fmt.Errorf("marshal facts: %w", err)
		}
		cut = true
	}
	return fav, cut, nil
}

func boundTitle(t string) string {
	t, _ = truncateUTF8(t, maxTitleBytes)
	return t
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

// without returns the distinct non-empty strings of list that are not
// among drop.
func without(list []string, drop ...string) []string {
	var out []string
	for _, g := range list {
		if g != "" && !slices.Contains(drop, g) && !slices.Contains(out, g) {
			out = append(out, g)
		}
	}
	return out
}

func (s *Store) keepVersions() int {
	if s.KeepVersions <= 0 {
		return topology.DefaultKeepVersions
	}
	return s.KeepVersions
}

// claim applies the update e to the policy of version v, recording v's
// object, its order token and the new revision rev, on condition that the
// item is still seen (see unchanged). A failed condition is ErrSuperseded.
func (s *Store) claim(ctx context.Context, v policy.Version, rev string, seen *Policy, e *expr, delta map[string]map[string]int) error {
	e.Set("type", str(typePolicy))
	e.Set("id", str(v.ID))
	e.Set("bucket", str(v.Bucket))
	e.Set("key", str(v.Key))
	e.Set("seq", str(v.Seq))
	e.Set("rev", str(rev))
	cond := unchanged(e, seen)
	err := s.updateCounting(ctx, v.ID, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       policyKey(v.ID),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
	}, delta)
	if isConditionFailed(err) {
		return ErrSuperseded
	}
	return err
}

// unchanged returns the condition that the policy item is still seen: its
// revision is the same, or, for nil, there is no item.
func unchanged(e *expr, seen *Policy) string {
	switch {
	case seen == nil:
		return fmt.Sprintf("attribute_not_exists(%s)", e.n(topology.PartitionKey))
	case seen.Rev != "":
		return fmt.Sprintf("%s = %s", e.n("rev"), e.v(str(seen.Rev)))
	}
	// An item written before revisions existed: the same claim, status and
	// time of the last change.
	return fmt.Sprintf("attribute_not_exists(%s) AND %s = %s AND %s = %s AND %s = %s", e.n("rev"),
		e.n("seq"), e.v(str(seen.Seq)), e.n("status"), e.v(str(string(seen.Status))),
		e.n("updatedAt"), e.v(str(seen.UpdatedAt)))
}

// Remove deletes the policy of version v's object, with all its clauses,
// provided the item is still seen (ErrSuperseded otherwise). It leaves a
// tombstone that remembers the deletion for 30 days.
func (s *Store) Remove(ctx context.Context, v policy.Version, seen *Policy) error {
	id := v.ID
	now := s.Now()
	rev := newRev()
	e := newExpr()
	e.Set("status", str(string(policy.Deleted)))
	e.Set("updatedAt", str(formatTime(now)))
	e.Set("clauses", num(0))
	e.Set(topology.TTLAttribute, num(now.Unix()+tombstoneTTLDays*24*3600))
	e.Remove(topology.ByRecency.PartitionKey, topology.ByRecency.SortKey, "versionId", "eTag", "reason",
		"sha256", "format", "encoding", "language", "notes", "pages", "bytes", "title", "facts", "factsTruncated",
		"labelCounts", "modelVersion", "attributeModelVersion", "analysisVersion", "createdAt", "pendingVersionId", "pendingETag", "retryable",
		"version", "versions", "retiredGens", "notify", countsAttribute)
	var gens []string
	var delta map[string]map[string]int
	if seen != nil {
		// Everything goes, the history with it: the generations are
		// listed as stale until the clean-up is done.
		gens = without(append(append(append(staleGens(seen, ""), unfinishedGen(seen)), keptGens(seen.Versions)...), seen.RetiredGens...))
		delta = countDelta(seen.AttrCounts, nil)
		if add := without(gens, append(seen.StaleGens, seen.Gen)...); len(add) > 0 {
			e.Add("staleGens", &types.AttributeValueMemberSS{Value: add})
		}
	}
	if err := s.claim(ctx, v, rev, seen, e, delta); err != nil {
		return fmt.Errorf("remove policy %s: %w", id, err)
	}
	return s.sweep(ctx, id, rev, gens, nil, true)
}

// Sweep finishes the clean-up of an attempt that stopped before it was
// done: it deletes the generations p lists as replaced (and, for a
// tombstone, its last generation) and the label entries of the versions
// that stopped being current.
func (s *Store) Sweep(ctx context.Context, p *Policy) error {
	if p == nil {
		return nil
	}
	tomb := p.Status == policy.Deleted
	var stale []string
	if tomb {
		stale = staleGens(p, "")
	} else {
		stale = without(p.StaleGens, append(keptGens(p.Versions), p.Gen)...)
	}
	retired := without(p.RetiredGens, append(stale, p.Gen)...)
	return s.sweep(ctx, p.ID, p.Rev, stale, retired, tomb)
}

// sweep deletes the generations stale of policy id and the label entries
// of the generations retired, then forgets them. For a tombstone (tomb),
// it also forgets the policy's generation, provided the item still has
// revision rev.
func (s *Store) sweep(ctx context.Context, id, rev string, stale, retired []string, tomb bool) error {
	if len(stale) == 0 && len(retired) == 0 {
		return nil
	}
	for _, g := range stale {
		if err := s.DeleteGeneration(ctx, id, g); err != nil {
			return err
		}
	}
	for _, g := range retired {
		if err := s.deleteItems(ctx, id, g, entriesEnd); err != nil {
			return err
		}
	}
	e := newExpr()
	if len(stale) > 0 {
		e.Delete("staleGens", &types.AttributeValueMemberSS{Value: stale})
	}
	if len(retired) > 0 {
		e.Delete("retiredGens", &types.AttributeValueMemberSS{Value: retired})
	}
	in := &dynamodb.UpdateItemInput{TableName: &s.table, Key: policyKey(id)}
	if tomb {
		e.Remove("gen")
		cond := fmt.Sprintf("%s = %s AND %s = %s", e.n("rev"), e.v(str(rev)), e.n("status"), e.v(str(string(policy.Deleted))))
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

// Abandon deletes what claim c of version v wrote, unless it became the
// current generation. Call it when c was superseded.
func (s *Store) Abandon(ctx context.Context, v policy.Version, c Claim) error {
	p, err := s.Snapshot(ctx, v.ID)
	if err != nil {
		return err
	}
	if p != nil && p.Status != policy.Deleted && (p.Gen == c.Gen || p.keeps(c.Gen)) {
		return nil
	}
	return s.DeleteGeneration(ctx, v.ID, c.Gen)
}

// DeleteGeneration deletes every item of generation gen of policy id.
func (s *Store) DeleteGeneration(ctx context.Context, id, gen string) error {
	return s.deleteItems(ctx, id, gen, "")
}

// deleteItems deletes the items of generation gen of policy id whose sort
// key sorts before end (all of them for "").
func (s *Store) deleteItems(ctx context.Context, id, gen, end string) error {
	pk := genPK(id, gen)
	e := newExpr()
	kc := e.n(topology.PartitionKey) + " = " + e.v(str(pk))
	if end != "" {
		kc += " AND " + e.n(topology.SortKey) + " < " + e.v(str(end))
	}
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

// strList is a DynamoDB list of strings, in order.
func strList(ss []string) types.AttributeValue {
	l := make([]types.AttributeValue, len(ss))
	for i, s := range ss {
		l[i] = str(s)
	}
	return &types.AttributeValueMemberL{Value: l}
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
