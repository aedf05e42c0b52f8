package denial

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// A span in code points gives its words, also after multi-byte
// characters and at the text's end, and nothing outside the text; the
// sentence around it ends at a full stop, a line break or a bullet.
func TestSpanAndSentence(t *testing.T) {
	text := "Café first. We do not share it • with brokers."
	for _, c := range []struct {
		sp             policy.Span
		words, context string
	}{
		{policy.Span{Start: 0, End: 4}, "Café", "Café first."},
		{policy.Span{Start: 12, End: 14}, "We", "We do not share it"},
		{policy.Span{Start: 38, End: 46}, "brokers.", "• with brokers."},
		{policy.Span{Start: 37, End: 46}, " brokers.", "• with brokers."},
		{policy.Span{Start: 46, End: 46}, "", ""},
		{policy.Span{Start: 40, End: 60}, "", ""},
	} {
		if got := spanText(text, c.sp); got != c.words {
			t.Errorf("spanText(%v) = %q, want %q", c.sp, got, c.words)
		}
		if got := sentenceAt(text, c.sp); got != c.context {
			t.Errorf("sentenceAt(%v) = %q, want %q", c.sp, got, c.context)
		}
	}
}

// The quick check before the denial's expression misses no word of
// denial.
func TestMayDeny(t *testing.T) {
	for s, want := range map[string]bool{
		"We do NOT sell it": true, "we don't": true, "we won’t": true, "Never": true, "nOt": true,
		"We sell it to partners.": false, "notably": true, "": false, "n": false, "don’": false,
	} {
		if got := mayDeny(s); got != want {
			t.Errorf("mayDeny(%q) = %v, want %v", s, got, want)
		}
	}
}

// Mark flags the values whose sentence denies the practice, and only
// those: a denial with an exception, a choice, or another sentence's value
// stays unflagged.
func TestMark(t *testing.T) {
	text := "We do not share your location with data brokers. We share contact details with Stripe. You need not opt out."
	at := func(words string) policy.Span {
		start := utf8.RuneCountInString(text[:strings.Index(text, words)])
		return policy.Span{Start: start, End: start + utf8.RuneCountInString(words)}
	}
	first, second := "We do not share your location with data brokers.", "We share contact details with Stripe."
	c := policy.Clause{Text: text,
		Attributes: []policy.Attribute{
			{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Spans: []policy.Span{at(first)}},
			{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Contact", Spans: []policy.Span{at(second)}},
			{Category: "User Choice/Control", Attribute: "Choice Type", Value: "Opt-out link", Spans: []policy.Span{at("You need not opt out.")}},
		},
		Mentions: []policy.Mention{
			{Kind: policy.MentionRecipient, Value: "data brokers", Span: at("data brokers")},
			{Kind: policy.MentionThirdParty, Value: "Stripe", Span: at("Stripe")},
		},
	}
	Mark(&c)
	var got []string
	for _, a := range c.Attributes {
		if a.Denied {
			got = append(got, a.Value)
		}
	}
	for _, m := range c.Mentions {
		if m.Denied {
			got = append(got, m.Value)
		}
	}
	if want := []string{"Location", "data brokers"}; !slices.Equal(got, want) {
		t.Errorf("denied %q, want %q", got, want)
	}
	// Marking again gives the same flags.
	Mark(&c)
	if !c.Attributes[0].Denied || c.Attributes[1].Denied || !c.Mentions[0].Denied || c.Mentions[1].Denied {
		t.Errorf("marked twice: %+v %+v", c.Attributes, c.Mentions)
	}
}
