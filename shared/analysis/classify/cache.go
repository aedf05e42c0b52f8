package classify

import (
	"sync/atomic"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
)

// cacheSlots is the number of words the cache holds at most.
const cacheSlots = 1 << 15

// wordCache remembers, per word, the rows of its character n-grams that are
// features, in the order they are emitted: words repeat within and across
// policies, so most of a text's character n-grams are found here instead
// of hashed and looked up again. It belongs to the model (it survives
// garbage collections), is bounded (one word per slot, a new word evicting
// the one in its slot) and is safe for concurrent use without locks: a slot
// is replaced whole.
type wordCache struct {
	slots [cacheSlots]atomic.Pointer[cachedWord]
}

type cachedWord struct {
	padded string
	rows   []int32
}

// rows returns the character n-gram rows of a word padded with a space on
// each side, whose FNV-1a hash (unpadded) is h.
func (c *wordCache) rows(m *Model, padded []byte, h uint64) []int32 {
	if m.feat.CharMax == 0 {
		return nil
	}
	slot := &c.slots[modelfile.WordHash(h)&(cacheSlots-1)]
	if w := slot.Load(); w != nil && w.padded == string(padded) {
		return w.rows
	}
	var rows []int32
	m.feat.charGrams(padded, func(key uint32, _ int) {
		if row := m.lookup(key); row >= 0 {
			rows = append(rows, row)
		}
	})
	slot.Store(&cachedWord{padded: string(padded), rows: rows})
	return rows
}
