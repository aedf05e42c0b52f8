package classify

import (
	"strings"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
)

// leadHeading returns the innermost heading when the text does not already
// begin with it, else "": the model reads it as the clause's first words,
// the way OPP-115 segments often begin with their section title.
func leadHeading(in Input) string {
	if len(in.Heading) == 0 {
		return ""
	}
	h := in.Heading[len(in.Heading)-1]
	if h == "" || strings.HasPrefix(in.Text, h) {
		return ""
	}
	return h
}

// normalizeInput writes the normalized lead heading and text of in to buf
// (tmp is working memory) and returns the grown buffer.
func normalizeInput(buf []byte, tmp *[]byte, in Input) []byte {
	h := leadHeading(in)
	if h == "" {
		return normalize(buf, in.Text)
	}
	*tmp = normalize(*tmp, in.Text)
	buf = normalize(buf, h)
	return append(buf, (*tmp)[1:]...)
}

// levelWord separates the levels of a normalized heading path.
const levelWord = "zlevel "

// normalizeHeading normalizes a heading path into buf, with the word
// "zlevel" between levels: " your rights zlevel object ".
func normalizeHeading(buf []byte, heading []string) []byte {
	buf = append(buf[:0], ' ')
	var tmp [256]byte
	for i, h := range heading {
		if i > 0 {
			buf = append(buf, levelWord...)
		}
		buf = append(buf, normalize(tmp[:0], h)[1:]...)
	}
	return buf
}

// headGrams calls emit with the key of every word unigram and bigram of a
// normalized heading path (keys of their own kind, apart from the text's
// word n-grams), and word with the FNV-1a hash of every word.
func headGrams(norm []byte, emit func(key uint32), word func(h uint64)) {
	var prev uint64
	have := false
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
		h := uint64(fnvOffset)
		for _, c := range norm[start:i] {
			h = (h ^ uint64(c)) * fnvPrime
		}
		word(h)
		emit(mix(h, kindHeading))
		if have {
			emit(mix(prev*0x100000001b3^h*0x9e3779b97f4a7c15, kindHeading+1))
		}
		prev, have = h, true
		start = -1
	}
}

// CopyKey is the key of the modern copy of a word n-gram of key key:
// training maps each word row to its copy's row with it.
func CopyKey(key uint32) uint32 {
	h := uint64(key)*0x9e3779b97f4a7c15 ^ 0xc0b1
	return mix(h, kindCopy)
}

// Grams calls emit with the key and group (modelfile.GroupWord and so on)
// of every n-gram a model with features f may read in a clause: the word
// and character n-grams of its lead heading and text, and when it has a
// heading path, the modern copies of the word n-grams and the heading's
// word 1-2-grams. Keys repeat when n-grams do. Training builds the
// vocabulary with it.
func (f Features) Grams(in Input, emit func(key uint32, group int)) {
	var norm, tmp []byte
	norm = normalizeInput(norm, &tmp, in)
	copies := len(in.Heading) > 0
	f.walk(norm, func(padded []byte, _ uint64) {
		if f.CharMax > 0 {
			f.charGrams(padded, emit)
		}
	}, func(key uint32, group int) {
		emit(key, group)
		if copies && group == modelfile.GroupWord {
			emit(CopyKey(key), modelfile.GroupCopy)
		}
	})
	if len(in.Heading) > 0 {
		headGrams(normalizeHeading(tmp, in.Heading), func(key uint32) { emit(key, modelfile.GroupHead) }, func(uint64) {})
	}
}

// Unigrams calls emit with the key of every word of a clause's text (and
// lead heading) as a word 1-gram, in order, repeats included; not the
// lead copies of its first words. These are the keys a model's memory
// indexes its training clauses by.
func (f Features) Unigrams(in Input, emit func(key uint32)) {
	var norm, tmp []byte
	norm = normalizeInput(norm, &tmp, in)
	f.walkGrams(norm, func([]byte, uint64) {}, func(key uint32, n int, lead bool) {
		if n == 1 && !lead {
			emit(key)
		}
	})
}

// Words returns the words of text as the model reads them: lower case,
// digits as '0', split at everything that is not a letter or digit.
func Words(text string) []string {
	return strings.Fields(string(normalize(nil, text)))
}

// InputWords returns the words of a clause as the model's network reads
// them: those of its lead heading and text, and those of its heading path.
func InputWords(in Input) (text, heading []string) {
	var tmp []byte
	text = strings.Fields(string(normalizeInput(nil, &tmp, in)))
	if len(in.Heading) > 0 {
		heading = strings.Fields(string(normalizeHeading(nil, in.Heading)))
	}
	return text, heading
}

// WordHash is the key of a word (as Words returns it) in the network's
// per-word table.
func WordHash(word string) uint64 {
	return modelfile.WordHash(modelfile.FNV([]byte(word)))
}

// States reports whether a clause reads as stating something rather than
// being navigation or a bare heading: its text ends like a sentence (., !,
// ?, : or ;, before closing quotes or brackets) or runs to at least 20
// words.
func States(text string) bool {
	t := strings.TrimRight(text, " \t\r\n\"'”’)]*_")
	if t == "" {
		return false
	}
	switch t[len(t)-1] {
	case '.', '!', '?', ':', ';':
		return true
	}
	return countWords(text) >= 20
}

func countWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}
