package train

import (
	"math"
	"slices"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// evidence is what the calibration reads of a clause (see
// modelfile.CalibInputs): margins, best sentence margins, network logits
// and the heading flag.
type evidence [modelfile.CalibInputs]float64

// unplaced returns x with its place inputs cleared, and whether it had a
// place.
func (x evidence) unplaced() (evidence, bool) {
	place := x[modelfile.CalibPlace : modelfile.CalibPlace+modelfile.PlaceParts]
	had := slices.ContainsFunc(place, func(v float64) bool { return v != 0 })
	clear(place)
	return x, had
}

// calibration is the logistic layer of every label.
type calibration [labels.Count][modelfile.CalibDim]float64

// apply returns the calibrated scores of x, as classify computes them.
func (c *calibration) apply(x *evidence) [labels.Count]float64 {
	var s [labels.Count]float64
	for i := range s {
		z := c[i][modelfile.CalibBias]
		for j, v := range x {
			z += c[i][j] * v
		}
		s[i] = logistic(z)
	}
	return s
}

// logistic is 1/(1+exp(-z)).
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// stacked reports whether the calibration is fitted by stack over the
// inputs use; otherwise it is the Platt scaling chooseCosts fits.
func stacked(opt Options, use []int) bool {
	return opt.Stack > 0 || len(use) > labels.Count
}

// stackPenalty is the L2 penalty of the other labels' calibration inputs.
func stackPenalty(opt Options) float64 {
	if opt.Stack <= 0 {
		return 1e6 // Platt scaling of the label's own inputs
	}
	return opt.Stack
}

// nestedCalibration returns, per fold, the calibration fitted on the
// out-of-fold inputs of the other folds (starting from calib, the one
// fitted on all), so that every example can be scored by a calibration
// that did not see it; with opt.InSampleCalib, calib for every fold.
func nestedCalibration(inputs []evidence, use []int, y []corpus.LabelSet, fold []int, calib calibration, opt Options) []calibration {
	out := make([]calibration, opt.Folds)
	for f := range out {
		out[f] = calib
		if opt.InSampleCalib || !stacked(opt, use) {
			continue
		}
		var sub []evidence
		var ysub []corpus.LabelSet
		for k := range inputs {
			if fold[k] != f {
				sub = append(sub, inputs[k])
				ysub = append(ysub, y[k])
			}
		}
		for l := range labels.Count {
			out[f][l] = stack(sub, use, ysub, l, calib[l], stackPenalty(opt))
		}
	}
	return out
}

// stack fits label l's probability as a logistic regression on the
// calibration inputs use (the margins of all labels, then perhaps their
// highest sentence margins and the heading flag) and a bias, starting from
// init; the coefficients of the other labels' inputs carry an L2 penalty
// lambda, the label's own inputs, the flag and the bias none. Targets are
// Platt's smoothed ones.
func stack(inputs []evidence, use []int, y []corpus.LabelSet, l int, init [modelfile.CalibDim]float64, lambda float64) [modelfile.CalibDim]float64 {
	// A label reads its own memory inputs, not the other labels'.
	use = slices.DeleteFunc(slices.Clone(use), func(j int) bool {
		m, ok := modelfile.IsMemoryInput(j)
		return ok && m != l
	})
	nin := len(use)
	dim := nin + 1
	var npos, nneg float64
	for _, s := range y {
		if s.Has(l) {
			npos++
		} else {
			nneg++
		}
	}
	hi, lo := (npos+1)/(npos+2), 1/(nneg+2)
	idx := func(j int) int { // position in calib of input j (the last is the bias)
		if j == nin {
			return modelfile.CalibBias
		}
		return use[j]
	}
	x := func(k, j int) float64 {
		if j == nin {
			return 1
		}
		return inputs[k][use[j]]
	}
	penalty := func(j int) float64 {
		if j == nin || use[j] >= modelfile.CalibFlag || use[j]%labels.Count == l {
			return 0
		}
		return lambda
	}
	w := make([]float64, dim)
	for j := range dim {
		w[j] = init[idx(j)]
	}
	obj := func(w []float64) float64 {
		s := 0.0
		for k := range inputs {
			z := 0.0
			for j := range dim {
				z += w[j] * x(k, j)
			}
			t := lo
			if y[k].Has(l) {
				t = hi
			}
			s += math.Log1p(math.Exp(-math.Abs(z))) + max(z, 0) - t*z
		}
		for j := range dim {
			s += penalty(j) * w[j] * w[j] / 2
		}
		return s
	}
	fval := obj(w)
	g := make([]float64, dim)
	h := make([][]float64, dim)
	for i := range h {
		h[i] = make([]float64, dim)
	}
	nw := make([]float64, dim)
	for range 50 {
		clear(g)
		for i := range h {
			clear(h[i])
		}
		for k := range inputs {
			z := 0.0
			for j := range dim {
				z += w[j] * x(k, j)
			}
			p := logistic(z)
			t := lo
			if y[k].Has(l) {
				t = hi
			}
			for i := range dim {
				xi := x(k, i)
				g[i] += (p - t) * xi
				for j := i; j < dim; j++ {
					h[i][j] += p * (1 - p) * xi * x(k, j)
				}
			}
		}
		gmax := 0.0
		for i := range dim {
			for j := 0; j < i; j++ {
				h[i][j] = h[j][i]
			}
			g[i] += penalty(i) * w[i]
			h[i][i] += penalty(i) + 1e-9
			gmax = max(gmax, math.Abs(g[i]))
		}
		if gmax < 1e-6 {
			break
		}
		step, ok := solve(h, g)
		if !ok {
			break
		}
		gd := 0.0
		for i := range dim {
			gd -= g[i] * step[i]
		}
		t := 1.0
		for ; t >= 1e-8; t /= 2 {
			for i := range dim {
				nw[i] = w[i] - t*step[i]
			}
			if nf := obj(nw); nf <= fval+1e-4*t*gd {
				copy(w, nw)
				fval = nf
				break
			}
		}
		if t < 1e-8 {
			break
		}
	}
	var out [modelfile.CalibDim]float64
	for j := range dim {
		out[idx(j)] = w[j]
	}
	return out
}

// solve solves h x = g by Gaussian elimination with partial pivoting; h and
// g are overwritten.
func solve(h [][]float64, g []float64) ([]float64, bool) {
	n := len(g)
	for c := range n {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(h[r][c]) > math.Abs(h[p][c]) {
				p = r
			}
		}
		if math.Abs(h[p][c]) < 1e-15 {
			return g, false
		}
		h[c], h[p] = h[p], h[c]
		g[c], g[p] = g[p], g[c]
		for r := c + 1; r < n; r++ {
			f := h[r][c] / h[c][c]
			for k := c; k < n; k++ {
				h[r][k] -= f * h[c][k]
			}
			g[r] -= f * g[c]
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := g[r]
		for k := r + 1; k < n; k++ {
			s -= h[r][k] * x[k]
		}
		x[r] = s / h[r][r]
	}
	return x, true
}

// platt fits P(y|f) = 1/(1+exp(a*f+b)) to margins f by Newton's method with
// backtracking, with Platt's smoothed targets (Lin, Lin and Weng 2007).
func platt(f []float64, y []bool) (float64, float64) {
	var prior1, prior0 float64
	for _, v := range y {
		if v {
			prior1++
		} else {
			prior0++
		}
	}
	hi, lo := (prior1+1)/(prior1+2), 1/(prior0+2)
	t := make([]float64, len(f))
	for i, v := range y {
		t[i] = lo
		if v {
			t[i] = hi
		}
	}
	a, b := 0.0, math.Log((prior0+1)/(prior1+1))
	const sigma, minStep, maxIter = 1e-12, 1e-10, 100
	obj := func(a, b float64) float64 {
		s := 0.0
		for i := range f {
			fa := f[i]*a + b
			if fa >= 0 {
				s += t[i]*fa + math.Log1p(math.Exp(-fa))
			} else {
				s += (t[i]-1)*fa + math.Log1p(math.Exp(fa))
			}
		}
		return s
	}
	fval := obj(a, b)
	for range maxIter {
		h11, h22, h21, g1, g2 := sigma, sigma, 0.0, 0.0, 0.0
		for i := range f {
			fa := f[i]*a + b
			var p, q float64
			if fa >= 0 {
				e := math.Exp(-fa)
				p, q = e/(1+e), 1/(1+e)
			} else {
				e := math.Exp(fa)
				p, q = 1/(1+e), e/(1+e)
			}
			d2 := p * q
			h11 += f[i] * f[i] * d2
			h22 += d2
			h21 += f[i] * d2
			d1 := t[i] - p
			g1 += f[i] * d1
			g2 += d1
		}
		if math.Abs(g1) < 1e-5 && math.Abs(g2) < 1e-5 {
			break
		}
		det := h11*h22 - h21*h21
		da := -(h22*g1 - h21*g2) / det
		db := -(-h21*g1 + h11*g2) / det
		gd := g1*da + g2*db
		step := 1.0
		for step >= minStep {
			na, nb := a+step*da, b+step*db
			nf := obj(na, nb)
			if nf < fval+0.0001*step*gd {
				a, b, fval = na, nb, nf
				break
			}
			step /= 2
		}
		if step < minStep {
			break
		}
	}
	return a, b
}
