package train

import (
	"cmp"
	"math"
	"slices"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// decision turns scores into labels as classify.Model.AssignInput does.
type decision struct {
	thresholds [labels.Count]float64
	// fallback, when above 0: a clause that no threshold admits gets its
	// best label if that reaches it.
	fallback float64
	// gate: a clause that states something and that no threshold admits
	// gets its best label.
	gate bool
}

// assign returns the labels of a clause with scores p; english and states
// say whether its text reads as English (with a language check) and
// whether it states something.
func (d *decision) assign(p [labels.Count]float64, english, states bool) corpus.LabelSet {
	if !english {
		return 0
	}
	var s corpus.LabelSet
	best := 0
	for i, v := range p {
		if v >= d.thresholds[i] {
			s = s.With(i)
		}
		if v > p[best] {
			best = i
		}
	}
	if s == 0 && (d.fallback > 0 && p[best] >= d.fallback || d.gate && states) {
		s = s.With(best)
	}
	return s
}

// objective scores predictions for tuning: the sum over the corpora
// present (OPP-115 and modern) of micro- plus macro-F1, so that each corpus
// counts the same whatever its size.
type objective struct {
	gold    []corpus.LabelSet
	dom     []int // 0 OPP-115, 1 modern; + domPlain: the same without its place
	english []bool
	states  []bool
	pred    []corpus.LabelSet
}

func newObjective(gold []corpus.LabelSet, dom []int, english, states []bool) *objective {
	return &objective{gold: gold, dom: dom, english: english, states: states, pred: make([]corpus.LabelSet, len(gold))}
}

// metrics returns the figures of decision d over all examples, then per
// corpus.
func (o *objective) metrics(d *decision, probs [][labels.Count]float64) [numFigures]Metrics {
	for k := range probs {
		o.pred[k] = d.assign(probs[k], o.english[k], o.states[k])
	}
	return o.compare(o.pred)
}

// compare returns the figures of predictions pred (one per example) over
// all examples, then per corpus.
func (o *objective) compare(pred []corpus.LabelSet) [numFigures]Metrics {
	var gold, got [numFigures][]corpus.LabelSet
	for k, p := range pred {
		for _, g := range []int{0, 1 + o.dom[k]} {
			if g == 0 && o.dom[k] >= domPlain {
				continue // "all" counts each example once
			}
			gold[g] = append(gold[g], o.gold[k])
			got[g] = append(got[g], p)
		}
	}
	var out [numFigures]Metrics
	for g := range out {
		out[g] = Compare(gold[g], got[g])
	}
	return out
}

func (o *objective) score(d *decision, probs [][labels.Count]float64) float64 {
	s := 0.0
	mt := o.metrics(d, probs)
	for _, x := range mt[1:] {
		if x.Examples > 0 {
			s += x.MicroF1() + x.MacroF1()
		}
	}
	return s
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

// jointThresholds moves one label's threshold at a time to where the
// objective on the cross-validated probabilities is highest, for a few
// rounds.
func jointThresholds(d *decision, probs [][labels.Count]float64, o *objective) {
	best := o.score(d, probs)
	for range 3 {
		changed := false
		for l := range labels.Count {
			cur := d.thresholds[l]
			var ties []float64
			for step := 2; step <= 95; step++ {
				d.thresholds[l] = float64(step) / 100
				switch s := o.score(d, probs); {
				case s > best+1e-9:
					best, ties = s, []float64{d.thresholds[l]}
				case s > best-1e-9 && (len(ties) > 0 || math.Abs(d.thresholds[l]-cur) < 1e-9):
					ties = append(ties, d.thresholds[l])
				}
			}
			d.thresholds[l] = cur
			if len(ties) > 0 {
				d.thresholds[l] = ties[len(ties)/2]
			}
			if d.thresholds[l] != cur {
				changed = true
			}
		}
		if !changed {
			break
		}
	}
}

// bestFallback picks the fallback score (0 for none) with the best
// objective on cross-validated probabilities.
func bestFallback(d *decision, probs [][labels.Count]float64, o *objective) float64 {
	best, bestScore := 0.0, -1.0
	for _, fb := range []float64{0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5} {
		d.fallback = fb
		if s := o.score(d, probs); s > bestScore+1e-9 {
			best, bestScore = fb, s
		}
	}
	d.fallback = best
	return best
}

// tune sets d's thresholds (each label's F1-best, then refined jointly
// unless perLabel) and fallback (with fallback) on cross-validated
// probabilities, and returns the objective. With fallback and gate both
// asked for, it keeps whichever of the two scores better.
func tune(d *decision, probs [][labels.Count]float64, o *objective, fallback, gate, perLabel bool) float64 {
	once := func(gate bool) float64 {
		d.gate = gate
		for l := range labels.Count {
			p := make([]float64, len(probs))
			y := make([]bool, len(probs))
			for k := range probs {
				p[k], y[k] = probs[k][l], o.gold[k].Has(l)
			}
			d.thresholds[l] = bestThreshold(p, y)
		}
		d.fallback = 0
		if fallback && !gate {
			bestFallback(d, probs, o)
		}
		if !perLabel {
			jointThresholds(d, probs, o)
		}
		return o.score(d, probs)
	}
	if fallback && gate {
		a := once(false)
		if b := once(true); b >= a {
			return b
		}
		return once(false)
	}
	return once(gate)
}

// sentenceGates chooses, label by label (rarest first), the lowest gate
// of the grid whose objective stays within tolerance of base, where the
// objective is taken with the clause scores probs raised to the best
// sentence's score pSent wherever that reaches the gate (thresholds as d
// has them). only, when above 0, is the only gate offered.
func sentenceGates(d *decision, probs, pSent [][labels.Count]float64, o *objective, base, tolerance, only float64) [labels.Count]float64 {
	grid := []float64{0.99, 0.98, 0.97, 0.95, 0.9, 0.85, 0.8}
	if only > 0 {
		grid = []float64{only}
	}
	order := make([]int, labels.Count)
	npos := make([]int, labels.Count)
	for l := range order {
		order[l] = l
		for _, g := range o.gold {
			if g.Has(l) {
				npos[l]++
			}
		}
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(npos[a], npos[b]) })
	var gates [labels.Count]float64
	for _, l := range order {
		for _, g := range grid {
			try := gates
			try[l] = g
			if s := o.score(d, gated(probs, pSent, try)); s >= base-tolerance {
				gates[l] = g
			}
		}
	}
	return gates
}

// gated returns probs with each label's score raised to the best
// sentence's where that reaches the label's gate.
func gated(probs, pSent [][labels.Count]float64, gates [labels.Count]float64) [][labels.Count]float64 {
	out := make([][labels.Count]float64, len(probs))
	for k := range probs {
		for l := range labels.Count {
			out[k][l] = probs[k][l]
			if g := gates[l]; g > 0 && pSent[k][l] >= g {
				out[k][l] = max(out[k][l], pSent[k][l])
			}
		}
	}
	return out
}

// heldOut returns the figures, over all examples and then per corpus, of
// each fold's examples labelled by a decision (thresholds, fallback and
// gate) tuned as tune does on the other folds only: what tuning on the
// very scores it is scored on leaves out of the cross-validated figures.
func heldOut(probs [][labels.Count]float64, o *objective, fold []int, folds int, fallback, gate, perLabel bool) [numFigures]Metrics {
	pred := make([]corpus.LabelSet, len(probs))
	for f := range folds {
		var sp [][labels.Count]float64
		var gold []corpus.LabelSet
		var dom []int
		var english, states []bool
		for k := range probs {
			if fold[k] != f {
				sp, gold, dom = append(sp, probs[k]), append(gold, o.gold[k]), append(dom, o.dom[k])
				english, states = append(english, o.english[k]), append(states, o.states[k])
			}
		}
		var d decision
		tune(&d, sp, newObjective(gold, dom, english, states), fallback, gate, perLabel)
		for k := range probs {
			if fold[k] == f {
				pred[k] = d.assign(probs[k], o.english[k], o.states[k])
			}
		}
	}
	return o.compare(pred)
}
