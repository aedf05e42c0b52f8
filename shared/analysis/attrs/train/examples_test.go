package train

import (
	"testing"

	"github.com/policylens/policylens/shared/domain/labels"
)

func TestEvidenceSpans(t *testing.T) {
	text := "We collect your precise location to show nearby stores."
	loc := func(votes int, spans ...Span) Annotation {
		return Annotation{Category: "First Party Collection/Use", Attribute: "Personal Information Type", Value: "Location", Votes: votes, Spans: spans}
	}
	segs := []Segment{{Text: text, Attributes: []Annotation{
		loc(3, Span{Start: 3, End: 32}, Span{Start: 16, End: 23}, Span{Start: 40, End: 400}),
		{Category: "First Party Collection/Use", Attribute: "Purpose", Value: "Basic service/feature", Votes: 2, Spans: []Span{{Start: 3, End: 32}}},
		{Category: "First Party Collection/Use", Attribute: "Purpose", Value: "Advertising", Votes: 1, Spans: []Span{{Start: 33, End: 55}}},
		{Category: "Other", Attribute: "Other Type", Value: "Introductory/Generic", Votes: 3, Spans: []Span{{Start: 0, End: 55}}},
	}}}
	got := evidenceSpans(segs, 2)
	if len(got) != 1 {
		t.Fatalf("got %d spans, want 1 (a one-word span, one out of range, a minority triple's and an Other Type's left out): %+v", len(got), got)
	}
	if got[0].text != "collect your precise location" {
		t.Errorf("span text %q", got[0].text)
	}
	if len(got[0].keys) != 2 || !got[0].keys[Key{"First Party Collection/Use", "Purpose", "Basic service/feature"}] {
		t.Errorf("the span is evidence of both triples that chose it, got %v", got[0].keys)
	}
	if one := evidenceSpans(segs, 1); len(one) != 2 {
		t.Errorf("with one word allowed: %d spans, want 2", len(one))
	}
}

// A value learns from the evidence spans of the training folds only: the
// held-out fold's spans would tell it the answers it is scored on.
func TestSpanExamplesHoldOutTheFold(t *testing.T) {
	fp, ok1 := labels.Index("First Party Collection/Use")
	tp, ok2 := labels.Index("Third Party Sharing/Collection")
	if !ok1 || !ok2 {
		t.Fatal("label names changed")
	}
	loc := Key{"First Party Collection/Use", "Personal Information Type", "Location"}
	contact := Key{"First Party Collection/Use", "Personal Information Type", "Contact"}
	shared := Key{"Third Party Sharing/Collection", "Personal Information Type", "Location"}
	purpose := Key{"First Party Collection/Use", "Purpose", "Advertising"}
	v := &valueData{
		targets: []target{{key: loc, label: fp}, {key: contact, label: fp}, {key: shared, label: tp}, {key: purpose, label: fp}},
		gold:    []map[Key]bool{{loc: true}, {contact: true}, {shared: true}, {purpose: true}},
		inCat:   make([][labels.Count]bool, 4),
		fold:    []int{0, 1, 2, 3},
	}
	v.inCat[0][fp], v.inCat[1][fp], v.inCat[2][tp], v.inCat[3][fp] = true, true, true, true
	for k, key := range []Key{loc, contact, shared, purpose} {
		v.spans = append(v.spans, spanExample{seg: k, keys: map[Key]bool{key: true}})
	}
	v.byPair = spansByPair(v.spans)
	opt := Options{Share: 0.5, SpanWeight: 0.3}
	n := len(v.gold)
	spanOf := func(ex []example) map[int]example {
		m := map[int]example{}
		for _, e := range ex {
			if e.k >= n {
				m[e.k-n] = e
			}
		}
		return m
	}

	ex, npos, nneg := v.examples(0, 0, opt)
	got := spanOf(ex)
	if _, ok := got[0]; ok {
		t.Errorf("the held-out fold's own span is trained on")
	}
	if e, ok := got[1]; !ok || e.y != -1 || e.cost != 0.3 {
		t.Errorf("another value's span of the pair: %+v (present %v), want a negative at cost 0.3", e, ok)
	}
	if e, ok := got[2]; !ok || e.y != 1 || e.cost != 0.3*0.5 {
		t.Errorf("the same value's span in another category: %+v (present %v), want a positive at cost 0.15", e, ok)
	}
	if _, ok := got[3]; ok {
		t.Errorf("a span of another pair is trained on")
	}
	if npos != 1 || nneg != 2 {
		t.Errorf("segments counted %d positive, %d negative; want 1 and 2 (spans not counted)", npos, nneg)
	}

	ex, _, _ = v.examples(0, 1, opt)
	got = spanOf(ex)
	if e, ok := got[0]; !ok || e.y != 1 || e.cost != 0.3 {
		t.Errorf("the value's own span, its fold trained on: %+v (present %v), want a positive at cost 0.3", e, ok)
	}
	if _, ok := got[1]; ok {
		t.Errorf("fold 1's span is trained on when fold 1 is held out")
	}

	opt.SpanWeight = -1
	ex, _, _ = v.examples(0, 1, opt)
	if len(spanOf(ex)) != 0 {
		t.Errorf("spans trained on with SpanWeight -1")
	}
}
