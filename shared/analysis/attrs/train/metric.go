package train

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/policylens/policylens/shared/analysis/internal/tally"
)

// Counts tallies decisions: true positives, false positives, false
// negatives.
type Counts = tally.Counts

// Metrics compares predicted triples with gold ones over many segments.
//
// Micro-F1 pools every (segment, triple) decision; macro-F1 is the mean,
// over the (category, attribute) pairs that have a gold or a predicted
// triple, of each pair's micro-F1. Only scored triples (see Scored) count.
type Metrics struct {
	Pairs    map[PairKey]Counts
	Segments int
	// SpanTP counts true-positive triples whose gold has spans;
	// SpanHit those of them where a predicted span overlaps a gold span.
	SpanTP, SpanHit int
}

// NewMetrics returns empty metrics.
func NewMetrics() *Metrics { return &Metrics{Pairs: map[PairKey]Counts{}} }

// Add tallies one segment's predictions against its gold triples. Scores
// are ignored; duplicate triples count once.
func (m *Metrics) Add(gold, pred []Triple) {
	m.Segments++
	g := map[Key]Triple{}
	for _, t := range gold {
		if Scored(keyOf(t)) {
			g[keyOf(t)] = t
		}
	}
	p := map[Key]Triple{}
	for _, t := range pred {
		if Scored(keyOf(t)) {
			p[keyOf(t)] = t
		}
	}
	for k, pt := range p {
		c := m.Pairs[k.Pair()]
		if gt, ok := g[k]; ok {
			c.TP++
			if len(gt.Spans) > 0 {
				m.SpanTP++
				if overlaps(pt.Spans, gt.Spans) {
					m.SpanHit++
				}
			}
		} else {
			c.FP++
		}
		m.Pairs[k.Pair()] = c
	}
	for k := range g {
		if _, ok := p[k]; !ok {
			c := m.Pairs[k.Pair()]
			c.FN++
			m.Pairs[k.Pair()] = c
		}
	}
}

func overlaps(a, b []Span) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Start < y.End && y.Start < x.End {
				return true
			}
		}
	}
	return false
}

// Micro pools the counts of all pairs.
func (m *Metrics) Micro() Counts {
	var c Counts
	for _, p := range m.Pairs {
		c = c.Add(p)
	}
	return c
}

// MicroF1 is the F1 of the pooled counts.
func (m *Metrics) MicroF1() float64 { return m.Micro().F1() }

// MacroF1 is the mean F1 over pairs with a gold or predicted triple.
func (m *Metrics) MacroF1() float64 {
	sum, n := 0.0, 0
	for _, k := range m.pairKeys() {
		c := m.Pairs[k]
		if c.TP+c.FP+c.FN == 0 {
			continue
		}
		sum += c.F1()
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// SpanOverlap is the share of true-positive triples (with gold spans) whose
// predicted spans overlap a gold span.
func (m *Metrics) SpanOverlap() float64 { return tally.Ratio(m.SpanHit, m.SpanTP) }

// WriteTable writes one row per (category, attribute) pair: precision,
// recall, F1, gold support and predictions; then the micro and macro
// averages, the span overlap, and last a line of the form
// "attributes micro-F1 0.700 macro-F1 0.600".
func (m *Metrics) WriteTable(w io.Writer) error {
	keys := m.pairKeys()
	width := len("micro average")
	for _, k := range keys {
		width = max(width, len(k.Category)+3+len(k.Attribute))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s %9s %6s %6s %7s %9s\n", width, "category / attribute", "precision", "recall", "F1", "support", "predicted")
	row := func(name string, c Counts) {
		fmt.Fprintf(&b, "%-*s %9.3f %6.3f %6.3f %7d %9d\n", width, name, c.Precision(), c.Recall(), c.F1(), c.TP+c.FN, c.TP+c.FP)
	}
	for _, k := range keys {
		row(k.Category+" / "+k.Attribute, m.Pairs[k])
	}
	fmt.Fprintln(&b)
	row("micro average", m.Micro())
	fmt.Fprintf(&b, "%-*s %9s %6s %6.3f\n", width, "macro average", "", "", m.MacroF1())
	fmt.Fprintf(&b, "\n%d segments, %d pairs; a predicted span overlaps a gold span for %d of %d true-positive triples (%.3f)\n",
		m.Segments, len(keys), m.SpanHit, m.SpanTP, m.SpanOverlap())
	fmt.Fprintf(&b, "attributes micro-F1 %.3f macro-F1 %.3f\n", m.MicroF1(), m.MacroF1())
	_, err := io.WriteString(w, b.String())
	return err
}

// pairKeys returns the pairs in order (so that sums over them are the
// same from run to run).
func (m *Metrics) pairKeys() []PairKey {
	keys := make([]PairKey, 0, len(m.Pairs))
	for k := range m.Pairs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Category != keys[j].Category {
			return keys[i].Category < keys[j].Category
		}
		return keys[i].Attribute < keys[j].Attribute
	})
	return keys
}
