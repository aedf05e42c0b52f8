package classify

import (
	"encoding/binary"
	"math"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/domain/labels"
)

// scratch is the working memory of one scoring call. Scratches are pooled;
// what must outlive a collection (the word cache) is the model's.
type scratch struct {
	norm, hnorm []byte
	recs        []rowRec // the model's row table
	counts      []uint16 // per row, zero between calls
	touched     []int32
	vals        []float32
	headRows    []int32 // the heading n-gram rows of the clause
	sents       []string
	// sentMargins holds the margins of each sentence of the last clause
	// when it has more than one.
	sentMargins [][labels.Count]float64
	// The network's accumulators: the weighted sums of the projections of
	// the text's and the heading's words, and their total weights.
	acc          []float32
	sumT, sumH   float32
	hidden       []float32
	groupSquares [modelfile.NumGroups]float64
	mem          MemoryScratch
}

// count counts one occurrence of row.
func (s *scratch) count(row int32) {
	c := s.counts[row]
	if c == 0 {
		s.touched = append(s.touched, row)
	}
	if c < math.MaxUint16 {
		s.counts[row] = c + 1
	}
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.scratch.Get().(*scratch); ok {
		return s
	}
	s := &scratch{counts: make([]uint16, m.rows), recs: m.rowTable()}
	if m.net != nil {
		s.acc = make([]float32, 2*m.net.hidden)
		s.hidden = make([]float32, m.net.hidden)
	}
	return s
}

// lookup returns the row of an n-gram key, or -1.
func (m *Model) lookup(key uint32) int32 {
	mask := m.ngramMask
	for i, n := key&mask, uint32(0); n <= mask; i, n = (i+1)&mask, n+1 {
		e := binary.LittleEndian.Uint64(m.ngrams[8*i:])
		if e == 0 {
			return -1
		}
		if uint32(e>>32) == key {
			if row := int(uint32(e)) - 1; row < m.rows {
				return int32(row)
			}
			return -1
		}
	}
	return -1
}

// sublinear[c] is 1+ln(c), the term weight of a feature seen c times.
var sublinear = func() (t [256]float32) {
	for c := 1; c < len(t); c++ {
		t[c] = float32(1 + math.Log(float64(c)))
	}
	return t
}()

// pass says what a call of vector computes.
type pass uint8

const (
	// clausePass: the clause's vector, the network's accumulators and the
	// heading rows of the clause, kept in s.headRows.
	clausePass pass = iota
	// sentencePass: a sentence of the clause last given to clausePass,
	// with the same heading path, whose rows are reused.
	sentencePass
	// plainPass: a clause's vector alone.
	plainPass
)

// vector computes the feature vector of a clause in s.touched (rows) and
// s.vals (values), unsorted.
func (m *Model) vector(in Input, s *scratch, p pass) {
	s.norm = normalizeInput(s.norm, &s.hnorm, in)
	s.touched = s.touched[:0]
	net := p == clausePass && m.net != nil
	if net {
		clear(s.acc)
		s.sumT, s.sumH = 0, 0
	}
	// A clause with a heading path (today's policies) also counts its word
	// n-grams as copies of their own, whose weights learn how modern
	// wording differs (feature augmentation, Daumé 2007); the copy of a
	// word n-gram that is a feature is found by its row.
	copies := len(m.copyRows) > 0 && len(in.Heading) > 0
	var cur *cachedWord // the word being walked
	m.feat.walkGrams(s.norm, func(padded []byte, h uint64) {
		cur = m.cache.word(m, padded, h)
		for _, row := range cur.rows {
			s.count(row)
		}
		if net {
			s.sumT += m.net.addRow(s.acc, int(cur.net), 0)
		}
	}, func(key uint32, n int, lead bool) {
		var row int32
		switch {
		case n == 1 && lead:
			row = cur.lead
		case n == 1:
			row = cur.uni
		default:
			row = m.lookup(key)
		}
		if row < 0 {
			return
		}
		s.count(row)
		if copies && int(row) < m.nWord {
			if c := binary.LittleEndian.Uint32(m.copyRows[4*row:]); int(c) < m.rows {
				s.count(int32(c))
			}
		}
	})
	if p != sentencePass {
		s.headRows = s.headRows[:0]
	}
	switch {
	case len(in.Heading) == 0:
	case p == sentencePass:
		for _, row := range s.headRows {
			s.count(row)
		}
	case m.nHead > 0 || net:
		s.hnorm = normalizeHeading(s.hnorm, in.Heading)
		headGrams(s.hnorm, func(key uint32) {
			if m.nHead == 0 {
				return
			}
			if row := m.lookup(key); row >= 0 {
				s.count(row)
				s.headRows = append(s.headRows, row)
			}
		}, func(h uint64) {
			if net {
				s.sumH += m.net.add(s.acc, h, m.net.hidden)
			}
		})
	}
	s.vals = s.vals[:0]
	sq := &s.groupSquares
	*sq = [modelfile.NumGroups]float64{}
	for _, row := range s.touched {
		c := s.counts[row]
		s.counts[row] = 0
		tf := float32(0)
		if int(c) < len(sublinear) {
			tf = sublinear[c]
		} else {
			tf = float32(1 + math.Log(float64(c)))
		}
		v := tf * idfOf(s, row)
		s.vals = append(s.vals, v)
		sq[m.groupOf(row)] += float64(v) * float64(v)
	}
	var scale [modelfile.NumGroups]float32
	for g := range scale {
		if sq[g] > 0 {
			scale[g] = m.groupWeight[g] / float32(math.Sqrt(sq[g]))
		}
	}
	for k, row := range s.touched {
		s.vals[k] *= scale[m.groupOf(row)]
	}
}

func idfOf(s *scratch, row int32) float32 {
	return s.recs[row].idf
}

func (m *Model) groupOf(row int32) int {
	switch r := int(row); {
	case r < m.nWord:
		return modelfile.GroupWord
	case r < m.nWord+m.nChar:
		return modelfile.GroupChar
	case r < m.nWord+m.nChar+m.nHead:
		return modelfile.GroupHead
	}
	return modelfile.GroupCopy
}

// margins computes the raw linear score of every label from the vector in
// s.
func (m *Model) margins(s *scratch, out *[labels.Count]float64) {
	var acc [labels.Count]float32
	deq := &m.deq
	vals := s.vals[:len(s.touched)]
	recs := s.recs
	for k, row := range s.touched {
		v := vals[k]
		c := &recs[row].codes
		for i := range acc {
			acc[i] += v * deq[i][c[i]]
		}
	}
	for i := range acc {
		out[i] = float64(acc[i] + m.bias[i])
	}
}

// logistic is 1/(1+exp(-z)).
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// FeatureVector appends to rows and vals the feature vector of a clause
// as the model computes it for scoring: the rows it touches, in no
// particular order, and their weighted, normalised values. Training uses it
// to read texts exactly as the model will.
func (m *Model) FeatureVector(in Input, rows []int32, vals []float32) ([]int32, []float32) {
	s := m.getScratch()
	defer m.scratch.Put(s)
	m.vector(in, s, plainPass)
	return append(rows, s.touched...), append(vals, s.vals...)
}
