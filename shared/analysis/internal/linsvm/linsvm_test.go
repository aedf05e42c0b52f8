package linsvm

import (
	"math/rand/v2"
	"testing"
)

// rows builds Rows from dense vectors, leaving zeros out.
func rows(vs [][]float32) Rows {
	r := Rows{Start: []int{0}}
	for _, v := range vs {
		for c, x := range v {
			if x != 0 {
				r.Cols = append(r.Cols, int32(c))
				r.Vals = append(r.Vals, x)
			}
		}
		r.Start = append(r.Start, len(r.Cols))
	}
	return r
}

func margin(w []float64, b float64, v []float32) float64 {
	s := b
	for c, x := range v {
		s += w[c] * float64(x)
	}
	return s
}

// Two classes told apart by the first column, the second column noise:
// every training vector ends on its side, and the weight of the telling
// column dominates.
func TestSolveSeparates(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var vs [][]float32
	var y []float64
	for i := 0; i < 200; i++ {
		cls := float64(1 - 2*(i%2))
		vs = append(vs, []float32{float32(cls) * (0.5 + rng.Float32()), rng.Float32() - 0.5})
		y = append(y, cls)
	}
	p := &Problem{Rows: rows(vs), Y: y, Cost: make([]float64, len(vs)), Dim: 2, MaxIter: 1000, Eps: 0.001}
	for i := range vs {
		p.Examples = append(p.Examples, i)
		p.Cost[i] = 1
	}
	w, b := Solve(p, rand.New(rand.NewPCG(3, 4)))
	for i, v := range vs {
		if m := margin(w, b, v); m*y[i] <= 0 {
			t.Fatalf("vector %d (class %v) has margin %v", i, y[i], m)
		}
	}
	if w[0] < 5*abs(w[1]) {
		t.Errorf("weights %v: the telling column does not dominate", w)
	}
	// The same random state gives the same model.
	w2, b2 := Solve(p, rand.New(rand.NewPCG(3, 4)))
	if b2 != b || w2[0] != w[0] || w2[1] != w[1] {
		t.Errorf("same seed, other model: %v %v against %v %v", w2, b2, w, b)
	}
}

// A column scale trains the same model as vectors scaled beforehand.
func TestScaleIsScaledVectors(t *testing.T) {
	vs := [][]float32{{1, 2, 0}, {0, 1, 3}, {2, 0, 1}, {1, 1, 1}}
	scale := []float64{0.5, 2, 1.5}
	scaled := make([][]float32, len(vs))
	for i, v := range vs {
		for c, x := range v {
			scaled[i] = append(scaled[i], float32(float64(x)*scale[c]))
		}
	}
	base := Problem{Examples: []int{0, 1, 2, 3}, Y: []float64{1, -1, 1, -1}, Cost: []float64{1, 2, 1, 0.5}, Dim: 3, MaxIter: 200, Eps: 1e-6}
	a, b := base, base
	a.Rows, a.Scale = rows(vs), scale
	b.Rows = rows(scaled)
	wa, ba := Solve(&a, rand.New(rand.NewPCG(5, 6)))
	wb, bb := Solve(&b, rand.New(rand.NewPCG(5, 6)))
	for c := range wa {
		if abs(wa[c]-wb[c]) > 1e-6 {
			t.Errorf("column %d: %v with a scale, %v on scaled vectors", c, wa[c], wb[c])
		}
	}
	if abs(ba-bb) > 1e-6 {
		t.Errorf("bias %v with a scale, %v on scaled vectors", ba, bb)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
