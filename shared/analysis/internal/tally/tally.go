// Package tally counts a classifier's decisions against gold answers and
// gives precision, recall and F1 from the counts. The label and the
// attribute trainers' figures both rest on it.
package tally

// Counts tallies decisions: true positives, false positives, false
// negatives.
type Counts struct{ TP, FP, FN int }

// Add returns the sum of c and o.
func (c Counts) Add(o Counts) Counts { return Counts{c.TP + o.TP, c.FP + o.FP, c.FN + o.FN} }

// Support is the number of gold answers: TP+FN.
func (c Counts) Support() int { return c.TP + c.FN }

// Precision is TP/(TP+FP), 0 when nothing was predicted.
func (c Counts) Precision() float64 { return Ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 0 when nothing is gold.
func (c Counts) Recall() float64 { return Ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall, 2TP/(2TP+FP+FN), 0 when
// there is nothing to count.
func (c Counts) F1() float64 { return Ratio(2*c.TP, 2*c.TP+c.FP+c.FN) }

// Ratio is a/b, 0 when b is 0.
func Ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
