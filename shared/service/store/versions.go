package store

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// The history of a policy. Every READY analysis is a version: its clause
// items, label entries and a version item (sort key "V") share the
// partition of its generation, and the policy item lists the kept
// versions, newest first, with what a listing of them shows. Readers find
// a version through that list only, so a version item written before its
// switch (or left by a claim that never switched) is never seen. When a
// version stops being current its label entries are deleted (it leaves
// the byLabel index, which lists current versions only); when it falls out
// of the newest KeepVersions its generation is deleted like any replaced
// generation.

// versionSortKey is the sort key of the version item of a generation.
const versionSortKey = "V"

// maxVersionIDBytes bounds the version ids kept (S3's are 32 characters).
const maxVersionIDBytes = 1 << 10

// maxUpdatedBytes bounds the last-updated date a version entry shows.
const maxUpdatedBytes = 64

// VersionEntry is one kept version as the policy item lists it.
type VersionEntry struct {
	// Version is the version's id (see VersionID).
	Version string `dynamodbav:"version"`
	// Gen is the generation holding its clauses.
	Gen string `dynamodbav:"gen"`
	// Received is when S3 received the object (its Last-Modified time).
	Received string `dynamodbav:"received"`
	SHA256   string `dynamodbav:"sha256,omitempty"`
	Clauses  int    `dynamodbav:"clauses"`
	// Updated is the policy's own last-updated date: the ISO date when it
	// parses, else as written.
	Updated string `dynamodbav:"updated,omitempty"`
	// The versions of the models and rules that analysed it
	// (policy.Summary): two versions of the same bytes differ by them.
	ModelVersion          string `dynamodbav:"modelVersion,omitempty"`
	AttributeModelVersion string `dynamodbav:"attributeModelVersion,omitempty"`
	AnalysisVersion       string `dynamodbav:"analysisVersion,omitempty"`
}

// AnalysedBy returns the versions of the models and rules that analysed
// the version.
func (e *VersionEntry) AnalysedBy() policy.Versions {
	return policy.Versions{ModelVersion: e.ModelVersion, AttributeModelVersion: e.AttributeModelVersion, AnalysisVersion: e.AnalysisVersion}
}

// VersionID returns the id of the version claim c records for object
// version v: the S3 version id in a versioned bucket, otherwise the
// claim's generation (16 hexadecimal digits, unique and never reused).
func VersionID(v policy.Version, c Claim) string {
	if v.VersionID != "" {
		id, _ := truncateUTF8(v.VersionID, maxVersionIDBytes)
		return id
	}
	return c.Gen
}

// Latest returns the newest kept version, nil when there is none.
func (p *Policy) Latest() *VersionEntry {
	if p == nil || len(p.Versions) == 0 {
		return nil
	}
	return &p.Versions[0]
}

// Find returns the kept version with the given id, nil when there is none.
func (p *Policy) Find(version string) *VersionEntry {
	for i := range p.Versions {
		if p.Versions[i].Version == version {
			return &p.Versions[i]
		}
	}
	return nil
}

// FindGen returns the kept version of generation gen, nil when there is
// none.
func (p *Policy) FindGen(gen string) *VersionEntry {
	for i := range p.Versions {
		if p.Versions[i].Gen == gen {
			return &p.Versions[i]
		}
	}
	return nil
}

// keeps reports whether gen holds one of p's kept versions.
func (p *Policy) keeps(gen string) bool { return gen != "" && p.FindGen(gen) != nil }

// newEntry describes the version claim c records for v with analysis res.
func newEntry(v policy.Version, c Claim, res *policy.Analysis, received time.Time) VersionEntry {
	e := VersionEntry{
		Version: VersionID(v, c), Gen: c.Gen, Received: formatTime(received),
		SHA256: res.Policy.SHA256, Clauses: len(res.Clauses),
		ModelVersion: res.Policy.ModelVersion, AttributeModelVersion: res.Policy.AttributeModelVersion,
		AnalysisVersion: res.Policy.AnalysisVersion,
	}
	if d := res.Policy.Updated; d != nil {
		e.Updated = d.ISO
		if e.Updated == "" {
			e.Updated = d.AsWritten
		}
		e.Updated, _ = truncateUTF8(e.Updated, maxUpdatedBytes)
	}
	return e
}

// nextVersions returns the kept versions after add becomes the newest
// (an older entry of the same version id is replaced), at most keep of
// them, and the generations of the entries that fell out.
func nextVersions(prev []VersionEntry, add VersionEntry, keep int) (list []VersionEntry, dropped []string) {
	list = append(list, add)
	for _, e := range prev {
		if e.Gen == add.Gen {
			continue
		}
		if e.Version == add.Version || len(list) >= keep {
			dropped = append(dropped, e.Gen)
			continue
		}
		list = append(list, e)
	}
	return list, dropped
}

// keptGens lists the generations of versions.
func keptGens(versions []VersionEntry) []string {
	out := make([]string, 0, len(versions))
	for _, e := range versions {
		out = append(out, e.Gen)
	}
	return out
}

// versionItem is the version item of claim c for version v: what the
// version is, and its change event if one is due.
func versionItem(v policy.Version, c Claim, entry VersionEntry, o Outcome, from string) (map[string]types.AttributeValue, error) {
	r := o.Result.Policy
	item := map[string]types.AttributeValue{
		topology.PartitionKey: str(genPK(v.ID, c.Gen)),
		topology.SortKey:      str(versionSortKey),
		"type":                str(typeVersion),
		"id":                  str(v.ID),
		"gen":                 str(c.Gen),
		"version":             str(entry.Version),
		"received":            str(entry.Received),
		"clauses":             num(int64(entry.Clauses)),
	}
	for name, val := range map[string]string{"sha256": r.SHA256, "format": r.Format, "encoding": r.Encoding,
		"language": r.Language, "modelVersion": r.ModelVersion, "attributeModelVersion": r.AttributeModelVersion,
		"analysisVersion": r.AnalysisVersion, "from": from} {
		if val != "" {
			item[name] = str(val)
		}
	}
	if r.Pages > 0 {
		item["pages"] = num(int64(r.Pages))
	}
	if o.Bytes > 0 {
		item["bytes"] = num(o.Bytes)
	}
	f, cut, err := factsValue(r.Facts)
	if err != nil {
		return nil, err
	}
	item["facts"] = f
	if cut {
		item["factsTruncated"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	counts, err := attributevalue.Marshal(r.LabelCounts)
	if err != nil {
		return nil, fmt.Errorf("marshal label counts: %w", err)
	}
	item["labelCounts"] = counts
	if o.Event != nil {
		item["event"] = str(string(o.Event))
		item["eventState"] = str(eventPending)
		// The claim holds the event until its invocation can no longer
		// run: no other delivery sends it meanwhile.
		item["eventHolder"] = str(c.Gen)
		item["eventLease"] = num(o.EventLease.Unix())
	}
	return item, nil
}

// The states of a version's change event.
const (
	eventPending = "pending"
	eventSent    = "sent"
)

// ErrEventInFlight reports a change event that another delivery holds and
// may be sending: try again later (it is sent by then, or its holder gave
// up). Its kind is fault.Throttled.
var ErrEventInFlight error = &fault.Error{Kind: fault.Throttled, Detail: "a change event of this policy is being sent by another delivery"}

// TakeEvent takes the change event of generation gen of policy id for
// holder until the given time, and returns its detail. It returns nil when
// there is nothing to send (the event was sent, or its version is gone),
// and forgets gen in the policy's Notify then; ErrEventInFlight when
// another holder's lease has not run out.
func (s *Store) TakeEvent(ctx context.Context, id, gen, holder string, until time.Time) ([]byte, error) {
	now := s.Now()
	e := newExpr()
	e.Set("eventLease", num(until.Unix()))
	e.Set("eventHolder", str(holder))
	cond := fmt.Sprintf("%s = %s AND (attribute_not_exists(%s) OR %s < %s OR %s = %s)",
		e.n("eventState"), e.v(str(eventPending)), e.n("eventLease"), e.n("eventLease"), e.v(num(now.Unix())),
		e.n("eventHolder"), e.v(str(holder)))
	out, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       versionKey(id, gen),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
		ReturnValues:              types.ReturnValueAllNew,
	})
	if err == nil {
		if ev, ok := out.Attributes["event"].(*types.AttributeValueMemberS); ok {
			return []byte(ev.Value), nil
		}
		return nil, fmt.Errorf("the change event of %s generation %s has no detail", id, gen)
	}
	if !isConditionFailed(err) {
		return nil, fmt.Errorf("take the change event of %s: %w", id, err)
	}
	got, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table, Key: versionKey(id, gen), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("eventState"),
	})
	if err != nil {
		return nil, fmt.Errorf("read the change event of %s: %w", id, err)
	}
	if st, ok := got.Item["eventState"].(*types.AttributeValueMemberS); ok && st.Value == eventPending {
		return nil, ErrEventInFlight
	}
	return nil, s.forgetEvent(ctx, id, gen)
}

// EventSent records that the change event of generation gen of policy id
// was sent as eventID.
func (s *Store) EventSent(ctx context.Context, id, gen, eventID string) error {
	e := newExpr()
	e.Set("eventState", str(eventSent))
	e.Set("eventSentAt", str(formatTime(s.Now())))
	if eventID != "" {
		e.Set("eventId", str(eventID))
	}
	e.Remove("eventLease", "eventHolder")
	cond := "attribute_exists(" + e.n(topology.PartitionKey) + ")"
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       versionKey(id, gen),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("record the change event of %s as sent: %w", id, err)
	}
	return s.forgetEvent(ctx, id, gen)
}

// forgetEvent removes gen from the policy's Notify.
func (s *Store) forgetEvent(ctx context.Context, id, gen string) error {
	e := newExpr()
	e.Delete("notify", &types.AttributeValueMemberSS{Value: []string{gen}})
	cond := "attribute_exists(" + e.n(topology.PartitionKey) + ")"
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:                 &s.table,
		Key:                       policyKey(id),
		UpdateExpression:          e.Update(),
		ConditionExpression:       &cond,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
	})
	if err != nil && !isConditionFailed(err) {
		return fmt.Errorf("forget the change event of %s: %w", id, err)
	}
	return nil
}

func versionKey(id, gen string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		topology.PartitionKey: str(genPK(id, gen)),
		topology.SortKey:      str(versionSortKey),
	}
}

// ReadVersion returns the analysis of generation gen of policy id as far
// as a comparison needs it: the clauses' ordinals, headings, texts,
// labels, attributes and mentions, and the version's summary and key
// facts. A version that is being deleted (it fell out of the history
// meanwhile) is ErrGenerationChanged.
func (s *Store) ReadVersion(ctx context.Context, id, gen string) (*policy.Analysis, error) {
	// The version item sorts after the clause items and is deleted last:
	// read the clauses first, then check that it is still there and that
	// they are all there.
	e := newExpr()
	kc := fmt.Sprintf("%s = %s AND %s BETWEEN %s AND %s", e.n(topology.PartitionKey), e.v(str(genPK(id, gen))),
		e.n(topology.SortKey), e.v(str(clauseSK(0))), e.v(str(clauseSK(maxOrdinal()))))
	proj := e.n("ordinal") + ", " + e.n("heading") + ", " + e.n("text") + ", " + e.n("labels") + ", " + e.n("attrs") + ", " + e.n("ments")
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    &kc,
		ProjectionExpression:      &proj,
		ExpressionAttributeNames:  e.Names(),
		ExpressionAttributeValues: e.Values(),
		ConsistentRead:            aws.Bool(true),
	}
	a := &policy.Analysis{}
	for {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read version %s of %s: %w", gen, id, err)
		}
		for _, it := range out.Items {
			var c Clause
			if err := attributevalue.UnmarshalMap(it, &c); err != nil {
				return nil, fmt.Errorf("read clause item: %w", err)
			}
			pc := policy.Clause{Ordinal: c.Ordinal, Heading: c.Heading, Text: c.Text, Labels: make([]policy.LabelScore, len(c.Labels))}
			for i, l := range c.Labels {
				pc.Labels[i] = policy.LabelScore{Label: l.Label, Score: l.Score}
			}
			for _, at := range c.Attributes {
				pc.Attributes = append(pc.Attributes, at.Domain())
			}
			for _, m := range c.Mentions {
				pc.Mentions = append(pc.Mentions, m.Domain())
			}
			a.Clauses = append(a.Clauses, pc)
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	vi, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: versionKey(id, gen), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, fmt.Errorf("read version %s of %s: %w", gen, id, err)
	}
	if len(vi.Item) == 0 {
		return nil, ErrGenerationChanged
	}
	var rec struct {
		SHA256       string         `dynamodbav:"sha256"`
		Format       string         `dynamodbav:"format"`
		Encoding     string         `dynamodbav:"encoding"`
		Language     string         `dynamodbav:"language"`
		Pages        int            `dynamodbav:"pages"`
		Bytes        int            `dynamodbav:"bytes"`
		Clauses      int            `dynamodbav:"clauses"`
		LabelCounts  map[string]int `dynamodbav:"labelCounts"`
		ModelVersion string         `dynamodbav:"modelVersion"`
		AttrVersion  string         `dynamodbav:"attributeModelVersion"`
		Analysis     string         `dynamodbav:"analysisVersion"`
	}
	if err := attributevalue.UnmarshalMap(vi.Item, &rec); err != nil {
		return nil, fmt.Errorf("read version item: %w", err)
	}
	if rec.Clauses != len(a.Clauses) {
		return nil, ErrGenerationChanged
	}
	a.Policy = policy.Summary{SHA256: rec.SHA256, Format: rec.Format, Encoding: rec.Encoding, Language: rec.Language, Pages: rec.Pages,
		Bytes: rec.Bytes, Clauses: rec.Clauses, LabelCounts: rec.LabelCounts,
		Versions: policy.Versions{ModelVersion: rec.ModelVersion, AttributeModelVersion: rec.AttrVersion, AnalysisVersion: rec.Analysis}}
	if av, ok := vi.Item["facts"]; ok {
		if err := unmarshalFacts(av, &a.Policy.Facts); err != nil {
			return nil, fmt.Errorf("read version facts: %w", err)
		}
	}
	slices.SortFunc(a.Clauses, func(x, y policy.Clause) int { return x.Ordinal - y.Ordinal })
	return a, nil
}
