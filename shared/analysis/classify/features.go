package classify

import (
	"fmt"

	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
)

// Features says which n-grams a model reads from a text. It is stored in the
// weights file, so a model always scores with the features it was trained on.
type Features struct {
	// WordMin and WordMax bound the word n-gram lengths; WordMax 0 turns word
	// n-grams off.
	WordMin, WordMax int
	// CharMin and CharMax bound the character n-gram lengths, taken inside
	// words padded with one space on each side; CharMax 0 turns them off.
	CharMin, CharMax int
	// Lead marks the word n-grams among the first Lead words apart from the
	// rest, as clauses often open with their section title.
	Lead int
}

// DefaultFeatures are the features of the shipped model.
var DefaultFeatures = Features{WordMin: 1, WordMax: 2, CharMin: 2, CharMax: 5, Lead: 8}

// maxWordN bounds the word n-gram length.
const maxWordN = 8

// Validate reports whether the features are usable.
func (f Features) Validate() error {
	switch {
	case f.WordMax == 0 && f.CharMax == 0:
		return fmt.Errorf("features: no n-grams")
	case f.WordMax > 0 && (f.WordMin < 1 || f.WordMin > f.WordMax || f.WordMax > maxWordN):
		return fmt.Errorf("features: word n-gram range %d-%d outside 1-%d", f.WordMin, f.WordMax, maxWordN)
	case f.Lead < 0 || f.Lead > maxLeadWords:
		return fmt.Errorf("features: lead %d outside 0-%d", f.Lead, maxLeadWords)
	case f.CharMax > 0 && (f.CharMin < 1 || f.CharMin > f.CharMax || f.CharMax > 16):
		return fmt.Errorf("features: character n-gram range %d-%d outside 1-16", f.CharMin, f.CharMax)
	}
	return nil
}

// The kinds of hashed n-grams, folded into their keys.
const (
	kindWord     = 1   // word n-grams: kind n for n words
	kindLead     = 100 // word n-grams of the lead words: 100+n
	kindChar     = 16  // character n-grams: 16+n characters
	kindHeading  = 201 // heading unigrams; 202 for bigrams
	kindCopy     = 301 // modern copies of word n-grams
	fnvOffset    = modelfile.FNVOffset
	fnvPrime     = modelfile.FNVPrime
	maxLeadWords = 64
)

// mix finalises a 64-bit hash (the MurmurHash3 fmix64 steps) and folds in
// the n-gram kind, so word and character n-grams of the same bytes differ.
func mix(h uint64, kind uint64) uint32 {
	h ^= kind * 0x9e3779b97f4a7c15
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return uint32(h)
}

// normalize writes text to buf in lower case with every digit replaced by
// '0' and every run of characters that are not letters or digits replaced
// by one space, with a space at each end. It returns the grown buffer.
func normalize(buf []byte, text string) []byte {
	buf = append(buf[:0], ' ')
	space := true
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case 'a' <= c && c <= 'z':
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
			case '0' <= c && c <= '9':
				c = '0'
			default:
				if !space {
					buf = append(buf, ' ')
					space = true
				}
				continue
			}
			buf = append(buf, c)
			space = false
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		switch {
		case unicode.IsLetter(r) || unicode.IsMark(r):
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
			space = false
		case unicode.IsDigit(r):
			buf = append(buf, '0')
			space = false
		case r == '\u2019' || r == '\u2018':
			// Typographic apostrophes split words like ASCII ones do.
			fallthrough
		default:
			if !space {
				buf = append(buf, ' ')
				space = true
			}
		}
	}
	if !space {
		buf = append(buf, ' ')
	}
	return buf
}

// charGrams calls emit with the key of every character n-gram of one word
// padded with a space on each side, in a fixed order.
func (f Features) charGrams(padded []byte, emit func(key uint32, group int)) {
	for s := 0; s < len(padded); s++ {
		h := uint64(fnvOffset)
		end := min(s+f.CharMax, len(padded))
		for j := s; j < end; j++ {
			h = (h ^ uint64(padded[j])) * fnvPrime
			if n := j - s + 1; n >= f.CharMin {
				emit(mix(h, uint64(kindChar+n)), modelfile.GroupChar)
			}
		}
	}
}

// walk visits the words of norm in order: for each, word receives the word
// padded with a space on each side and the FNV-1a hash of the word itself,
// then emit receives the keys of the word n-grams it ends. The character
// n-grams of a word depend on the word alone, so a caller may cache them
// per word.
func (f Features) walk(norm []byte, word func(padded []byte, h uint64), emit func(key uint32, group int)) {
	f.walkGrams(norm, word, func(key uint32, _ int, _ bool) { emit(key, modelfile.GroupWord) })
}

// walkGrams is walk that also tells gram each word n-gram's length n and
// whether it is the lead copy: the unigrams of a word (n 1) depend on the
// word alone, like its character n-grams.
func (f Features) walkGrams(norm []byte, word func(padded []byte, h uint64), gram func(key uint32, n int, lead bool)) {
	var wordHashes [maxWordN]uint64
	nw, words := 0, 0
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
		// norm[start:i] is a word; norm[start-1] and norm[i] are spaces.
		h := uint64(fnvOffset)
		for _, c := range norm[start:i] {
			h = (h ^ uint64(c)) * fnvPrime
		}
		word(norm[start-1:i+1], h)
		if f.WordMax > 0 {
			lead := words < f.Lead
			words++
			if f.WordMin <= 1 {
				gram(mix(h, kindWord), 1, false)
				if lead {
					gram(mix(h, kindLead+1), 1, true)
				}
			}
			// Keep the hashes of the last words to build longer n-grams.
			if nw < len(wordHashes) {
				nw++
			}
			copy(wordHashes[1:], wordHashes[:len(wordHashes)-1])
			wordHashes[0] = h
			g := h
			for n := 2; n <= f.WordMax && n <= nw; n++ {
				g = g*0x100000001b3 ^ wordHashes[n-1]*0x9e3779b97f4a7c15
				if n >= f.WordMin {
					gram(mix(g, uint64(kindWord-1+n)), n, false)
					if lead {
						gram(mix(g, uint64(kindLead+n)), n, true)
					}
				}
			}
		}
		start = -1
	}
}
