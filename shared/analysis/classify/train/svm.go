package train

import (
	"math"
	"math/rand/v2"

	"github.com/policylens/policylens/shared/analysis/internal/linsvm"
)

// fit trains the linear model of one label on the examples idx.
func fit(d *dataset, idx []int, label int, C float64, opt Options, dim int, src rand.Source) ([]float64, float64) {
	switch opt.Model {
	case "svm":
		return trainSVM(d, idx, label, C, opt.PosWeight, dim, false, src)
	case "nbsvm":
		return trainSVM(d, idx, label, C, opt.PosWeight, dim, true, src)
	case "lr":
		return trainLR(d, idx, label, C, opt.PosWeight, dim, src)
	}
	// The mean of both: still one linear model.
	w1, b1 := trainSVM(d, idx, label, C, opt.PosWeight, dim, false, src)
	w2, b2 := trainSVM(d, idx, label, C, opt.PosWeight, dim, true, src)
	for r := range w1 {
		w1[r] = (w1[r] + w2[r]) / 2
	}
	return w1, (b1 + b2) / 2
}

// trainSVM fits an L2-regularised squared-hinge linear SVM for one label on
// the examples idx by dual coordinate descent (Hsieh et al., ICML 2008),
// with a bias term (regularised, as a constant feature of 1); example k's
// cost is scaled by its weight. With nb set,
// it is an NB-SVM (Wang and Manning, ACL 2012): every feature is first
// scaled by its naive-Bayes log-count ratio for the label, and the ratio is
// folded into the returned weights, so they apply to unscaled vectors.
func trainSVM(d *dataset, idx []int, label int, C, posWeight float64, dim int, nb bool, src rand.Source) ([]float64, float64) {
	cpos, cneg := classCosts(d, idx, label, C, posWeight)
	p := &linsvm.Problem{
		Rows:     linsvm.Rows{Start: d.start, Cols: d.rows, Vals: d.vals},
		Examples: idx,
		Y:        make([]float64, len(idx)),
		Cost:     make([]float64, len(idx)),
		Dim:      dim,
		MaxIter:  1000,
		Eps:      0.01,
	}
	if nb {
		p.Scale = nbRatios(d, idx, label, dim)
	}
	for i, k := range idx {
		p.Y[i], p.Cost[i] = -1, cneg*d.w(k)
		if d.y[k].Has(label) {
			p.Y[i], p.Cost[i] = 1, cpos*d.w(k)
		}
	}
	w, b := linsvm.Solve(p, rand.New(src))
	for r := range p.Scale {
		w[r] *= p.Scale[r]
	}
	return w, b
}

// classCosts returns the costs of positive and negative examples of label
// among idx: C for both, with positives weighted by
// (negatives/positives)^posWeight when posWeight > 0.
func classCosts(d *dataset, idx []int, label int, C, posWeight float64) (cpos, cneg float64) {
	npos := 0
	for _, k := range idx {
		if d.y[k].Has(label) {
			npos++
		}
	}
	cpos, cneg = C, C
	if npos > 0 && posWeight > 0 {
		cpos = C * math.Pow(float64(len(idx)-npos)/float64(npos), posWeight)
	}
	return cpos, cneg
}

// trainLR fits an L2-regularised logistic regression for one label on the
// examples idx by dual coordinate descent (Yu, Huang and Lin, Machine
// Learning 2011), with a regularised bias as a constant feature of 1.
func trainLR(d *dataset, idx []int, label int, C, posWeight float64, dim int, src rand.Source) ([]float64, float64) {
	rng := rand.New(src)
	cpos, cneg := classCosts(d, idx, label, C, posWeight)
	w := make([]float64, dim)
	b := 0.0
	n := len(idx)
	alpha := make([]float64, 2*n)
	y := make([]float64, n)
	upper := make([]float64, n)
	qd := make([]float64, n)
	add := func(k int, f float64) {
		for j := d.start[k]; j < d.start[k+1]; j++ {
			w[d.rows[j]] += f * float64(d.vals[j])
		}
		b += f
	}
	for i, k := range idx {
		y[i], upper[i] = -1, cneg*d.w(k)
		if d.y[k].Has(label) {
			y[i], upper[i] = 1, cpos*d.w(k)
		}
		qd[i] = d.sqnorm[k] + 1
		alpha[2*i] = min(0.001*upper[i], 1e-8)
		alpha[2*i+1] = upper[i] - alpha[2*i]
		add(k, y[i]*alpha[2*i])
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	const eps, maxIter, maxInner = 0.01, 1000, 100
	innerEps, innerEpsMin := 1e-2, 1e-8
	for range maxIter {
		rng.Shuffle(n, func(a, c int) { order[a], order[c] = order[c], order[a] })
		newtonIter := 0
		gmax := 0.0
		for _, i := range order {
			k := idx[i]
			c := upper[i]
			ywx := y[i] * (d.dot(k, w) + b)
			a := qd[i]
			i1, i2, sign := 2*i, 2*i+1, 1.0
			if 0.5*a*(alpha[i2]-alpha[i1])+ywx < 0 {
				i1, i2, sign = 2*i+1, 2*i, -1
			}
			old := alpha[i1]
			z := old
			if c-z < 0.5*c {
				z *= 0.1
			}
			gp := a*(z-old) + sign*ywx + math.Log(z/(c-z))
			gmax = max(gmax, math.Abs(gp))
			inner := 0
			for ; inner < maxInner; inner++ {
				if math.Abs(gp) < innerEps {
					break
				}
				gpp := a + c/(c-z)/z
				if tz := z - gp/gpp; tz <= 0 {
					z *= 0.1
				} else {
					z = tz
				}
				gp = a*(z-old) + sign*ywx + math.Log(z/(c-z))
			}
			newtonIter += inner
			if inner > 0 {
				alpha[i1], alpha[i2] = z, c-z
				add(k, sign*(z-old)*y[i])
			}
		}
		if gmax < eps {
			break
		}
		if newtonIter <= n/10 {
			innerEps = max(innerEpsMin, 0.1*innerEps)
		}
	}
	return w, b
}

// nbRatios returns the naive-Bayes log-count ratio of every feature for
// label over the examples idx: log((p/|p|)/(q/|q|)) with p and q the feature
// totals over positive and negative examples, each smoothed by 1.
func nbRatios(d *dataset, idx []int, label, dim int) []float64 {
	p := make([]float64, dim)
	q := make([]float64, dim)
	for _, k := range idx {
		t := q
		if d.y[k].Has(label) {
			t = p
		}
		for j := d.start[k]; j < d.start[k+1]; j++ {
			t[d.rows[j]] += float64(d.vals[j])
		}
	}
	var sp, sq float64
	for r := range p {
		p[r]++
		q[r]++
		sp += p[r]
		sq += q[r]
	}
	for r := range p {
		p[r] = math.Log((p[r] / sp) / (q[r] / sq))
	}
	return p
}
