package train

import (
	"testing"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Two folds whose scores part positives from negatives at different
// places: thresholds tuned on all examples can serve both a little, but
// each fold labelled by the threshold of the other fold alone is labelled
// wrong, so the held-out figures must be the lower, and exactly those of
// the other fold's threshold.
func TestHeldOutThresholdsHoldOutTheFold(t *testing.T) {
	var probs [][labels.Count]float64
	var gold []corpus.LabelSet
	var fold []int
	add := func(f int, p float64, pos bool) {
		var x [labels.Count]float64
		x[0] = p
		probs = append(probs, x)
		var y corpus.LabelSet
		if pos {
			y = y.With(0)
		}
		gold = append(gold, y)
		fold = append(fold, f)
	}
	for range 10 {
		add(0, 0.6, true) // fold 0: positives at 0.6, negatives at 0.4
		add(0, 0.4, false)
		add(1, 0.3, true) // fold 1: positives at 0.3, negatives at 0.2
		add(1, 0.2, false)
	}
	n := len(probs)
	dom := make([]int, n)
	yes := make([]bool, n)
	for k := range yes {
		yes[k] = true
	}
	o := newObjective(gold, dom, yes, yes)
	var d decision
	tune(&d, probs, o, false, false, true)
	inSample := o.metrics(&d, probs)[1].Labels[0].F1()

	held := heldOut(probs, o, fold, 2, false, false, true)[1].Labels[0]
	// Fold 0 at fold 1's threshold (between 0.2 and 0.3): every example
	// positive, 10 TP and 10 FP. Fold 1 at fold 0's (between 0.4 and 0.6):
	// none, 10 FN.
	if held.TP != 10 || held.FP != 10 || held.FN != 10 {
		t.Errorf("held out: %+v, want 10 true positives, 10 false positives, 10 false negatives", held)
	}
	if held.F1() >= inSample {
		t.Errorf("held-out F1 %.3f not below the in-sample %.3f", held.F1(), inSample)
	}
}
