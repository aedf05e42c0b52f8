package train

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// CrossLabelScores returns every segment's label scores as a label model
// that did not see it gives them: the cross-validated scores of the label
// model's own training (policylens train --oof writes them, one line per
// training example in the order of examples), joined on the text; a
// segment not among those examples (the label model never saw it) gets
// lm's scores. Each segment's scores come with the labels the label model
// assigned it (a bit per label, in labels.All order). It also returns how
// many segments were joined.
func CrossLabelScores(segs []Segment, examples []corpus.Example, oof io.Reader, lm *classify.Model) ([]LabelScores, int, error) {
	byText := map[string]LabelScores{}
	sc := bufio.NewScanner(oof)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		f := strings.Split(sc.Text(), "\t")
		if len(f) != 4+labels.Count {
			return nil, 0, fmt.Errorf("oof line %d: %d fields, want %d", line, len(f), 4+labels.Count)
		}
		k, err := strconv.Atoi(f[0])
		if err != nil || k < 0 {
			return nil, 0, fmt.Errorf("oof line %d: bad index %q", line, f[0])
		}
		if k >= len(examples) {
			continue // beyond the examples given (the modern corpus)
		}
		var s LabelScores
		for l := range s.Scores {
			if s.Scores[l], err = strconv.ParseFloat(f[4+l], 64); err != nil {
				return nil, 0, fmt.Errorf("oof line %d: %w", line, err)
			}
		}
		mask, err := strconv.ParseUint(f[3], 10, 16)
		if err != nil {
			return nil, 0, fmt.Errorf("oof line %d: bad label set %q", line, f[3])
		}
		s.Assigned = uint16(mask)
		byText[textKey(examples[k].Text)] = s
	}
	if err := sc.Err(); err != nil {
		return nil, 0, err
	}
	out := make([]LabelScores, len(segs))
	joined := 0
	for k, s := range segs {
		if v, ok := byText[textKey(s.Text)]; ok {
			out[k] = v
			joined++
			continue
		}
		in := s.Input()
		out[k].Scores = lm.ScoresInput(in)
		for _, a := range lm.AssignInput(in, out[k].Scores) {
			if i, ok := labels.Index(a.Label); ok {
				out[k].Assigned |= 1 << i
			}
		}
	}
	return out, joined, nil
}

// LabelScores are a segment's label scores and the labels assigned it.
type LabelScores struct {
	Scores   classify.Scores
	Assigned uint16 // bit i: labels.All[i] assigned
}

// textKey is a text's letters and digits in lower case, which the two
// corpora share whatever their quoting and spacing.
func textKey(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}
