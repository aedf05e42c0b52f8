package classify

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lexicon is what a model knows of the words of the language: how many of
// its training texts hold a word, a pair of words or a character n-gram,
// as far as its features record them (those seen in too few texts are not
// kept). It tells whether a string is a word without a word list of its
// own; line-end hyphens are mended with it (package hyphen).
//
// A Lexicon is small (240 KB as bytes for the shipped model) and quick to
// decode, unlike the model it comes from: a worker process that gets one
// from its caller need not load the model. It is safe for concurrent use.
type Lexicon struct {
	feat Features
	// The keys of the word and the character n-grams, ascending, with the
	// number of training texts that hold each.
	words, chars []uint32
	wordDF       []uint32
	charDF       []uint32
}

// NewLexicon returns the lexicon of model m.
func NewLexicon(m *Model) *Lexicon {
	l := &Lexicon{feat: m.feat}
	for row, key := range m.keys {
		if row < m.nWord {
			l.words = append(l.words, key)
			l.wordDF = append(l.wordDF, m.df[row])
		} else {
			l.chars = append(l.chars, key)
			l.charDF = append(l.charDF, m.df[row])
		}
	}
	sortKeys(l.words, l.wordDF)
	sortKeys(l.chars, l.charDF)
	return l
}

func sortKeys(keys, df []uint32) {
	sort.Sort(keyDF{keys, df})
}

type keyDF struct{ keys, df []uint32 }

func (k keyDF) Len() int           { return len(k.keys) }
func (k keyDF) Less(i, j int) bool { return k.keys[i] < k.keys[j] }
func (k keyDF) Swap(i, j int) {
	k.keys[i], k.keys[j] = k.keys[j], k.keys[i]
	k.df[i], k.df[j] = k.df[j], k.df[i]
}

func find(keys, df []uint32, key uint32) int {
	i := sort.Search(len(keys), func(i int) bool { return keys[i] >= key })
	if i < len(keys) && keys[i] == key {
		return int(df[i])
	}
	return 0
}

// DocFreq returns the number of training texts in which phrase, one word or
// two, occurs: 0 when the phrase is not one of the model's n-grams (it was
// seen in fewer texts than training kept, or the model reads no word
// n-grams of that length). Phrases are compared as the model reads text:
// in lower case, with digits as 0 and punctuation as spaces, so "Opt-out"
// is the two words "opt out". A hashed key can rarely stand for another
// n-gram as well, so treat the count as evidence, not proof.
func (l *Lexicon) DocFreq(phrase string) int {
	var buf [64]byte
	norm := normalize(buf[:0], phrase)
	var hashes [2]uint64
	n := 0
	start := -1
	for i := 0; i < len(norm); i++ {
		if norm[i] != ' ' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start < 0 {
			continue
		}
		if n == len(hashes) {
			return 0
		}
		h := uint64(fnvOffset)
		for _, c := range norm[start:i] {
			h = (h ^ uint64(c)) * fnvPrime
		}
		hashes[n] = h
		n++
		start = -1
	}
	if n == 0 || n < l.feat.WordMin || n > l.feat.WordMax {
		return 0
	}
	var key uint32
	if n == 1 {
		key = mix(hashes[0], 1)
	} else {
		// As Features.walk combines the hashes of the last two words.
		key = mix(hashes[1]*0x100000001b3^hashes[0]*0x9e3779b97f4a7c15, 2)
	}
	return find(l.words, l.wordDF, key)
}

// CharFreq returns the number of training texts in which the character
// n-gram gram occurs inside a word: 0 when it is not one of the model's
// n-grams. A space marks the start or end of a word: " con" is how words
// begin, "ext " how they end. Letters are compared in lower case and
// digits as 0.
func (l *Lexicon) CharFreq(gram string) int {
	var buf [64]byte
	b := buf[:0]
	for _, r := range strings.ToLower(gram) {
		if unicode.IsDigit(r) {
			r = '0'
		}
		b = utf8.AppendRune(b, r)
	}
	if l.feat.CharMax == 0 || len(b) < l.feat.CharMin || len(b) > l.feat.CharMax {
		return 0
	}
	h := uint64(fnvOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	return find(l.chars, l.charDF, mix(h, uint64(16+len(b))))
}

// lexiconMagic starts an encoded lexicon.
const lexiconMagic = "policylens-lexicon\x00\x02"

// MarshalBinary encodes the lexicon: the magic, the four n-gram bounds,
// then per group (words, characters) the count n, the n ascending keys and
// the n counts of texts, all as 32-bit little-endian numbers, so that
// decoding is a copy.
func (l *Lexicon) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, len(lexiconMagic)+4*(6+2*len(l.words)+2*len(l.chars)))
	b = append(b, lexiconMagic...)
	for _, v := range []int{l.feat.WordMin, l.feat.WordMax, l.feat.CharMin, l.feat.CharMax} {
		b = binary.LittleEndian.AppendUint32(b, uint32(v))
	}
	for _, g := range [][2][]uint32{{l.words, l.wordDF}, {l.chars, l.charDF}} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(g[0])))
		for _, a := range g {
			for _, v := range a {
				b = binary.LittleEndian.AppendUint32(b, v)
			}
		}
	}
	return b, nil
}

// UnmarshalLexicon decodes a lexicon encoded by MarshalBinary.
func UnmarshalLexicon(b []byte) (*Lexicon, error) {
	if len(b) < len(lexiconMagic) || string(b[:len(lexiconMagic)]) != lexiconMagic {
		return nil, errors.New("not a lexicon")
	}
	b = b[len(lexiconMagic):]
	next := func() (uint32, bool) {
		if len(b) < 4 {
			return 0, false
		}
		v := binary.LittleEndian.Uint32(b)
		b = b[4:]
		return v, true
	}
	l := &Lexicon{}
	for _, v := range []*int{&l.feat.WordMin, &l.feat.WordMax, &l.feat.CharMin, &l.feat.CharMax} {
		x, ok := next()
		if !ok || x > 64 {
			return nil, errors.New("lexicon truncated or damaged")
		}
		*v = int(x)
	}
	for _, g := range []struct{ keys, df *[]uint32 }{{&l.words, &l.wordDF}, {&l.chars, &l.charDF}} {
		n, ok := next()
		if !ok || uint64(n)*8 > uint64(len(b)) {
			return nil, errors.New("lexicon truncated or damaged")
		}
		*g.keys, *g.df = make([]uint32, n), make([]uint32, n)
		for _, a := range []*[]uint32{g.keys, g.df} {
			for i := range *a {
				(*a)[i] = binary.LittleEndian.Uint32(b[4*i:])
			}
			b = b[4*n:]
		}
		for i := 1; i < len(*g.keys); i++ {
			if (*g.keys)[i] <= (*g.keys)[i-1] {
				return nil, fmt.Errorf("lexicon keys not ascending at %d", i)
			}
		}
	}
	if len(b) != 0 {
		return nil, errors.New("lexicon has trailing bytes")
	}
	return l, nil
}
