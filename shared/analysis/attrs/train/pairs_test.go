package train

import (
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/policylens/policylens/shared/domain/labels"
)

// The thresholds and the cross-validated figures read each segment's
// value probability from a pair regression fitted without the segment's
// fold. Here the first fold's segments contradict the rest, so the
// regression that saw them trusts the value's margin less than the one
// fitted without them.
func TestPairRegressionsHoldOutTheFold(t *testing.T) {
	const n, folds = 800, 4
	key := Key{"First Party Collection/Use", "Personal Information Type", "Location"}
	d := &pairData{
		targets: []target{{key: key, label: 0, pair: 0}},
		members: [][]int{{0}},
		oof:     [][]float64{make([]float64, n)},
		gold:    make([]map[Key]bool, n),
		inCat:   make([][labels.Count]bool, n),
		fold:    make([]int, n),
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for k := range n {
		d.fold[k] = k % folds
		x := 1.0
		if rng.IntN(2) == 0 {
			x = -1
		}
		d.oof[0][k] = x
		has := x > 0
		if rng.IntN(10) == 0 { // noise
			has = !has
		}
		if d.fold[k] == 0 { // the contradicting fold
			has = !has
		}
		d.gold[k] = map[Key]bool{key: has}
		d.inCat[k][0] = true
	}
	prob := func(st []float64) float64 { return 1 / (1 + math.Exp(-(st[0]*1 + st[1]))) }
	opt := Options{Folds: folds, PairStack: DefaultPairStack}
	stack, foldStack := pairRegressions(d, opt)
	if p := prob(foldStack[0][0]); p < 0.85 {
		t.Errorf("fitted without the contradicting fold: %.3f for a positive margin, want at least 0.85", p)
	}
	if p := prob(stack[0]); p > 0.8 {
		t.Errorf("fitted on all folds: %.3f for a positive margin, want under 0.8", p)
	}
	for f := 1; f < folds; f++ {
		if a, b := prob(foldStack[f][0]), prob(foldStack[0][0]); a >= b {
			t.Errorf("fold %d's regression (it saw the contradicting fold) gives %.3f, not less than fold 0's %.3f", f, a, b)
		}
	}
	opt.InSampleStack = true
	_, same := pairRegressions(d, opt)
	for f := range folds {
		if !reflect.DeepEqual(same[f][0], stack[0]) {
			t.Errorf("with InSampleStack, fold %d's regression %v is not the one fitted on all segments %v", f, same[f][0], stack[0])
		}
	}
}
