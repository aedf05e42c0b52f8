package train

import (
	"math"
	"math/rand/v2"

	"github.com/policylens/policylens/shared/analysis/internal/linsvm"
)

// example is one training item of a value's classifier.
type example struct {
	k    int     // vector index
	y    float64 // +1 or -1
	cost float64
}

// trainSVM fits an L2-regularised squared-hinge linear SVM with a cost per
// example (package linsvm).
func trainSVM(d *dataset, ex []example, dim int, rng *rand.Rand) ([]float64, float64) {
	p := &linsvm.Problem{
		Rows:     linsvm.Rows{Start: d.start, Cols: d.rows, Vals: d.vals},
		Examples: make([]int, len(ex)),
		Y:        make([]float64, len(ex)),
		Cost:     make([]float64, len(ex)),
		Dim:      dim,
		MaxIter:  500,
		Eps:      0.01,
	}
	for i, e := range ex {
		p.Examples[i], p.Y[i], p.Cost[i] = e.k, e.y, e.cost
	}
	return linsvm.Solve(p, rng)
}

// fitLogistic fits a logistic regression of ys on xs (the last column a
// constant 1) by Newton's method with Platt's smoothed targets and an L2
// penalty per coefficient (0: none), starting from zero.
func fitLogistic(xs [][]float64, ys []bool, pen []float64) []float64 {
	dim := len(pen)
	var npos, nneg float64
	for _, y := range ys {
		if y {
			npos++
		} else {
			nneg++
		}
	}
	hi, lo := (npos+1)/(npos+2), 1/(nneg+2)
	w := make([]float64, dim)
	if npos == 0 || nneg == 0 {
		// Nothing to tell apart: a constant probability.
		w[dim-1] = logit((npos + 1) / (npos + nneg + 2))
		return w
	}
	loss := func(w []float64) float64 {
		s := 0.0
		for i, x := range xs {
			z := dotv(w, x)
			t := lo
			if ys[i] {
				t = hi
			}
			// log(1+e^z) - t z, stably.
			s += math.Max(z, 0) + math.Log1p(math.Exp(-math.Abs(z))) - t*z
		}
		for j, p := range pen {
			s += 0.5 * p * w[j] * w[j]
		}
		return s
	}
	cur := loss(w)
	for range 50 {
		g := make([]float64, dim)
		h := make([][]float64, dim)
		for j := range h {
			h[j] = make([]float64, dim)
			h[j][j] = pen[j] + 1e-9
			g[j] = pen[j] * w[j]
		}
		for i, x := range xs {
			p := logistic(dotv(w, x))
			t := lo
			if ys[i] {
				t = hi
			}
			r := p - t
			v := p * (1 - p)
			for a, xa := range x {
				if xa == 0 {
					continue
				}
				g[a] += r * xa
				for b, xb := range x {
					h[a][b] += v * xa * xb
				}
			}
		}
		step, ok := gauss(h, g)
		if !ok {
			break
		}
		// Backtracking line search.
		t := 1.0
		next := make([]float64, dim)
		improved := false
		for range 30 {
			for j := range w {
				next[j] = w[j] - t*step[j]
			}
			if l := loss(next); l <= cur {
				improved = cur-l > 1e-10
				copy(w, next)
				cur = l
				break
			}
			t /= 2
		}
		if !improved {
			break
		}
	}
	return w
}

func dotv(a, b []float64) float64 {
	s := 0.0
	for i, v := range a {
		s += v * b[i]
	}
	return s
}

// gauss solves h x = g by Gaussian elimination with partial pivoting.
func gauss(h [][]float64, g []float64) ([]float64, bool) {
	n := len(g)
	a := make([][]float64, n)
	for i := range a {
		a[i] = append(append([]float64(nil), h[i]...), g[i])
	}
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		if math.Abs(a[p][c]) < 1e-12 {
			return nil, false
		}
		a[c], a[p] = a[p], a[c]
		for r := c + 1; r < n; r++ {
			f := a[r][c] / a[c][c]
			for k := c; k <= n; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	x := make([]float64, n)
	for i := n - 1; i >= 0; i-- {
		s := a[i][n]
		for k := i + 1; k < n; k++ {
			s -= a[i][k] * x[k]
		}
		x[i] = s / a[i][i]
	}
	return x, true
}

func logit(p float64) float64 {
	p = min(max(p, 1e-4), 1-1e-4)
	return math.Log(p / (1 - p))
}

func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
