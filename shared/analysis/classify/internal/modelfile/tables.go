package modelfile

import (
	"encoding/binary"
	"fmt"
	"math"
)

// tableSize is the number of slots of an open-addressing table of n
// entries: a power of two, at least twice n.
func tableSize(n int) int {
	size := 1
	for size < 2*n+1 {
		size <<= 1
	}
	return size
}

// NgramTable returns the SecNgramTable of keys, where keys[row] is the key
// of each row.
func NgramTable(keys []uint32) ([]byte, error) {
	size := tableSize(len(keys))
	mask := uint32(size - 1)
	slots := make([]uint64, size)
	for row, key := range keys {
		i := key & mask
		for slots[i] != 0 {
			if uint32(slots[i]>>32) == key {
				return nil, fmt.Errorf("feature key %#x appears twice", key)
			}
			i = (i + 1) & mask
		}
		slots[i] = uint64(key)<<32 | uint64(row+1)
	}
	out := make([]byte, 8*size)
	for i, s := range slots {
		binary.LittleEndian.PutUint64(out[8*i:], s)
	}
	return out, nil
}

// fmix64 is the finalisation of MurmurHash3: it spreads the bits of h.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

// FNV-1a, 64 bits.
const (
	FNVOffset = 14695981039346656037
	FNVPrime  = 1099511628211
)

// WordHash identifies a word of the word table: fnv is the 64-bit FNV-1a
// hash of the word's bytes as the classifier normalises them.
func WordHash(fnv uint64) uint64 { return fmix64(fnv ^ 0x5bd1e995) }

// FNV returns the 64-bit FNV-1a hash of b.
func FNV(b []byte) uint64 {
	h := uint64(FNVOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * FNVPrime
	}
	return h
}

// WordTable returns the SecWordSlots and SecWordHashes of the words whose
// WordHash values are hashes, one per word row.
func WordTable(hashes []uint64) (slots, hashBytes []byte, err error) {
	size := tableSize(len(hashes))
	mask := uint64(size - 1)
	s := make([]uint32, size)
	for row, h := range hashes {
		i := h & mask
		for s[i] != 0 {
			if hashes[s[i]-1] == h {
				return nil, nil, fmt.Errorf("two words of hash %#x", h)
			}
			i = (i + 1) & mask
		}
		s[i] = uint32(row + 1)
	}
	slots = make([]byte, 4*size)
	for i, v := range s {
		binary.LittleEndian.PutUint32(slots[4*i:], v)
	}
	hashBytes = make([]byte, 8*len(hashes))
	for i, h := range hashes {
		binary.LittleEndian.PutUint64(hashBytes[8*i:], h)
	}
	return slots, hashBytes, nil
}

// Quantize returns each label's weight scale (its largest absolute weight)
// and the int8 weight codes of w, Labels weights per row: a code q stands
// for sign(q)*(q/127)^2 times the label's scale (square-root companding,
// which keeps precision for the many small weights).
func Quantize(w []float32) ([Labels]float32, []byte) {
	var scales [Labels]float32
	for i, v := range w {
		l := i % Labels
		scales[l] = max(scales[l], float32(math.Abs(float64(v))))
	}
	codes := make([]byte, len(w))
	for i, v := range w {
		s := scales[i%Labels]
		if s == 0 {
			continue
		}
		q := math.Round(127 * math.Sqrt(math.Abs(float64(v))/float64(s)))
		codes[i] = byte(int8(math.Copysign(min(q, 127), float64(v))))
	}
	return scales, codes
}

// Dequantize returns the value of every code for a label of scale s (see
// Quantize), indexed by the code's byte.
func Dequantize(s float32) (t [256]float32) {
	for c := range 256 {
		q := float32(int8(uint8(c)))
		v := q * q / (127 * 127) * s
		if q < 0 {
			v = -v
		}
		t[c] = v
	}
	return t
}

// QuantizeColumns returns, for values laid out as rows of cols columns,
// each column's scale (its largest absolute value divided by 127) and the
// int8 codes round(v/scale).
func QuantizeColumns(v []float32, cols int) ([]float32, []byte) {
	scales := make([]float32, cols)
	for i, x := range v {
		scales[i%cols] = max(scales[i%cols], float32(math.Abs(float64(x))))
	}
	for j := range scales {
		scales[j] /= 127
	}
	codes := make([]byte, len(v))
	for i, x := range v {
		if s := scales[i%cols]; s > 0 {
			codes[i] = byte(int8(math.Round(float64(x / s))))
		}
	}
	return scales, codes
}

// lexiconMagic starts an encoded lexicon.
const lexiconMagic = "policylens-lexicon\x00\x02"

// EncodeLexicon encodes a lexicon: the magic, the four n-gram bounds
// (WordMin, WordMax, CharMin, CharMax), then per group (words, characters)
// the count n, the n ascending keys and the n counts of texts, all as
// 32-bit little-endian numbers.
func EncodeLexicon(bounds [4]int, wordKeys, wordDF, charKeys, charDF []uint32) []byte {
	b := make([]byte, 0, len(lexiconMagic)+4*(6+2*len(wordKeys)+2*len(charKeys)))
	b = append(b, lexiconMagic...)
	for _, v := range bounds {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, g := range [][2][]uint32{{wordKeys, wordDF}, {charKeys, charDF}} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(g[0])))
		for _, a := range g {
			for _, v := range a {
				b = binary.LittleEndian.AppendUint32(b, v)
			}
		}
	}
	return b
}

// LexiconMagic reports whether b starts like an encoded lexicon.
func LexiconMagic(b []byte) bool {
	return len(b) >= len(lexiconMagic) && string(b[:len(lexiconMagic)]) == lexiconMagic
}

// LexiconHeader is the length of the lexicon's magic.
const LexiconHeader = len(lexiconMagic)
