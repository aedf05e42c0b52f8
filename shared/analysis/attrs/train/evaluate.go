package train

import (
	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
)

// Evaluate predicts every segment's triples as users get them (the label
// model's pass, then the attribute model, for clauses the label model
// labels) and compares them with the gold triples.
func Evaluate(m *attrs.Model, lm *classify.Model, segs []Segment) *Metrics {
	met := NewMetrics()
	var p classify.Pass
	for _, s := range segs {
		_, _, pred := m.Clause(lm, classify.Input{Text: s.Text}, &p)
		met.Add(s.Gold(), pred)
	}
	return met
}
