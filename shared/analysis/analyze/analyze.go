// Package analyze runs the whole analysis of one policy file: extraction,
// segmentation, classification, attributes, mentions, the privacy summary
// and key facts. The CLI and the ingest Lambda
// both call it.
package analyze

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/denial"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/analysis/mentions"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/analysis/summary"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Analyzer analyses policies with one model and one set of limits. It is
// safe for concurrent use.
type Analyzer struct {
	model *classify.Model
	// attrs predicts the clauses' attributes from the label model's pass;
	// nil when the embedded attribute model does not read this label model.
	// It is loaded on first use, off a Lambda function's init path.
	attrsOnce sync.Once
	attrs     *attrs.Model
	limits    policy.Limits
	segment   segment.Options

	// The model's lexicon, for mending words broken at line ends when the
	// analysis runs in this process; a worker process gets its encoding
	// (the model's own bytes) with each file instead.
	lexOnce sync.Once
	lex     *classify.Lexicon
}

// lexicon returns the model's lexicon.
func (a *Analyzer) lexicon() *classify.Lexicon {
	a.lexOnce.Do(func() { a.lex = classify.NewLexicon(a.model) })
	return a.lex
}

// New returns an Analyzer that classifies with m and analyses within lim
// (its zero fields take the defaults). It predicts attributes with the
// embedded attribute model when that reads m's features (it does the
// embedded label model's).
func New(m *classify.Model, lim policy.Limits) *Analyzer {
	return &Analyzer{model: m, limits: lim.WithDefaults()}
}

// attributes returns the attribute model, loading it the first time; nil
// when it does not read the label model's features.
func (a *Analyzer) attributes() *attrs.Model {
	a.attrsOnce.Do(func() {
		if am, err := attrs.Default(); err == nil && am.Suits(a.model) == nil {
			a.attrs = am
		}
	})
	return a.attrs
}

// RulesVersion names the rules that read a document: extraction,
// clauses, key facts, mentions and the rules around the models. Change it
// (to the date of the change, with ".2", ".3", ... for a second and third
// change that day) with any change to what they give, so that a
// policy uploaded again is analysed again (ingest) and its history says
// which rules read each version. TestRulesVersionNamesTheOutput holds it
// to the analysis of the repository's sample policies.
const RulesVersion = "2026-12-03.50"

// Versions returns the versions of the models and rules the analyzer's
// analyses come from, as those of a policy in English report them: the
// label model's, the attribute model's ("" when it has none) and the
// rules'.
func (a *Analyzer) Versions() policy.Versions {
	v := policy.Versions{ModelVersion: a.model.Version(), AnalysisVersion: RulesVersion}
	if am := a.attributes(); am != nil {
		v.AttributeModelVersion = am.Version()
	}
	return v
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
			Source:      name,
			Format:      sp.Format,
			Encoding:    sp.Encoding,
			Pages:       sp.Pages,
			Bytes:       len(data),
			SHA256:      hex.EncodeToString(sum[:]),
			Facts:       sp.Facts,
			Clauses:     len(sp.Clauses),
			LabelCounts: make(map[string]int, labels.Count),
			// The rules' version, beside the models'.
			Versions: policy.Versions{ModelVersion: a.model.Version(), AnalysisVersion: RulesVersion},
		},
		Clauses: make([]policy.Clause, len(sp.Clauses)),
	}
	for _, l := range labels.All {
		res.Policy.LabelCounts[l.Name] = 0
	}
	var lang language.Counter
	for i := range sp.Clauses {
		lang.Add(sp.Clauses[i].Text)
	}
	res.Policy.Language = lang.Language()
	// The English model does not label a policy in another language as if
	// it were English; a clause of an English policy that is not in English
	// (a translated section, say) is left unlabelled by the model itself.
	english := res.Policy.Language == language.English || res.Policy.Language == ""
	if !english {
		res.Policy.Notes = append(res.Policy.Notes, fmt.Sprintf(
			"The policy is in %s (%s); the classifier reads English only, so its clauses are not labelled (their scores are the English model's and mean little).",
			language.Name(res.Policy.Language), res.Policy.Language))
	}
	unread := 0
	var pass classify.Pass
	var am *attrs.Model
	if english {
		am = a.attributes()
	}
	if am != nil {
		res.Policy.AttributeModelVersion = am.Version()
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
		in := classify.Input{Heading: heading, Text: s.Text, Index: i, Count: len(sp.Clauses)}
		var scores classify.Scores
		if english && am != nil {
			scores = a.model.ScoresPass(in, &pass)
		} else {
			scores = a.model.ScoresInput(in)
		}
		c := policy.Clause{
			Ordinal: i + 1,
			Heading: heading,
			Text:    s.Text,
			Start:   s.Start,
			End:     s.End,
			Page:    s.Page,
			Scores:  make(map[string]float64, labels.Count),
		}
		if english {
			c.Labels = a.model.AssignInput(in, scores)
			if len(c.Labels) == 0 && !a.model.Reads(s.Text) {
				unread++
			}
		}
		c.Attributes, c.Mentions = []policy.Attribute{}, []policy.Mention{}
		if english {
			// Attributes of a labelled clause, read from its pass; the
			// values beyond the vocabulary from its words.
			if len(c.Labels) > 0 && am != nil {
				c.Attributes = append(c.Attributes, am.Predict(s.Text, &pass, scores, c.Labels)...)
				for k := range c.Attributes {
					c.Attributes[k].Score = round4(c.Attributes[k].Score)
				}
			}
			for _, m := range mentions.FindUnder(s.Text, heading, s.Links) {
				// The policy's own company is no third party to it, nor
				// are its services that go by another name.
				if m.Kind == policy.MentionThirdParty && ownService(m.Value, res.Policy.Company) {
					continue
				}
				c.Mentions = append(c.Mentions, m)
			}
			// What the clause says the service does not do.
			denial.Mark(&c)
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
	if unread > 0 {
		res.Policy.Notes = append(res.Policy.Notes, fmt.Sprintf(
			"%d of %d clauses are not in English and are not labelled.", unread, len(res.Clauses)))
	}
	if english {
		if words, n := PracticeWords(res.Clauses); words < MinPracticeWords {
			res.Policy.Notes = append(res.Policy.Notes, fmt.Sprintf(
				"Only %d words, in %d of %d clauses, state a privacy practice (collection, sharing, choices, access, retention, security): this may not be a privacy policy (a sign-in page, a page of links to policies and other terms read like this).",
				words, n, len(res.Clauses)))
		}
	}
	res.Privacy = summary.Empty()
	if english {
		res.Privacy = summary.Build(res.Clauses)
	}
	return res, nil
}

// MinPracticeWords is the fewest words an English privacy policy's clauses
// about its practices hold before the analysis notes that the file may not
// be a privacy policy. Of the 258 English files among the reference
// corpus's current policies, the privacy policies hold at least 294 such
// words (one of seven short clauses); the five files that are not privacy
// policies (a sign-in page, a documentation page, two pages of links to
// policies, the corpus's own README) hold 0 to 82. scripts/practicewords
// measures them.
const MinPracticeWords = 100

// practiceLabels are the labels that say what is done with data: the
// clauses carrying one of them state a practice.
var practiceLabels = []string{
	"First Party Collection/Use", "Third Party Sharing/Collection", "User Choice/Control",
	"User Access, Edit and Deletion", "Data Retention", "Data Security", "Do Not Track",
}

// PracticeWords counts the words of the clauses that carry a practice
// label, and those clauses.
func PracticeWords(clauses []policy.Clause) (words, n int) {
	for _, c := range clauses {
		if slices.ContainsFunc(c.Labels, func(l policy.LabelScore) bool { return slices.Contains(practiceLabels, l.Label) }) {
			words += len(strings.Fields(c.Text))
			n++
		}
	}
	return words, n
}

func round4(f float64) float64 { return math.Round(f*1e4) / 1e4 }

// ownService reports whether a named third party is the policy's company
// or one of its services ("AWS" in Amazon's policy).
func ownService(name, company string) bool {
	if facts.SameCompany(name, company) {
		return true
	}
	return slices.ContainsFunc(mentions.Owners(name), func(owner string) bool { return facts.SameCompany(owner, company) })
}
