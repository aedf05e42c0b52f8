package train

import (
	"math/rand/v2"
	"testing"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// The thresholds are tuned on scores the final calibration would give
// clauses it has not seen: each fold's from a calibration fitted on the
// other folds. Here the first fold's examples contradict the rest, so a
// calibration that saw them trusts label 0's margin less than one that
// did not.
func TestNestedCalibrationHoldsOutTheFold(t *testing.T) {
	const n, folds = 800, 4
	rng := rand.New(rand.NewPCG(1, 2))
	inputs := make([]evidence, n)
	y := make([]corpus.LabelSet, n)
	fold := make([]int, n)
	for k := range n {
		fold[k] = k % folds
		x := 1.0
		if rng.IntN(2) == 0 {
			x = -1
		}
		inputs[k][0] = x
		pos := x > 0
		if rng.IntN(10) == 0 { // noise
			pos = !pos
		}
		if fold[k] == 0 { // the contradicting fold
			pos = !pos
		}
		if pos {
			y[k] = 1
		}
	}
	use := make([]int, labels.Count)
	for l := range use {
		use[l] = l
	}
	opt := Options{Folds: folds, Stack: 30}
	var all calibration
	for l := range labels.Count {
		all[l] = stack(inputs, use, y, l, all[l], opt.Stack)
	}
	score := func(c calibration) float64 {
		x := evidence{}
		x[0] = 1
		return c.apply(&x)[0]
	}
	nested := nestedCalibration(inputs, use, y, fold, all, opt)
	if got := score(nested[0]); got < 0.85 {
		t.Errorf("the calibration fitted without the contradicting fold gives %.3f to a positive margin, want at least 0.85", got)
	}
	if got := score(all); got > 0.8 {
		t.Errorf("the calibration fitted on all folds gives %.3f to a positive margin, want under 0.8", got)
	}
	for f := 1; f < folds; f++ {
		if a, b := score(nested[f]), score(nested[0]); a >= b {
			t.Errorf("fold %d's calibration (it saw the contradicting fold) gives %.3f, not less than fold 0's %.3f", f, a, b)
		}
	}
	opt.InSampleCalib = true
	for f, c := range nestedCalibration(inputs, use, y, fold, all, opt) {
		if c != all {
			t.Errorf("with InSampleCalib, fold %d's calibration is not the one fitted on all folds", f)
		}
	}
}
