package train

import (
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"

	"github.com/policylens/policylens/shared/analysis/classify"
)

// Vectors are word vectors for the network: a clause's input is the
// weighted average of the vectors of its words (as classify.InputWords
// reads them), each word weighted by a smooth inverse frequency a/(a+p(w))
// so that frequent words count less.
type Vectors struct {
	Dim   int
	Words []string
	// Vecs holds Dim values per word; Weight one per word, in steps of
	// 1/255 as the model stores it.
	Vecs   []float32
	Weight []float32

	indexOnce sync.Once
	index     map[string]int32
}

// VectorOptions configure BuildVectors; zero fields take the defaults
// noted.
type VectorOptions struct {
	// PPMI is the dimension of the vectors learned from the texts; 0 means
	// 100.
	PPMI int
	// Window is the co-occurrence window of PPMIVectors; 0 means 5.
	Window int
	// MinCount keeps the words seen at least this often in the texts; 0
	// means 3.
	MinCount int
	// SIF is the smooth inverse frequency a; 0 means 1e-3.
	SIF float64
	// Seed fixes the SVD's random start.
	Seed uint64
}

func (o *VectorOptions) defaults() {
	if o.PPMI == 0 {
		o.PPMI = 100
	}
	if o.Window == 0 {
		o.Window = 5
	}
	if o.MinCount == 0 {
		o.MinCount = 3
	}
	if o.SIF == 0 {
		o.SIF = 1e-3
	}
}

// BuildVectors makes the network's word vectors from texts (labelled
// clauses, their headings and unlabelled policies): for every word seen at
// least MinCount times, its GloVe vector from glove (unit length; zeros
// when glove lacks the word) followed by its PPMI-SVD vector learned from
// the texts (unit length). It is deterministic for a seed.
func BuildVectors(texts []string, glove map[string][]float32, opt VectorOptions) *Vectors {
	opt.defaults()
	ppmi, counts := PPMIVectors(texts, opt.PPMI, opt.Window, opt.MinCount, opt.Seed)
	gdim := 0
	for _, v := range glove {
		gdim = len(v)
		break
	}
	all := make(map[string][]float32, len(ppmi))
	for w, p := range ppmi {
		v := make([]float32, gdim+len(p))
		if g, ok := glove[w]; ok && len(g) == gdim {
			copy(v, unit(g))
		}
		copy(v[gdim:], unit(p))
		all[w] = v
	}
	return NewVectors(all, counts, opt.MinCount, opt.SIF)
}

func unit(v []float32) []float32 {
	s := 0.0
	for _, x := range v {
		s += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if s == 0 {
		return out
	}
	f := float32(1 / math.Sqrt(s))
	for i, x := range v {
		out[i] = x * f
	}
	return out
}

// NewVectors keeps, of the vectors in all (word to vector, all of one
// length), those of the words in counts (word to occurrences in a text
// collection) seen at least minCount times, each weighted by a/(a+p(w)),
// p(w) its share of counts.
func NewVectors(all map[string][]float32, counts map[string]int, minCount int, a float64) *Vectors {
	total := 0
	for _, c := range counts {
		total += c
	}
	var words []string
	for w, c := range counts {
		if _, ok := all[w]; ok && c >= minCount {
			words = append(words, w)
		}
	}
	slices.Sort(words)
	v := &Vectors{Words: words, Weight: make([]float32, len(words))}
	for i, w := range words {
		vec := all[w]
		if v.Dim == 0 {
			v.Dim = len(vec)
		}
		v.Vecs = append(v.Vecs, vec[:v.Dim]...)
		p := float64(counts[w]) / float64(total)
		v.Weight[i] = float32(weightCode(a/(a+p))) / 255
	}
	return v
}

// weightCode is the byte a word weight in [0,1] is stored as.
func weightCode(w float64) byte { return byte(math.Round(min(max(w, 0), 1) * 255)) }

func (v *Vectors) lookup(w string) (int32, bool) {
	v.indexOnce.Do(func() {
		v.index = make(map[string]int32, len(v.Words))
		for i, w := range v.Words {
			v.index[w] = int32(i)
		}
	})
	k, ok := v.index[w]
	return k, ok
}

// average writes the weighted average vector of words to out (zero when
// no word has a vector).
func (v *Vectors) average(words []string, out []float32) {
	clear(out)
	total := float32(0)
	for _, w := range words {
		k, ok := v.lookup(w)
		if !ok {
			continue
		}
		wt := v.Weight[k]
		for d, x := range v.Vecs[int(k)*v.Dim : int(k)*v.Dim+v.Dim] {
			out[d] += wt * x
		}
		total += wt
	}
	if total > 0 {
		for d := range out {
			out[d] /= total
		}
	}
}

// dense returns the network's input for a clause: the weighted average
// vector of its lead heading and text, then that of its heading path (zero
// without one).
func (v *Vectors) dense(in classify.Input) []float32 {
	text, heading := classify.InputWords(in)
	out := make([]float32, 2*v.Dim)
	v.average(text, out[:v.Dim])
	v.average(heading, out[v.Dim:])
	return out
}

// project returns, per word of v, the network's first-layer projection of
// its vector for the text half of the input, then for the heading half
// (2*hidden values a word).
func (n *mlp) project(v *Vectors) []float32 {
	hd, d := n.hidden, v.Dim
	out := make([]float32, len(v.Words)*2*hd)
	for k := range v.Words {
		e := v.Vecs[k*d : k*d+d]
		row := out[k*2*hd : k*2*hd+2*hd]
		for j := range hd {
			w := n.w1[j*n.in : j*n.in+n.in]
			a, b := float32(0), float32(0)
			for i, x := range e {
				a += w[i] * x
				b += w[d+i] * x
			}
			row[j], row[hd+j] = a, b
		}
	}
	return out
}

// vectorsFile is what WriteFile stores.
type vectorsFile struct {
	Dim    int
	Words  []string
	Vecs   []float32
	Weight []float32
}

// WriteFile writes v to path, for ReadVectors.
func (v *Vectors) WriteFile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(f).Encode(vectorsFile{v.Dim, v.Words, v.Vecs, v.Weight}); err != nil {
		f.Close()
		return fmt.Errorf("%s: %w", path, err)
	}
	return f.Close()
}

// ReadVectors reads a file written by Vectors.WriteFile.
func ReadVectors(path string) (*Vectors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var vf vectorsFile
	if err := gob.NewDecoder(f).Decode(&vf); err != nil {
		return nil, fmt.Errorf("%s: not a vectors file: %w", path, err)
	}
	if vf.Dim <= 0 || len(vf.Vecs) != vf.Dim*len(vf.Words) || len(vf.Weight) != len(vf.Words) {
		return nil, fmt.Errorf("%s: damaged vectors file", path)
	}
	return &Vectors{Dim: vf.Dim, Words: vf.Words, Vecs: vf.Vecs, Weight: vf.Weight}, nil
}
