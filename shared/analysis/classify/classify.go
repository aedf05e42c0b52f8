// Package classify assigns OPP-115 privacy-practice labels to clauses with a
// calibrated score per label. It is the inference half of the classifier:
// the model, its loading, the features, scoring and assignment; training
// and evaluation are in package train.
//
// A clause is its text and, when known, its section heading path. The
// model reads hashed n-grams, each block weighted by sublinear TF-IDF and
// L2-normalised: word 1-2-grams (those of the first words, where the
// innermost heading is put, also apart), character 2-5-grams inside words,
// the heading path's word 1-2-grams, and, for clauses with a heading path
// (today's policies), copies of the word n-grams whose weights learn how
// modern wording differs. Each label's linear margin, the highest margin
// of its sentences (a practice stated in one sentence of a long clause),
// the logits of a small network over the weighted average of the clause's
// word vectors (kept as one table of first-layer projections per word) and
// a flag for "has a heading path" go through a logistic calibration per
// label. A label is assigned at or above its threshold; a sentence that
// alone reaches its label's gate raises the clause's score; a clause that
// no threshold admits gets its best label when that reaches the fallback
// score; text that does not read as English gets none.
//
// The weights file (package modelfile's format) is used in place: loading
// reads a header and a few thousand numbers, not the tables. The shipped
// model is embedded in the binary; see docs/model.md.
package classify

import (
	_ "embed"
	"encoding/binary"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Scores holds one score in [0,1] per label, indexed like labels.All.
type Scores [labels.Count]float64

// Input is a clause to score: its text and, when known, its section
// heading path, outermost first, and its place in its document.
type Input struct {
	Heading []string
	Text    string
	// Index is the clause's place among the Count clauses (or segments)
	// of its document, from 0. Count is 0 when the place is not known; a
	// model trained with places (Model.ReadsPlace) reads which fifth of
	// the document the clause sits in.
	Index, Count int
}

// Model is a trained clause classifier. It is safe for concurrent use.
type Model struct {
	data    []byte
	version string
	meta    string
	feat    Features
	flags   modelfile.Flags

	// The n-gram rows: [0, nWord) word n-grams, then nChar character
	// n-grams, nHead heading n-grams, and modern copies up to rows.
	rows, nWord, nChar, nHead int
	groupWeight               [modelfile.NumGroups]float32
	ngrams                    []byte // modelfile.SecNgramTable
	ngramMask                 uint32
	idf                       []byte // float32 per row
	codes                     []byte // labels.Count int8 codes per row
	// rowTable returns the rows' IDF and weight codes side by side,
	// built on first use (see buildRows).
	rowTable func() []rowRec
	copyRows []byte // per word row, the row of its modern copy
	deq      [labels.Count][256]float32
	bias     [labels.Count]float32

	net *network
	// mem is the memory of the training clauses, nil for a model without.
	mem    *modelfile.MemoryView
	memory func() *Memory // mem indexed for MemoryInputs

	calib      [labels.Count][modelfile.CalibDim]float64
	thresholds [labels.Count]float64
	sentGate   [labels.Count]float64
	gated      bool // some sentence gate is set
	fallback   float64
	lexicon    []byte

	cache   *wordCache
	scratch sync.Pool
}

//go:embed model.bin
var embedded []byte

// Default returns the model embedded in the binary. It is loaded once; every
// call returns the same model.
var Default = sync.OnceValues(func() (*Model, error) {
	return load(embedded, false)
})

// Version identifies the model's weights: the first 12 hex digits of the
// SHA-256 of its weights file's content.
func (m *Model) Version() string { return m.version }

// Threshold returns the score at or above which label i is assigned.
func (m *Model) Threshold(i int) float64 { return m.thresholds[i] }

// SentenceGate returns the score at or above which one sentence of a
// clause, scored alone, raises the clause's score for label i to its own;
// 0 means never.
func (m *Model) SentenceGate(i int) float64 { return m.sentGate[i] }

// Fallback returns the score at or above which a clause that no threshold
// admits still gets its best label (see Assign); 0 means never.
func (m *Model) Fallback() float64 { return m.fallback }

// Features returns the n-grams the model reads.
func (m *Model) Features() Features { return m.feat }

// PlaceParts is the number of equal parts of a document a model that
// reads places tells apart.
const PlaceParts = modelfile.PlaceParts

// PlacePart returns which of the PlaceParts equal parts of a document of
// count clauses its clause index (from 0) sits in, by index/(count-1);
// -1 when the place is unknown (count 0) or out of range.
func PlacePart(index, count int) int { return modelfile.PlacePart(index, count) }

// ReadsPlace reports whether the model reads a clause's place in its
// document (Input.Index and Count).
func (m *Model) ReadsPlace() bool { return m.flags&modelfile.Place != 0 }

// MemoryClauses returns how many training clauses the model's memory
// holds, and how many of the nearest the calibration reads (0, 0: the
// model has no memory).
func (m *Model) MemoryClauses() (clauses, nearest int) {
	if m.mem == nil {
		return 0, 0
	}
	return m.mem.N, m.mem.K
}

// Meta returns the training notes stored with the weights (JSON), if any.
func (m *Model) Meta() string { return m.meta }

// Reads reports whether the model labels text: a model that checks the
// language leaves text that does not read as English unlabelled
// (language.ReadsAsEnglish).
func (m *Model) Reads(text string) bool {
	return m.flags&modelfile.LangCheck == 0 || language.ReadsAsEnglish(text)
}

// Assign returns the labels whose score is at or above that label's
// threshold, highest score first. When none is, and the model has a
// fallback score, the best label is returned alone if its score reaches the
// fallback. The result may be empty.
func (m *Model) Assign(s Scores) []policy.LabelScore {
	var out []policy.LabelScore
	best := 0
	for i, v := range s {
		if v >= m.thresholds[i] {
			out = append(out, policy.LabelScore{Label: labels.All[i].Name, Score: v})
		}
		if v > s[best] {
			best = i
		}
	}
	if len(out) == 0 && m.fallback > 0 && s[best] >= m.fallback {
		return []policy.LabelScore{{Label: labels.All[best].Name, Score: s[best]}}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score > out[b].Score })
	return out
}

// AssignInput is Assign for the clause in scored s: text without a letter
// or digit, and text the model does not read (see Reads), get no label;
// a model with a gated fallback gives a clause that States something its
// best label when Assign gives none.
func (m *Model) AssignInput(in Input, s Scores) []policy.LabelScore {
	if strings.IndexFunc(in.Text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) < 0 || !m.Reads(in.Text) {
		return nil
	}
	out := m.Assign(s)
	if len(out) == 0 && m.flags&modelfile.FallbackGate != 0 && States(in.Text) {
		best := 0
		for i, v := range s {
			if v > s[best] {
				best = i
			}
		}
		out = []policy.LabelScore{{Label: labels.All[best].Name, Score: s[best]}}
	}
	return out
}

// Scores scores text with no heading path: the calibrated probability that
// each label applies, in [0,1].
func (m *Model) Scores(text string) Scores {
	return m.ScoresInput(Input{Text: text})
}

// ScoresInput scores a clause with its heading path.
func (m *Model) ScoresInput(in Input) Scores {
	return m.scoresInput(in, nil)
}

// scoresInput scores a clause, leaving its feature pass in p unless p is
// nil.
func (m *Model) scoresInput(in Input, p *Pass) Scores {
	s := m.getScratch()
	defer m.scratch.Put(s)
	var x evidence
	m.evidence(in, s, &x, p)
	sc := m.calibrate(&x)
	if m.gated && len(s.sentMargins) > 1 {
		// A label stated in one sentence of a long clause: a sentence
		// that, scored as a clause of its own, reaches the label's gate
		// raises the clause's score to its own.
		for _, sm := range s.sentMargins {
			xs := x
			copy(xs[:labels.Count], sm[:])
			copy(xs[modelfile.CalibSentence:modelfile.CalibSentence+labels.Count], sm[:])
			p := m.calibrate(&xs)
			for l, v := range p {
				if g := m.sentGate[l]; g > 0 && v >= g {
					sc[l] = max(sc[l], v)
				}
			}
		}
	}
	return sc
}

// evidence holds what the calibration reads (see modelfile.CalibInputs).
type evidence [modelfile.CalibInputs]float64

// evidence computes the calibration inputs of a clause; s.sentMargins
// keeps the margins of each of its sentences when it has several.
func (m *Model) evidence(in Input, s *scratch, x *evidence, p *Pass) {
	s.sentMargins = s.sentMargins[:0]
	var margins [labels.Count]float64
	m.vector(in, s, clausePass)
	if p != nil {
		p.Rows = append(p.Rows, s.touched...)
		p.Vals = append(p.Vals, s.vals[:len(s.touched)]...)
	}
	m.margins(s, &margins)
	copy(x[:labels.Count], margins[:])
	if m.mem != nil {
		MemoryInputs(m.memory(), s.touched, s.vals[:len(s.touched)], nil, &s.mem, (*[modelfile.CalibInputs]float64)(x))
	}
	if len(in.Heading) > 0 {
		x[modelfile.CalibFlag] = 1
	}
	if part := modelfile.PlacePart(in.Index, in.Count); part >= 0 && m.flags&modelfile.Place != 0 {
		x[modelfile.CalibPlace+part] = 1
	}
	if m.net != nil {
		var out [labels.Count]float64
		m.net.logits(s, &out)
		copy(x[modelfile.CalibNet:], out[:])
	}
	if m.flags&modelfile.Sentences == 0 {
		return
	}
	sent := x[modelfile.CalibSentence : modelfile.CalibSentence+labels.Count]
	copy(sent, margins[:])
	s.sents = splitSentences(in.Text, s.sents[:0])
	if len(s.sents) < 2 {
		return
	}
	for i, text := range s.sents {
		m.vector(Input{Heading: in.Heading, Text: text, Index: in.Index, Count: in.Count}, s, sentencePass)
		if p != nil {
			p.addSentence(text, s)
		}
		m.margins(s, &margins)
		s.sentMargins = append(s.sentMargins, margins)
		for l, v := range margins {
			if i == 0 || v > sent[l] {
				sent[l] = v
			}
		}
	}
}

func (m *Model) calibrate(x *evidence) Scores {
	// A model without a memory has none of its inputs to read.
	in := x[:modelfile.CalibMemory]
	if m.mem != nil {
		in = x[:]
	}
	var s Scores
	for i := range s {
		c := &m.calib[i]
		z := c[modelfile.CalibBias]
		for j, v := range in {
			z += c[j] * v
		}
		s[i] = logistic(z)
	}
	return s
}

// rowRec is what scoring reads of one n-gram row: its weight codes and its
// IDF, 16 bytes, four to a cache line. The file keeps them in two sections
// (weights read in place); scoring a clause reads both for every row it
// touches, so the model copies them side by side once, on first use
// (0.83 MB for the shipped model, about half a millisecond), off the load
// path: a clause's rows then cost one cache line each instead of two.
type rowRec struct {
	codes [labels.Count]byte
	idf   float32
}

func (m *Model) buildRows() []rowRec {
	t := make([]rowRec, m.rows)
	for r := range t {
		copy(t[r].codes[:], m.codes[r*labels.Count:])
		t[r].idf = math.Float32frombits(binary.LittleEndian.Uint32(m.idf[4*r:]))
	}
	return t
}
