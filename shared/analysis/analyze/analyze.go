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
	"sync"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Analyzer analyses policies with one model and one set of limits. It is
// safe for concurrent use.
type Analyzer struct {
	model   *classify.Model
	limits  policy.Limits
	segment segment.Options

	// The model's lexicon, sent to the worker with each file so that it
	// mends words broken at line ends without loading the model.
	lexOnce  sync.Once
	lex      *classify.Lexicon
	lexBytes []byte
}

// lexicon returns the model's lexicon and its encoding.
func (a *Analyzer) lexicon() (*classify.Lexicon, []byte) {
	a.lexOnce.Do(func() {
		a.lex = classify.NewLexicon(a.model)
		a.lexBytes, _ = a.lex.MarshalBinary()
	})
	return a.lex, a.lexBytes
}

// New returns an Analyzer that classifies with m and analyses within lim
// (its zero fields take the defaults).
func New(m *classify.Model, lim policy.Limits) *Analyzer {
	return &Analyzer{model: m, limits: lim.WithDefaults()}
}

// Limits returns the extraction limits the analyzer applies.
func (a *Analyzer) Limits() policy.Limits { return a.limits }

// Analyze analyses the policy in data; name is its file name, used to detect
// the format when the bytes do not settle it. Extraction, segmentation and
// key facts run in a worker process within the analyzer's limits (see
// worker.go); classification runs here, on at most Limits.MaxClauses
// clauses. Errors caused by the input have a fault kind for which
// Kind.Input() holds; among them:
//
//   - fault.TooLarge: over Limits.MaxBytes, more than Limits.MaxClauses
//     clauses, or more than Limits.MaxUnits() paragraphs, lines, headings,
//     list items or HTML elements;
//   - fault.Timeout: the worker ran out of time (Limits.Timeout);
//   - fault.TooComplex: the worker ran out of memory (Limits.MaxMemory);
//   - fault.TooManyPages, Empty, Unsupported, Encrypted, NoText, Corrupt.
//
// A cancelled or expired ctx gives ctx.Err(), wrapped, which is not an
// input error. Every error names the file first.
func (a *Analyzer) Analyze(ctx context.Context, name string, data []byte) (*policy.Analysis, error) {
	lim := a.limits
	if int64(len(data)) > lim.MaxBytes {
		return nil, fmt.Errorf("analyze %s: %w", name, fault.E(fault.TooLarge, "%d bytes is over the limit of %d bytes", len(data), lim.MaxBytes))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("analyze %s: %w", name, err)
	}
	sum := sha256.Sum256(data)
	sp, err := a.splitIsolated(ctx, name, data)
	if err != nil {
		return nil, fmt.Errorf("analyze %s: %w", name, err)
	}
	if n := len(sp.Clauses); n > lim.MaxClauses {
		return nil, fmt.Errorf("analyze %s: the worker sent %d clauses, over the limit of %d", name, n, lim.MaxClauses)
	}
	res := &policy.Analysis{
		Policy: policy.Summary{
			Source:       name,
			Format:       sp.Format,
			Encoding:     sp.Encoding,
			Pages:        sp.Pages,
			Bytes:        len(data),
			SHA256:       hex.EncodeToString(sum[:]),
			Facts:        sp.Facts,
			Clauses:      len(sp.Clauses),
			LabelCounts:  make(map[string]int, labels.Count),
			ModelVersion: a.model.Version(),
		},
		Clauses: make([]policy.Clause, len(sp.Clauses)),
	}
	for _, l := range labels.All {
		res.Policy.LabelCounts[l.Name] = 0
	}
	for i := range sp.Clauses {
		if i%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("analyze %s: %w", name, err)
			}
		}
		s := &sp.Clauses[i]
		heading := sp.Paths[s.Path]
		if heading == nil {
			heading = []string{}
		}
		scores := a.model.Scores(ClassifierInput(heading, s.Text))
		c := policy.Clause{
			Ordinal: i + 1,
			Heading: heading,
			Text:    s.Text,
			Start:   s.Start,
			End:     s.End,
			Page:    s.Page,
			Labels:  a.model.Assign(scores),
			Scores:  make(map[string]float64, labels.Count),
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
		*s = wireClause{} // the text lives on in res only
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
