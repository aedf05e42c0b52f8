// Package corpus reads labelled clause corpora: the OPP-115 CSV format (two
// columns, text and label, no header, one row per (text, label) pair; rows
// with identical text are one multi-label example) and the modern clauses'
// JSON Lines (one clause a line with its heading path and labels). Only
// training and evaluation read corpora; no Lambda function links this
// package.
package corpus

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
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
	// Heading is the clause's section heading path, outermost first; nil
	// when the corpus gives none (OPP-115 segments).
	Heading []string
	// Source names the policy (company) the clause comes from, when the
	// corpus says; cross-validation keeps one source's clauses together.
	Source string
	// Modern marks clauses of the modern corpus (JSON Lines), whose empty
	// label set means navigation or a bare heading.
	Modern bool
	// Index is the clause's place among the Count clauses (or segments)
	// of its document, from 0; Count is 0 when it is not known (see
	// Places and Locate).
	Index, Count int
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

// ReadJSONL parses a modern clause corpus: one JSON object a line,
// {"source", "heading", "text", "labels"}, the heading a path with " > "
// between levels, and optionally "index" and "count", the clause's place
// (from 0) among the clauses of its document, as policylens classify
// reads them. An empty labels list is kept (navigation or a bare heading
// that states no practice). Blank lines are skipped; a line that is not
// such an object, has no text, names an unknown label or gives a place
// outside its document is an error that names its line.
func ReadJSONL(r io.Reader) ([]Example, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var out []Example
	for line := 1; sc.Scan(); line++ {
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		var rec struct {
			Source  string   `json:"source"`
			Heading string   `json:"heading"`
			Text    string   `json:"text"`
			Labels  []string `json:"labels"`
			Index   *int     `json:"index"`
			Count   *int     `json:"count"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("corpus: line %d: %w", line, err)
		}
		text := strings.TrimSpace(rec.Text)
		if text == "" {
			return nil, fmt.Errorf("corpus: line %d: empty text", line)
		}
		set, err := labelSet(rec.Labels)
		if err != nil {
			return nil, fmt.Errorf("corpus: line %d: %w", line, err)
		}
		ex := Example{Text: text, Labels: set, Line: line, Source: rec.Source, Modern: true, Heading: SplitHeading(rec.Heading)}
		switch {
		case rec.Index == nil && rec.Count == nil:
		case rec.Index == nil || rec.Count == nil || *rec.Count < 1 || *rec.Index < 0 || *rec.Index >= *rec.Count:
			return nil, fmt.Errorf("corpus: line %d: \"index\" and \"count\" go together, the index from 0 below the count", line)
		default:
			ex.Index, ex.Count = *rec.Index, *rec.Count
		}
		out = append(out, ex)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus: %w", err)
	}
	return out, nil
}

// labelSet is the set of the labels named (exact names, as the JSON Lines
// files write them).
func labelSet(names []string) (LabelSet, error) {
	var set LabelSet
	for _, l := range names {
		id, ok := labels.Index(l)
		if !ok {
			return 0, fmt.Errorf("unknown label %q", l)
		}
		set = set.With(id)
	}
	return set, nil
}

// HeadingSeparator separates the levels of a heading path written on one
// line.
const HeadingSeparator = " > "

// SplitHeading splits a heading path written with " > " between levels,
// dropping empty levels; "" gives nil.
func SplitHeading(path string) []string {
	var out []string
	for h := range strings.SplitSeq(path, HeadingSeparator) {
		if h = strings.TrimSpace(h); h != "" {
			out = append(out, h)
		}
	}
	return out
}

// Load reads a corpus file by its name: JSON Lines (.jsonl) or CSV
// (otherwise).
func Load(path string) ([]Example, error) {
	if !strings.HasSuffix(strings.ToLower(path), ".jsonl") {
		return ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ex, err := ReadJSONL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}
