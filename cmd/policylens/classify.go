package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"

	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// maxLine bounds the length of one input line of classify.
const maxLine = 16 << 20

// maxDocument bounds what classify --document holds before it scores: the
// clauses and their bytes.
const (
	maxDocClauses = 50_000
	maxDocBytes   = 64 << 20
)

func runClassify(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("classify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	formatOf := formatFlag(fs, "jsonl", "input and output format: jsonl (JSON Lines)", "jsonl")
	modelPath := fs.String("model", "", "weights file to classify with (default: the embedded model)")
	document := fs.Bool("document", false, "the lines are the clauses of one document, in order: each gets its place (\"index\", \"count\") unless it gives its own, as analyze scores them; reads the whole input first")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens classify [--format jsonl] [--model FILE] [--document] FILE|-")
		fmt.Fprintln(stderr, "\nClassifies clauses given one a line as JSON, {\"text\": \"...\", \"heading\": \"...\"} (the")
		fmt.Fprintln(stderr, "heading path is optional, with \" > \" between levels, or a list of strings; other")
		fmt.Fprintln(stderr, "fields are ignored; \"index\" and \"count\", optional, give the clause's place from 0 among")
		fmt.Fprintln(stderr, "the clauses of its document), and prints one line of JSON per clause, in the same order:")
		fmt.Fprintln(stderr, "{\"labels\": [{\"label\": ..., \"score\": ...}], \"scores\": {...}}, labels highest first,")
		fmt.Fprintln(stderr, "scores for all 12 labels, and the OPP-115 attributes of a labelled clause,")
		fmt.Fprintln(stderr, "\"attributes\": [{\"category\", \"attribute\", \"value\", \"score\", \"spans\": [{\"start\", \"end\"}]}]")
		fmt.Fprintln(stderr, "(spans in code points of the text). Blank lines are skipped. - reads standard input.")
		fs.PrintDefaults()
	}
	files, ok := parseFiles(fs, args, 1)
	if !ok {
		return 2
	}
	if _, ok := formatOf(stderr); !ok {
		return 2
	}
	in := stdin
	if name := files[0]; name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "policylens classify: %v\n", err)
			return 1
		}
		defer f.Close()
		in = f
	}
	m, err := loadModel(*modelPath)
	if err != nil {
		fmt.Fprintf(stderr, "policylens classify: load model: %v\n", err)
		return 1
	}
	am, err := attrs.Default()
	if err == nil {
		err = am.Suits(m)
	}
	if err != nil {
		// A label model of one's own: labels without attributes.
		fmt.Fprintf(stderr, "policylens classify: no attributes: %v\n", err)
		am = nil
	}
	if err := classifyLines(ctx, m, am, in, stdout, *document); err != nil {
		fmt.Fprintf(stderr, "policylens classify: %s: %v\n", displayName(files[0]), err)
		return 1
	}
	return 0
}

// clauseIn is one input line of classify.
type clauseIn struct {
	Text    *string         `json:"text"`
	Heading json.RawMessage `json:"heading"`
	// Index and Count: the clause's place among the clauses of its
	// document (optional, both or neither).
	Index *int `json:"index"`
	Count *int `json:"count"`
}

// clauseOut is one output line of classify.
type clauseOut struct {
	Labels     []policy.LabelScore `json:"labels"`
	Scores     map[string]float64  `json:"scores"`
	Attributes []policy.Attribute  `json:"attributes"`
}

// classifyLines classifies the clauses of r, one JSON object a line, and
// writes one JSON object a line to w, with the attributes am predicts of
// the labelled clauses (none when am is nil); it stops at the first bad
// line. With document, the lines are the clauses of one document: it
// reads them all first, gives each that has none its place among them,
// and stops before writing anything at a bad line.
func classifyLines(ctx context.Context, m *classify.Model, am *attrs.Model, r io.Reader, w io.Writer, document bool) error {
	var pass classify.Pass
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	write := func(in classify.Input) error {
		s := m.ScoresPass(in, &pass)
		out := clauseOut{Labels: m.AssignInput(in, s), Scores: make(map[string]float64, labels.Count), Attributes: []policy.Attribute{}}
		if out.Labels == nil {
			out.Labels = []policy.LabelScore{}
		}
		if am != nil && len(out.Labels) > 0 {
			out.Attributes = append(out.Attributes, am.Predict(in.Text, &pass, s, out.Labels)...)
			for i := range out.Attributes {
				out.Attributes[i].Score = round4(out.Attributes[i].Score)
			}
		}
		for i, l := range labels.All {
			out.Scores[l.Name] = round4(s[i])
		}
		for i := range out.Labels {
			out.Labels[i].Score = round4(out.Labels[i].Score)
		}
		return enc.Encode(out)
	}
	var doc []classify.Input
	size := 0
	err := eachClause(ctx, r, func(line int, in classify.Input) error {
		if !document {
			return write(in)
		}
		if size += len(in.Text); len(doc) == maxDocClauses || size > maxDocBytes {
			return fmt.Errorf("line %d: more than --document holds (%d clauses, %d MB)", line, maxDocClauses, maxDocBytes>>20)
		}
		doc = append(doc, in)
		return nil
	})
	if err != nil {
		bw.Flush()
		return err
	}
	for i, in := range doc {
		if i%256 == 255 {
			if err := ctx.Err(); err != nil {
				bw.Flush()
				return err
			}
		}
		if in.Count == 0 {
			in.Index, in.Count = i, len(doc)
		}
		if err := write(in); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// eachClause calls fn with every clause of r, one JSON object a line, and
// its line number; it stops at the first bad line or error of fn.
func eachClause(ctx context.Context, r io.Reader, fn func(line int, in classify.Input) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		if line%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		in, err := parseClause(b)
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if err := fn(line, in); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("line %d: longer than %d MB", line+1, maxLine>>20)
		}
		return err
	}
	return nil
}

// parseClause reads one input line.
func parseClause(b []byte) (classify.Input, error) {
	var c clauseIn
	if b[0] != '{' {
		return classify.Input{}, errors.New(`not a JSON object; want {"text": "...", "heading": "..."}`)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return classify.Input{}, fmt.Errorf("invalid JSON: %v", err)
	}
	if c.Text == nil {
		return classify.Input{}, errors.New(`no "text"`)
	}
	in := classify.Input{Text: *c.Text}
	switch {
	case c.Index == nil && c.Count == nil:
	case c.Index == nil || c.Count == nil:
		return classify.Input{}, errors.New(`"index" and "count" go together: the clause's place (from 0) among the count clauses of its document`)
	case *c.Count < 1 || *c.Index < 0 || *c.Index >= *c.Count:
		return classify.Input{}, fmt.Errorf(`"index" %d outside the %d clauses of "count"`, *c.Index, *c.Count)
	default:
		in.Index, in.Count = *c.Index, *c.Count
	}
	if h := bytes.TrimSpace(c.Heading); len(h) > 0 && string(h) != "null" {
		var path string
		var levels []string
		switch {
		case json.Unmarshal(h, &path) == nil:
			in.Heading = corpus.SplitHeading(path)
		case json.Unmarshal(h, &levels) == nil:
			in.Heading = levels
		default:
			return classify.Input{}, errors.New(`"heading" must be a string (levels separated by " > ") or a list of strings`)
		}
	}
	return in, nil
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
