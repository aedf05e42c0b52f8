package train

import (
	"cmp"
	"math"
	"slices"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/analysis/corpus"
)

// DefaultMemoryWords is how many of its heaviest words a training clause
// keeps in a model's memory.
const DefaultMemoryWords = 48

// DefaultMemoryMaxShare is the share of the training clauses above which a
// word kept by that many is left out of the memory: 1, none (leaving out
// the words that many clauses keep made the memory cheaper and no better
// than none, docs/model.md).
const DefaultMemoryMaxShare = 1.0

// buildMemory returns the memory section of the training examples: each
// keeps its opt.MemoryWords heaviest words (word 1-gram rows, by their
// values in its feature vector, renormalised) with 8-bit weights, and its
// labels; opt.Memory neighbours are read.
func buildMemory(examples []corpus.Example, d *dataset, voc *vocab, opt Options) []byte {
	nWord := voc.groupRows[modelfile.GroupWord]
	wordKeys := voc.keys[:nWord]
	unigram := make([]bool, nWord)
	for _, ex := range examples {
		opt.Features.Unigrams(input(ex), func(key uint32) {
			if r, ok := slices.BinarySearch(wordKeys, key); ok {
				unigram[r] = true
			}
		})
	}
	type kept struct {
		row int32
		val float32
	}
	type entry struct {
		clause uint16
		code   uint8
	}
	perRow := make([][]entry, nWord)
	mem := &modelfile.ClauseMemory{K: opt.Memory, Q: opt.MemoryQuery, Labels: make([]uint16, d.n())}
	var ks []kept
	for k := range d.n() {
		mem.Labels[k] = uint16(d.y[k])
		ks = ks[:0]
		for q := d.start[k]; q < d.start[k+1]; q++ {
			if r := d.rows[q]; int(r) < nWord && unigram[r] {
				ks = append(ks, kept{row: r, val: d.vals[q]})
			}
		}
		slices.SortFunc(ks, func(a, b kept) int {
			if c := cmp.Compare(b.val, a.val); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row)
		})
		ks = ks[:min(len(ks), opt.MemoryWords)]
		sq := 0.0
		for _, e := range ks {
			sq += float64(e.val) * float64(e.val)
		}
		if sq == 0 {
			continue
		}
		norm := math.Sqrt(sq)
		for _, e := range ks {
			code := math.Round(float64(e.val) / norm * 255)
			if code < 1 {
				continue
			}
			perRow[e.row] = append(perRow[e.row], entry{uint16(k), uint8(code)})
		}
	}
	// A word many clauses keep says little about which are near, and
	// reading its entries would cost every clause that holds it the most.
	maxEntries := max(1, int(opt.MemoryMaxShare*float64(d.n())))
	mem.Start = make([]uint32, 0, nWord+1)
	mem.Start = append(mem.Start, 0)
	for _, es := range perRow {
		if len(es) > maxEntries {
			es = nil
		}
		for _, e := range es {
			mem.Clause = append(mem.Clause, e.clause)
			mem.Weights = append(mem.Weights, e.code)
		}
		mem.Start = append(mem.Start, uint32(len(mem.Clause)))
	}
	return mem.Encode()
}
