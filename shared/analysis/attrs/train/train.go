// Package train fits and evaluates the attribute model of package attrs on
// the opp115-attributes corpus, and implements the task's metric. Nothing
// here is linked into the Lambda functions.
//
// Train is deterministic for its inputs and seed.
package train

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Options configure Train; zero fields take the defaults, chosen by
// 5-fold cross-validation by policy on the training split (docs/model.md).
type Options struct {
	// C is the SVM cost (DefaultC).
	C float64
	// PosWeight weights a value's positives by (negatives/positives)^PosWeight.
	PosWeight float64
	// MinSupport is the fewest majority occurrences of a triple to model it.
	MinSupport int
	// Folds is the number of cross-validation folds, by policy.
	Folds int
	// Share also trains each value on the segments of other categories
	// with the same attribute and value (and the spellings ShareKey
	// merges), at this cost weight; negative turns it off.
	Share float64
	// PairStack is the L2 penalty of the cross terms of each value's
	// logistic regression over its pair's margins.
	PairStack float64
	// InSampleStack scores the segments, for the thresholds and the
	// cross-validated figures, with the pair regressions fitted on all of
	// them (optimistic: the models before 2026-12-01) instead of those
	// fitted without the segment's fold.
	InSampleStack bool
	// Prune zeroes the weights below this fraction of a value's largest.
	Prune float64
	// Gate says which clauses get triples, as attrs.Params.Gate: "any"
	// (those the label model labels) or "category" (only the triples of
	// the categories it assigns).
	Gate string
	// Score is what a triple's score is: "product" (the value's
	// probability times the category's label score) or "value" (the
	// value's probability alone; the label model only gates).
	Score string
	// Rows says which of the label model's text rows the values read:
	// "text" (word and character n-grams) or "words" (word n-grams only,
	// cheaper at run time).
	Rows string
	// CharScale multiplies the values of the character n-gram rows (the
	// label model weighs that block against the word block); 0 means
	// DefaultCharScale.
	CharScale float64
	Seed      uint64
	// SpanWeight, above 0, also trains each value on the annotators'
	// evidence spans in the training folds, each an example of its own at
	// this cost weight: positive for the values it is evidence of,
	// negative for the other values of their pairs; negative turns it off.
	SpanWeight float64
	// SpanMinWords leaves out the evidence spans of fewer words.
	SpanMinWords int
	// Log, when set, receives progress lines.
	Log io.Writer `json:"-"`
}

// The defaults of Options.
const (
	DefaultC          = 0.5
	DefaultPosWeight  = 0.5
	DefaultMinSupport = 3
	DefaultFolds      = 5
	DefaultShare      = 0.3
	DefaultPairStack  = 3.0
	DefaultPrune      = 0.2
	DefaultRows       = "text"
	DefaultGate       = "category"
	DefaultScore      = "product"
	DefaultCharScale  = 2.0
	DefaultSpanWeight = 0.3
	DefaultSpanWords  = 2
)

func (o *Options) defaults() {
	if o.C == 0 {
		o.C = DefaultC
	}
	if o.PosWeight == 0 {
		o.PosWeight = DefaultPosWeight
	}
	if o.MinSupport == 0 {
		o.MinSupport = DefaultMinSupport
	}
	if o.Folds == 0 {
		o.Folds = DefaultFolds
	}
	if o.Share == 0 {
		o.Share = DefaultShare
	}
	if o.PairStack == 0 {
		o.PairStack = DefaultPairStack
	}
	if o.Prune == 0 {
		o.Prune = DefaultPrune
	}
	if o.Rows == "" {
		o.Rows = DefaultRows
	}
	if o.Gate == "" {
		o.Gate = DefaultGate
	}
	if o.CharScale == 0 {
		o.CharScale = DefaultCharScale
	}
	if o.Score == "" {
		o.Score = DefaultScore
	}
	if o.SpanWeight == 0 {
		o.SpanWeight = DefaultSpanWeight
	}
	if o.SpanMinWords == 0 {
		o.SpanMinWords = DefaultSpanWords
	}
}

// Report describes a training run; it is stored in the weights file.
type Report struct {
	Segments int     `json:"segments"`
	Targets  int     `json:"targets"`
	Weights  int     `json:"weights"`
	Options  Options `json:"options"`
	// Cross-validated figures: thresholds tuned on the other folds
	// (honest), and tuned on all folds (optimistic).
	CVMicroF1      float64 `json:"cvMicroF1"`
	CVMacroF1      float64 `json:"cvMacroF1"`
	CVTunedMicroF1 float64 `json:"cvTunedMicroF1"`
	CVTunedMacroF1 float64 `json:"cvTunedMacroF1"`
}

// target is one modelled (category, attribute, value).
type target struct {
	key   Key
	label int
	aux   bool // an "Unspecified" value: informs its pair, never predicted
	pair  int
}

// dataset holds the feature vectors of the segments and of the evidence
// spans (compressed sparse rows), the label model's text rows only.
type dataset struct {
	textRows int
	start    []int
	rows     []int32
	vals     []float32
}

// features appends the label model's feature vector of text to rows and
// vals, the character n-grams' values scaled by Options.CharScale.
func features(lm *classify.Model, text string, opt Options, rows []int32, vals []float32) ([]int32, []float32) {
	rows, vals = lm.FeatureVector(classify.Input{Text: text}, rows, vals)
	for i, r := range rows {
		if int(r) >= lm.WordRows() {
			vals[i] *= float32(opt.CharScale)
		}
	}
	return rows, vals
}

func (d *dataset) add(rows []int32, vals []float32) {
	if d.start == nil {
		d.start = []int{0}
	}
	for i, r := range rows {
		if int(r) >= d.textRows {
			continue
		}
		d.rows = append(d.rows, r)
		d.vals = append(d.vals, vals[i])
	}
	d.start = append(d.start, len(d.rows))
}

func (d *dataset) dot(k int, w []float64) float64 {
	s := 0.0
	for j := d.start[k]; j < d.start[k+1]; j++ {
		s += float64(d.vals[j]) * w[d.rows[j]]
	}
	return s
}

// ShareKey is what a value shares with the values of other categories: its
// attribute and value in lower case, Data Retention's Retention Purpose
// read as Purpose ("Perform service" as "Basic service/feature").
func ShareKey(k Key) string {
	a, v := k.Attribute, strings.ToLower(k.Value)
	if a == "Retention Purpose" {
		a = "Purpose"
		if v == "perform service" {
			v = "basic service/feature"
		}
	}
	return a + "\x00" + v
}

// Train fits the attribute model to segs, whose label scores ls were given
// by label models that did not see them (cross-validated), reading the
// feature pass of label model lm, and returns the weights file.
func Train(ctx context.Context, segs []Segment, ls []LabelScores, lm *classify.Model, opt Options) ([]byte, *Report, error) {
	opt.defaults()
	if len(ls) != len(segs) {
		return nil, nil, fmt.Errorf("attrs train: %d label scores for %d segments", len(ls), len(segs))
	}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	n := len(segs)
	textRows := lm.TextRows()
	switch opt.Rows {
	case "text":
	case "words":
		textRows = lm.WordRows()
	default:
		return nil, nil, fmt.Errorf("attrs train: rows %q, want text or words", opt.Rows)
	}
	if opt.Score != attrs.ScoreProduct && opt.Score != attrs.ScoreValue {
		return nil, nil, fmt.Errorf("attrs train: score %q, want %s or %s", opt.Score, attrs.ScoreProduct, attrs.ScoreValue)
	}
	if opt.Gate != attrs.GateAny && opt.Gate != attrs.GateCategory {
		return nil, nil, fmt.Errorf("attrs train: gate %q, want %s or %s", opt.Gate, attrs.GateAny, attrs.GateCategory)
	}
	d := &dataset{textRows: textRows}
	var rows []int32
	var vals []float32
	for _, s := range segs {
		rows, vals = features(lm, s.Text, opt, rows[:0], vals[:0])
		d.add(rows, vals)
	}
	gold := make([]map[Key]bool, n)
	inCat := make([][labels.Count]bool, n)
	support, aux := map[Key]int{}, map[Key]int{}
	for k := range segs {
		gold[k] = map[Key]bool{}
		for _, a := range segs[k].Attributes {
			key := Key{a.Category, a.Attribute, a.Value}
			if !modelled(a) {
				continue
			}
			gold[k][key] = true
			if a.Value == "Unspecified" {
				aux[key]++
			} else {
				support[key]++
			}
			if l, ok := category(a.Category); ok {
				inCat[k][l] = true
			}
		}
		for _, l := range segs[k].Labels {
			if i, ok := labels.Index(l); ok {
				inCat[k][i] = true
			}
		}
	}
	var targets []target
	for _, src := range []struct {
		m   map[Key]int
		aux bool
	}{{support, false}, {aux, true}} {
		for key, c := range src.m {
			if l, ok := category(key.Category); ok && c >= opt.MinSupport {
				targets = append(targets, target{key: key, label: l, aux: src.aux})
			}
		}
	}
	slices.SortFunc(targets, func(a, b target) int {
		if a.label != b.label {
			return a.label - b.label
		}
		if a.key.less(b.key) {
			return -1
		}
		if b.key.less(a.key) {
			return 1
		}
		return 0
	})
	var pairs []PairKey
	pairIdx := map[PairKey]int{}
	for ti := range targets {
		pk := targets[ti].key.Pair()
		if _, ok := pairIdx[pk]; !ok {
			pairIdx[pk] = len(pairs)
			pairs = append(pairs, pk)
		}
		targets[ti].pair = pairIdx[pk]
	}
	members := make([][]int, len(pairs))
	for ti, t := range targets {
		members[t.pair] = append(members[t.pair], ti)
	}
	logf("attrs train: %d segments, %d text rows, %d values modelled (%d auxiliary) in %d pairs", n, textRows, len(targets), len(aux), len(pairs))

	fold := PolicyFolds(segs, opt.Folds)
	vd := &valueData{d: d, targets: targets, gold: gold, inCat: inCat, fold: fold}
	if opt.SpanWeight > 0 {
		vd.spans = evidenceSpans(segs, opt.SpanMinWords)
		vd.byPair = spansByPair(vd.spans)
		for _, sp := range vd.spans {
			d.add(features(lm, sp.text, opt, rows[:0], vals[:0]))
		}
		logf("attrs train: %d evidence spans of at least %d words as examples of their own", len(vd.spans), opt.SpanMinWords)
	}
	oof := make([][]float64, len(targets))
	final := make([][]float64, len(targets))
	bias := make([]float64, len(targets))
	var wg sync.WaitGroup
	next := make(chan int)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ti := range next {
				oof[ti], final[ti], bias[ti] = fitTarget(vd, ti, textRows, opt)
			}
		}()
	}
	for ti := range targets {
		if ctx.Err() != nil {
			break
		}
		next <- ti
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	logf("attrs train: %d values x %d folds fitted", len(targets), opt.Folds)

	// Each value's probability: a logistic regression over its pair's
	// out-of-fold margins, on the segments of its category.
	stack, foldStack := pairRegressions(&pairData{targets: targets, members: members, oof: oof, gold: gold, inCat: inCat, fold: fold}, opt)
	scores := make([][]float64, len(targets))
	for ti, t := range targets {
		scores[ti] = make([]float64, n)
		if t.aux {
			continue
		}
		mem := members[t.pair]
		for k := range n {
			st := foldStack[fold[k]][ti]
			z := st[len(mem)]
			for j, o := range mem {
				z += st[j] * oof[o][k]
			}
			if attrs.Gated(opt.Gate, ls[k].Assigned, t.label) {
				scores[ti][k] = logistic(z)
				if opt.Score == attrs.ScoreProduct {
					scores[ti][k] *= ls[k].Scores[t.label]
				}
			}
		}
	}
	tn := &tuning{targets: targets, members: members, scores: scores, gold: gold}
	rep := &Report{Segments: n, Targets: len(targets), Options: opt}
	honest := NewMetrics()
	for f := range opt.Folds {
		th := tn.thresholds(func(k int) bool { return fold[k] != f })
		for k := range n {
			if fold[k] == f {
				honest.Add(segs[k].Gold(), tn.decide(k, th))
			}
		}
	}
	th := tn.thresholds(func(int) bool { return true })
	tuned := NewMetrics()
	for k := range n {
		tuned.Add(segs[k].Gold(), tn.decide(k, th))
	}
	rep.CVMicroF1, rep.CVMacroF1 = honest.MicroF1(), honest.MacroF1()
	rep.CVTunedMicroF1, rep.CVTunedMacroF1 = tuned.MicroF1(), tuned.MacroF1()
	logf("attrs train: cross-validated micro-F1 %.3f macro-F1 %.3f (thresholds from the other folds); %.3f / %.3f tuned on all",
		rep.CVMicroF1, rep.CVMacroF1, rep.CVTunedMicroF1, rep.CVTunedMacroF1)

	p := attrs.Params{LabelVersion: lm.Version(), LabelRows: lm.Rows(), TextRows: lm.TextRows(), WordRows: lm.WordRows(), Gate: opt.Gate, Score: opt.Score, CharScale: opt.CharScale}
	for _, pk := range pairs {
		p.Pairs = append(p.Pairs, attrs.Pair{Category: pk.Category, Attribute: pk.Attribute, Threshold: th[pairIdx[pk]]})
	}
	var weights []attrs.Weight
	for ti, t := range targets {
		p.Targets = append(p.Targets, attrs.Target{Category: t.key.Category, Attribute: t.key.Attribute, Value: t.key.Value,
			Aux: t.aux, Pair: t.pair, Bias: bias[ti], Stack: stack[ti]})
		for r, v := range final[ti] {
			if v != 0 {
				weights = append(weights, attrs.Weight{Row: uint32(r), Target: ti, Value: v})
			}
		}
	}
	rep.Weights = len(weights)
	notes, err := json.Marshal(rep)
	if err != nil {
		return nil, nil, err
	}
	p.Notes = notes
	file, err := attrs.Encode(p, weights)
	if err != nil {
		return nil, nil, err
	}
	return file, rep, nil
}

// pairData is what the pair regressions are fitted on: per target its
// out-of-fold margins, per segment its gold triples, categories and fold.
type pairData struct {
	targets []target
	members [][]int // per pair, its targets
	oof     [][]float64
	gold    []map[Key]bool
	inCat   [][labels.Count]bool
	fold    []int
}

// pairRegressions fits each value's probability, a logistic regression
// over its pair's out-of-fold margins on the segments of its category:
// once on all segments (stack[ti], the final model's) and once without
// each fold (foldStack[f][ti]), which scores that fold's segments for the
// thresholds and the cross-validated figures, so that they see scores as
// the final regressions give them to segments they were not fitted on.
// With Options.InSampleStack, foldStack[f] is stack for every fold.
func pairRegressions(d *pairData, opt Options) (stack [][]float64, foldStack [][][]float64) {
	stack = make([][]float64, len(d.targets))
	foldStack = make([][][]float64, opt.Folds)
	for f := range foldStack {
		foldStack[f] = make([][]float64, len(d.targets))
	}
	for ti, t := range d.targets {
		mem := d.members[t.pair]
		pen := make([]float64, len(mem)+1)
		for j, o := range mem {
			if o != ti {
				pen[j] = opt.PairStack
			}
		}
		fitWithout := func(f int) []float64 {
			var xs [][]float64
			var ys []bool
			for k := range d.gold {
				if !d.inCat[k][t.label] || d.fold[k] == f {
					continue
				}
				x := make([]float64, len(mem)+1)
				for j, o := range mem {
					x[j] = d.oof[o][k]
				}
				x[len(mem)] = 1
				xs = append(xs, x)
				ys = append(ys, d.gold[k][t.key])
			}
			return fitLogistic(xs, ys, pen)
		}
		stack[ti] = fitWithout(-1)
		for f := range opt.Folds {
			foldStack[f][ti] = stack[ti]
			if !opt.InSampleStack {
				foldStack[f][ti] = fitWithout(f)
			}
		}
	}
	return stack, foldStack
}

// category is the label index of an OPP-115 category that has attributes
// ("Other" has none).
func category(cat string) (int, bool) {
	if cat == "Other" {
		return 0, false
	}
	return labels.Index(cat)
}

// fitTarget fits value ti's SVM per fold and returns its out-of-fold
// margins, its final weights (the mean of the folds', pruned) and bias.
func fitTarget(v *valueData, ti int, dim int, opt Options) ([]float64, []float64, float64) {
	n := len(v.gold)
	d := v.d
	oof := make([]float64, n)
	wsum := make([]float64, dim)
	bsum := 0.0
	for f := range opt.Folds {
		ex, npos, nneg := v.examples(ti, f, opt)
		if npos == 0 {
			continue
		}
		cpos := opt.C
		if nneg > 0 {
			cpos *= math.Pow(float64(nneg)/float64(npos), opt.PosWeight)
		}
		for i := range ex {
			if ex[i].y > 0 {
				ex[i].cost *= cpos
			} else {
				ex[i].cost *= opt.C
			}
		}
		rng := rand.New(rand.NewPCG(opt.Seed, uint64(ti)<<8|uint64(f)))
		w, b := trainSVM(d, ex, dim, rng)
		prune(w, opt.Prune)
		for k := range n {
			if v.fold[k] == f {
				oof[k] = d.dot(k, w) + b
			}
		}
		for r, x := range w {
			wsum[r] += x
		}
		bsum += b
	}
	for r := range wsum {
		wsum[r] /= float64(opt.Folds)
	}
	prune(wsum, opt.Prune)
	return oof, wsum, bsum / float64(opt.Folds)
}

// PolicyFolds deals the segments' policies, sorted by name, each to the
// fold with the fewest segments so far.
func PolicyFolds(segs []Segment, folds int) []int {
	count := map[string]int{}
	for _, s := range segs {
		count[s.Policy]++
	}
	names := make([]string, 0, len(count))
	for p := range count {
		names = append(names, p)
	}
	slices.Sort(names)
	size := make([]int, folds)
	of := map[string]int{}
	for _, p := range names {
		best := 0
		for f := range size {
			if size[f] < size[best] {
				best = f
			}
		}
		of[p] = best
		size[best] += count[p]
	}
	out := make([]int, len(segs))
	for k, s := range segs {
		out[k] = of[s.Policy]
	}
	return out
}

func prune(w []float64, frac float64) {
	top := 0.0
	for _, v := range w {
		top = max(top, math.Abs(v))
	}
	for r, v := range w {
		if math.Abs(v) < frac*top {
			w[r] = 0
		}
	}
}
