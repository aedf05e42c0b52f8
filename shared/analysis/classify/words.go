package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// DocFreq returns the number of training texts in which phrase, one word or
// two, occurs, as far as the model's features record it: 0 when the phrase
// is not one of the model's n-grams (it was seen in fewer texts than
// training kept, or the model reads no word n-grams of that length).
// Phrases are compared as the model reads text: in lower case, with digits
// as 0 and punctuation as spaces, so "Opt-out" is the two words "opt out".
// A hashed key can rarely stand for another n-gram as well, so treat the
// count as evidence, not proof.
//
// It tells whether a word is a word of the language (line-end hyphens are
// repaired with it, see package hyphen) without a word list of its own.
func (m *Model) DocFreq(phrase string) int {
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
	if n == 0 || n < m.feat.WordMin || n > m.feat.WordMax {
		return 0
	}
	var key uint32
	if n == 1 {
		key = mix(hashes[0], 1)
	} else {
		// As Features.walk combines the hashes of the last two words.
		key = mix(hashes[1]*0x100000001b3^hashes[0]*0x9e3779b97f4a7c15, 2)
	}
	row := m.lookup(key)
	if row < 0 || int(row) >= m.nWord {
		return 0
	}
	return int(m.df[row])
}

// CharFreq returns the number of training texts in which the character
// n-gram gram occurs inside a word, as far as the model's features record
// it: 0 when it is not one of them. A space marks the start or end of a
// word: " con" is how words begin, "ext " how they end. Letters are
// compared in lower case and digits as 0.
func (m *Model) CharFreq(gram string) int {
	var buf [64]byte
	b := buf[:0]
	for _, r := range strings.ToLower(gram) {
		if unicode.IsDigit(r) {
			r = '0'
		}
		b = utf8.AppendRune(b, r)
	}
	if len(b) < m.feat.CharMin || len(b) > m.feat.CharMax || m.feat.CharMax == 0 {
		return 0
	}
	h := uint64(fnvOffset)
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime
	}
	row := m.lookup(mix(h, uint64(16+len(b))))
	if row < int32(m.nWord) {
		return 0
	}
	return int(m.df[row])
}
