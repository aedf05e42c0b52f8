// Package analyze runs the whole analysis of one policy file: extraction,
// segmentation, classification and key facts. The CLI and the ingest Lambda
// both call it.
package analyze

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"strings"

	"github.com/policylens/policylens/shared/classify"
	"github.com/policylens/policylens/shared/extract"
	"github.com/policylens/policylens/shared/facts"
	"github.com/policylens/policylens/shared/labels"
	"github.com/policylens/policylens/shared/segment"
)

// Policy summarises one analysed policy.
type Policy struct {
	// Source is the file name the policy was read from.
	Source   string `json:"source"`
	Format   string `json:"format"`
	Encoding string `json:"encoding,omitempty"`
	Pages    int    `json:"pages,omitempty"`
	Bytes    int    `json:"bytes"`
	SHA256   string `json:"sha256"`
	facts.Facts
	Clauses int `json:"clauses"`
	// LabelCounts counts the clauses carrying each label, for all 12 labels.
	LabelCounts  map[string]int `json:"labelCounts"`
	ModelVersion string         `json:"modelVersion"`
}

// Clause is one classified clause.
type Clause struct {
	Ordinal int      `json:"ordinal"`
	Heading []string `json:"heading"`
	Text    string   `json:"text"`
	Start   int      `json:"start"`
	End     int      `json:"end"`
	// Page is the PDF page the clause starts on, 0 for formats without pages.
	Page int `json:"page"`
	// Labels are the labels the clause carries, highest score first.
	Labels []classify.LabelScore `json:"labels"`
	// Scores holds the score of every label, keyed by label name.
	Scores map[string]float64 `json:"scores"`
}

// Result is the analysis of one policy.
type Result struct {
	Policy  Policy   `json:"policy"`
	Clauses []Clause `json:"clauses"`
}

// Analyzer analyses policies with one model and one set of limits. It is
// safe for concurrent use.
type Analyzer struct {
	model   *classify.Model
	limits  extract.Limits
	segment segment.Options
}

// New returns an Analyzer that classifies with m and extracts within lim.
func New(m *classify.Model, lim extract.Limits) *Analyzer {
	return &Analyzer{model: m, limits: lim}
}

// Limits returns the extraction limits the analyzer applies.
func (a *Analyzer) Limits() extract.Limits { return a.limits }

// Analyze analyses the policy in data; name is its file name, used to detect
// the format when the bytes do not settle it. Errors caused by the input are
// *extract.InputError.
func (a *Analyzer) Analyze(ctx context.Context, name string, data []byte) (*Result, error) {
	doc, err := extract.Extract(ctx, name, data, a.limits)
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze %s: %w", name, err)
	}
	segs := segment.Split(doc, a.segment)
	sum := sha256.Sum256(data)
	res := &Result{
		Policy: Policy{
			Source:       name,
			Format:       string(doc.Format),
			Encoding:     doc.Encoding,
			Pages:        doc.Pages,
			Bytes:        len(data),
			SHA256:       hex.EncodeToString(sum[:]),
			Facts:        facts.Find(doc),
			Clauses:      len(segs),
			LabelCounts:  make(map[string]int, labels.Count),
			ModelVersion: a.model.Version(),
		},
		Clauses: make([]Clause, len(segs)),
	}
	for _, l := range labels.All {
		res.Policy.LabelCounts[l.Name] = 0
	}
	for i, s := range segs {
		scores := a.model.Scores(ClassifierInput(s.Heading, s.Text))
		c := Clause{
			Ordinal: s.Ordinal,
			Heading: s.Heading,
			Text:    s.Text,
			Start:   s.Start,
			End:     s.End,
			Page:    s.Page,
			Labels:  a.model.Assign(scores),
			Scores:  make(map[string]float64, labels.Count),
		}
		if c.Heading == nil {
			c.Heading = []string{}
		}
		if c.Labels == nil {
			c.Labels = []classify.LabelScore{}
		}
		for j, l := range labels.All {
			c.Scores[l.Name] = round4(scores[j])
		}
		for k := range c.Labels {
			c.Labels[k].Score = round4(c.Labels[k].Score)
			res.Policy.LabelCounts[c.Labels[k].Label]++
		}
		res.Clauses[i] = c
	}
	return res, nil
}

// ClassifierInput is the text the model scores for a clause: the innermost
// heading followed by the clause text, the way OPP-115 segments often begin
// with their section title.
func ClassifierInput(heading []string, text string) string {
	if len(heading) == 0 {
		return text
	}
	h := heading[len(heading)-1]
	if strings.HasPrefix(text, h) {
		return text
	}
	return h + " " + text
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }
