// Package linsvm trains L2-regularised squared-hinge linear SVMs on sparse
// vectors by dual coordinate descent (Hsieh et al., ICML 2008), with a
// bias term regularised as a constant feature of 1 and a cost per
// example. The label model's and the attribute model's trainers both use
// it; nothing at run time does.
package linsvm

import (
	"math"
	"math/rand/v2"
)

// Rows is a set of sparse vectors: vector k's entries are Cols[j] and
// Vals[j] for j in [Start[k], Start[k+1]).
type Rows struct {
	Start []int
	Cols  []int32
	Vals  []float32
}

// Problem is one SVM to train.
type Problem struct {
	Rows Rows
	// Examples are the vectors trained on, with their labels Y (+1 or -1)
	// and costs, one each.
	Examples []int
	Y, Cost  []float64
	// Scale, when set, multiplies every entry by the scale of its column
	// (an NB-SVM's log-count ratios); the weights returned apply to the
	// scaled vectors.
	Scale []float64
	// Dim is the number of columns.
	Dim int
	// MaxIter bounds the passes over the examples; the solver stops
	// earlier when the projected gradient spans at most Eps.
	MaxIter int
	Eps     float64
}

// Solve returns the weights and the bias. Its only randomness is the order
// of the examples in each pass, drawn from rng: the same rng state gives
// the same result.
func Solve(p *Problem, rng *rand.Rand) ([]float64, float64) {
	r := &p.Rows
	val := func(j int) float64 {
		if p.Scale == nil {
			return float64(r.Vals[j])
		}
		return float64(r.Vals[j]) * p.Scale[r.Cols[j]]
	}
	n := len(p.Examples)
	w := make([]float64, p.Dim)
	b := 0.0
	alpha := make([]float64, n)
	diag := make([]float64, n)
	qd := make([]float64, n)
	for i, k := range p.Examples {
		diag[i] = 1 / (2 * p.Cost[i])
		sq := 0.0
		for j := r.Start[k]; j < r.Start[k+1]; j++ {
			sq += val(j) * val(j)
		}
		qd[i] = sq + 1 + diag[i]
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	for range p.MaxIter {
		rng.Shuffle(n, func(a, c int) { order[a], order[c] = order[c], order[a] })
		maxPG, minPG := math.Inf(-1), math.Inf(1)
		for _, i := range order {
			k := p.Examples[i]
			dot := 0.0
			for j := r.Start[k]; j < r.Start[k+1]; j++ {
				dot += val(j) * w[r.Cols[j]]
			}
			g := p.Y[i]*(dot+b) - 1 + diag[i]*alpha[i]
			pg := g
			if alpha[i] == 0 && g > 0 {
				pg = 0
			}
			maxPG, minPG = max(maxPG, pg), min(minPG, pg)
			if pg == 0 {
				continue
			}
			old := alpha[i]
			alpha[i] = max(old-g/qd[i], 0)
			delta := (alpha[i] - old) * p.Y[i]
			for j := r.Start[k]; j < r.Start[k+1]; j++ {
				w[r.Cols[j]] += delta * val(j)
			}
			b += delta
		}
		if maxPG-minPG <= p.Eps {
			break
		}
	}
	return w, b
}
