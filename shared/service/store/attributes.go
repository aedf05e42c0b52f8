package store

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// Attributes and mentions. A clause item carries its attributes and
// mentions compactly (short attribute names, spans as flat lists of
// offsets). The cross-policy attribute index is made of entries like the
// label entries: items in the generation's partition that the byLabel
// index lists under a key of their own, and that are deleted when the
// version stops being current. An entry holds only what finds and orders
// it (policy, generation, ordinal, score): a listing reads the clause items
// of the entries it returns.
//
//	AV#<category>#<attribute>#<value>   clauses stating a value (slugs)
//	AP#<category>#<attribute>           clauses stating any value of an attribute
//	MV#<kind>#<mention key>             clauses mentioning a value (attributes.MentionKey)
//	MK#<kind>                           clauses with any mention of a kind
//	D + any of the above                 clauses that deny it (IndexKey.Denied)
//
// An entry's sort key in the generation partition is its index key,
// "#", the ordinal; its byLabel partition key is the index key, "#", the
// shard.
const (
	attrValuePrefix    = "AV#"
	attrPairPrefix     = "AP#"
	mentionValuePrefix = "MV#"
	mentionKindPrefix  = "MK#"
	typeEntry          = "entry"
)

// entriesEnd bounds the sort keys of the index entries of a generation:
// the label and attribute entries (AP#, AV#, DAP#, DAV#, DMK#, DMV#, L#,
// MK#, MV#) sort before
// it, the clause items (O#), the summary (S) and the version item (V) do
// not. A version that stops being current loses the items before it.
const entriesEnd = clauseSKPrefix

// Bounds of what a clause item keeps of its attributes and mentions.
const (
	maxAttributes    = 64
	maxSpans         = 8
	maxMentions      = 64
	maxNameBytes     = 256
	maxMentionBytes  = 512
	maxSummaryBytes  = 300 << 10
	maxSummaryItems  = 200 // per section
	maxItemClauses   = 500 // ordinals per summary item
	maxSummaryDetail = 50  // details per summary item
)

// IndexKey names one list of the cross-policy attribute index.
type IndexKey struct{ key string }

// AttributeKey is the list of clauses stating value of the attribute of a
// category, all slugs (see package attributes); value "" lists the clauses
// stating any value of it.
func AttributeKey(category, attribute, value string) IndexKey {
	if value == "" {
		return IndexKey{attrPairPrefix + category + "#" + attribute}
	}
	return IndexKey{attrValuePrefix + category + "#" + attribute + "#" + value}
}

// MentionIndexKey is the list of clauses mentioning a value of a kind, by
// its attributes.MentionKey; key "" lists the clauses with any mention of
// the kind.
func MentionIndexKey(kind, key string) IndexKey {
	if key == "" {
		return IndexKey{mentionKindPrefix + kind}
	}
	return IndexKey{mentionValuePrefix + kind + "#" + key}
}

// Denied is the list of the clauses that deny what k lists ("we do not
// share your location": policy.Attribute.Denied), which k itself leaves
// out.
func (k IndexKey) Denied() IndexKey { return IndexKey{deniedPrefix + k.key} }

// Side is k, or with denied its Denied list: where a value stated, or
// denied, is listed.
func (k IndexKey) Side(denied bool) IndexKey {
	if denied {
		return k.Denied()
	}
	return k
}

// deniedPrefix opens the index keys of denied values.
const deniedPrefix = "D"

func (k IndexKey) pk(shard int) string { return fmt.Sprintf("%s#%02d", k.key, shard) }

func (k IndexKey) sk(ordinal int) string { return fmt.Sprintf("%s#%0*d", k.key, ordinalWidth, ordinal) }

// Attr is an attribute as a clause item stores it.
type Attr struct {
	Category  string  `dynamodbav:"c"`
	Attribute string  `dynamodbav:"a"`
	Value     string  `dynamodbav:"v"`
	Score     float64 `dynamodbav:"s"`
	// Spans are the evidence spans, start and end of each in turn.
	Spans []int `dynamodbav:"p,omitempty"`
	// Denied: the clause says the service does not do it
	// (policy.Attribute.Denied); the index and the counts leave it out.
	Denied bool `dynamodbav:"d,omitempty"`
}

// Mention is a mention as a clause item stores it.
type Mention struct {
	Kind  string `dynamodbav:"k"`
	Value string `dynamodbav:"v"`
	// Span is the evidence span: start and end.
	Span []int `dynamodbav:"p,omitempty"`
	// Denied as for Attr.
	Denied bool `dynamodbav:"d,omitempty"`
}

// Domain returns a as the domain type.
func (a Attr) Domain() policy.Attribute {
	return policy.Attribute{Category: a.Category, Attribute: a.Attribute, Value: a.Value, Score: a.Score, Spans: spansOf(a.Spans), Denied: a.Denied}
}

// Domain returns m as the domain type.
func (m Mention) Domain() policy.Mention {
	out := policy.Mention{Kind: m.Kind, Value: m.Value, Denied: m.Denied}
	if s := spansOf(m.Span); len(s) > 0 {
		out.Span = s[0]
	}
	return out
}

func spansOf(flat []int) []policy.Span {
	out := make([]policy.Span, 0, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		out = append(out, policy.Span{Start: flat[i], End: flat[i+1]})
	}
	return out
}

// storedAttributes bounds the attributes and mentions of c to what a
// clause item keeps.
func storedAttributes(c policy.Clause) ([]Attr, []Mention) {
	var as []Attr
	for _, a := range c.Attributes[:min(len(c.Attributes), maxAttributes)] {
		sa := Attr{Category: bound(a.Category, maxNameBytes), Attribute: bound(a.Attribute, maxNameBytes),
			Value: bound(a.Value, maxNameBytes), Score: a.Score, Denied: a.Denied}
		for _, sp := range a.Spans[:min(len(a.Spans), maxSpans)] {
			sa.Spans = append(sa.Spans, sp.Start, sp.End)
		}
		as = append(as, sa)
	}
	var ms []Mention
	for _, m := range c.Mentions[:min(len(c.Mentions), maxMentions)] {
		ms = append(ms, Mention{Kind: bound(m.Kind, maxNameBytes), Value: bound(m.Value, maxMentionBytes),
			Span: []int{m.Span.Start, m.Span.End}, Denied: m.Denied})
	}
	return as, ms
}

func bound(s string, n int) string {
	s, _ = truncateUTF8(s, n)
	return s
}

// entryHits are the index entries of one clause: each index key with the
// score the clause has in it. A value the clause denies ("we do not share
// your location") is listed apart, under the key's Denied list: the
// index's own lists answer which clauses state that a thing is done.
func entryHits(c policy.Clause) map[IndexKey]float64 {
	hits := map[IndexKey]float64{}
	put := func(k IndexKey, score float64) {
		if old, ok := hits[k]; !ok || score > old {
			hits[k] = score
		}
	}
	as, ms := storedAttributes(c)
	for _, a := range as {
		attr, ok := attributes.Find(a.Category, a.Attribute)
		if !ok {
			continue // not in the vocabulary: stored with the clause, not indexed
		}
		v, ok := attr.Value(a.Value)
		if !ok {
			continue
		}
		put(AttributeKey(attr.CategorySlug, attr.Slug, v.Slug).Side(a.Denied), a.Score)
		put(AttributeKey(attr.CategorySlug, attr.Slug, "").Side(a.Denied), a.Score)
	}
	for _, m := range ms {
		k, ok := attributes.KindOf(m.Kind)
		key := attributes.MentionKey(m.Kind, m.Value)
		if !ok || key == "" {
			continue
		}
		put(MentionIndexKey(k.Name, key).Side(m.Denied), 1)
		put(MentionIndexKey(k.Name, "").Side(m.Denied), 1)
	}
	return hits
}

// entryItems returns the index entries of clause c of generation gen of
// policy id.
func entryItems(id, gen string, c policy.Clause, shards int) []map[string]types.AttributeValue {
	hits := entryHits(c)
	keys := make([]IndexKey, 0, len(hits))
	for k := range hits {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b IndexKey) int { return strings.Compare(a.key, b.key) })
	shard := shardOf(fmt.Sprintf("%s#%d", id, c.Ordinal), shards)
	items := make([]map[string]types.AttributeValue, 0, len(keys))
	for _, k := range keys {
		score := hits[k]
		items = append(items, map[string]types.AttributeValue{
			topology.PartitionKey:         str(genPK(id, gen)),
			topology.SortKey:              str(k.sk(c.Ordinal)),
			topology.ByLabel.PartitionKey: str(k.pk(shard)),
			topology.ByLabel.SortKey:      str(labelGSISK(score, id, c.Ordinal, gen)),
			"type":                        str(typeEntry),
			"id":                          str(id),
			"gen":                         str(gen),
			"ordinal":                     num(int64(c.Ordinal)),
			"score":                       &types.AttributeValueMemberN{Value: fmt.Sprint(score)},
		})
	}
	return items
}

// attributeCounts counts, for one analysis, the clauses stating each value,
// each attribute and each mention kind, keyed as the counters are, with
// the totals (one policy, its clauses).
func attributeCounts(res *policy.Analysis) map[string]int {
	counts := map[string]int{CountPolicies: 1, CountClauses: len(res.Clauses)}
	for _, c := range res.Clauses {
		for k := range countKeys(c) {
			counts[k]++
		}
	}
	return counts
}

// countKeys are the count keys clause c adds one to: those of the values,
// attributes and mention kinds it has index entries for.
func countKeys(c policy.Clause) map[string]bool {
	keys := map[string]bool{}
	as, ms := storedAttributes(c)
	for _, a := range as {
		if a.Denied {
			continue
		}
		if attr, ok := attributes.Find(a.Category, a.Attribute); ok {
			if v, ok := attr.Value(a.Value); ok {
				keys[countValueKey(attr.CategorySlug, attr.Slug, v.Slug)] = true
				keys[countPairKey(attr.CategorySlug, attr.Slug)] = true
			}
		}
	}
	for _, m := range ms {
		if k, ok := attributes.KindOf(m.Kind); ok && attributes.MentionKey(m.Kind, m.Value) != "" && !m.Denied {
			keys[countKindKey(k.Name)] = true
		}
	}
	return keys
}

// summaryItem is the item holding the privacy summary of generation gen of
// policy id, bounded to fit.
func summaryItem(id, gen string, ps policy.PrivacySummary) (map[string]types.AttributeValue, error) {
	ps, cut := boundSummary(ps, maxSummaryItems, maxItemClauses, maxSummaryDetail)
	av, err := marshalSummary(ps)
	if err != nil {
		return nil, err
	}
	// A summary still too large is cut harder until it fits.
	for _, b := range [][3]int{{50, 100, 10}, {10, 20, 5}} {
		if avSize(av) <= maxSummaryBytes {
			break
		}
		ps, _ = boundSummary(ps, b[0], b[1], b[2])
		if av, err = marshalSummary(ps); err != nil {
			return nil, err
		}
		cut = true
	}
	item := map[string]types.AttributeValue{
		topology.PartitionKey: str(genPK(id, gen)),
		topology.SortKey:      str(summarySortKey),
		"type":                str(typeSummary),
		"privacy":             av,
	}
	if cut {
		item["truncated"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	return item, nil
}

// summarySortKey is the sort key of the summary item of a generation.
const (
	summarySortKey = "S"
	typeSummary    = "summary"
)

func marshalSummary(ps policy.PrivacySummary) (types.AttributeValue, error) {
	av, err := attributevalue.MarshalWithOptions(ps, func(o *attributevalue.EncoderOptions) { o.TagKey = "json" })
	if err != nil {
		return nil, fmt.Errorf("marshal privacy summary: %w", err)
	}
	return av, nil
}

func unmarshalSummary(av types.AttributeValue, ps *policy.PrivacySummary) error {
	return attributevalue.UnmarshalWithOptions(av, ps, func(o *attributevalue.DecoderOptions) { o.TagKey = "json" })
}

// sections returns pointers to the sections of ps.
func sections(ps *policy.PrivacySummary) []*[]policy.SummaryItem {
	return []*[]policy.SummaryItem{&ps.DataCollected, &ps.Purposes, &ps.ThirdParties, &ps.Sale, &ps.Retention, &ps.Choices,
		&ps.Access, &ps.Audiences, &ps.Security, &ps.DoNotTrack, &ps.Changes, &ps.Denials}
}

// boundSummary keeps at most items items per section, clauses ordinals and
// details details per item, with bounded strings; every section is a list,
// never nil. It reports whether anything was cut.
func boundSummary(ps policy.PrivacySummary, items, clauses, details int) (policy.PrivacySummary, bool) {
	cut := false
	for _, sec := range sections(&ps) {
		in := *sec
		if len(in) > items {
			in, cut = in[:items], true
		}
		out := make([]policy.SummaryItem, len(in))
		for i, it := range in {
			var c bool
			it.Value, c = truncateUTF8(it.Value, maxMentionBytes)
			cut = cut || c
			it.Attribute, it.Kind, it.Source = bound(it.Attribute, maxNameBytes), bound(it.Kind, maxNameBytes), bound(it.Source, maxNameBytes)
			if len(it.Clauses) > clauses {
				it.Clauses, cut = it.Clauses[:clauses], true
			}
			it.Clauses = slices.Clone(it.Clauses)
			if it.Clauses == nil {
				it.Clauses = []int{}
			}
			if len(it.Details) > details {
				cut = true
			}
			if it.Details != nil {
				it.Details = boundStrings(it.Details, details, maxNameBytes)
			}
			out[i] = it
		}
		*sec = out
	}
	return ps, cut
}

// ItemsOf says how many items an analysis is stored as in its
// generation's partition, besides the version item: kept, the clause items
// and the summary, which stay while the version is kept; and entries, the
// label and attribute index entries, which go when it stops being
// current.
func ItemsOf(res *policy.Analysis) (kept, entries int) {
	for _, c := range res.Clauses {
		seen := map[string]bool{}
		for _, l := range c.Labels {
			seen[l.Label] = true
		}
		entries += len(seen) + len(entryHits(c))
	}
	return len(res.Clauses) + 1, entries
}
