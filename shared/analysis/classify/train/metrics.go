package train

import (
	"fmt"
	"io"
	"strings"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/analysis/internal/tally"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Counts tallies one label's decisions over a set of examples.
type Counts = tally.Counts

// Metrics are the multi-label scores of predictions against gold labels.
type Metrics struct {
	Labels   [labels.Count]Counts
	Examples int
}

// Compare tallies predicted label sets against gold ones, pairwise.
func Compare(gold, pred []corpus.LabelSet) Metrics {
	var m Metrics
	m.Examples = len(gold)
	for k := range gold {
		for i := range labels.Count {
			g, p := gold[k].Has(i), pred[k].Has(i)
			switch {
			case g && p:
				m.Labels[i].TP++
			case p:
				m.Labels[i].FP++
			case g:
				m.Labels[i].FN++
			}
		}
	}
	return m
}

// Micro pools the counts of all labels.
func (m Metrics) Micro() Counts {
	var c Counts
	for _, l := range m.Labels {
		c.TP += l.TP
		c.FP += l.FP
		c.FN += l.FN
	}
	return c
}

// MicroF1 is the F1 of the pooled counts.
func (m Metrics) MicroF1() float64 { return m.Micro().F1() }

// MacroF1 is the mean F1 over the labels that occur in the gold labels or
// the predictions; a label absent from both is left out (on OPP-115 every
// label occurs, so this is the usual unweighted mean over all 12).
func (m Metrics) MacroF1() float64 {
	sum, n := 0.0, 0
	for _, l := range m.Labels {
		if l.TP+l.FP+l.FN == 0 {
			continue
		}
		sum += l.F1()
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// WriteTable writes a per-label table of precision, recall, F1, support
// and the number of predictions, then the micro and macro averages, and last
// a line of the form "micro-F1 0.812 macro-F1 0.751".
func (m Metrics) WriteTable(w io.Writer) error {
	width := len("macro average")
	for _, l := range labels.All {
		width = max(width, len(l.Name))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-*s %9s %6s %6s %7s %9s\n", width, "label", "precision", "recall", "F1", "support", "predicted")
	row := func(name string, c Counts) {
		fmt.Fprintf(&b, "%-*s %9.3f %6.3f %6.3f %7d %9d\n", width, name, c.Precision(), c.Recall(), c.F1(), c.Support(), c.TP+c.FP)
	}
	for i, l := range labels.All {
		row(l.Name, m.Labels[i])
	}
	fmt.Fprintln(&b)
	row("micro average", m.Micro())
	fmt.Fprintf(&b, "%-*s %9s %6s %6.3f\n", width, "macro average", "", "", m.MacroF1())
	fmt.Fprintf(&b, "\n%d examples\nmicro-F1 %.3f macro-F1 %.3f\n", m.Examples, m.MicroF1(), m.MacroF1())
	_, err := io.WriteString(w, b.String())
	return err
}
