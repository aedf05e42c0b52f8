package changes

import (
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Attribute values and mentions whose number of clauses changed are
// listed, attributes first; an unchanged one is not, and a clause that
// states a value twice counts once. The changed clause quotes its
// attributes.
func TestCompareAttributes(t *testing.T) {
	location := policy.Attribute{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Score: 0.8, Spans: []policy.Span{{Start: 10, End: 18}}}
	contact := policy.Attribute{Category: "First Party Collection/Use", Attribute: "Personal Information Type", Value: "Contact", Score: 0.9, Spans: []policy.Span{{Start: 19, End: 32}}}
	sixYears := policy.Mention{Kind: policy.MentionRetention, Value: "6 years", Span: policy.Span{Start: 27, End: 36}}
	a, b := analysis(base...), analysis(base...)
	a.Clauses[0].Attributes = []policy.Attribute{contact}
	b.Clauses[0].Attributes = []policy.Attribute{contact, contact}
	a.Clauses[4].Mentions = []policy.Mention{sixYears}
	b.Clauses[2].Text = "We share your orders and your location with the shops you buy from."
	b.Clauses[2].Attributes = []policy.Attribute{location}
	r := Compare(a, b)
	want := []AttributeChange{
		{Category: location.Category, Attribute: location.Attribute, Value: "Location", Before: 0, After: 1},
		{Kind: policy.MentionRetention, Value: "6 years", Before: 1, After: 0},
	}
	if !slices.Equal(r.Attributes, want) {
		t.Errorf("attributes %+v, want %+v", r.Attributes, want)
	}
	i := slices.IndexFunc(r.Clauses, func(c ClauseChange) bool { return c.After != nil && c.After.Ordinal == 3 })
	if i < 0 || r.Clauses[i].Change != Modified {
		t.Fatalf("clause 3 not reported modified: %+v", r.Clauses)
	}
	if got := r.Clauses[i].After.Attributes; len(got) != 1 || got[0].Value != "Location" {
		t.Errorf("the modified clause quotes attributes %+v, want Location", got)
	}
	if r := Compare(a, a); len(r.Attributes) != 0 {
		t.Errorf("identical versions report attribute changes: %+v", r.Attributes)
	}
}

// A practice the new version gives up ("we do not share your location")
// moves from the clauses stating it to those denying it, though the value
// is the same; the old version's clause, stored before denials were
// marked, is read by the same rule.
func TestPracticeGivenUp(t *testing.T) {
	const shares, doesNot = "We share your location with advertisers.", "We do not share your location with advertisers."
	loc := func(text string, marked bool) policy.Attribute {
		return policy.Attribute{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Score: 0.8,
			Spans: []policy.Span{{Start: 0, End: len(text)}}, Denied: marked}
	}
	brokers := func(text string) policy.Mention {
		i := strings.Index(text, "advertisers")
		return policy.Mention{Kind: policy.MentionRecipient, Value: "advertisers", Span: policy.Span{Start: i, End: i + len("advertisers")}}
	}
	a, b := analysis(base...), analysis(base...)
	a.Clauses[2].Text, b.Clauses[2].Text = shares, doesNot
	a.Clauses[2].Attributes = []policy.Attribute{loc(shares, false)}
	b.Clauses[2].Attributes = []policy.Attribute{loc(doesNot, false)} // not marked: the rule reads it
	a.Clauses[2].Mentions, b.Clauses[2].Mentions = []policy.Mention{brokers(shares)}, []policy.Mention{brokers(doesNot)}
	want := []AttributeChange{
		{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Before: 1, After: 0},
		{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Denied: true, Before: 0, After: 1},
		{Kind: policy.MentionRecipient, Value: "advertisers", Before: 1, After: 0},
		{Kind: policy.MentionRecipient, Value: "advertisers", Denied: true, Before: 0, After: 1},
	}
	if got := Compare(a, b).Attributes; !slices.Equal(got, want) {
		t.Errorf("attributes %+v, want %+v", got, want)
	}
	// Marked or not, a denial reads the same.
	b.Clauses[2].Attributes[0].Denied = true
	if got := Compare(a, b).Attributes; !slices.Equal(got, want) {
		t.Errorf("with the denial marked: %+v, want %+v", got, want)
	}
}
