package hyphen

import (
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sync"
)

// Dictionary knows how common English words are: the words of general
// English text, each with its frequency rank on a log scale. It tells
// whether "overwritten" or "over-written", "clearinghouse" or
// "clearing-house" is the usual spelling, which a policy's own words and
// the classifier's lexicon often cannot (they are rare in policies).
//
// The shipped one (English) is derived from the vocabulary of the GloVe
// word vectors (scripts/glovewords); it holds 32-bit hashes of the words,
// not the words.
type Dictionary struct {
	hashes []byte // sorted little-endian uint32
	ranks  []byte // one per hash: 1 (most frequent) to 255
	n      int
}

const dictMagic = "PLWORDS1"

//go:embed words.bin
var wordsFile []byte

var english = sync.OnceValue(func() *Dictionary {
	d, err := DecodeDictionary(wordsFile)
	if err != nil {
		// The embedded file is checked by the package's tests.
		return &Dictionary{}
	}
	return d
})

// English returns the dictionary embedded in the package. It reads the
// file in place: loading costs a header.
func English() *Dictionary { return english() }

// DecodeDictionary reads a dictionary written by EncodeDictionary,
// keeping references into data.
func DecodeDictionary(data []byte) (*Dictionary, error) {
	if len(data) < len(dictMagic)+4 || string(data[:len(dictMagic)]) != dictMagic {
		return nil, fmt.Errorf("hyphen: not a word list")
	}
	n := int(binary.LittleEndian.Uint32(data[len(dictMagic):]))
	body := data[len(dictMagic)+4:]
	if len(body) != 5*n {
		return nil, fmt.Errorf("hyphen: word list of %d words has %d bytes, want %d", n, len(body), 5*n)
	}
	return &Dictionary{hashes: body[:4*n], ranks: body[4*n:], n: n}, nil
}

// EncodeDictionary writes words with their frequency ranks (1 for the
// most frequent word of the source, up to top) as a dictionary. Two words
// of the same hash keep the more frequent one's rank.
func EncodeDictionary(words []string, ranks []int, top int) []byte {
	type entry struct {
		h uint32
		r byte
	}
	entries := make([]entry, 0, len(words))
	for i, w := range words {
		entries = append(entries, entry{wordHash(w), rankClass(ranks[i], top)})
	}
	slices.SortFunc(entries, func(a, b entry) int {
		if a.h != b.h {
			if a.h < b.h {
				return -1
			}
			return 1
		}
		return int(a.r) - int(b.r)
	})
	entries = slices.CompactFunc(entries, func(a, b entry) bool { return a.h == b.h })
	out := make([]byte, 0, len(dictMagic)+4+5*len(entries))
	out = append(out, dictMagic...)
	out = binary.LittleEndian.AppendUint32(out, uint32(len(entries)))
	for _, e := range entries {
		out = binary.LittleEndian.AppendUint32(out, e.h)
	}
	for _, e := range entries {
		out = append(out, e.r)
	}
	return out
}

// rankClass maps a rank in 1..top to 1..255 on a log scale: each class
// spans about 5% of rank at top = 200,000.
func rankClass(rank, top int) byte {
	if rank < 1 {
		rank = 1
	}
	c := 1 + int(254*math.Log(float64(rank))/math.Log(float64(max(top, 2))))
	return byte(min(max(c, 1), 255))
}

// Rank returns the word's frequency class, 1 for the most frequent words
// to 255, and 0 for a word the dictionary does not have. word must be in
// lower case.
func (d *Dictionary) Rank(word string) int {
	if d == nil || d.n == 0 {
		return 0
	}
	h := wordHash(word)
	lo, hi := 0, d.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if binary.LittleEndian.Uint32(d.hashes[4*m:]) < h {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < d.n && binary.LittleEndian.Uint32(d.hashes[4*lo:]) == h {
		return int(d.ranks[lo])
	}
	return 0
}

// Len returns the number of words.
func (d *Dictionary) Len() int { return d.n }

// wordHash is 32-bit FNV-1a.
func wordHash(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}
