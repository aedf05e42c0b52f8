package train

import (
	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Evaluate predicts every segment's triples as users get them (the label
// model's pass, then the attribute model, for clauses the label model
// labels) and compares them with the gold triples.
func Evaluate(m *attrs.Model, lm *classify.Model, segs []Segment) *Metrics {
	met := NewMetrics()
	var p classify.Pass
	for _, s := range segs {
		_, _, pred := m.Clause(lm, s.Input(), &p)
		met.Add(s.Gold(), pred)
	}
	return met
}

// EvaluateGoldCategories is Evaluate with the segments' own categories
// (their OPP-115 majority labels, Segment.Labels) in place of the label
// model's: each is assigned with score 1, every other label scores 0.
// The gap to Evaluate is what the label model's mistakes cost the
// attributes.
func EvaluateGoldCategories(m *attrs.Model, lm *classify.Model, segs []Segment) *Metrics {
	met := NewMetrics()
	var p classify.Pass
	for _, s := range segs {
		met.Add(s.Gold(), PredictGoldCategories(m, lm, s, &p))
	}
	return met
}

// PredictGoldCategories returns the triples the attribute model gives
// segment s when the label model's scores are replaced by s's own labels
// (score 1 for each, 0 for the others). p is working memory.
func PredictGoldCategories(m *attrs.Model, lm *classify.Model, s Segment, p *classify.Pass) []Triple {
	sc := lm.ScoresPass(s.Input(), p)
	var own [labels.Count]bool
	for _, name := range s.Labels {
		if i, ok := labels.Index(name); ok {
			own[i] = true
		}
	}
	var assigned []policy.LabelScore
	for i, l := range labels.All {
		sc[i] = 0
		if own[i] {
			sc[i] = 1
			assigned = append(assigned, policy.LabelScore{Label: l.Name, Score: 1})
		}
	}
	if len(assigned) == 0 {
		return nil
	}
	return m.Predict(s.Text, p, sc, assigned)
}
