// Package classify assigns OPP-115 privacy-practice labels to clause text
// with a calibrated score per label.
//
// The model is one-vs-rest and linear over hashed n-grams: word 1-2-grams
// (those of the first words, usually the section title, also apart) and
// character 2-5-grams inside words, each block weighted by sublinear TF-IDF
// and L2-normalised. Each label's weights are the mean of a linear SVM and
// an NB-SVM. A logistic layer over all twelve margins, fitted on
// cross-validated margins, turns them into probabilities, and each label has
// its own threshold, tuned by cross-validation on the training split. Train
// fits a model; the weights are stored in a compact gzip file (see Load and
// the README's model card), and the model shipped with policylens is embedded in
// the binary.
package classify

import (
	_ "embed"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Scores holds one score in [0,1] per label, indexed like labels.All.
type Scores [labels.Count]float64

// Model is a trained clause classifier. It is safe for concurrent use.
type Model struct {
	feat        Features
	groupWeight [nGroups]float32
	// Rows [0, nWord) are word n-grams, the rest character n-grams.
	nWord int
	keys  []uint32
	// df counts the training texts each row's n-gram occurs in, out of docs.
	df   []uint32
	docs int
	idf  []float32
	// w holds labels.Count weights per row, row-major.
	w    []float32
	bias [labels.Count]float32
	// calib maps the margins to probabilities: label i's score is the
	// logistic function of calib[i][labels.Count] + sum_j calib[i][j]*margin_j.
	calib      [labels.Count][labels.Count + 1]float64
	thresholds [labels.Count]float64
	// fallback, when above 0, gives a clause that no threshold admits its
	// best label if that label's score reaches fallback.
	fallback float64
	meta     string
	version  string

	table   []uint64 // open addressing: key<<32 | row+1; 0 is empty
	mask    uint32
	scratch sync.Pool
}

//go:embed model.bin
var embedded []byte

var (
	defaultOnce  sync.Once
	defaultModel *Model
	defaultErr   error
)

// Default returns the model embedded in the binary. It is loaded once; every
// call returns the same model.
func Default() (*Model, error) {
	defaultOnce.Do(func() {
		defaultModel, defaultErr = LoadBytes(embedded)
	})
	return defaultModel, defaultErr
}

// Version identifies the model's weights: the first 12 hex digits of the
// SHA-256 of its weights file.
func (m *Model) Version() string { return m.version }

// Threshold returns the score at or above which label i is assigned.
func (m *Model) Threshold(i int) float64 { return m.thresholds[i] }

// Fallback returns the score at or above which a clause that no threshold
// admits still gets its best label (see Assign); 0 means never.
func (m *Model) Fallback() float64 { return m.fallback }

// Features returns the n-grams the model reads.
func (m *Model) Features() Features { return m.feat }

// Meta returns the training notes stored with the weights (JSON), if any.
func (m *Model) Meta() string { return m.meta }

// Assign returns the labels whose score is at or above that label's
// threshold, highest score first. When none is, and the model has a
// fallback score, the best label is returned alone if its score reaches the
// fallback. The result may be empty.
func (m *Model) Assign(s Scores) []policy.LabelScore {
	var out []policy.LabelScore
	best := -1
	for i, v := range s {
		if v >= m.thresholds[i] {
			out = append(out, policy.LabelScore{Label: labels.All[i].Name, Score: v})
		}
		if best < 0 || v > s[best] {
			best = i
		}
	}
	if len(out) == 0 && m.fallback > 0 && s[best] >= m.fallback {
		return []policy.LabelScore{{Label: labels.All[best].Name, Score: s[best]}}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Score > out[b].Score })
	return out
}

// Scores scores text against every label: the calibrated probability that
// the label applies, in [0,1].
func (m *Model) Scores(text string) Scores {
	var margins [labels.Count]float64
	m.margins(text, &margins)
	return m.calibrate(&margins)
}

func (m *Model) calibrate(margins *[labels.Count]float64) Scores {
	var s Scores
	for i := range s {
		c := &m.calib[i]
		z := c[labels.Count]
		for j, v := range margins {
			z += c[j] * v
		}
		s[i] = logistic(z)
	}
	return s
}

// logistic is 1/(1+exp(-z)).
func logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// scratch is the per-call working memory of a feature extraction.
type scratch struct {
	norm    []byte
	counts  []uint16
	touched []int32
	vals    []float32
	// words caches, per padded word, the rows of its character n-grams
	// that are features, in emission order. Words repeat within and across
	// policies, so most of a text's character n-grams are found here
	// instead of hashed and looked up again. Bounded by maxCachedWords.
	words map[string][]int32
}

// maxCachedWords bounds scratch.words (a few MB at most).
const maxCachedWords = 20000

func (m *Model) getScratch() *scratch {
	if s, ok := m.scratch.Get().(*scratch); ok {
		return s
	}
	return &scratch{counts: make([]uint16, len(m.keys)), words: map[string][]int32{}}
}

// lookup returns the row of key, or -1.
func (m *Model) lookup(key uint32) int32 {
	for i := key & m.mask; ; i = (i + 1) & m.mask {
		e := m.table[i]
		if e == 0 {
			return -1
		}
		if uint32(e>>32) == key {
			return int32(uint32(e)) - 1
		}
	}
}

// sublinear[c] is 1+ln(c), the term weight of a feature seen c times.
var sublinear = func() (t [256]float32) {
	for c := 1; c < len(t); c++ {
		t[c] = float32(1 + math.Log(float64(c)))
	}
	return t
}()

// vector computes the feature vector of text in s.touched (rows) and s.vals
// (values), unsorted.
func (m *Model) vector(text string, s *scratch) {
	s.norm = normalize(s.norm, text)
	s.touched = s.touched[:0]
	count := func(row int32) {
		c := s.counts[row]
		if c == 0 {
			s.touched = append(s.touched, row)
		}
		if c < math.MaxUint16 {
			s.counts[row] = c + 1
		}
	}
	m.feat.walk(s.norm, func(padded []byte) {
		rows, ok := s.words[string(padded)]
		if !ok {
			m.feat.charGrams(padded, func(key uint32, _ int) {
				if row := m.lookup(key); row >= 0 {
					rows = append(rows, row)
				}
			})
			if len(s.words) >= maxCachedWords {
				clear(s.words)
			}
			s.words[string(padded)] = rows
		}
		for _, row := range rows {
			count(row)
		}
	}, func(key uint32, _ int) {
		if row := m.lookup(key); row >= 0 {
			count(row)
		}
	})
	s.vals = s.vals[:0]
	var sumsq [nGroups]float64
	for _, row := range s.touched {
		c := s.counts[row]
		s.counts[row] = 0
		tf := float32(0)
		if int(c) < len(sublinear) {
			tf = sublinear[c]
		} else {
			tf = float32(1 + math.Log(float64(c)))
		}
		v := tf * m.idf[row]
		s.vals = append(s.vals, v)
		sumsq[m.groupOf(row)] += float64(v) * float64(v)
	}
	var scale [nGroups]float32
	for g := range scale {
		if sumsq[g] > 0 {
			scale[g] = m.groupWeight[g] / float32(math.Sqrt(sumsq[g]))
		}
	}
	for k, row := range s.touched {
		s.vals[k] *= scale[m.groupOf(row)]
	}
}

func (m *Model) groupOf(row int32) int {
	if int(row) < m.nWord {
		return groupWord
	}
	return groupChar
}

// margins computes the raw linear score of every label.
func (m *Model) margins(text string, out *[labels.Count]float64) {
	s := m.getScratch()
	m.vector(text, s)
	var acc [labels.Count]float32
	for k, row := range s.touched {
		v := s.vals[k]
		w := m.w[int(row)*labels.Count : int(row)*labels.Count+labels.Count]
		for i := range acc {
			acc[i] += v * w[i]
		}
	}
	for i := range acc {
		out[i] = float64(acc[i] + m.bias[i])
	}
	m.scratch.Put(s)
}

// buildTable indexes m.keys for lookup.
func (m *Model) buildTable() error {
	size := 1
	for size < 2*len(m.keys)+1 {
		size <<= 1
	}
	m.table = make([]uint64, size)
	m.mask = uint32(size - 1)
	for row, key := range m.keys {
		i := key & m.mask
		for m.table[i] != 0 {
			if uint32(m.table[i]>>32) == key {
				return fmt.Errorf("feature key %#x appears twice", key)
			}
			i = (i + 1) & m.mask
		}
		m.table[i] = uint64(key)<<32 | uint64(row+1)
	}
	return nil
}
