package classify

import (
	"sync/atomic"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
)

// cacheSlots is the number of words the cache holds at most.
const cacheSlots = 1 << 15

// wordCache remembers, per word, what scoring reads of the word alone: the
// rows of its character n-grams that are features, in the order they are
// emitted, the rows of its unigram and of its lead unigram, and its row in
// the network's word table. Words repeat within and across policies, so
// most of a text's n-grams are found here instead of hashed and looked up
// again in tables of a megabyte or more. It belongs to the model (it survives
// garbage collections), is bounded (one word per slot, a new word evicting
// the one in its slot) and is safe for concurrent use without locks: a slot
// is replaced whole.
type wordCache struct {
	slots [cacheSlots]atomic.Pointer[cachedWord]
}

type cachedWord struct {
	padded string
	// rows are the character n-gram rows; uni and lead the rows of the
	// word's unigram and lead unigram, net its network row (-1: none).
	rows           []int32
	uni, lead, net int32
}

// word returns what the cache holds of a word padded with a space on each
// side, whose FNV-1a hash (unpadded) is h, filling its slot if need be.
func (c *wordCache) word(m *Model, padded []byte, h uint64) *cachedWord {
	slot := &c.slots[modelfile.WordHash(h)&(cacheSlots-1)]
	if w := slot.Load(); w != nil && w.padded == string(padded) {
		return w
	}
	w := &cachedWord{
		padded: string(padded),
		uni:    m.lookup(mix(h, kindWord)),
		lead:   m.lookup(mix(h, kindLead+1)),
		net:    -1,
	}
	if m.feat.CharMax > 0 {
		m.feat.charGrams(padded, func(key uint32, _ int) {
			if row := m.lookup(key); row >= 0 {
				w.rows = append(w.rows, row)
			}
		})
	}
	if m.net != nil {
		w.net = int32(m.net.row(h))
	}
	slot.Store(w)
	return w
}
