package train

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/analysis/corpus"
)

// vocab is the hashed n-grams a model keeps: those seen in at least MinDF
// training texts, grouped (word, character, heading, modern copy) and
// ascending by key within a group; a row is an index into keys.
type vocab struct {
	keys      []uint32
	df        []uint32
	groupRows [modelfile.NumGroups]int
	docs      int
}

// input is the clause an example stands for.
func input(ex corpus.Example) classify.Input {
	return classify.Input{Heading: ex.Heading, Text: ex.Text, Index: ex.Index, Count: ex.Count}
}

// buildVocabulary counts the n-grams of examples.
func buildVocabulary(examples []corpus.Example, opt Options) *vocab {
	type entry struct {
		df, last int32
		group    int8
	}
	seen := map[uint32]*entry{}
	for k, ex := range examples {
		opt.Features.Grams(input(ex), func(key uint32, group int) {
			switch {
			case group == modelfile.GroupHead && !(opt.HeadWeight > 0),
				group == modelfile.GroupCopy && !(opt.CopyWeight > 0):
				return
			}
			e := seen[key]
			if e == nil {
				e = &entry{last: -1, group: int8(group)}
				seen[key] = e
			}
			if e.last != int32(k) {
				e.last = int32(k)
				e.df++
			}
		})
	}
	type kept struct {
		key   uint32
		df    int32
		group int8
	}
	var rows []kept
	for key, e := range seen {
		if int(e.df) >= opt.MinDF {
			rows = append(rows, kept{key, e.df, e.group})
		}
	}
	slices.SortFunc(rows, func(a, b kept) int {
		if c := cmp.Compare(a.group, b.group); c != 0 {
			return c
		}
		return cmp.Compare(a.key, b.key)
	})
	v := &vocab{keys: make([]uint32, len(rows)), df: make([]uint32, len(rows)), docs: len(examples)}
	for i, r := range rows {
		v.keys[i], v.df[i] = r.key, uint32(r.df)
		v.groupRows[r.group]++
	}
	return v
}

func (v *vocab) rows() int { return len(v.keys) }

// params returns the model parameters of the vocabulary; weights and
// calibration are zero.
func (v *vocab) params(opt Options) *modelfile.Params {
	f := opt.Features
	return &modelfile.Params{
		WordMin: f.WordMin, WordMax: f.WordMax, CharMin: f.CharMin, CharMax: f.CharMax, Lead: f.Lead,
		GroupWeight: [modelfile.NumGroups]float32{1, float32(opt.CharWeight), float32(opt.HeadWeight), float32(opt.CopyWeight)},
		Rows:        len(v.keys),
		WordRows:    v.groupRows[modelfile.GroupWord],
		CharRows:    v.groupRows[modelfile.GroupChar],
		HeadRows:    v.groupRows[modelfile.GroupHead],
	}
}

// addSections adds the n-gram index, the IDF of every row (smoothed:
// ln((1+docs)/(1+df)) + 1), the lexicon (word and character rows with
// their document frequencies) and the rows of the modern copies of the
// word rows to w.
func (v *vocab) addSections(w *modelfile.Writer, f classify.Features) error {
	table, err := modelfile.NgramTable(v.keys)
	if err != nil {
		return err
	}
	w.Add(modelfile.SecNgramTable, table)
	idf := make([]byte, 4*len(v.keys))
	for i, df := range v.df {
		x := float32(math.Log(float64(1+v.docs)/float64(1+df)) + 1)
		binary.LittleEndian.PutUint32(idf[4*i:], math.Float32bits(x))
	}
	w.Add(modelfile.SecIDF, idf)
	nw, nc := v.groupRows[modelfile.GroupWord], v.groupRows[modelfile.GroupChar]
	w.Add(modelfile.SecLexicon, modelfile.EncodeLexicon([4]int{f.WordMin, f.WordMax, f.CharMin, f.CharMax},
		v.keys[:nw], v.df[:nw], v.keys[nw:nw+nc], v.df[nw:nw+nc]))
	if v.groupRows[modelfile.GroupCopy] > 0 {
		row := make(map[uint32]int, len(v.keys))
		for r, k := range v.keys {
			row[k] = r
		}
		copies := make([]byte, 4*nw)
		for r, k := range v.keys[:nw] {
			c := uint32(modelfile.NoRow)
			if cr, ok := row[classify.CopyKey(k)]; ok {
				c = uint32(cr)
			}
			binary.LittleEndian.PutUint32(copies[4*r:], c)
		}
		w.Add(modelfile.SecCopyRows, copies)
	}
	return nil
}

// reader returns a model with the vocabulary and no weights, whose
// FeatureVector reads texts as the trained model will.
func (v *vocab) reader(opt Options) (*classify.Model, error) {
	var w modelfile.Writer
	p := v.params(opt)
	w.Add(modelfile.SecParams, p.Encode())
	if err := v.addSections(&w, opt.Features); err != nil {
		return nil, err
	}
	w.Add(modelfile.SecCodes, make([]byte, modelfile.Labels*len(v.keys)))
	m, err := classify.LoadBytes(w.Bytes())
	if err != nil {
		return nil, fmt.Errorf("vocabulary model: %w", err)
	}
	return m, nil
}

// dataset is a corpus as sparse feature vectors.
type dataset struct {
	start  []int // example k is rows[start[k]:start[k+1]]
	rows   []int32
	vals   []float32
	sqnorm []float64
	y      []corpus.LabelSet
	// weight scales example k's cost (nil: all 1).
	weight []float64
	// sent[k] lists the sentence vectors of example k (in sd) when it has
	// more than one sentence.
	sent [][]int
	sd   *dataset
}

func (d *dataset) n() int { return len(d.y) }

func (d *dataset) w(k int) float64 {
	if d.weight == nil {
		return 1
	}
	return d.weight[k]
}

func (d *dataset) dot(k int, w []float64) float64 {
	sum := 0.0
	for j := d.start[k]; j < d.start[k+1]; j++ {
		sum += float64(d.vals[j]) * w[d.rows[j]]
	}
	return sum
}

// vectorize turns examples into feature vectors as m reads them; with
// sentences, also the vectors of the sentences of every example that has
// more than one.
func vectorize(m *classify.Model, examples []corpus.Example, sentences bool) *dataset {
	d := &dataset{start: []int{0}, sent: make([][]int, len(examples))}
	var sd *dataset
	if sentences {
		sd = &dataset{start: []int{0}}
		d.sd = sd
	}
	type pair struct {
		row int32
		val float32
	}
	var ps []pair
	var rows []int32
	var vals []float32
	add := func(d *dataset, in classify.Input, y corpus.LabelSet) {
		rows, vals = m.FeatureVector(in, rows[:0], vals[:0])
		ps = ps[:0]
		for k, r := range rows {
			ps = append(ps, pair{r, vals[k]})
		}
		slices.SortFunc(ps, func(a, b pair) int { return cmp.Compare(a.row, b.row) })
		sq := 0.0
		for _, p := range ps {
			d.rows = append(d.rows, p.row)
			d.vals = append(d.vals, p.val)
			sq += float64(p.val) * float64(p.val)
		}
		d.start = append(d.start, len(d.rows))
		d.sqnorm = append(d.sqnorm, sq)
		d.y = append(d.y, y)
	}
	for k, ex := range examples {
		add(d, input(ex), ex.Labels)
		if sd == nil {
			continue
		}
		sents := classify.Sentences(ex.Text)
		if len(sents) < 2 {
			continue
		}
		for _, t := range sents {
			d.sent[k] = append(d.sent[k], sd.n())
			add(sd, classify.Input{Heading: ex.Heading, Text: t}, ex.Labels)
		}
	}
	return d
}
