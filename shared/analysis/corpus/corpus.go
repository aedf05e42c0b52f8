// Package corpus reads labelled clause corpora in the OPP-115 CSV format:
// two columns, text and label, no header, one row per (text, label) pair.
// Rows with identical text are one multi-label example.
package corpus

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"os"
	"strings"

	"github.com/policylens/policylens/shared/domain/labels"
)

// LabelSet is a set of label ids (indexes into labels.All).
type LabelSet uint16

// Has reports whether the set holds label i.
func (s LabelSet) Has(i int) bool { return i >= 0 && i < labels.Count && s&(1<<i) != 0 }

// With returns the set with label i added.
func (s LabelSet) With(i int) LabelSet { return s | 1<<i }

// Len returns the number of labels in the set.
func (s LabelSet) Len() int { return bits.OnesCount16(uint16(s)) }

// Names returns the names of the labels in the set, in label order.
func (s LabelSet) Names() []string {
	var out []string
	for i, l := range labels.All {
		if s.Has(i) {
			out = append(out, l.Name)
		}
	}
	return out
}

// Example is one distinct text with every label it carries.
type Example struct {
	Text   string
	Labels LabelSet
	// Line is the line of the first row with this text.
	Line int
}

// spreadsheetArtefact is a cell that a spreadsheet turned into an error
// value; it is not clause text.
const spreadsheetArtefact = "#NAME?"

// Read parses a corpus CSV and returns one example per distinct text, in the
// order the texts first appear; white space around a text or label is
// ignored. Labels may be written as their exact name,
// in any letter case, or as slugs. A first row of exactly "text,label" is
// taken as a header and skipped, as is the spreadsheet artefact "#NAME?".
// A row with an unknown label, an empty text or the wrong number of fields
// is an error that names its line.
func Read(r io.Reader) ([]Example, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	var out []Example
	index := map[string]int{}
	for row := 0; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("corpus: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, fmt.Errorf("corpus: line %d: want 2 fields (text,label), got %d", line, len(rec))
		}
		text, label := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if row == 0 && strings.EqualFold(text, "text") && strings.EqualFold(label, "label") {
			continue
		}
		if text == spreadsheetArtefact {
			continue
		}
		if text == "" {
			return nil, fmt.Errorf("corpus: line %d: empty text", line)
		}
		id, ok := labels.Index(label)
		if !ok {
			return nil, fmt.Errorf("corpus: line %d: unknown label %q", line, label)
		}
		if k, seen := index[text]; seen {
			out[k].Labels = out[k].Labels.With(id)
			continue
		}
		index[text] = len(out)
		out = append(out, Example{Text: text, Labels: LabelSet(0).With(id), Line: line})
	}
	return out, nil
}

// ReadFile reads the corpus CSV at path; see Read.
func ReadFile(path string) ([]Example, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}
