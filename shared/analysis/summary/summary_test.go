package summary

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/denial"
	"github.com/policylens/policylens/shared/domain/policy"
)

func attr(cat, att, val string, score float64) policy.Attribute {
	return policy.Attribute{Category: cat, Attribute: att, Value: val, Score: score, Spans: []policy.Span{{Start: 0, End: 4}}}
}

func TestBuild(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 1, Text: "Welcome."},
		{Ordinal: 2, Attributes: []policy.Attribute{
			attr(firstParty, infoType, "Contact", 0.9),
			attr(firstParty, "Purpose", "Basic service/feature", 0.7),
		}},
		{Ordinal: 3, Attributes: []policy.Attribute{
			attr(thirdParty, "Third Party Entity", "Named third party", 0.8),
			attr(thirdParty, infoType, "Location", 0.6),
			attr(thirdParty, "Purpose", "Advertising", 0.75),
		}, Mentions: []policy.Mention{
			{Kind: policy.MentionThirdParty, Value: "Google Analytics"},
			{Kind: policy.MentionRecipient, Value: "advertising partners"},
		}},
		{Ordinal: 5, Attributes: []policy.Attribute{
			attr(firstParty, infoType, "Contact", 0.95),
			attr(thirdParty, "Third Party Entity", "Named third party", 0.5),
			attr(thirdParty, infoType, "Financial", 0.5),
		}, Mentions: []policy.Mention{
			{Kind: policy.MentionThirdParty, Value: "Stripe"},
			{Kind: policy.MentionRetention, Value: "7 years"},
			{Kind: policy.MentionAge, Value: "under 13"},
			{Kind: policy.MentionOptOut, Value: "privacy settings"},
		}},
		{Ordinal: 6, Attributes: []policy.Attribute{
			attr("User Choice/Control", "Choice Type", "Opt-out link", 0.8),
			attr(dnt, "Do Not Track policy", "Not honored", 0.9),
			attr(change, "Notification Type", "General notice on website", 0.7),
			attr(security, "Security Measure", "Secure data transfer", 0.7),
			attr(access, "Access Type", "Deactivate account", 0.6),
			attr(audiences, "Audience Type", "Children", 0.9),
			attr(retention, "Retention Period", "Stated Period", 0.6),
		}},
		{Ordinal: 7, Mentions: []policy.Mention{
			{Kind: policy.MentionSignal, Value: "GPC honored where required by law"},
			{Kind: policy.MentionOptOut, Value: "global privacy control"},
		}},
		{Ordinal: 8, Mentions: []policy.Mention{
			{Kind: policy.MentionChangeNotice, Value: "general notice on website"},
			{Kind: policy.MentionChangeNotice, Value: "30 days' notice"},
		}},
	}
	s := Build(clauses)
	want := map[string][]policy.SummaryItem{
		"dataCollected": {{Value: "Contact", Source: "attribute", Attribute: infoType, Score: 0.95, Clauses: []int{2, 5}}},
		"purposes": {
			{Value: "Basic service/feature", Source: "attribute", Attribute: "Purpose", Score: 0.7, Clauses: []int{2}},
			{Value: "Advertising", Source: "attribute", Attribute: "Purpose", Score: 0.75, Clauses: []int{3}},
		},
		"thirdParties": {
			{Value: "Google Analytics", Source: "mention", Kind: policy.MentionThirdParty, Score: 1, Clauses: []int{3}, Details: []string{"Location"}},
			{Value: "advertising partners", Source: "mention", Kind: policy.MentionRecipient, Score: 1, Clauses: []int{3}, Details: []string{"Location"}},
			{Value: "Stripe", Source: "mention", Kind: policy.MentionThirdParty, Score: 1, Clauses: []int{5}, Details: []string{"Financial"}},
		},
		"retention": {
			{Value: "7 years", Source: "mention", Kind: policy.MentionRetention, Score: 1, Clauses: []int{5}},
			{Value: "Stated Period", Source: "attribute", Attribute: "Retention Period", Score: 0.6, Clauses: []int{6}},
		},
		"choices": {
			{Value: "privacy settings", Source: "mention", Kind: policy.MentionOptOut, Score: 1, Clauses: []int{5}},
			{Value: "Opt-out link", Source: "attribute", Attribute: "Choice Type", Score: 0.8, Clauses: []int{6}},
			{Value: "global privacy control", Source: "mention", Kind: policy.MentionOptOut, Score: 1, Clauses: []int{7}},
		},
		"access": {{Value: "Deactivate account", Source: "attribute", Attribute: "Access Type", Score: 0.6, Clauses: []int{6}}},
		"audiences": {
			{Value: "under 13", Source: "mention", Kind: policy.MentionAge, Score: 1, Clauses: []int{5}},
			{Value: "Children", Source: "attribute", Attribute: "Audience Type", Score: 0.9, Clauses: []int{6}},
		},
		"security": {{Value: "Secure data transfer", Source: "attribute", Attribute: "Security Measure", Score: 0.7, Clauses: []int{6}}},
		"doNotTrack": {
			{Value: "Not honored", Source: "attribute", Attribute: "Do Not Track policy", Score: 0.9, Clauses: []int{6}},
			{Value: "GPC honored where required by law", Source: "mention", Kind: policy.MentionSignal, Score: 1, Clauses: []int{7}},
		},
		"changes": {
			// The mention of the same value joins the attribute's item.
			{Value: "General notice on website", Source: "attribute", Attribute: "Notification Type", Score: 0.7, Clauses: []int{6, 8}},
			{Value: "30 days' notice", Source: "mention", Kind: policy.MentionChangeNotice, Score: 1, Clauses: []int{8}},
		},
		"denials": {}, // no clause denies anything
		"sale":    {},
	}
	got := sections(t, s)
	for name, w := range want {
		if !reflect.DeepEqual(got[name], w) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got[name], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d sections, want %d", len(got), len(want))
	}
}

// sections returns the summary's sections by their JSON names.
func sections(t *testing.T, s policy.PrivacySummary) map[string][]policy.SummaryItem {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string][]policy.SummaryItem
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// An empty summary has every section, each an empty list.
func TestEmptyHasEverySection(t *testing.T) {
	b, err := json.Marshal(Empty())
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") || strings.Count(string(b), "[]") != 12 {
		t.Errorf("empty summary %s", b)
	}
}

// A mention and a predicted attribute of the same value up to case are one
// item, with the clauses of both, placed by its first clause; values that
// differ stay apart.
func TestMentionJoinsAttributeOfSameValue(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 2, Mentions: []policy.Mention{{Kind: policy.MentionOptOut, Value: "opt-out link"}}},
		{Ordinal: 4, Attributes: []policy.Attribute{attr("User Choice/Control", "Choice Type", "Opt-out link", 0.8)},
			Mentions: []policy.Mention{{Kind: policy.MentionOptOut, Value: "privacy settings"}}},
		{Ordinal: 7, Mentions: []policy.Mention{{Kind: policy.MentionOptOut, Value: "opt-out link"}}},
	}
	got := Build(clauses).Choices
	want := []policy.SummaryItem{
		{Value: "Opt-out link", Source: "attribute", Attribute: "Choice Type", Score: 0.8, Clauses: []int{2, 4, 7}},
		{Value: "privacy settings", Source: "mention", Kind: policy.MentionOptOut, Score: 1, Clauses: []int{4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("choices = %+v\nwant %+v", got, want)
	}
}

// A value found in the words alone is spelled as the vocabulary spells
// it, as when the model predicts it: one policy's "personal notice" and
// another's "Personal notice" are the same item to a reader.
func TestMentionTakesTheVocabularySpelling(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 3, Mentions: []policy.Mention{
			{Kind: policy.MentionChangeNotice, Value: "personal notice"},
			{Kind: policy.MentionChangeNotice, Value: "check for changes"},
		}},
	}
	var got []string
	for _, it := range Build(clauses).Changes {
		got = append(got, it.Value+"/"+it.Source)
	}
	if want := []string{"Personal notice/mention", "check for changes/mention"}; !slices.Equal(got, want) {
		t.Errorf("changes = %q, want %q", got, want)
	}
}

// The bare value "Named third party" is left out where the names are
// listed: kept while one of its clauses names nobody the summary found.
func TestNamedThirdPartyGivesWayToTheNames(t *testing.T) {
	named := attr(thirdParty, "Third Party Entity", "Named third party", 0.8)
	clauses := []policy.Clause{
		{Ordinal: 1, Attributes: []policy.Attribute{named}, Mentions: []policy.Mention{{Kind: policy.MentionRecipient, Value: "payment processor"}}},
		{Ordinal: 2, Attributes: []policy.Attribute{named}, Mentions: []policy.Mention{{Kind: policy.MentionThirdParty, Value: "Stripe"}}},
	}
	for _, it := range Build(clauses).ThirdParties {
		if it.Value == "Named third party" {
			t.Errorf("both clauses' recipients are listed, yet %+v", it)
		}
	}
	clauses = append(clauses, policy.Clause{Ordinal: 3, Attributes: []policy.Attribute{named}})
	var values []string
	for _, it := range Build(clauses).ThirdParties {
		values = append(values, it.Value)
	}
	if want := []string{"Named third party", "payment processor", "Stripe"}; !reflect.DeepEqual(values, want) {
		t.Errorf("third parties %q, want %q", values, want)
	}
}

// A region found in the words joins the audience the attribute model
// predicts for it: California with Californians, the EEA and UK with
// Europeans; other regions stay items of their own.
func TestRegionJoinsItsAudience(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 3, Mentions: []policy.Mention{{Kind: policy.MentionRegion, Value: "EEA/UK"}}},
		{Ordinal: 4, Attributes: []policy.Attribute{attr(audiences, "Audience Type", "Californians", 0.9)},
			Mentions: []policy.Mention{{Kind: policy.MentionRegion, Value: "California"}}},
		{Ordinal: 6, Mentions: []policy.Mention{{Kind: policy.MentionRegion, Value: "California"}, {Kind: policy.MentionRegion, Value: "Brazil"}}},
	}
	got := Build(clauses).Audiences
	want := []policy.SummaryItem{
		{Value: "EEA/UK", Source: "mention", Kind: policy.MentionRegion, Score: 1, Clauses: []int{3}},
		{Value: "Californians", Source: "attribute", Attribute: "Audience Type", Score: 0.9, Clauses: []int{4, 6}},
		{Value: "Brazil", Source: "mention", Kind: policy.MentionRegion, Score: 1, Clauses: []int{6}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("audiences = %+v\nwant %+v", got, want)
	}
}

// Health data named in the words joins the type Health the model
// predicts; a narrower kind of data stays an item of its own.
func TestHealthDataJoinsHealth(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 2, Attributes: []policy.Attribute{attr(firstParty, infoType, "Health", 0.8), attr(firstParty, infoType, "Location", 0.7)}},
		{Ordinal: 5, Mentions: []policy.Mention{{Kind: policy.MentionDataType, Value: "health data"}, {Kind: policy.MentionDataType, Value: "precise geolocation"}}},
	}
	got := Build(clauses).DataCollected
	want := []policy.SummaryItem{
		{Value: "Health", Source: "attribute", Attribute: infoType, Score: 0.8, Clauses: []int{2, 5}},
		{Value: "Location", Source: "attribute", Attribute: infoType, Score: 0.7, Clauses: []int{2}},
		{Value: "precise geolocation", Source: "mention", Kind: policy.MentionDataType, Score: 1, Clauses: []int{5}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("dataCollected = %+v\nwant %+v", got, want)
	}
}

// A recipient category in the singular and in the plural is one item,
// spelled as first seen.
func TestRecipientSingularAndPluralAreOne(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 2, Mentions: []policy.Mention{{Kind: policy.MentionRecipient, Value: "service providers"}}},
		{Ordinal: 5, Mentions: []policy.Mention{{Kind: policy.MentionRecipient, Value: "service provider"}, {Kind: policy.MentionRecipient, Value: "insurers"}}},
	}
	got := Build(clauses).ThirdParties
	want := []policy.SummaryItem{
		{Value: "service providers", Source: "mention", Kind: policy.MentionRecipient, Score: 1, Clauses: []int{2, 5}},
		{Value: "insurers", Source: "mention", Kind: policy.MentionRecipient, Score: 1, Clauses: []int{5}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("third parties = %+v\nwant %+v", got, want)
	}
}

// An opt-out link written with and without its scheme, "www." or a
// trailing slash is one choice, spelled as first seen; another page is
// another.
func TestOptOutLinkFormsAreOne(t *testing.T) {
	oo := policy.MentionOptOut
	clauses := []policy.Clause{
		{Ordinal: 1, Mentions: []policy.Mention{{Kind: oo, Value: "https://www.example.org/choices/"}}},
		{Ordinal: 4, Mentions: []policy.Mention{{Kind: oo, Value: "example.org/choices"}, {Kind: oo, Value: "https://example.org/choices/ads"}}},
	}
	got := Build(clauses).Choices
	want := []policy.SummaryItem{
		{Value: "https://www.example.org/choices/", Source: "mention", Kind: oo, Score: 1, Clauses: []int{1, 4}},
		{Value: "https://example.org/choices/ads", Source: "mention", Kind: oo, Score: 1, Clauses: []int{4}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("choices = %+v\nwant %+v", got, want)
	}
}

// Every clause an item names states it, under the same rules that gather
// the item: the clauses of a built summary pass States, and a clause that
// says something else does not.
func TestStatesFollowsBuild(t *testing.T) {
	clauses := []policy.Clause{
		{Ordinal: 1, Mentions: []policy.Mention{{Kind: policy.MentionRegion, Value: "California"}, {Kind: policy.MentionRecipient, Value: "insurer"}}},
		{Ordinal: 2, Attributes: []policy.Attribute{attr(audiences, "Audience Type", "Californians", 0.9)},
			Mentions: []policy.Mention{{Kind: policy.MentionRecipient, Value: "insurers"}, {Kind: policy.MentionOptOut, Value: "opt-out link"}}},
		{Ordinal: 3, Attributes: []policy.Attribute{attr("User Choice/Control", "Choice Type", "Opt-out link", 0.8)}},
		{Ordinal: 4, Mentions: []policy.Mention{{Kind: policy.MentionRegion, Value: "Brazil"}}},
	}
	byOrdinal := map[int]policy.Clause{}
	for _, c := range clauses {
		byOrdinal[c.Ordinal] = c
	}
	s := Build(clauses)
	n := 0
	for _, sec := range [][]policy.SummaryItem{s.ThirdParties, s.Choices, s.Audiences} {
		for _, it := range sec {
			for _, o := range it.Clauses {
				n++
				if !States(byOrdinal[o], it) {
					t.Errorf("%+v: clause %d does not state it", it, o)
				}
			}
			if States(byOrdinal[4], it) != slices.Contains(it.Clauses, 4) {
				t.Errorf("%+v: States says clause 4 states it: %v", it, States(byOrdinal[4], it))
			}
		}
	}
	if n != 7 {
		t.Errorf("%d item clauses, want 7 (insurers 1,2; opt-out link 2,3; Californians 1,2; Brazil 4)", n)
	}
}

// What a clause says the service does not do is no item: "We do not use
// advertising cookies" does not make Advertising a purpose. A denial with
// an exception, or followed by what the service does, still states it.
func TestDeniedPracticeIsNoItem(t *testing.T) {
	spanned := func(text, evidence string, a policy.Attribute) policy.Attribute {
		start := utf8.RuneCountInString(text[:strings.Index(text, evidence)])
		a.Spans = []policy.Span{{Start: start, End: start + utf8.RuneCountInString(evidence)}}
		return a
	}
	deny := "Our site counts visits. We do not use advertising cookies."
	except := "We don’t share your information with anyone, except to comply with the law."
	after := "Kestrel does not sell your data; we use it for analytics."
	company := "Kestrel does not share location data with advertisers."
	clauses := []policy.Clause{
		{Ordinal: 1, Text: deny, Attributes: []policy.Attribute{
			spanned(deny, "We do not use advertising cookies.", attr(firstParty, "Purpose", "Advertising", 0.5)),
			spanned(deny, "Our site counts visits.", attr(firstParty, "Purpose", "Analytics/Research", 0.5)),
		}},
		{Ordinal: 2, Text: except, Attributes: []policy.Attribute{spanned(except, except, attr(thirdParty, "Purpose", "Legal requirement", 0.5))}},
		{Ordinal: 3, Text: after, Attributes: []policy.Attribute{spanned(after, after, attr(firstParty, "Purpose", "Analytics/Research", 0.5))}},
		{Ordinal: 4, Text: company, Attributes: []policy.Attribute{
			spanned(company, company, attr(thirdParty, infoType, "Location", 0.5)),
			spanned(company, company, attr(thirdParty, "Third Party Entity", "Unnamed third party", 0.5)),
			// Choices are not read this way: "you do not have to" is a choice.
			spanned(company, company, attr("User Choice/Control", "Choice Type", "Opt-out link", 0.5)),
		}},
	}
	for i := range clauses {
		denial.Mark(&clauses[i]) // as analyze marks them
	}
	s := Build(clauses)
	var purposes []string
	for _, it := range s.Purposes {
		purposes = append(purposes, fmt.Sprintf("%s %v", it.Value, it.Clauses))
	}
	if want := []string{"Analytics/Research [1 3]", "Legal requirement [2]"}; !slices.Equal(purposes, want) {
		t.Errorf("purposes %q, want %q", purposes, want)
	}
	if len(s.ThirdParties) != 0 || len(s.Choices) != 1 {
		t.Errorf("third parties %+v (want none), choices %+v (want the opt-out link)", s.ThirdParties, s.Choices)
	}
	// What is denied is in Denials, by category: the purpose not used
	// for, the data and the party not shared.
	var denied []string
	for _, it := range s.Denials {
		denied = append(denied, fmt.Sprintf("%s %v %v", it.Value, it.Details, it.Clauses))
		if !it.Denied {
			t.Errorf("denial %+v not marked denied", it)
		}
	}
	if want := []string{"Advertising [First Party Collection/Use] [1]", "Location [Third Party Sharing/Collection] [4]",
		"Unnamed third party [Third Party Sharing/Collection] [4]"}; !slices.Equal(denied, want) {
		t.Errorf("denials %q, want %q", denied, want)
	}
	for _, c := range clauses {
		for _, it := range slices.Concat(s.Purposes, s.ThirdParties, s.DataCollected, s.Denials) {
			if States(c, it) != slices.Contains(it.Clauses, c.Ordinal) {
				t.Errorf("States(%d, %q) disagrees with the item's clauses %v", c.Ordinal, it.Value, it.Clauses)
			}
		}
	}
}

// A third party named in a sentence that says the service does not share
// with it is no item of thirdParties.
func TestDeniedRecipientIsNoItem(t *testing.T) {
	text := "We do not share personal data with advertisers, data brokers, or analytics companies. • We use Stripe for payments."
	at := func(words string) policy.Span {
		start := utf8.RuneCountInString(text[:strings.Index(text, words)])
		return policy.Span{Start: start, End: start + utf8.RuneCountInString(words)}
	}
	c := policy.Clause{Ordinal: 1, Text: text, Mentions: []policy.Mention{
		{Kind: policy.MentionRecipient, Value: "data brokers", Span: at("data brokers")},
		{Kind: policy.MentionThirdParty, Value: "Stripe", Span: at("Stripe")},
	}}
	denial.Mark(&c) // as analyze marks them
	s := Build([]policy.Clause{c})
	if len(s.ThirdParties) != 1 || s.ThirdParties[0].Value != "Stripe" {
		t.Errorf("third parties %+v, want Stripe alone", s.ThirdParties)
	}
	if States(c, policy.SummaryItem{Value: "data brokers", Source: "mention", Kind: policy.MentionRecipient}) {
		t.Error("the clause states the data brokers it denies sharing with")
	}
	if len(s.Denials) != 1 || s.Denials[0].Value != "data brokers" || !States(c, s.Denials[0]) {
		t.Errorf("denials %+v, want the data brokers, which the clause states it does not share with", s.Denials)
	}
	// A denial that gives way to the practice states it.
	text = "Although we do not sell personal data for money, we do sell it to advertising companies."
	c = policy.Clause{Ordinal: 1, Text: text, Mentions: []policy.Mention{
		{Kind: policy.MentionRecipient, Value: "advertising companies", Span: at("advertising companies")},
	}}
	denial.Mark(&c)
	if s := Build([]policy.Clause{c}); len(s.ThirdParties) != 1 {
		t.Errorf("third parties %+v, want the advertising companies", s.ThirdParties)
	}
}
