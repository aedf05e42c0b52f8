package classify

import (
	"encoding/binary"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/domain/labels"
)

// network is a one-hidden-layer network over two weighted averages of word
// vectors, the clause's (lead heading and text) and its heading path's.
// The first layer of an average is the average of the first layer of each
// word, so the model keeps, per word, its projection onto the hidden units
// (for the text half and for the heading half) instead of its vector: a
// clause costs one add of 2*hidden values per word. Training derives the
// table from word vectors (GloVe and vectors learned from policies).
type network struct {
	hidden  int
	slots   []byte // modelfile.SecWordSlots
	mask    uint64
	hashes  []byte // uint64 per word row
	weights []byte // uint8 per word row
	proj    []byte // 2*hidden int8 codes per word row
	scale   []float32
	b1, w2  []float32
	b2      [labels.Count]float32
}

// row returns the word row of the word whose FNV-1a hash is h, or -1.
func (n *network) row(h uint64) int {
	wh := modelfile.WordHash(h)
	for i, k := wh&n.mask, uint64(0); k <= n.mask; i, k = (i+1)&n.mask, k+1 {
		r := int(binary.LittleEndian.Uint32(n.slots[4*i:]))
		if r == 0 {
			return -1
		}
		if 8*r <= len(n.hashes) && binary.LittleEndian.Uint64(n.hashes[8*(r-1):]) == wh {
			return r - 1
		}
	}
	return -1
}

// add adds the weighted projection codes of the word whose FNV-1a hash is
// h, columns [off, off+hidden), to acc[off:], and returns its weight (0
// for a word the table lacks).
func (n *network) add(acc []float32, h uint64, off int) float32 {
	return n.addRow(acc, n.row(h), off)
}

// addRow is add for the word of word row r (-1 for none).
func (n *network) addRow(acc []float32, r int, off int) float32 {
	if r < 0 {
		return 0
	}
	w := float32(n.weights[r]) / 255
	codes := n.proj[r*2*n.hidden+off : r*2*n.hidden+off+n.hidden]
	dst := acc[off : off+n.hidden]
	for j, c := range codes {
		dst[j] += w * float32(int8(c))
	}
	return w
}

// logits computes the network's outputs from the accumulators of s.
func (n *network) logits(s *scratch, out *[labels.Count]float64) {
	hd := n.hidden
	h := s.hidden[:hd]
	for j := range hd {
		v := n.b1[j]
		if s.sumT > 0 {
			v += s.acc[j] * n.scale[j] / s.sumT
		}
		if s.sumH > 0 {
			v += s.acc[hd+j] * n.scale[hd+j] / s.sumH
		}
		h[j] = max(v, 0)
	}
	for l := range labels.Count {
		v := n.b2[l]
		row := n.w2[l*hd : l*hd+hd]
		for j, x := range h {
			v += row[j] * x
		}
		out[l] = float64(v)
	}
}
