package summary

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

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
	}
	s := Build(clauses)
	want := map[string][]policy.SummaryItem{
		"dataCollected": {{Value: "Contact", Source: "attribute", Attribute: infoType, Score: 0.95, Clauses: []int{2, 5}}},
		"purposes": {
			{Value: "Basic service/feature", Source: "attribute", Attribute: "Purpose", Score: 0.7, Clauses: []int{2}},
			{Value: "Advertising", Source: "attribute", Attribute: "Purpose", Score: 0.75, Clauses: []int{3}},
		},
		"thirdParties": {
			{Value: "Named third party", Source: "attribute", Attribute: "Third Party Entity", Score: 0.8, Clauses: []int{3, 5}, Details: []string{"Location", "Financial"}},
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
		},
		"access": {{Value: "Deactivate account", Source: "attribute", Attribute: "Access Type", Score: 0.6, Clauses: []int{6}}},
		"audiences": {
			{Value: "under 13", Source: "mention", Kind: policy.MentionAge, Score: 1, Clauses: []int{5}},
			{Value: "Children", Source: "attribute", Attribute: "Audience Type", Score: 0.9, Clauses: []int{6}},
		},
		"security":   {{Value: "Secure data transfer", Source: "attribute", Attribute: "Security Measure", Score: 0.7, Clauses: []int{6}}},
		"doNotTrack": {{Value: "Not honored", Source: "attribute", Attribute: "Do Not Track policy", Score: 0.9, Clauses: []int{6}}},
		"changes":    {{Value: "General notice on website", Source: "attribute", Attribute: "Notification Type", Score: 0.7, Clauses: []int{6}}},
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
	if strings.Contains(string(b), "null") || strings.Count(string(b), "[]") != 10 {
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
