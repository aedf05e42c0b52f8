package classify

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// TrainOptions configure Train. Zero fields take the defaults noted.
type TrainOptions struct {
	// Features are the n-grams to read; zero means DefaultFeatures.
	Features Features
	// CharWeight scales the character n-gram block against the word block
	// (each is L2-normalised first); 0 means 1.
	CharWeight float64
	// MinDF drops n-grams seen in fewer training texts; 0 means
	// DefaultMinDF.
	MinDF int
	// C lists the candidate costs of the linear SVM (inverse regularisation);
	// each label takes the one with the best cross-validated log-loss.
	// Empty means DefaultC.
	C []float64
	// PosWeight weights a label's positive examples by
	// (negatives/positives)^PosWeight: 1 is fully balanced; 0 means
	// DefaultPosWeight, and a negative value leaves the classes unweighted.
	PosWeight float64
	// Folds is the number of cross-validation folds on the training data,
	// used to calibrate scores and tune thresholds; 0 means DefaultFolds.
	// The final weights are the mean of the folds' models. Folds are
	// contiguous blocks of the corpus, so that (as OPP-115 lists the segments
	// of one policy together) a fold mostly holds policies the rest has not
	// seen.
	Folds int
	// Seed fixes the order of the solver's updates; training is deterministic
	// for a given seed.
	Seed uint64
	// Model is "svm", "nbsvm" or "both" (the mean of the two); empty means
	// DefaultModel.
	Model string
	// Stack lets each label's calibration read the margins of all labels (a
	// logistic regression on the 12 cross-validated margins, its cross-label
	// coefficients L2-penalised by Stack), so that label co-occurrence and
	// competition inform the scores. 0 means DefaultStack; a negative value
	// gives plain Platt scaling of the label's own margin.
	Stack float64
	// Fallback, when set, tunes a score at or above which a clause that no
	// threshold admits still gets its best label. It is off by default: then
	// a clause's labels are exactly those at or above their thresholds, as
	// the output formats promise.
	Fallback bool
	// PerLabel keeps the thresholds that maximise each label's F1 alone. By
	// default they are then refined by coordinate ascent on the sum of
	// micro- and macro-F1 of the cross-validated predictions.
	PerLabel bool
	// Refit trains the final weights of each label on all the training
	// data; by default they are the mean of the cross-validation folds'
	// weights, which keeps the scale of the margins that calibration and
	// thresholds were fitted on.
	Refit bool
	// Workers bounds the goroutines used; 0 means 2. It does not change
	// the result.
	Workers int `json:"-"`
	// Log, when set, receives progress lines.
	Log io.Writer `json:"-"`
}

// DefaultC are the candidate SVM costs.
var DefaultC = []float64{0.1, 0.3, 1, 3}

// Defaults of the shipped model's training, chosen by cross-validation on
// the training split.
const (
	DefaultPosWeight  = 0.5
	DefaultCharWeight = 0.5
	DefaultMinDF      = 3
	DefaultFolds      = 10
	DefaultModel      = "both"
	DefaultStack      = 1.0
)

func (o *TrainOptions) defaults() {
	if o.Features == (Features{}) {
		o.Features = DefaultFeatures
	}
	if o.CharWeight == 0 {
		o.CharWeight = DefaultCharWeight
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.MinDF == 0 {
		o.MinDF = DefaultMinDF
	}
	if o.Stack == 0 {
		o.Stack = DefaultStack
	}
	if o.PosWeight == 0 {
		o.PosWeight = DefaultPosWeight
	}
	if len(o.C) == 0 {
		o.C = DefaultC
	}
	if o.Folds == 0 {
		o.Folds = DefaultFolds
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
}

// TrainReport describes a training run.
type TrainReport struct {
	Examples int `json:"examples"`
	Rows     int `json:"features"`
	// Options are the options trained with, defaults filled in.
	Options TrainOptions `json:"options"`
	// C is the cost chosen per label.
	C [labels.Count]float64 `json:"c"`
	// CV are the cross-validated figures on the training data with the
	// tuned thresholds (optimistic: the thresholds were tuned on them).
	CVMicroF1 float64 `json:"cvMicroF1"`
	CVMacroF1 float64 `json:"cvMacroF1"`
	Fallback  float64 `json:"fallback"`
}

// dataset is a corpus as sparse feature vectors.
type dataset struct {
	start  []int // example k is rows[start[k]:start[k+1]]
	rows   []int32
	vals   []float32
	sqnorm []float64
	y      []corpus.LabelSet
}

func (d *dataset) n() int { return len(d.y) }

// Train fits a model to examples.
func Train(ctx context.Context, examples []corpus.Example, opt TrainOptions) (*Model, *TrainReport, error) {
	opt.defaults()
	if err := opt.Features.validate(); err != nil {
		return nil, nil, err
	}
	if opt.Model != "svm" && opt.Model != "nbsvm" && opt.Model != "both" && opt.Model != "lr" {
		return nil, nil, fmt.Errorf("train: unknown model %q (want svm, nbsvm, both or lr)", opt.Model)
	}
	if len(examples) < 2*opt.Folds {
		return nil, nil, fmt.Errorf("train: %d examples are too few for %d folds", len(examples), opt.Folds)
	}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	m := buildVocabulary(examples, opt)
	if len(m.keys) == 0 {
		return nil, nil, errors.New("train: no n-gram occurs often enough")
	}
	d := vectorize(m, examples)
	n := d.n()
	logf("train: %d examples, %d features (%d word, %d character)", n, len(m.keys), m.nWord, len(m.keys)-m.nWord)

	// Cross-validated margins for every candidate cost.
	nc := len(opt.C)
	oof := make([][][labels.Count]float64, nc) // [c][example][label]
	for c := range oof {
		oof[c] = make([][labels.Count]float64, n)
	}
	foldW := make([][]float32, nc*opt.Folds*labels.Count)
	foldB := make([]float64, nc*opt.Folds*labels.Count)
	type job struct{ c, fold, label int }
	var jobs []job
	for c := range nc {
		for f := range opt.Folds {
			for l := range labels.Count {
				jobs = append(jobs, job{c, f, l})
			}
		}
	}
	foldOf := func(k int) int { return k * opt.Folds / n }
	runJobs(ctx, len(jobs), opt.Workers, func(j int) {
		jb := jobs[j]
		var train []int
		for k := range n {
			if foldOf(k) != jb.fold {
				train = append(train, k)
			}
		}
		w, b := fit(d, train, jb.label, opt.C[jb.c], opt, len(m.keys),
			rand.NewPCG(opt.Seed, uint64(jb.c)<<32|uint64(jb.fold)<<16|uint64(jb.label)))
		for k := range n {
			if foldOf(k) == jb.fold {
				oof[jb.c][k][jb.label] = d.dot(k, w) + b
			}
		}
		w32 := make([]float32, len(w))
		for r, v := range w {
			w32[r] = float32(v)
		}
		foldW[j], foldB[j] = w32, b
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	logf("train: cross-validated %d costs x %d folds x %d labels", nc, opt.Folds, labels.Count)

	// Per label: the cost whose Platt-scaled margins have the best log-loss.
	// Then the calibration over all margins, the thresholds and the fallback,
	// all on the cross-validated margins.
	rep := &TrainReport{Examples: n, Rows: len(m.keys), Options: opt}
	probs := make([][labels.Count]float64, n)
	chosen := make([]int, labels.Count)
	for l := range labels.Count {
		y := make([]bool, n)
		for k := range n {
			y[k] = d.y[k].Has(l)
		}
		bestLoss := math.Inf(1)
		for c := range nc {
			f := make([]float64, n)
			for k := range n {
				f[k] = oof[c][k][l]
			}
			a, b := platt(f, y)
			loss := 0.0
			for k := range n {
				p := logistic(-(a*f[k] + b))
				if y[k] {
					loss -= math.Log(max(p, 1e-12))
				} else {
					loss -= math.Log(max(1-p, 1e-12))
				}
			}
			if loss < bestLoss {
				bestLoss = loss
				chosen[l] = c
				m.calib[l] = [labels.Count + 1]float64{}
				m.calib[l][l], m.calib[l][labels.Count] = -a, -b
			}
		}
		rep.C[l] = opt.C[chosen[l]]
	}
	// The margins of every label under its chosen cost.
	margins := make([][labels.Count]float64, n)
	for k := range n {
		for l := range labels.Count {
			margins[k][l] = oof[chosen[l]][k][l]
		}
	}
	if opt.Stack > 0 { // defaults() turned 0 into DefaultStack
		for l := range labels.Count {
			m.calib[l] = stack(margins, d.y, l, m.calib[l], opt.Stack)
		}
	}
	for k := range n {
		probs[k] = m.calibrate(&margins[k])
	}
	for l := range labels.Count {
		p := make([]float64, n)
		y := make([]bool, n)
		for k := range n {
			p[k], y[k] = probs[k][l], d.y[k].Has(l)
		}
		m.thresholds[l] = bestThreshold(p, y)
	}
	if opt.Fallback {
		m.fallback = bestFallback(m, probs, d.y)
	}
	if !opt.PerLabel {
		jointThresholds(m, probs, d.y)
	}
	gold := d.y
	pred := make([]corpus.LabelSet, n)
	for k := range n {
		pred[k] = m.assignSet(probs[k])
	}
	cv := Compare(gold, pred)
	rep.CVMicroF1, rep.CVMacroF1, rep.Fallback = cv.MicroF1(), cv.MacroF1(), m.fallback
	logf("train: cross-validated micro-F1 %.3f macro-F1 %.3f (thresholds tuned on the same folds)", rep.CVMicroF1, rep.CVMacroF1)

	m.w = make([]float32, len(m.keys)*labels.Count)
	if !opt.Refit {
		// jobs[j] is (c, fold, label) in that nesting order.
		for l := range labels.Count {
			var sum []float64
			b := 0.0
			for f := range opt.Folds {
				j := (chosen[l]*opt.Folds+f)*labels.Count + l
				if sum == nil {
					sum = make([]float64, len(foldW[j]))
				}
				for r, v := range foldW[j] {
					sum[r] += float64(v)
				}
				b += foldB[j]
			}
			for r, v := range sum {
				m.w[r*labels.Count+l] = float32(v / float64(opt.Folds))
			}
			m.bias[l] = float32(b / float64(opt.Folds))
		}
	}
	all := make([]int, n)
	for k := range all {
		all[k] = k
	}
	runJobs(ctx, labels.Count*btoi(opt.Refit), opt.Workers, func(l int) {
		w, b := fit(d, all, l, opt.C[chosen[l]], opt, len(m.keys),
			rand.NewPCG(opt.Seed, 1<<48|uint64(l)))
		for r, v := range w {
			m.w[r*labels.Count+l] = float32(v)
		}
		m.bias[l] = float32(b)
	})
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	// Keep the weights as the file will store them.
	m.setWeights(m.quantize())
	meta, err := json.Marshal(rep)
	if err != nil {
		return nil, nil, err
	}
	m.meta = string(meta)
	return m, rep, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// runJobs calls do(0..n-1) on up to workers goroutines, stopping early when
// ctx is done.
func runJobs(ctx context.Context, n, workers int, do func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, n) {
		wg.Go(func() {
			for j := range next {
				do(j)
			}
		})
	}
	for j := range n {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
}

// assignSet is Assign as a label set.
func (m *Model) assignSet(p [labels.Count]float64) corpus.LabelSet {
	var s corpus.LabelSet
	best := 0
	for i, v := range p {
		if v >= m.thresholds[i] {
			s = s.With(i)
		}
		if v > p[best] {
			best = i
		}
	}
	if s == 0 && m.fallback > 0 && p[best] >= m.fallback {
		s = s.With(best)
	}
	return s
}

// buildVocabulary returns a model holding the n-grams that occur in at
// least opt.MinDF examples, with their smoothed IDF.
func buildVocabulary(examples []corpus.Example, opt TrainOptions) *Model {
	type entry struct {
		df, last int32
		group    int8
	}
	seen := map[uint32]*entry{}
	var norm []byte
	for k, ex := range examples {
		norm = normalize(norm, ex.Text)
		opt.Features.each(norm, func(key uint32, group int) {
			e := seen[key]
			if e == nil {
				e = &entry{last: -1, group: int8(group)}
				seen[key] = e
			}
			if e.last != int32(k) {
				e.last = int32(k)
				e.df++
			}
		})
	}
	type kept struct {
		key   uint32
		df    int32
		group int8
	}
	var rows []kept
	for key, e := range seen {
		if int(e.df) >= opt.MinDF {
			rows = append(rows, kept{key, e.df, e.group})
		}
	}
	slices.SortFunc(rows, func(a, b kept) int {
		if c := cmp.Compare(a.group, b.group); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	m := &Model{feat: opt.Features}
	m.groupWeight = [nGroups]float32{1, float32(opt.CharWeight)}
	m.keys = make([]uint32, len(rows))
	m.df = make([]uint32, len(rows))
	m.docs = len(examples)
	for i, r := range rows {
		m.keys[i] = r.key
		m.df[i] = uint32(r.df)
		if r.group == groupWord {
			m.nWord = i + 1
		}
	}
	m.setIDF()
	m.w = make([]float32, len(rows)*labels.Count)
	if err := m.buildTable(); err != nil {
		panic(err) // keys are distinct map keys
	}
	return m
}

// vectorize turns examples into feature vectors with m's features.
func vectorize(m *Model, examples []corpus.Example) *dataset {
	d := &dataset{start: []int{0}}
	s := m.getScratch()
	type pair struct {
		row int32
		val float32
	}
	var ps []pair
	for _, ex := range examples {
		m.vector(ex.Text, s)
		ps = ps[:0]
		for k, r := range s.touched {
			ps = append(ps, pair{r, s.vals[k]})
		}
		slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.row, b.row) })
		sq := 0.0
		for _, p := range ps {
			d.rows = append(d.rows, p.row)
			d.vals = append(d.vals, p.val)
			sq += float64(p.val) * float64(p.val)
		}
		d.start = append(d.start, len(d.rows))
		d.sqnorm = append(d.sqnorm, sq)
		d.y = append(d.y, ex.Labels)
	}
	m.scratch.Put(s)
	return d
}

func (d *dataset) dot(k int, w []float64) float64 {
	sum := 0.0
	for j := d.start[k]; j < d.start[k+1]; j++ {
		sum += float64(d.vals[j]) * w[d.rows[j]]
	}
	return sum
}

// fit trains the linear model of one label on the examples idx.
func fit(d *dataset, idx []int, label int, C float64, opt TrainOptions, dim int, src rand.Source) ([]float64, float64) {
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
// with a bias term (regularised, as a constant feature of 1). With nb set,
// it is an NB-SVM (Wang and Manning, ACL 2012): every feature is first
// scaled by its naive-Bayes log-count ratio for the label, and the ratio is
// folded into the returned weights, so they apply to unscaled vectors.
func trainSVM(d *dataset, idx []int, label int, C, posWeight float64, dim int, nb bool, src rand.Source) ([]float64, float64) {
	rng := rand.New(src)
	cpos, cneg := classCosts(d, idx, label, C, posWeight)
	var scale []float64
	if nb {
		scale = nbRatios(d, idx, label, dim)
	}
	val := func(j int) float64 {
		if scale == nil {
			return float64(d.vals[j])
		}
		return float64(d.vals[j]) * scale[d.rows[j]]
	}
	dot := func(k int, w []float64) float64 {
		sum := 0.0
		for j := d.start[k]; j < d.start[k+1]; j++ {
			sum += val(j) * w[d.rows[j]]
		}
		return sum
	}
	w := make([]float64, dim)
	b := 0.0
	alpha := make([]float64, len(idx))
	diag := make([]float64, len(idx))
	qd := make([]float64, len(idx))
	y := make([]float64, len(idx))
	for i, k := range idx {
		y[i], diag[i] = -1, 1/(2*cneg)
		if d.y[k].Has(label) {
			y[i], diag[i] = 1, 1/(2*cpos)
		}
		sq := 0.0
		for j := d.start[k]; j < d.start[k+1]; j++ {
			sq += val(j) * val(j)
		}
		qd[i] = sq + 1 + diag[i]
	}
	order := make([]int, len(idx))
	for i := range order {
		order[i] = i
	}
	const eps, maxIter = 0.01, 1000
	for range maxIter {
		rng.Shuffle(len(order), func(a, c int) { order[a], order[c] = order[c], order[a] })
		maxPG, minPG := math.Inf(-1), math.Inf(1)
		for _, i := range order {
			k := idx[i]
			g := y[i]*(dot(k, w)+b) - 1 + diag[i]*alpha[i]
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
			delta := (alpha[i] - old) * y[i]
			for j := d.start[k]; j < d.start[k+1]; j++ {
				w[d.rows[j]] += delta * val(j)
			}
			b += delta
		}
		if maxPG-minPG <= eps {
			break
		}
	}
	for r := range scale {
		w[r] *= scale[r]
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
		y[i], upper[i] = -1, cneg
		if d.y[k].Has(label) {
			y[i], upper[i] = 1, cpos
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

// stack fits label l's probability as a logistic regression on all the
// margins, starting from the Platt scaling init; the coefficients of the
// other labels' margins carry an L2 penalty lambda. Targets are Platt's
// smoothed ones.
func stack(margins [][labels.Count]float64, y []corpus.LabelSet, l int, init [labels.Count + 1]float64, lambda float64) [labels.Count + 1]float64 {
	const dim = labels.Count + 1
	var npos, nneg float64
	for _, s := range y {
		if s.Has(l) {
			npos++
		} else {
			nneg++
		}
	}
	hi, lo := (npos+1)/(npos+2), 1/(nneg+2)
	x := func(k, j int) float64 {
		if j == labels.Count {
			return 1
		}
		return margins[k][j]
	}
	penalty := func(j int) float64 {
		if j == l || j == labels.Count {
			return 0
		}
		return lambda
	}
	w := init
	obj := func(w [dim]float64) float64 {
		s := 0.0
		for k := range margins {
			z := 0.0
			for j := range dim {
				z += w[j] * x(k, j)
			}
			t := lo
			if y[k].Has(l) {
				t = hi
			}
			// -t*log(p) - (1-t)*log(1-p) with p = logistic(z)
			s += math.Log1p(math.Exp(-math.Abs(z))) + max(z, 0) - t*z
		}
		for j := range dim {
			s += penalty(j) * w[j] * w[j] / 2
		}
		return s
	}
	fval := obj(w)
	for range 50 {
		var g [dim]float64
		var h [dim][dim]float64
		for k := range margins {
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
				g[i] += (p - t) * x(k, i)
				for j := range dim {
					h[i][j] += p * (1 - p) * x(k, i) * x(k, j)
				}
			}
		}
		gmax := 0.0
		for i := range dim {
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
			var nw [dim]float64
			for i := range dim {
				nw[i] = w[i] - t*step[i]
			}
			if nf := obj(nw); nf <= fval+1e-4*t*gd {
				w, fval = nw, nf
				break
			}
		}
		if t < 1e-8 {
			break
		}
	}
	return w
}

// solve solves h x = g by Gaussian elimination with partial pivoting.
func solve(h [labels.Count + 1][labels.Count + 1]float64, g [labels.Count + 1]float64) ([labels.Count + 1]float64, bool) {
	const n = labels.Count + 1
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
	var x [n]float64
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

// bestThreshold returns the threshold on p with the best F1 against y,
// searched on a grid of 0.01; among equally good thresholds it takes the
// middle one.
func bestThreshold(p []float64, y []bool) float64 {
	var best []float64
	bestF1 := -1.0
	for step := 2; step <= 95; step++ {
		th := float64(step) / 100
		var c Counts
		for k := range p {
			switch pred := p[k] >= th; {
			case pred && y[k]:
				c.TP++
			case pred:
				c.FP++
			case y[k]:
				c.FN++
			}
		}
		f1 := c.F1()
		switch {
		case f1 > bestF1+1e-12:
			bestF1, best = f1, []float64{th}
		case math.Abs(f1-bestF1) <= 1e-12:
			best = append(best, th)
		}
	}
	return best[len(best)/2]
}

// jointThresholds moves one label's threshold at a time to where the sum of
// micro- and macro-F1 on the cross-validated probabilities is highest, for
// a few rounds.
func jointThresholds(m *Model, probs [][labels.Count]float64, gold []corpus.LabelSet) {
	pred := make([]corpus.LabelSet, len(probs))
	score := func() float64 {
		for k := range probs {
			pred[k] = m.assignSet(probs[k])
		}
		mt := Compare(gold, pred)
		return mt.MicroF1() + mt.MacroF1()
	}
	best := score()
	for range 3 {
		changed := false
		for l := range labels.Count {
			cur := m.thresholds[l]
			var ties []float64
			for step := 2; step <= 95; step++ {
				m.thresholds[l] = float64(step) / 100
				switch s := score(); {
				case s > best+1e-9:
					best, ties = s, []float64{m.thresholds[l]}
				case s > best-1e-9 && (len(ties) > 0 || math.Abs(m.thresholds[l]-cur) < 1e-9):
					ties = append(ties, m.thresholds[l])
				}
			}
			m.thresholds[l] = cur
			if len(ties) > 0 {
				m.thresholds[l] = ties[len(ties)/2]
			}
			if m.thresholds[l] != cur {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

// bestFallback picks the fallback score (0 for none) with the best sum of
// micro- and macro-F1 on cross-validated probabilities.
func bestFallback(m *Model, probs [][labels.Count]float64, gold []corpus.LabelSet) float64 {
	best, bestScore := 0.0, -1.0
	pred := make([]corpus.LabelSet, len(probs))
	for _, fb := range []float64{0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5} {
		m.fallback = fb
		for k := range probs {
			pred[k] = m.assignSet(probs[k])
		}
		mt := Compare(gold, pred)
		if s := mt.MicroF1() + mt.MacroF1(); s > bestScore+1e-9 {
			best, bestScore = fb, s
		}
	}
	return best
}
