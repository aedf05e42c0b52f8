package train

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"
)

func tr(c, a, v string, spans ...Span) Triple {
	return Triple{Category: c, Attribute: a, Value: v, Score: 1, Spans: spans}
}

func TestGoldFiltersVotesAndValues(t *testing.T) {
	s := Segment{Text: "We collect your e-mail address.", Attributes: []Annotation{
		{Category: "First Party Collection/Use", Attribute: "Personal Information Type", Value: "Contact", Votes: 2, Spans: []Span{{Start: 16, End: 30}}},
		{Category: "First Party Collection/Use", Attribute: "Personal Information Type", Value: "Financial", Votes: 1},
		{Category: "First Party Collection/Use", Attribute: "Purpose", Value: "Unspecified", Votes: 3},
		{Category: "First Party Collection/Use", Attribute: "Purpose", Value: "Other", Votes: 3},
		{Category: "Other", Attribute: "Other Type", Value: "Introductory/Generic", Votes: 3},
		{Category: "First Party Collection/Use", Attribute: "Does/Does Not", Value: "Does", Votes: 3},
	}}
	got := s.Gold()
	if len(got) != 2 || got[0].Value != "Does" || got[1].Value != "Contact" || got[1].Spans[0] != (Span{Start: 16, End: 30}) {
		t.Fatalf("Gold() = %+v", got)
	}
}

func TestMetrics(t *testing.T) {
	const fp, tp = "First Party Collection/Use", "Third Party Sharing/Collection"
	m := NewMetrics()
	// Segment 1: gold A(contact), B(does); predicted A (span overlaps), C.
	m.Add(
		[]Triple{tr(fp, "Personal Information Type", "Contact", Span{Start: 10, End: 20}), tr(fp, "Does/Does Not", "Does")},
		[]Triple{tr(fp, "Personal Information Type", "Contact", Span{Start: 15, End: 30}), tr(fp, "Personal Information Type", "Location", Span{Start: 0, End: 5}),
			// Not scored: ignored on both sides.
			tr(fp, "Purpose", "Unspecified", Span{Start: 0, End: 1})},
	)
	// Segment 2: gold D; predicted D (no overlap) and D again (counted once).
	m.Add(
		[]Triple{tr(tp, "Third Party Entity", "Named third party", Span{Start: 0, End: 10})},
		[]Triple{tr(tp, "Third Party Entity", "Named third party", Span{Start: 10, End: 12}), tr(tp, "Third Party Entity", "Named third party", Span{Start: 10, End: 12})},
	)
	// Micro: TP 2, FP 1, FN 1 -> 4/6.
	if c := m.Micro(); c != (Counts{TP: 2, FP: 1, FN: 1}) {
		t.Fatalf("micro counts %+v", c)
	}
	if got := m.MicroF1(); math.Abs(got-4.0/6) > 1e-12 {
		t.Errorf("micro-F1 %v", got)
	}
	// Pairs: PI type TP1 FP1 -> 2/3; Does/Does Not FN1 -> 0; Entity TP1 -> 1.
	if got, want := m.MacroF1(), (2.0/3+0+1)/3; math.Abs(got-want) > 1e-12 {
		t.Errorf("macro-F1 %v, want %v", got, want)
	}
	if m.SpanTP != 2 || m.SpanHit != 1 {
		t.Errorf("span overlap %d/%d, want 1/2", m.SpanHit, m.SpanTP)
	}
	var b bytes.Buffer
	if err := m.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if last := lines[len(lines)-1]; !regexp.MustCompile(`^attributes micro-F1 0\.667 macro-F1 0\.556$`).MatchString(last) {
		t.Errorf("last line %q", last)
	}
	if !strings.Contains(b.String(), "First Party Collection/Use / Does/Does Not") {
		t.Errorf("table lacks a pair row:\n%s", b.String())
	}
}

func TestMetricsEmpty(t *testing.T) {
	m := NewMetrics()
	m.Add(nil, nil)
	if m.MicroF1() != 0 || m.MacroF1() != 0 {
		t.Fatal("empty metrics are not 0")
	}
}
