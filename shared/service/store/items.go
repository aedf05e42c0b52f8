package store

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// Item types, stored in the "type" attribute of every item.
const (
	typePolicy  = "policy"
	typeClause  = "clause"
	typeLabel   = "label"
	typeVersion = "version"
)

// Limits that keep every item far below DynamoDB's 400 KB: the segmenter
// bounds clauses to 2,000 code points, but the store does not rely on it.
const (
	maxTextBytes    = 64 << 10 // clause text, UTF-8
	maxHeadings     = 16       // heading path depth
	maxHeadingBytes = 1 << 10  // one heading
	maxTitleBytes   = 1 << 10
	maxReasonBytes  = 2 << 10
	maxFactItems    = 50        // entries of each key-fact list
	maxFactBytes    = 1 << 10   // one key-fact entry
	maxFactsBytes   = 200 << 10 // all key facts of a policy
	maxNotes        = 8         // analysis notes of a policy
	maxNoteBytes    = 1 << 10   // one note
)

// tombstoneTTL is how long a deletion is remembered. An event older than
// the deletion that arrives later than this (only possible from a
// dead-letter queue redriven weeks later) is processed as new.
const tombstoneTTLDays = 30

// Policy is the stored record of one policy object.
type Policy struct {
	ID        string `dynamodbav:"id"`
	Bucket    string `dynamodbav:"bucket"`
	Key       string `dynamodbav:"key"`
	VersionID string `dynamodbav:"versionId,omitempty"`
	ETag      string `dynamodbav:"eTag,omitempty"`
	// Seq is the order token of the event that last claimed the policy.
	Seq string `dynamodbav:"seq"`
	// Rev is the item's revision: a random value that every claim and
	// every outcome replaces. A conditional write names the revision it
	// read, so that it fails when anyone else changed the policy since.
	Rev string `dynamodbav:"rev,omitempty"`
	// PendingVersionID and PendingETag name the object a PROCESSING
	// policy is being analysed for (VersionID and ETag still name the
	// previous version, whose clauses are the ones shown).
	PendingVersionID string `dynamodbav:"pendingVersionId,omitempty"`
	PendingETag      string `dynamodbav:"pendingETag,omitempty"`
	// Retryable marks a FAILED policy whose failure was not the file's:
	// its message ran out of deliveries. The same object is processed again
	// when its event is delivered again (a redrive from the dead-letter
	// queue).
	Retryable bool `dynamodbav:"retryable,omitempty"`
	// Gen is the generation holding the current clauses; empty when there
	// are none.
	Gen    string        `dynamodbav:"gen,omitempty"`
	Status policy.Status `dynamodbav:"status"`
	// Reason says, for a FAILED policy, why it could not be analysed and
	// what to do about it.
	Reason   string `dynamodbav:"reason,omitempty"`
	SHA256   string `dynamodbav:"sha256,omitempty"`
	Format   string `dynamodbav:"format,omitempty"`
	Encoding string `dynamodbav:"encoding,omitempty"`
	// Language is the ISO 639-1 code of the policy's language.
	Language string `dynamodbav:"language,omitempty"`
	// Notes are the current version's analysis notes (policy.Summary).
	Notes          []string       `dynamodbav:"notes,omitempty"`
	Pages          int            `dynamodbav:"pages,omitempty"`
	Bytes          int64          `dynamodbav:"bytes,omitempty"`
	Title          string         `dynamodbav:"title,omitempty"`
	Facts          policy.Facts   `dynamodbav:"-"`
	FactsTruncated bool           `dynamodbav:"factsTruncated,omitempty"`
	LabelCounts    map[string]int `dynamodbav:"labelCounts,omitempty"`
	// AttrCounts counts the current version's clauses stating each value,
	// attribute and mention kind (see AttributeCounts).
	AttrCounts   map[string]int `dynamodbav:"attrCounts,omitempty"`
	Clauses      int            `dynamodbav:"clauses"`
	ModelVersion string         `dynamodbav:"modelVersion,omitempty"`
	// AttributeModelVersion is the attribute model's, as ModelVersion is
	// the label model's.
	AttributeModelVersion string `dynamodbav:"attributeModelVersion,omitempty"`
	// AnalysisVersion is the rules' version (policy.Summary). The three
	// are fields of their own, not a policy.Versions, so that the item's
	// attribute names stay those of the store's tags.
	AnalysisVersion string `dynamodbav:"analysisVersion,omitempty"`
	CreatedAt       string `dynamodbav:"createdAt,omitempty"`
	UpdatedAt       string `dynamodbav:"updatedAt"`
	// StaleGens lists generations replaced but not yet deleted.
	StaleGens []string `dynamodbav:"staleGens,stringset,omitempty"`
	// Version is the id of the kept version whose analysis is current
	// (Gen's); see VersionID. Empty when there is none.
	Version string `dynamodbav:"version,omitempty"`
	// Versions are the kept versions, newest first: the current one (if
	// the policy is READY or PROCESSING after a READY version) and the
	// previous READY versions, at most the store's KeepVersions.
	Versions []VersionEntry `dynamodbav:"versions,omitempty"`
	// RetiredGens lists generations that stopped being current but are
	// kept as versions, whose label entries (and so their place in the
	// byLabel index) are not yet deleted.
	RetiredGens []string `dynamodbav:"retiredGens,stringset,omitempty"`
	// Notify lists the generations whose change event may not have been
	// sent yet (see TakeEvent).
	Notify []string `dynamodbav:"notify,stringset,omitempty"`
	// position is the policy's byRecency sort key.
	position string
}

// Object returns the S3 object version and entity tag the item is about:
// the object being analysed while the policy is PROCESSING, the analysed
// one otherwise, none for a tombstone.
func (p *Policy) Object() (versionID, eTag string) {
	switch p.Status {
	case policy.Processing:
		return p.PendingVersionID, p.PendingETag
	case policy.Deleted:
		return "", ""
	}
	return p.VersionID, p.ETag
}

// Clause is one stored clause.
type Clause struct {
	Ordinal int      `dynamodbav:"ordinal"`
	Heading []string `dynamodbav:"heading"`
	Text    string   `dynamodbav:"text"`
	// Truncated is set when Text was cut to fit the item size limit.
	Truncated bool               `dynamodbav:"truncated,omitempty"`
	Start     int                `dynamodbav:"start"`
	End       int                `dynamodbav:"end"`
	Page      int                `dynamodbav:"page,omitempty"`
	Labels    []LabelScore       `dynamodbav:"labels"`
	Scores    map[string]float64 `dynamodbav:"scores"`
	// Top is the highest of the clause's scores.
	Top float64 `dynamodbav:"top"`
	// Slugs are the slugs of the labels the clause carries, for listings
	// by label of versions that are no longer current (whose label
	// entries are deleted).
	Slugs []string `dynamodbav:"slugs,stringset,omitempty"`
	// Attributes and Mentions are the clause's, bounded (see
	// storedAttributes).
	Attributes []Attr    `dynamodbav:"attrs,omitempty"`
	Mentions   []Mention `dynamodbav:"ments,omitempty"`
}

// LabelScore is a label a clause carries.
type LabelScore struct {
	Label string  `dynamodbav:"label"`
	Score float64 `dynamodbav:"score"`
}

// LabelClause is a clause found through one of its labels.
type LabelClause struct {
	PolicyID  string   `dynamodbav:"id"`
	Gen       string   `dynamodbav:"gen"`
	Label     string   `dynamodbav:"label"`
	Ordinal   int      `dynamodbav:"ordinal"`
	Heading   []string `dynamodbav:"heading"`
	Text      string   `dynamodbav:"text"`
	Truncated bool     `dynamodbav:"truncated,omitempty"`
	Page      int      `dynamodbav:"page,omitempty"`
	Score     float64  `dynamodbav:"score"`
	// position is the entry's byLabel sort key.
	position string
}

// clauseItems returns the items of one clause in generation gen of policy
// id: the clause item, one label entry per label it carries and its
// attribute index entries.
func clauseItems(id, gen string, c policy.Clause, shards int) ([]map[string]types.AttributeValue, error) {
	text, truncated := truncateUTF8(c.Text, maxTextBytes)
	heading := boundStrings(c.Heading, maxHeadings, maxHeadingBytes)
	sc := Clause{
		Ordinal: c.Ordinal, Heading: heading, Text: text, Truncated: truncated,
		Start: c.Start, End: c.End, Page: c.Page,
		Labels: make([]LabelScore, 0, len(c.Labels)),
		Scores: make(map[string]float64, len(c.Scores)),
	}
	sc.Attributes, sc.Mentions = storedAttributes(c)
	for name, s := range c.Scores {
		sc.Scores[name] = s
		if s > sc.Top {
			sc.Top = s
		}
	}
	for _, l := range c.Labels {
		sc.Labels = append(sc.Labels, LabelScore{Label: l.Label, Score: l.Score})
		if i, ok := labels.Index(l.Label); ok && !slices.Contains(sc.Slugs, labels.All[i].Slug) {
			sc.Slugs = append(sc.Slugs, labels.All[i].Slug)
		}
	}
	item, err := attributevalue.MarshalMap(sc)
	if err != nil {
		return nil, fmt.Errorf("marshal clause %d: %w", c.Ordinal, err)
	}
	item[topology.PartitionKey] = str(genPK(id, gen))
	item[topology.SortKey] = str(clauseSK(c.Ordinal))
	item["type"] = str(typeClause)
	items := []map[string]types.AttributeValue{item}
	for _, l := range c.Labels {
		i, ok := labels.Index(l.Label)
		if !ok {
			return nil, fmt.Errorf("clause %d has unknown label %q", c.Ordinal, l.Label)
		}
		slug := labels.All[i].Slug
		e := LabelClause{
			PolicyID: id, Gen: gen, Label: labels.All[i].Name, Ordinal: c.Ordinal,
			Heading: heading, Text: text, Truncated: truncated, Page: c.Page, Score: l.Score,
		}
		li, err := attributevalue.MarshalMap(e)
		if err != nil {
			return nil, fmt.Errorf("marshal label entry %d %s: %w", c.Ordinal, slug, err)
		}
		li[topology.PartitionKey] = str(genPK(id, gen))
		li[topology.SortKey] = str(labelSK(slug, c.Ordinal))
		li[topology.ByLabel.PartitionKey] = str(labelPK(slug, shardOf(fmt.Sprintf("%s#%d", id, c.Ordinal), shards)))
		li[topology.ByLabel.SortKey] = str(labelGSISK(l.Score, id, c.Ordinal, gen))
		li["type"] = str(typeLabel)
		items = append(items, li)
	}
	return append(items, entryItems(id, gen, c, shards)...), nil
}

// boundFacts limits the key facts to what fits a policy item, reporting
// whether anything was cut.
func boundFacts(f policy.Facts) (policy.Facts, bool) {
	cut := false
	bound := func(in []string) []string {
		out := boundStrings(in, maxFactItems, maxFactBytes)
		if len(out) != len(in) {
			cut = true
		}
		for i := range out {
			if out[i] != in[i] {
				cut = true
			}
		}
		return out
	}
	f.Emails = bound(f.Emails)
	f.URLs = bound(f.URLs)
	f.Regulations = bound(f.Regulations)
	var t bool
	f.Title, t = truncateUTF8(f.Title, maxTitleBytes)
	cut = cut || t
	f.Company, t = truncateUTF8(f.Company, maxTitleBytes)
	cut = cut || t
	if f.Updated != nil {
		d := *f.Updated
		var a, b bool
		d.AsWritten, a = truncateUTF8(d.AsWritten, maxFactBytes)
		d.ISO, b = truncateUTF8(d.ISO, maxFactBytes)
		cut = cut || a || b
		f.Updated = &d
	}
	return f, cut
}

// marshalFacts stores key facts under their JSON names, so that fields the
// facts package adds later are stored without changes here.
func marshalFacts(f policy.Facts) (types.AttributeValue, error) {
	return attributevalue.MarshalWithOptions(f, func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
}

func unmarshalFacts(av types.AttributeValue, f *policy.Facts) error {
	return attributevalue.UnmarshalWithOptions(av, f, func(o *attributevalue.DecoderOptions) { o.TagKey = "json" })
}

// unmarshalPolicy reads a policy item.
func unmarshalPolicy(item map[string]types.AttributeValue) (*Policy, error) {
	var p Policy
	if err := attributevalue.UnmarshalMap(item, &p); err != nil {
		return nil, fmt.Errorf("read policy item: %w", err)
	}
	if av, ok := item["facts"]; ok {
		if err := unmarshalFacts(av, &p.Facts); err != nil {
			return nil, fmt.Errorf("read policy facts: %w", err)
		}
	}
	if av, ok := item[topology.ByRecency.SortKey].(*types.AttributeValueMemberS); ok {
		p.position = av.Value
	}
	return &p, nil
}

// truncateUTF8 cuts s to at most n bytes at a character boundary.
func truncateUTF8(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n], true
}

// boundNotes keeps the first maxNotes notes of maxNoteBytes each: an
// analysis gives two or three short ones.
func boundNotes(notes []string) []string {
	return boundStrings(notes, maxNotes, maxNoteBytes)
}

// boundStrings keeps at most n strings of at most size bytes each; it never
// returns nil.
func boundStrings(in []string, n, size int) []string {
	if len(in) > n {
		in = in[:n]
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i], _ = truncateUTF8(s, size)
	}
	return out
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: fmt.Sprint(n)}
}

// itemSize estimates the stored size of an item as DynamoDB counts it:
// attribute names plus values.
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + avSize(v)
	}
	return n
}

func avSize(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + avSize(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + avSize(e)
		}
		return n
	}
	return 0
}

// AnalysedBy returns the versions of the models and rules that analysed
// the policy's current version.
func (p *Policy) AnalysedBy() policy.Versions {
	return policy.Versions{ModelVersion: p.ModelVersion, AttributeModelVersion: p.AttributeModelVersion, AnalysisVersion: p.AnalysisVersion}
}
