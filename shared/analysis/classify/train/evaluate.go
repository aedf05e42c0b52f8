package train

import (
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Predict assigns labels to every example with m, as analyze does: the
// clause's heading path is given to the model and the language check
// applies.
func Predict(m *classify.Model, examples []corpus.Example) []corpus.LabelSet {
	out := make([]corpus.LabelSet, len(examples))
	for k, ex := range examples {
		in := input(ex)
		for _, ls := range m.AssignInput(in, m.ScoresInput(in)) {
			if i, ok := labels.Index(ls.Label); ok {
				out[k] = out[k].With(i)
			}
		}
	}
	return out
}

// Evaluate scores m on labelled examples.
func Evaluate(m *classify.Model, examples []corpus.Example) Metrics {
	return Compare(golds(examples), Predict(m, examples))
}

func golds(examples []corpus.Example) []corpus.LabelSet {
	gold := make([]corpus.LabelSet, len(examples))
	for k, ex := range examples {
		gold[k] = ex.Labels
	}
	return gold
}

// Fallbacks are the ways a clause that no threshold admits may still get
// a label, for EvaluateFallback.
type Fallback int

const (
	// NoFallback leaves such a clause unlabelled.
	NoFallback Fallback = iota
	// BestAlways gives it its best label.
	BestAlways
	// BestIfStates gives it its best label when it classify.States
	// something.
	BestIfStates
)

func (f Fallback) String() string {
	return [...]string{"no fallback", "best label always", "best label if the clause states something"}[f]
}

// EvaluateFallback scores m on labelled examples as Evaluate does, but
// with fallback f in place of the model's own (text the model does not
// read stays unlabelled).
func EvaluateFallback(m *classify.Model, examples []corpus.Example, f Fallback) Metrics {
	pred := make([]corpus.LabelSet, len(examples))
	d := decision{gate: f == BestIfStates}
	if f == BestAlways {
		d.fallback = 1e-300
	}
	for i := range d.thresholds {
		d.thresholds[i] = m.Threshold(i)
	}
	for k, ex := range examples {
		in := input(ex)
		pred[k] = d.assign(m.ScoresInput(in), m.Reads(in.Text), classify.States(in.Text))
	}
	return Compare(golds(examples), pred)
}
