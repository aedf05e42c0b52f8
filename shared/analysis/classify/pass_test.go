package classify

import (
	"strings"
	"testing"
)

// ScoresPass gives the scores of ScoresInput bit for bit, and the clause
// vector of FeatureVector; its sentences are pieces of the text in order.
func TestScoresPassKeepsScores(t *testing.T) {
	m := mustDefault(t)
	var p Pass
	for _, c := range ownClauses {
		long := c.text + " We keep these records for two years. Then we delete them.\nYou may ask us for a copy."
		for _, in := range []Input{{Text: c.text}, {Text: long}, {Heading: []string{"Privacy", "Your data"}, Text: long}} {
			want := m.ScoresInput(in)
			if got := m.ScoresPass(in, &p); got != want {
				t.Fatalf("%q: ScoresPass %v, ScoresInput %v", in.Text, got, want)
			}
			rows, vals := m.FeatureVector(in, nil, nil)
			if !sameVector(rows, vals, p.Rows, p.Vals) {
				t.Errorf("%q: the pass's vector differs from FeatureVector's", in.Text)
			}
			end := 0
			for _, s := range p.Sents {
				if s.Start < end || s.End > len(in.Text) || s.From >= s.To {
					t.Fatalf("%q: sentence %+v out of order or empty", in.Text, s)
				}
				end = s.End
				piece := in.Text[s.Start:s.End]
				if piece != strings.TrimSpace(piece) || piece == "" {
					t.Errorf("sentence %q not trimmed", piece)
				}
			}
			if in.Text == long && len(p.Sents) < 3 {
				t.Errorf("%q: %d sentences in the pass, want at least 3", long, len(p.Sents))
			}
		}
	}
}

func sameVector(r1 []int32, v1 []float32, r2 []int32, v2 []float32) bool {
	if len(r1) != len(r2) {
		return false
	}
	a := map[int32]float32{}
	for i, r := range r1 {
		a[r] = v1[i]
	}
	for i, r := range r2 {
		if w, ok := a[r]; !ok || w != v2[i] {
			return false
		}
	}
	return len(a) == len(r1)
}
