package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/store"
)

const (
	tps      = "Third Party Sharing/Collection"
	pit      = "Personal Information Type"
	dr       = "Data Retention"
	period   = "Retention Period"
	tpsSlug  = "third-party-sharing-collection"
	pitSlug  = "personal-information-type"
	drSlug   = "data-retention"
	perSlug  = "retention-period"
	location = "location"
)

// stated describes what one clause of attrResult states: attributes as
// "category > attribute > value @ score" and mentions as "kind: value",
// each after "no " when the clause denies it.
type stated []string

// attrResult is result(tag, len(cs)) whose clause i states cs[i].
func attrResult(tag string, cs ...stated) *policy.Analysis {
	r := result(tag, len(cs))
	for i, st := range cs {
		c := &r.Clauses[i]
		for _, s := range st {
			s, denied := strings.CutPrefix(s, "no ")
			if kind, value, ok := strings.Cut(s, ": "); ok {
				c.Mentions = append(c.Mentions, policy.Mention{Kind: kind, Value: value, Span: policy.Span{Start: 0, End: 3}, Denied: denied})
				continue
			}
			var score float64
			names, sc, _ := strings.Cut(s, " @ ")
			fmt.Sscan(sc, &score)
			parts := strings.Split(names, " > ")
			c.Attributes = append(c.Attributes, policy.Attribute{Category: parts[0], Attribute: parts[1], Value: parts[2],
				Score: score, Spans: []policy.Span{{Start: 1, End: 4}, {Start: 6, End: 9}}, Denied: denied})
		}
	}
	r.Privacy = policy.PrivacySummary{DataCollected: []policy.SummaryItem{{Value: tag, Source: "attribute", Attribute: pit, Score: 0.5, Clauses: []int{1}}}}
	return r
}

// listAll pages through an index list, limit at a time, returning
// "<text of the clause> <score>" for every clause.
func listAll(t *testing.T, s *store.Store, k store.IndexKey, minScore float64, limit int) []string {
	t.Helper()
	var out []string
	q := store.LabelQuery{Limit: limit, MinScore: minScore}
	for range 100 {
		page, err := s.IndexClauses(context.Background(), k, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Items {
			out = append(out, fmt.Sprintf("%s %g", c.Clause.Text, c.Score))
		}
		if page.Next == "" {
			return out
		}
		if !store.ValidLabelPosition(page.Next) {
			t.Fatalf("position %q is not valid", page.Next)
		}
		q.After = page.Next
	}
	t.Fatal("the listing does not end")
	return nil
}

func counts(t *testing.T, s *store.Store) map[string]store.Count {
	t.Helper()
	c, err := s.AttributeCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// entriesOf counts the index entries (label and attribute entries) left in
// a generation's partition.
func entriesOf(t *testing.T, db *dynamodb.Client, table, id, gen string) int {
	t.Helper()
	out, err := db.Query(context.Background(), &dynamodb.QueryInput{
		TableName:              aws.String(table),
		KeyConditionExpression: aws.String("pk = :p AND sk < :o"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": &types.AttributeValueMemberS{Value: "C#" + id + "#" + gen}, ":o": &types.AttributeValueMemberS{Value: "O#"},
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Items)
}

// The attribute index and the counts follow every policy's current
// version: an overwrite takes the old version's entries out, a failure
// and a deletion all of them, whatever the number of shards; a repeated
// finish counts nothing twice.
func TestAttributeIndexFollowsCurrentVersions(t *testing.T) {
	for _, shards := range []int{1, 16} {
		t.Run(fmt.Sprint(shards, " shards"), func(t *testing.T) {
			s, db := newTable(t)
			s.Shards = shards
			ctx := context.Background()
			locKey := store.AttributeKey(tpsSlug, pitSlug, location)
			anyPIT := store.AttributeKey(tpsSlug, pitSlug, "")
			ga := store.MentionIndexKey(policy.MentionThirdParty, attributes.MentionKey(policy.MentionThirdParty, "Google Analytics"))
			anyPeriod := store.AttributeKey(drSlug, perSlug, "")

			va1 := version(t, "a.txt", "a1")
			ca1 := apply(t, s, va1, attrResult("a1",
				stated{tps + " > " + pit + " > Location @ 0.8", dr + " > " + period + " > Stated Period @ 0.7",
					"retention-period: 30 days", "named-third-party: Google Analytics"},
				stated{tps + " > " + pit + " > Contact @ 0.6", tps + " > " + pit + " > Location @ 0.3"},
				stated{}))
			vb := version(t, "b.txt", "b1")
			apply(t, s, vb, attrResult("b1",
				stated{tps + " > " + pit + " > Location @ 0.9", "named-third-party: google  ANALYTICS",
					"Not A Category > Foo > Bar @ 0.9"}))

			// A version read for a comparison has its attributes and
			// mentions.
			read, err := s.ReadVersion(ctx, va1.ID, ca1.Gen)
			if err != nil {
				t.Fatal(err)
			}
			stored := attrResult("a1", stated{tps + " > " + pit + " > Location @ 0.8", dr + " > " + period + " > Stated Period @ 0.7",
				"retention-period: 30 days", "named-third-party: Google Analytics"})
			if !reflect.DeepEqual(read.Clauses[0].Attributes, stored.Clauses[0].Attributes) || !reflect.DeepEqual(read.Clauses[0].Mentions, stored.Clauses[0].Mentions) {
				t.Errorf("ReadVersion: %+v %+v, stored %+v %+v", read.Clauses[0].Attributes, read.Clauses[0].Mentions,
					stored.Clauses[0].Attributes, stored.Clauses[0].Mentions)
			}
			if got, want := listAll(t, s, locKey, 0, 1), []string{"b1 clause 1 0.9", "a1 clause 1 0.8", "a1 clause 2 0.3"}; !slices.Equal(got, want) {
				t.Errorf("Location: %q, want %q", got, want)
			}
			if got, want := listAll(t, s, locKey, 0.5, 2), []string{"b1 clause 1 0.9", "a1 clause 1 0.8"}; !slices.Equal(got, want) {
				t.Errorf("Location, minScore 0.5: %q, want %q", got, want)
			}
			// Any value: one hit per clause, with its best score.
			if got, want := listAll(t, s, anyPIT, 0, 2), []string{"b1 clause 1 0.9", "a1 clause 1 0.8", "a1 clause 2 0.6"}; !slices.Equal(got, want) {
				t.Errorf("any Personal Information Type: %q, want %q", got, want)
			}
			if got, want := listAll(t, s, ga, 0, 5), []string{"a1 clause 1 1", "b1 clause 1 1"}; !slices.Equal(got, want) {
				t.Errorf("Google Analytics: %q, want %q", got, want)
			}
			if got, want := listAll(t, s, anyPeriod, 0, 5), []string{"a1 clause 1 0.7"}; !slices.Equal(got, want) {
				t.Errorf("any Retention Period: %q, want %q", got, want)
			}
			page, err := s.IndexClauses(ctx, locKey, store.LabelQuery{Limit: 1})
			if err != nil || len(page.Items) != 1 {
				t.Fatal(page, err)
			}
			if got := page.Items[0].Clause.Attributes; len(got) != 2 || got[0].Domain().Value != "Location" ||
				!reflect.DeepEqual(got[0].Domain().Spans, []policy.Span{{Start: 1, End: 4}, {Start: 6, End: 9}}) {
				t.Errorf("the clause's attributes read back as %+v", got)
			}
			c := counts(t, s)
			want := map[string]store.Count{
				store.CountPolicies: {2, 2}, store.CountClauses: {2, 4},
				store.CountValueKey(tpsSlug, pitSlug, location):       {2, 3},
				store.CountValueKey(tpsSlug, pitSlug, "contact"):      {1, 1},
				store.CountPairKey(tpsSlug, pitSlug):                  {2, 3},
				store.CountValueKey(drSlug, perSlug, "stated-period"): {1, 1},
				store.CountPairKey(drSlug, perSlug):                   {1, 1},
				store.CountKindKey(policy.MentionThirdParty):          {2, 2},
				store.CountKindKey(policy.MentionRetention):           {1, 1},
			}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("counts\n%v, want\n%v", c, want)
			}

			// A finish repeated with the same claim is refused and counts
			// nothing.
			if err := s.Finish(ctx, va1, ca1, store.Outcome{Result: attrResult("a1", stated{})}); !errors.Is(err, store.ErrSuperseded) {
				t.Errorf("a repeated finish: %v", err)
			}

			// A new version of a: Location is gone from clause 1.
			va2 := version(t, "a.txt", "a2")
			apply(t, s, va2, attrResult("a2",
				stated{tps + " > " + pit + " > Contact @ 0.5"}))
			if got, want := listAll(t, s, locKey, 0, 1), []string{"b1 clause 1 0.9"}; !slices.Equal(got, want) {
				t.Errorf("Location after a's overwrite: %q, want %q", got, want)
			}
			if got, want := listAll(t, s, ga, 0, 5), []string{"b1 clause 1 1"}; !slices.Equal(got, want) {
				t.Errorf("Google Analytics after a's overwrite: %q, want %q", got, want)
			}
			if n := entriesOf(t, db, s.Table(), va1.ID, ca1.Gen); n != 0 {
				t.Errorf("%d index entries of a's first version remain", n)
			}
			c = counts(t, s)
			if got := c[store.CountValueKey(tpsSlug, pitSlug, location)]; got != (store.Count{Policies: 1, Clauses: 1}) {
				t.Errorf("Location counted %+v after a's overwrite", got)
			}
			if got := c[store.CountValueKey(tpsSlug, pitSlug, "contact")]; got != (store.Count{Policies: 1, Clauses: 1}) {
				t.Errorf("Contact counted %+v after a's overwrite", got)
			}
			if _, ok := c[store.CountPairKey(drSlug, perSlug)]; ok {
				t.Error("Retention Period still counted after a's overwrite")
			}

			// b fails: it leaves the index and the counts.
			cb := begin(t, s, version(t, "b.txt", "b2"))
			if err := s.Finish(ctx, version(t, "b.txt", "b2"), cb, store.Outcome{Reason: "not a policy"}); err != nil {
				t.Fatal(err)
			}
			if got := listAll(t, s, locKey, 0, 5); len(got) != 0 {
				t.Errorf("Location after b failed: %q", got)
			}
			c = counts(t, s)
			if _, ok := c[store.CountValueKey(tpsSlug, pitSlug, location)]; ok || c[store.CountPolicies].Policies != 1 {
				t.Errorf("counts after b failed: %v", c)
			}

			// a is deleted: nothing is left.
			if err := s.Remove(ctx, va2, snapshot(t, s, va2)); err != nil {
				t.Fatal(err)
			}
			if got := listAll(t, s, anyPIT, 0, 5); len(got) != 0 {
				t.Errorf("Personal Information Type after a was deleted: %q", got)
			}
			if c := counts(t, s); len(c) != 0 {
				t.Errorf("counts after every policy left: %v", c)
			}
		})
	}
}

// The summary is kept per version.
func TestSummaryPerVersion(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	v1, v2 := version(t, "s.txt", "c1"), version(t, "s.txt", "c2")
	c1 := apply(t, s, v1, attrResult("one", stated{}))
	apply(t, s, v2, attrResult("two", stated{}))
	p, err := s.Policy(ctx, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	for gen, want := range map[string]string{"": "two", c1.Gen: "one"} {
		ps, cut, err := s.Summary(ctx, p, gen)
		if err != nil || cut {
			t.Fatal(err, cut)
		}
		if len(ps.DataCollected) != 1 || ps.DataCollected[0].Value != want || ps.Purposes == nil || ps.Changes == nil {
			t.Errorf("summary of %q: %+v", gen, ps)
		}
	}
	if _, _, err := s.Summary(ctx, p, "0123456789abcdef"); !errors.Is(err, store.ErrGenerationChanged) {
		t.Errorf("summary of an unknown generation: %v", err)
	}
}

// Attributes, mentions and summaries of any size are cut to fit their
// items.
func TestOversizedAttributesAreBounded(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	r := result("big", 1)
	long := strings.Repeat("x", 5000)
	for i := range 500 {
		r.Clauses[0].Attributes = append(r.Clauses[0].Attributes, policy.Attribute{Category: tps, Attribute: pit,
			Value: long, Score: 0.5, Spans: make([]policy.Span, 100)})
		r.Clauses[0].Mentions = append(r.Clauses[0].Mentions, policy.Mention{Kind: policy.MentionThirdParty, Value: fmt.Sprint(i, long)})
	}
	item := policy.SummaryItem{Value: long, Source: "mention", Kind: policy.MentionThirdParty, Clauses: make([]int, 5000), Details: make([]string, 500)}
	for range 1000 {
		r.Privacy.ThirdParties = append(r.Privacy.ThirdParties, item)
		r.Privacy.DataCollected = append(r.Privacy.DataCollected, item)
	}
	v := version(t, "big.txt", "b1")
	apply(t, s, v, r)
	p, err := s.Policy(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Clauses(ctx, p, "", store.ClauseQuery{Limit: 10})
	if err != nil || len(page.Items) != 1 {
		t.Fatal(page, err)
	}
	if c := page.Items[0]; len(c.Attributes) == 0 || len(c.Attributes) >= 500 || len(c.Mentions) == 0 || len(c.Mentions) >= 500 {
		t.Errorf("%d attributes, %d mentions kept", len(c.Attributes), len(c.Mentions))
	}
	ps, cut, err := s.Summary(ctx, p, "")
	if err != nil || !cut || len(ps.ThirdParties) == 0 {
		t.Errorf("summary: %d third parties, cut %v, %v", len(ps.ThirdParties), cut, err)
	}
}

// An object whose bytes did not change keeps its version, and so its
// entries and counts; a claim that never finishes changes nothing.
func TestUnchangedObjectKeepsCounts(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	r := attrResult("u", stated{tps + " > " + pit + " > Location @ 0.8"})
	apply(t, s, version(t, "u.txt", "c1"), r)
	before := counts(t, s)
	v2 := version(t, "u.txt", "c2")
	c2 := begin(t, s, v2)
	if got := counts(t, s); !reflect.DeepEqual(got, before) {
		t.Errorf("counts after a claim %v, before %v", got, before)
	}
	if err := s.Finish(ctx, v2, c2, store.Outcome{Result: r, Unchanged: true}); err != nil {
		t.Fatal(err)
	}
	if got := counts(t, s); !reflect.DeepEqual(got, before) || before[store.CountValueKey(tpsSlug, pitSlug, location)].Policies != 1 {
		t.Errorf("counts after an unchanged object %v, before %v", got, before)
	}
	if got := listAll(t, s, store.AttributeKey(tpsSlug, pitSlug, location), 0, 5); !slices.Equal(got, []string{"u clause 1 0.8"}) {
		t.Errorf("Location after an unchanged object: %q", got)
	}
}

// A clause that says the service does not do a thing ("we do not share
// your location with data brokers") is not found by it, nor counted for
// it, but by the list of the clauses denying it; the clause keeps the
// denied values, marked, for its readers.
func TestDeniedValuesAreNotIndexed(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	brokers := store.MentionIndexKey(policy.MentionRecipient, attributes.MentionKey(policy.MentionRecipient, "data brokers"))
	v := version(t, "d.txt", "d1")
	apply(t, s, v, attrResult("d",
		stated{"no " + tps + " > " + pit + " > Location @ 0.9", "no recipient-category: data brokers"},
		stated{tps + " > " + pit + " > Location @ 0.4", "recipient-category: data brokers"},
		stated{"no " + tps + " > " + pit + " > Contact @ 0.7"}))
	if got, want := listAll(t, s, store.AttributeKey(tpsSlug, pitSlug, location), 0, 5), []string{"d clause 2 0.4"}; !slices.Equal(got, want) {
		t.Errorf("Location: %q, want %q (clause 1 denies it)", got, want)
	}
	if got, want := listAll(t, s, store.AttributeKey(tpsSlug, pitSlug, ""), 0, 5), []string{"d clause 2 0.4"}; !slices.Equal(got, want) {
		t.Errorf("any Personal Information Type: %q, want %q", got, want)
	}
	if got, want := listAll(t, s, brokers, 0, 5), []string{"d clause 2 1"}; !slices.Equal(got, want) {
		t.Errorf("data brokers: %q, want %q", got, want)
	}
	if got, want := listAll(t, s, store.AttributeKey(tpsSlug, pitSlug, location).Denied(), 0, 5), []string{"d clause 1 0.9"}; !slices.Equal(got, want) {
		t.Errorf("Location denied: %q, want %q", got, want)
	}
	if got, want := listAll(t, s, store.AttributeKey(tpsSlug, pitSlug, "").Denied(), 0, 1), []string{"d clause 1 0.9", "d clause 3 0.7"}; !slices.Equal(got, want) {
		t.Errorf("any Personal Information Type denied: %q, want %q", got, want)
	}
	if got, want := listAll(t, s, brokers.Denied(), 0, 5), []string{"d clause 1 1"}; !slices.Equal(got, want) {
		t.Errorf("data brokers denied: %q, want %q", got, want)
	}
	c := counts(t, s)
	if got := c[store.CountValueKey(tpsSlug, pitSlug, location)]; got != (store.Count{Policies: 1, Clauses: 1}) {
		t.Errorf("Location counted %+v, want 1 policy, 1 clause", got)
	}
	if _, ok := c[store.CountValueKey(tpsSlug, pitSlug, "contact")]; ok {
		t.Error("Contact counted, though only denied")
	}
	read, err := s.ReadVersion(ctx, v.ID, snapshot(t, s, v).Gen)
	if err != nil {
		t.Fatal(err)
	}
	first := read.Clauses[0]
	if len(first.Attributes) != 1 || !first.Attributes[0].Denied || len(first.Mentions) != 1 || !first.Mentions[0].Denied {
		t.Errorf("clause 1 reads back as %+v %+v, want its denied Location and data brokers, marked", first.Attributes, first.Mentions)
	}
	if second := read.Clauses[1]; second.Attributes[0].Denied || second.Mentions[0].Denied {
		t.Errorf("clause 2 reads back as denying: %+v %+v", second.Attributes, second.Mentions)
	}
	// A new version that states nothing takes the denied entries out too.
	apply(t, s, version(t, "d.txt", "d2"), attrResult("d2", stated{}))
	if got := listAll(t, s, store.AttributeKey(tpsSlug, pitSlug, location).Denied(), 0, 5); len(got) != 0 {
		t.Errorf("Location denied after the overwrite: %q", got)
	}
}
