package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Train fits a model to examples (OPP-115 segments and modern clauses
// alike; Example.Modern tells them apart) and returns its weights file,
// which classify.LoadBytes reads, and a report of the run.
//
// The stages: the vocabulary and the feature vectors of every example (and
// of its sentences); per candidate cost, fold and label, a linear model
// fitted on the other folds, giving out-of-fold margins; the network, per
// fold likewise, then on all the data; per label the cost whose Platt-scaled
// margins have the best log-loss, then the calibration over all the
// inputs; the thresholds, fallback and sentence gates, tuned on the
// out-of-fold scores; last the final weights, the mean of the folds'.
func Train(ctx context.Context, examples []corpus.Example, opt Options) ([]byte, *Report, error) {
	f, err := fitModel(ctx, examples, opt)
	if err != nil {
		return nil, nil, err
	}
	notes, err := json.Marshal(f.report)
	if err != nil {
		return nil, nil, err
	}
	file, err := encode(f.voc, f.params, f.w, f.net, f.memory, f.opt, notes)
	if err != nil {
		return nil, nil, fmt.Errorf("train: %w", err)
	}
	return file, f.report, nil
}

// fitted is a trained model before it is written.
type fitted struct {
	opt    Options
	voc    *vocab
	params *modelfile.Params
	w      []float32 // labels.Count per row
	net    *networkRun
	memory []byte // SecMemory, nil for none
	report *Report
}

func fitModel(ctx context.Context, examples []corpus.Example, opt Options) (*fitted, error) {
	opt.defaults()
	if err := validate(examples, &opt); err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) {
		if opt.Log != nil {
			fmt.Fprintf(opt.Log, format+"\n", args...)
		}
	}
	voc := buildVocabulary(examples, opt)
	if voc.rows() == 0 {
		return nil, errors.New("train: no n-gram occurs often enough")
	}
	vm, err := voc.reader(opt)
	if err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	d := vectorize(vm, examples, opt.Sentences)
	n, dim := d.n(), voc.rows()
	d.weight = make([]float64, n)
	dom := make([]int, n)
	for k, ex := range examples {
		d.weight[k] = 1
		if ex.Modern {
			d.weight[k], dom[k] = opt.ModernWeight, 1
		}
	}
	g := voc.groupRows
	logf("train: %d examples, %d features (%d word, %d character, %d heading, %d modern copies)",
		n, dim, g[modelfile.GroupWord], g[modelfile.GroupChar], g[modelfile.GroupHead], g[modelfile.GroupCopy])
	fold := assignFolds(examples, opt.Folds)
	var memory []byte
	var mem *modelfile.MemoryView
	if opt.Memory > 0 {
		if opt.MemoryQuery < 0 {
			return nil, fmt.Errorf("train: a memory looked up by %d words", opt.MemoryQuery)
		}
		if n > modelfile.MaxMemoryClauses || opt.Memory > modelfile.MaxMemoryK {
			return nil, fmt.Errorf("train: a memory of %d examples reading %d neighbours (at most %d and %d)", n, opt.Memory, modelfile.MaxMemoryClauses, modelfile.MaxMemoryK)
		}
		memory = buildMemory(examples, d, voc, opt)
		if mem, err = modelfile.ParseMemory(memory, voc.groupRows[modelfile.GroupWord]); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
	}

	lin := crossValidate(ctx, d, fold, dim, opt)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	logf("train: cross-validated %d costs x %d folds x %d labels", len(opt.C), opt.Folds, labels.Count)
	var net *networkRun
	if opt.Network != nil {
		net = trainNetwork(ctx, examples, d.weight, fold, opt)
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("train: %w", err)
		}
		logf("train: network of %d hidden units (x %d) over %d words cross-validated and fitted", opt.Network.Hidden, max(opt.Network.Members, 1), len(opt.Vectors.Words))
	}

	rep := &Report{Examples: n, Rows: dim, Options: opt}
	var calib calibration
	chosen := chooseCosts(lin.oof, d.y, &calib)
	for l := range labels.Count {
		rep.C[l] = opt.C[chosen[l]]
	}
	inputs := make([]evidence, n)
	var memScratch classify.MemoryScratch
	var nearest *classify.Memory
	if mem != nil {
		nearest = classify.NewMemory(mem)
	}
	for k := range n {
		for l := range labels.Count {
			inputs[k][l] = lin.oof[chosen[l]][k][l]
			inputs[k][modelfile.CalibSentence+l] = lin.oof[chosen[l]][k][modelfile.CalibSentence+l]
			if net != nil {
				inputs[k][modelfile.CalibNet+l] = net.oof[k][l]
			}
		}
		if opt.HeadFlag && len(examples[k].Heading) > 0 {
			inputs[k][modelfile.CalibFlag] = 1
		}
		if part := modelfile.PlacePart(examples[k].Index, examples[k].Count); opt.Place && part >= 0 {
			inputs[k][modelfile.CalibPlace+part] = 1
		}
		if mem != nil {
			// The nearest examples of the other folds.
			classify.MemoryInputs(nearest, d.rows[d.start[k]:d.start[k+1]], d.vals[d.start[k]:d.start[k+1]],
				func(c int) bool { return fold[c] == fold[k] }, &memScratch, (*[modelfile.CalibInputs]float64)(&inputs[k]))
		}
	}
	use := calibUses(opt)
	fitIn, fitY, fitFold := inputs, d.y, fold
	if opt.Place {
		fitIn, fitY, fitFold = withoutPlaces(inputs, d.y, fold)
	}
	if stacked(opt, use) {
		for l := range labels.Count {
			calib[l] = stack(fitIn, use, fitY, l, calib[l], stackPenalty(opt))
		}
	}
	// The scores thresholds, fallback and gates are tuned on: each
	// example's from a calibration fitted on the other folds, as the final
	// calibration meets clauses it was not fitted on.
	foldCalib := nestedCalibration(fitIn, use, fitY, fitFold, calib, opt)
	probs := make([][labels.Count]float64, n)
	english := make([]bool, n)
	states := make([]bool, n)
	for k, ex := range examples {
		probs[k] = foldCalib[fold[k]].apply(&inputs[k])
		english[k] = !opt.LangCheck || language.ReadsAsEnglish(ex.Text)
		states[k] = classify.States(ex.Text)
	}
	var pSent [][labels.Count]float64
	if opt.Sentences && opt.SentGate >= 0 {
		// Each sentence scored as a clause of its own: its margins as the
		// clause's and as the best sentence's, with the clause's network
		// logits and heading flag.
		pSent = sentenceScores(inputs, d.sent, lin.sentOOF, chosen, foldCalib, fold, true)
	}
	// With places, the placed examples once more without them, as corpora
	// of their own (domPlain): the decision is tuned for both kinds of
	// callers.
	gold, tdom, tfold := d.y, dom, fold
	if opt.Place {
		var plainSent [][labels.Count]float64
		if pSent != nil {
			plainSent = sentenceScores(inputs, d.sent, lin.sentOOF, chosen, foldCalib, fold, false)
		}
		gold, tdom, tfold = slices.Clone(d.y), slices.Clone(dom), slices.Clone(fold)
		for k := range n {
			x, placed := inputs[k].unplaced()
			if !placed {
				continue
			}
			probs = append(probs, foldCalib[fold[k]].apply(&x))
			if pSent != nil {
				pSent = append(pSent, plainSent[k])
			}
			gold, tdom, tfold = append(gold, d.y[k]), append(tdom, domPlain+dom[k]), append(tfold, fold[k])
			english, states = append(english, english[k]), append(states, states[k])
		}
	}
	obj := newObjective(gold, tdom, english, states)
	dec := &decision{}
	if pSent != nil {
		base := tune(dec, probs, obj, opt.Fallback, opt.FallbackGate, opt.PerLabel)
		rep.SentGate = sentenceGates(dec, probs, pSent, obj, base, opt.SentTolerance, opt.SentGate)
		probs = gated(probs, pSent, rep.SentGate)
		logf("train: sentence gates %.2f: objective %.4f (%.4f without)", rep.SentGate, obj.score(dec, probs), base)
	}
	tune(dec, probs, obj, opt.Fallback, opt.FallbackGate, opt.PerLabel)
	rep.Fallback, rep.Gated = dec.fallback, dec.gate
	report(rep, dec, probs, obj, logf)
	// Logged only (and so computed only when logged): the report is part
	// of the model file, which these figures would change.
	if opt.Log != nil {
		for i, mt := range heldOut(probs, obj, tfold, opt.Folds, opt.Fallback, opt.FallbackGate, opt.PerLabel) {
			if i > 0 && mt.Examples > 0 {
				logf("train: cross-validated %-18s micro-F1 %.3f macro-F1 %.3f (thresholds and fallback tuned on the other folds)", corpusNames[i], mt.MicroF1(), mt.MacroF1())
			}
		}
	}
	if opt.OOF != nil {
		obj.metrics(dec, probs)
		for k := range n {
			fmt.Fprintf(opt.OOF, "%d\t%d\t%d\t%d", k, dom[k], d.y[k], obj.pred[k])
			for _, p := range probs[k] {
				fmt.Fprintf(opt.OOF, "\t%.3f", p)
			}
			fmt.Fprintln(opt.OOF)
		}
	}

	w, bias := finalWeights(ctx, d, lin, chosen, dim, opt)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("train: %w", err)
	}
	p := voc.params(opt)
	p.Thresholds, p.Fallback, p.SentGate, p.Bias = dec.thresholds, dec.fallback, rep.SentGate, bias
	p.Calib = calib
	for _, f := range []struct {
		on   bool
		flag modelfile.Flags
	}{{opt.Sentences, modelfile.Sentences}, {opt.LangCheck, modelfile.LangCheck}, {opt.HeadFlag, modelfile.HeadFlag}, {dec.gate, modelfile.FallbackGate}, {opt.Place, modelfile.Place}, {mem != nil, modelfile.Memory}} {
		if f.on {
			p.Flags |= f.flag
		}
	}
	if net != nil {
		rep.Words = len(opt.Vectors.Words)
	}
	return &fitted{opt: opt, voc: voc, params: p, w: w, net: net, memory: memory, report: rep}, nil
}

func validate(examples []corpus.Example, opt *Options) error {
	if err := opt.Features.Validate(); err != nil {
		return err
	}
	switch opt.Model {
	case "svm", "nbsvm", "both", "lr":
	default:
		return fmt.Errorf("train: unknown model %q (want svm, nbsvm, both or lr)", opt.Model)
	}
	if len(examples) < 2*opt.Folds {
		return fmt.Errorf("train: %d examples are too few for %d folds", len(examples), opt.Folds)
	}
	if opt.Network != nil && (opt.Vectors == nil || len(opt.Vectors.Words) == 0) {
		return errors.New("train: the network needs word vectors")
	}
	return nil
}

// linearRun holds the cross-validated linear models.
type linearRun struct {
	// oof[c][k] holds example k's out-of-fold margins (and best sentence
	// margins) under cost c; sentOOF[c][s] the margins of sentence s.
	oof     [][]evidence
	sentOOF [][][labels.Count]float64
	// foldW and foldB are the weights of job (c, fold, label), in that
	// nesting order.
	foldW [][]float32
	foldB []float64
}

// crossValidate fits a linear model per cost, fold and label on the other
// folds and scores the fold's examples and their sentences with it.
func crossValidate(ctx context.Context, d *dataset, fold []int, dim int, opt Options) *linearRun {
	nc, n := len(opt.C), d.n()
	r := &linearRun{
		oof:   make([][]evidence, nc),
		foldW: make([][]float32, nc*opt.Folds*labels.Count),
		foldB: make([]float64, nc*opt.Folds*labels.Count),
	}
	for c := range nc {
		r.oof[c] = make([]evidence, n)
	}
	if d.sd != nil {
		r.sentOOF = make([][][labels.Count]float64, nc)
		for c := range nc {
			r.sentOOF[c] = make([][labels.Count]float64, d.sd.n())
		}
	}
	type job struct{ c, fold, label int }
	var jobs []job
	for c := range nc {
		for f := range opt.Folds {
			for l := range labels.Count {
				jobs = append(jobs, job{c, f, l})
			}
		}
	}
	runJobs(ctx, len(jobs), opt.Workers, func(j int) {
		jb := jobs[j]
		w, b := fit(d, outside(fold, jb.fold), jb.label, opt.C[jb.c], opt, dim,
			rand.NewPCG(opt.Seed, uint64(jb.c)<<32|uint64(jb.fold)<<16|uint64(jb.label)))
		for k := range n {
			if fold[k] != jb.fold {
				continue
			}
			x := &r.oof[jb.c][k]
			v := d.dot(k, w) + b
			x[jb.label], x[modelfile.CalibSentence+jb.label] = v, v
			for i, si := range d.sent[k] {
				sv := d.sd.dot(si, w) + b
				r.sentOOF[jb.c][si][jb.label] = sv
				if i == 0 || sv > x[modelfile.CalibSentence+jb.label] {
					x[modelfile.CalibSentence+jb.label] = sv
				}
			}
		}
		w32 := make([]float32, len(w))
		for i, v := range w {
			w32[i] = float32(v)
		}
		r.foldW[j], r.foldB[j] = w32, b
	})
	return r
}

// chooseCosts returns, per label, the cost whose Platt-scaled out-of-fold
// margins have the best log-loss, and sets calib to that scaling.
func chooseCosts(oof [][]evidence, gold []corpus.LabelSet, calib *calibration) []int {
	n := len(gold)
	chosen := make([]int, labels.Count)
	for l := range labels.Count {
		y := make([]bool, n)
		for k := range n {
			y[k] = gold[k].Has(l)
		}
		bestLoss := math.Inf(1)
		for c := range oof {
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
				calib[l] = [modelfile.CalibDim]float64{}
				calib[l][l], calib[l][modelfile.CalibBias] = -a, -b
			}
		}
	}
	return chosen
}

// calibUses lists the calibration inputs a model of opt reads.
func calibUses(opt Options) []int {
	var use []int
	for j := range labels.Count {
		use = append(use, j)
	}
	for _, part := range []struct {
		on  bool
		off int
	}{{opt.Sentences, modelfile.CalibSentence}, {opt.Network != nil, modelfile.CalibNet}} {
		if part.on {
			for j := range labels.Count {
				use = append(use, part.off+j)
			}
		}
	}
	if opt.HeadFlag {
		use = append(use, modelfile.CalibFlag)
	}
	if opt.Place {
		for j := range modelfile.PlaceParts {
			use = append(use, modelfile.CalibPlace+j)
		}
	}
	if opt.Memory > 0 {
		for j := modelfile.CalibMemory; j < modelfile.CalibInputs; j++ {
			use = append(use, j)
		}
	}
	return use
}

// withoutPlaces returns the calibration's inputs, labels and folds with
// every example whose place is known a second time, its place cleared: the
// calibration learns to score clauses with a place and without.
func withoutPlaces(inputs []evidence, y []corpus.LabelSet, fold []int) ([]evidence, []corpus.LabelSet, []int) {
	in2, y2, f2 := slices.Clone(inputs), slices.Clone(y), slices.Clone(fold)
	for k, x := range inputs {
		if x, placed := x.unplaced(); placed {
			in2, y2, f2 = append(in2, x), append(y2, y[k]), append(f2, fold[k])
		}
	}
	return in2, y2, f2
}

// sentenceScores returns per example the highest calibrated scores of its
// sentences, each scored as a clause of its own: its margins as the
// clause's and as the best sentence's, with the clause's network logits,
// heading flag and (withPlace) place.
func sentenceScores(inputs []evidence, sent [][]int, sentOOF [][][labels.Count]float64, chosen []int, foldCalib []calibration, fold []int, withPlace bool) [][labels.Count]float64 {
	pSent := make([][labels.Count]float64, len(inputs))
	for k := range inputs {
		for _, si := range sent[k] {
			x := inputs[k]
			if !withPlace {
				x, _ = x.unplaced()
			}
			for l := range labels.Count {
				v := sentOOF[chosen[l]][si][l]
				x[l], x[modelfile.CalibSentence+l] = v, v
			}
			for l, v := range foldCalib[fold[k]].apply(&x) {
				pSent[k][l] = max(pSent[k][l], v)
			}
		}
	}
	return pSent
}

// corpusNames name the figures objective.metrics gives: over all
// examples, then per corpus. With places, the examples the tuning reads a second time without their
// places count as corpora of their own (domPlain + the corpus), so that
// the thresholds, fallback and gates serve callers that give a place and
// callers that do not alike.
var corpusNames = [numFigures]string{"all", "opp115", "modern", "opp115 unplaced", "modern unplaced"}

const (
	domPlain   = 2
	numFigures = 5
)

// report fills rep's cross-validated figures and logs them.
func report(rep *Report, dec *decision, probs [][labels.Count]float64, obj *objective, logf func(string, ...any)) {
	rep.CVByCorpus = map[string][2]float64{}
	variants := []struct {
		suffix string
		d      decision
	}{
		{"", *dec},
		{"/nofallback", decision{thresholds: dec.thresholds}},
		{"/forcebest", decision{thresholds: dec.thresholds, fallback: 1e-300}},
		{"/gated", decision{thresholds: dec.thresholds, gate: true}},
	}
	for _, v := range variants {
		for i, mt := range obj.metrics(&v.d, probs) {
			if mt.Examples > 0 {
				rep.CVByCorpus[corpusNames[i]+v.suffix] = [2]float64{mt.MicroF1(), mt.MacroF1()}
			}
			if v.suffix == "" && i > 0 && mt.Examples > 0 {
				line := ""
				for l := range labels.Count {
					line += fmt.Sprintf(" %.2f", mt.Labels[l].F1())
				}
				logf("train: cross-validated %s per-label F1:%s", corpusNames[i], line)
			}
		}
	}
	all := rep.CVByCorpus["all"]
	rep.CVMicroF1, rep.CVMacroF1 = all[0], all[1]
	logf("train: fallback %.2f, gated fallback %v", dec.fallback, dec.gate)
	logf("train: cross-validated micro-F1 %.3f macro-F1 %.3f (thresholds tuned on the same folds)", rep.CVMicroF1, rep.CVMacroF1)
	for _, name := range corpusNames[1:] {
		for _, v := range variants {
			if f, ok := rep.CVByCorpus[name+v.suffix]; ok {
				logf("train: cross-validated %-18s micro-F1 %.3f macro-F1 %.3f", name+v.suffix, f[0], f[1])
			}
		}
	}
}

// finalWeights returns the model's weights, labels.Count per row, and
// biases: per label the mean of its folds' models under its chosen cost,
// or with opt.Refit a model fitted on all the data.
func finalWeights(ctx context.Context, d *dataset, lin *linearRun, chosen []int, dim int, opt Options) ([]float32, [labels.Count]float32) {
	w := make([]float32, dim*labels.Count)
	var bias [labels.Count]float32
	if !opt.Refit {
		for l := range labels.Count {
			sum := make([]float64, dim)
			b := 0.0
			for f := range opt.Folds {
				j := (chosen[l]*opt.Folds+f)*labels.Count + l
				for r, v := range lin.foldW[j] {
					sum[r] += float64(v)
				}
				b += lin.foldB[j]
			}
			for r, v := range sum {
				w[r*labels.Count+l] = float32(v / float64(opt.Folds))
			}
			bias[l] = float32(b / float64(opt.Folds))
		}
		return w, bias
	}
	all := make([]int, d.n())
	for k := range all {
		all[k] = k
	}
	runJobs(ctx, labels.Count, opt.Workers, func(l int) {
		fw, b := fit(d, all, l, opt.C[chosen[l]], opt, dim, rand.NewPCG(opt.Seed, 1<<48|uint64(l)))
		for r, v := range fw {
			w[r*labels.Count+l] = float32(v)
		}
		bias[l] = float32(b)
	})
	return w, bias
}
