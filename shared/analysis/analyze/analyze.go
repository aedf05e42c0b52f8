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

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Analyzer analyses policies with one model and one set of limits. It is
// safe for concurrent use.
type Analyzer struct {
	model   *classify.Model
	limits  policy.Limits
	segment segment.Options
}

// New returns an Analyzer that classifies with m and extracts within lim.
func New(m *classify.Model, lim policy.Limits) *Analyzer {
	return &Analyzer{model: m, limits: lim}
}

// Limits returns the extraction limits the analyzer applies.
func (a *Analyzer) Limits() policy.Limits { return a.limits }

// Analyze analyses the policy in data; name is its file name, used to detect
// the format when the bytes do not settle it. Errors caused by the input are
// *extract.InputError.
func (a *Analyzer) Analyze(ctx context.Context, name string, data []byte) (*policy.Analysis, error) {
	doc, err := extract.Extract(ctx, name, data, a.limits)
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", name, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze %s: %w", name, err)
	}
	segs := segment.Split(doc, a.segment)
	sum := sha256.Sum256(data)
	res := &policy.Analysis{
		Policy: policy.Summary{
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
		Clauses: make([]policy.Clause, len(segs)),
	}
	for _, l := range labels.All {
		res.Policy.LabelCounts[l.Name] = 0
	}
	for i, s := range segs {
		scores := a.model.Scores(ClassifierInput(s.Heading, s.Text))
		c := policy.Clause{
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
			c.Labels = []policy.LabelScore{}
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
