// Package attrs predicts the OPP-115 attributes a privacy-policy clause
// states: (category, attribute, value) triples such as (Third Party
// Sharing/Collection, Personal Information Type, Location), each with a
// score and at least one evidence span in the clause text.
//
// The model reads the label model's feature pass (classify.ScoresPass), so
// a clause is walked once for both: per modelled value, a linear margin
// over the label model's word and character n-gram rows; per (category,
// attribute) pair, a logistic regression over the margins of the pair's
// values gives each value's probability, which times the category's label
// score is the triple's score. A triple is predicted at or above its
// pair's threshold. Its evidence is the sentence of the clause that adds
// most to its margin.
//
// It is the inference half: training and evaluation are in package train.
// The weights file is used in place; the shipped model is embedded. See
// docs/model.md.
package attrs

import (
	_ "embed"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Model predicts attribute triples. It is safe for concurrent use.
type Model struct {
	data    []byte
	version string
	p       Params
	// Tables in place (see file.go) and the index built at load.
	keys, start []byte
	weights     []weight // in key order, each key's by target
	rowMap      []int32  // label text row -> index in keys, or -1
	// entries holds, per key, where its weights are, by label.
	entries   []keyEntry
	members   [][]int // per pair, its targets
	labelOf   []int   // per target, its category's label index
	pairLabel []int   // per pair, its category's label index
	charScale float32 // Params.CharScale
	// gate is, per label, the lowest threshold of its pairs: a label
	// score below it admits none of its triples.
	gate    [labels.Count]float64
	scratch sync.Pool
}

//go:embed model.bin
var embedded []byte

// Default returns the model embedded in the binary, loaded once.
var Default = sync.OnceValues(func() (*Model, error) {
	return decode(embedded, false)
})

// LoadBytes reads a weights file held in memory, which the model then uses
// in place; its checksum is verified.
func LoadBytes(data []byte) (*Model, error) { return decode(data, true) }

// Load reads a weights file.
func Load(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("read attribute model: %w", err)
	}
	return LoadBytes(data)
}

// Version identifies the weights: the first 12 hex digits of the SHA-256
// of the file's content after its magic.
func (m *Model) Version() string { return m.version }

// Params returns the model's parameters (targets, pairs, thresholds,
// notes).
func (m *Model) Params() Params { return m.p }

// WriteTo writes the weights file.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.data)
	return int64(n), err
}

// Suits reports whether the model reads the feature pass of label model lm
// (it was trained on that model's rows).
func (m *Model) Suits(lm *classify.Model) error {
	if lm.Version() != m.p.LabelVersion || lm.Rows() != m.p.LabelRows || lm.TextRows() != m.p.TextRows || lm.WordRows() != m.p.WordRows {
		return fmt.Errorf("attrs: the attribute model reads label model %s (%d rows), not %s (%d rows)",
			m.p.LabelVersion, m.p.LabelRows, lm.Version(), lm.Rows())
	}
	return nil
}

// categoryIndex is the label index of an OPP-115 category ("Other" has
// none: its types are labels of their own, not attributes).
func categoryIndex(cat string) (int, bool) {
	if cat == "Other" {
		return 0, false
	}
	return labels.Index(cat)
}

type scratch struct {
	acc    [MaxTargets]float32
	margin []float64 // per target (active ones only)
	zmin   []float64 // per pair
	active [labels.Count]bool
	picked []int
	scores []float64 // of the picked targets
	// The evidence of the picked targets: per target its place among
	// them (-1: none), and per picked target its margin in the current
	// sentence, its best margin and that sentence.
	slot       [MaxTargets]int32
	on         []int // the labels of the picked targets
	sent, best []float64
	where      []classify.PassSentence
}

// MaxTargets is the most targets a model has: a weight names its target
// in one byte, so that the weights a clause reads are half the bytes, and
// the sums are a fixed array indexed without bounds checks. A key has at
// most one weight per target, so its weights are counted in a byte too.
const MaxTargets = 255

// weight is one weight of the model: its target and 8-bit code.
type weight struct {
	target uint8
	code   int8
}

// keyEntry says where a key's weights are: targets are grouped by label,
// so label l's weights of the key are weights[base+off[l] : base+off[l+1]].
// It is 20 bytes, so that the entries of the keys a clause reads stay in
// the cache (a table of 13 offsets of 4 bytes a key was 1 MB).
type keyEntry struct {
	base   uint32
	labels uint16 // a bit per label with weights at the key
	off    [labels.Count + 1]uint8
}

// of returns the key's weights of labels [from, to).
func (m *Model) of(e *keyEntry, from, to int) []weight {
	return m.weights[e.base+uint32(e.off[from]) : e.base+uint32(e.off[to])]
}

// margins computes the margins of the targets of the labels in active
// over the vector rows/vals into acc (unscaled: sums of codes times
// values); the other targets' are left at 0.
func (m *Model) margins(rows []int32, vals []float32, active *[labels.Count]bool, acc *[MaxTargets]float32) {
	clear(acc[:])
	var on [labels.Count]int
	n := 0
	var mask uint16
	for l, a := range active {
		if a {
			on[n] = l
			n++
			mask |= 1 << l
		}
	}
	for k, r := range rows {
		if int(r) >= len(m.rowMap) {
			continue
		}
		j := m.rowMap[r]
		if j < 0 {
			continue
		}
		e := &m.entries[j]
		if e.labels&mask == 0 {
			continue // no weight of an active label
		}
		v := vals[k]
		if int(r) >= m.p.WordRows {
			v *= m.charScale
		}
		for _, l := range on[:n] {
			for _, w := range m.of(e, l, l+1) {
				acc[w.target] += v * float32(w.code)
			}
		}
	}
}

// The gates of Params.Gate.
const (
	GateAny      = "any"
	GateCategory = "category"
)

// The scores of Params.Score.
const (
	ScoreProduct = "product"
	ScoreValue   = "value"
)

// Gated reports whether a clause assigned the labels in mask (bit i:
// labels.All[i]) may get triples of label l under gate.
func Gated(gate string, mask uint16, l int) bool {
	if gate == GateCategory {
		return mask&(1<<l) != 0
	}
	return mask != 0
}

// dntLabel is the index of Do Not Track. Its attributes say how the
// service answers the browser's Do Not Track signal, so they are given
// only to a clause that names the signal (namesDNT), as every Do Not Track
// segment of OPP-115 does. Today's policies put the Global Privacy Control
// under the same label, and the 2015 values would read a clause that
// honours it as "Not honored".
var dntLabel, _ = labels.Index("Do Not Track")

// dntName matches the names of the Do Not Track signal.
var dntName = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\bdo[\s-]*not[\s-]*track|\bdnt\b`) })

// namesDNT reports whether text names the Do Not Track signal.
func namesDNT(text string) bool { return dntName().MatchString(text) }

// Predict returns the triples of the clause whose feature pass the label
// model lm left in p (classify.ScoresPass over text, with scores sc and
// the labels assigned), in the order of the model's values. The model must
// suit lm (Suits). Spans are in code points of text.
func (m *Model) Predict(text string, p *classify.Pass, sc classify.Scores, assigned []policy.LabelScore) []policy.Attribute {
	if strings.TrimSpace(text) == "" {
		return nil // no evidence to point at
	}
	s, _ := m.scratch.Get().(*scratch)
	if s == nil {
		s = new(scratch)
		for i := range s.slot {
			s.slot[i] = -1
		}
	}
	defer m.scratch.Put(s)
	var mask uint16
	for _, a := range assigned {
		if i, ok := labels.Index(a.Label); ok {
			mask |= 1 << i
		}
	}
	any := false
	for l := range s.active {
		s.active[l] = sc[l] >= m.gate[l] && Gated(m.p.Gate, mask, l) && (l != dntLabel || namesDNT(text))
		any = any || s.active[l]
	}
	if !any {
		return nil
	}
	m.margins(p.Rows, p.Vals, &s.active, &s.acc)
	// The margins of the active targets, scaled, and per pair the lowest
	// logit of a value's probability that can reach the threshold
	// (logistic(z)*score >= threshold), so that exp is only taken for the
	// values that pass.
	if len(s.margin) != len(m.p.Targets) {
		s.margin = make([]float64, len(m.p.Targets))
		s.zmin = make([]float64, len(m.p.Pairs))
	}
	for ti := range m.p.Targets {
		if s.active[m.labelOf[ti]] {
			s.margin[ti] = m.margin(ti, &s.acc)
		}
	}
	for pi, pr := range m.p.Pairs {
		l := m.pairLabel[pi]
		f := sc[l] // the factor of the value's probability
		if m.p.Score == ScoreValue {
			f = 1
		}
		s.zmin[pi] = math.Inf(1)
		if s.active[l] && f > pr.Threshold {
			s.zmin[pi] = math.Log(pr.Threshold / (f - pr.Threshold))
		}
	}
	s.picked, s.scores = s.picked[:0], s.scores[:0]
	for ti, t := range m.p.Targets {
		l := m.labelOf[ti]
		if t.Aux || !s.active[l] {
			continue
		}
		z := t.Stack[len(t.Stack)-1]
		for j, o := range m.members[t.Pair] {
			z += t.Stack[j] * s.margin[o]
		}
		if z < s.zmin[t.Pair] {
			continue
		}
		score := logistic(z)
		if m.p.Score == ScoreProduct {
			score *= sc[l]
		}
		if score < m.p.Pairs[t.Pair].Threshold {
			continue
		}
		s.picked = append(s.picked, ti)
		s.scores = append(s.scores, score)
	}
	if len(s.picked) == 0 {
		return nil
	}
	// One allocation for the attributes, one for their spans.
	out := make([]policy.Attribute, len(s.picked))
	spans := make([]policy.Span, len(s.picked))
	for i, ti := range s.picked {
		t := &m.p.Targets[ti]
		out[i] = policy.Attribute{Category: t.Category, Attribute: t.Attribute, Value: t.Value, Score: s.scores[i], Spans: spans[i : i+1 : i+1]}
	}
	m.evidence(text, p, s.picked, out, s)
	return out
}

func (m *Model) margin(t int, acc *[MaxTargets]float32) float64 {
	tg := &m.p.Targets[t]
	return float64(acc[t])*tg.Scale + tg.Bias
}

// evidence sets the span of each picked triple out[i] (target picked[i]):
// the sentence that adds most to its margin, or the whole trimmed text
// when the pass has no sentences. The sentences are read once for all.
func (m *Model) evidence(text string, p *classify.Pass, picked []int, out []policy.Attribute, s *scratch) {
	n := len(picked)
	s.best = append(s.best[:0], make([]float64, n)...)
	s.where = append(s.where[:0], make([]classify.PassSentence, n)...)
	s.sent = append(s.sent[:0], make([]float64, n)...)
	s.on = s.on[:0]
	for i, t := range picked {
		s.slot[t] = int32(i)
		if l := m.labelOf[t]; !slices.Contains(s.on, l) {
			s.on = append(s.on, l)
		}
	}
	for si, sent := range p.Sents {
		clear(s.sent)
		vals := p.SentVals[sent.From:sent.To]
		for k, r := range p.SentRows[sent.From:sent.To] {
			// Word n-grams only: they say where in the sentence, at a
			// fraction of the rows.
			if int(r) >= len(m.rowMap) || int(r) >= m.p.WordRows || m.rowMap[r] < 0 {
				continue
			}
			e := &m.entries[m.rowMap[r]]
			for _, l := range s.on {
				for _, w := range m.of(e, l, l+1) {
					if i := s.slot[w.target]; i >= 0 {
						s.sent[i] += float64(vals[k]) * float64(w.code)
					}
				}
			}
		}
		for i, v := range s.sent {
			if si == 0 || v > s.best[i] {
				s.best[i], s.where[i] = v, sent
			}
		}
	}
	for _, t := range picked {
		s.slot[t] = -1
	}
	whole := policy.Span{}
	if len(p.Sents) == 0 {
		trimmed := strings.TrimSpace(text)
		start := strings.Index(text, trimmed)
		whole = CodePoints(text, start, start+len(trimmed))
	}
	for i := range out {
		if len(p.Sents) == 0 {
			out[i].Spans[0] = whole
			continue
		}
		out[i].Spans[0] = CodePoints(text, s.where[i].Start, s.where[i].End)
	}
}

// Clause scores a clause with the label model lm and predicts its
// attributes from the same feature pass: the label scores, the labels lm
// assigns, and the attributes (none for a clause lm does not read or
// labels with nothing). p is working memory (nil allocates one).
func (m *Model) Clause(lm *classify.Model, in classify.Input, p *classify.Pass) (classify.Scores, []policy.LabelScore, []policy.Attribute) {
	if p == nil {
		p = new(classify.Pass)
	}
	sc := lm.ScoresPass(in, p)
	assigned := lm.AssignInput(in, sc)
	if len(assigned) == 0 {
		return sc, nil, nil
	}
	return sc, assigned, m.Predict(in.Text, p, sc, assigned)
}

// CodePoints converts the byte range [start, end) of text into code
// points.
func CodePoints(text string, start, end int) policy.Span {
	a := utf8.RuneCountInString(text[:start])
	return policy.Span{Start: a, End: a + utf8.RuneCountInString(text[start:end])}
}

func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
