package train

import (
	"testing"

	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
)

func shipped(t *testing.T) (*attrs.Model, *classify.Model) {
	t.Helper()
	m, err := attrs.Default()
	if err != nil {
		t.Fatal(err)
	}
	lm, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	return m, lm
}

// With the gold categories, a clause gets triples of its own categories
// only, whatever the label model would assign it, and none when it has no
// category with attributes.
func TestPredictGoldCategories(t *testing.T) {
	m, lm := shipped(t)
	const sharing = "We share your precise location with advertising partners so that they can show you ads that match your interests."
	var p classify.Pass
	cases := []struct {
		labels []string
		want   Key // a triple that must be among the predictions ("" none)
	}{
		{[]string{"Third Party Sharing/Collection"}, Key{"Third Party Sharing/Collection", "Purpose", "Advertising"}},
		{[]string{"First Party Collection/Use"}, Key{"First Party Collection/Use", "Personal Information Type", "Location"}},
		{[]string{"Introductory/Generic"}, Key{}},
		{nil, Key{}},
	}
	for _, c := range cases {
		got := PredictGoldCategories(m, lm, Segment{Text: sharing, Labels: c.labels}, &p)
		found := false
		for _, tr := range got {
			if len(c.labels) == 0 || tr.Category != c.labels[0] {
				t.Errorf("labels %q: triple %s / %s / %s of another category", c.labels, tr.Category, tr.Attribute, tr.Value)
			}
			found = found || keyOf(tr) == c.want
		}
		if c.want != (Key{}) && !found {
			t.Errorf("labels %q: no %v among %+v", c.labels, c.want, got)
		}
		if c.want == (Key{}) && len(got) != 0 {
			t.Errorf("labels %q: %d triples, want none", c.labels, len(got))
		}
	}
	// As users get it, the same clause gets its sharing triple from the
	// label model's categories.
	_, _, got := m.Clause(lm, classify.Input{Text: sharing}, &p)
	met := NewMetrics()
	seg := Segment{Text: sharing, Labels: []string{"Third Party Sharing/Collection"},
		Attributes: []Annotation{{Category: "Third Party Sharing/Collection", Attribute: "Purpose", Value: "Advertising", Votes: 3}}}
	met.Add(seg.Gold(), got)
	gold := EvaluateGoldCategories(m, lm, []Segment{seg})
	if gold.Micro().TP != 1 || met.Micro().TP != 1 {
		t.Errorf("true positives: %d with the gold categories, %d with the label model's; want 1 and 1", gold.Micro().TP, met.Micro().TP)
	}
}
