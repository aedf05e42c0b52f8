// Package hyphen mends words that a hyphen at the end of a line broke in
// two. Text set in lines, a PDF page or a hard-wrapped text file, breaks
// long words at line ends with a hyphen ("Infor-" / "mation") and also
// ends lines at the hyphen of a compound ("twelve-" / "month"): the first
// must be joined ("Information"), the second keeps its hyphen
// ("twelve-month").
//
// The decision uses, in order: the document's own spelling (the joined or
// the hyphenated form written elsewhere in it, or a word of the same stem
// hyphenated, "re-identification" for "re-identify"), then general
// English's (English(): the spelling it knows, or the far more common of
// two), then the policies' language (a Lexicon: the joined word against
// the two words, by how many texts use each), then the document's other hyphenated words after
// the same first part ("cross-border" for "cross-context"), and, when
// nothing knows the word, whether both parts are words by themselves (a
// compound: keep the hyphen) or not (a word cut at a syllable: join). A
// capital after the break starts a word of its own ("Grown-Ups",
// "non-EU") unless the whole word is in capitals ("INFORMA-" / "TION").
// docs/clauses.md has the figures.
package hyphen

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Mark is what an extractor writes where it joined two lines at a
// hyphen that may or may not belong to the word, instead of the hyphen
// (PDF lines are joined into one). It is the soft hyphen: invisible if
// Repair never runs.
const Mark = '\u00AD'

// Lexicon knows the words of the language: DocFreq tells how common a
// word, or a phrase of two words, is (the number of texts it occurs in, 0
// when unknown), and CharFreq the same of a character n-gram, a space
// marking the start or end of a word (" con", "ext "). The classifier's
// lexicon (classify.Lexicon) is one.
type Lexicon interface {
	DocFreq(phrase string) int
	CharFreq(gram string) int
}

// Repair mends the words broken at line ends in doc's blocks: at a Mark
// between two letters, and at a hyphen that ends a line of a block (one
// that keeps its line breaks, plain text and Markdown) before a line
// starting with a letter. A mended word stays on the line where it began
// and the rest of the next line keeps its own line. lex may be nil.
func Repair(doc *policy.Document, lex Lexicon) {
	var breaks []brk
	for i := range doc.Blocks {
		breaks = findBreaks(doc.Blocks[i].Text, i, breaks)
	}
	if len(breaks) == 0 {
		return
	}
	v := documentWords(doc.Blocks, breaks)
	// Each block is rewritten once, whatever its number of breaks.
	for k := 0; k < len(breaks); {
		i := breaks[k].block
		t := doc.Blocks[i].Text
		var sb strings.Builder
		sb.Grow(len(t))
		pos := 0
		for ; k < len(breaks) && breaks[k].block == i; k++ {
			b := breaks[k]
			join := v.Join(t[b.stem:b.hyphen], t[b.next:b.nextEnd], lex)
			sb.WriteString(t[pos:b.hyphen])
			pos = b.mend(&sb, t, join)
		}
		sb.WriteString(t[pos:])
		doc.Blocks[i].Text = sb.String()
	}
}

// brk is a line-end hyphen in the text of a block: the word part before
// it is text[stem:hyphen], the hyphen (or Mark) and the line break run to
// next, and the word part after it is text[next:nextEnd]. For a break at
// a line end, the word's rest (the part after it and any punctuation up to
// the next space) runs to restEnd, and the line goes on after it.
type brk struct {
	block              int
	stem, hyphen, next int
	nextEnd, restEnd   int
	lineBreak          bool
	indent             string // leading white space of the next line
}

// findBreaks appends the breaks of text, block i, to out.
func findBreaks(text string, i int, out []brk) []brk {
	for p := 0; p < len(text); {
		q := strings.IndexAny(text[p:], "\u00ad-\u2010")
		if q < 0 {
			break
		}
		h := p + q
		r, size := utf8.DecodeRuneInString(text[h:])
		p = h + size
		before, _ := utf8.DecodeLastRuneInString(text[:h])
		if !unicode.IsLetter(before) {
			continue
		}
		b := brk{block: i, hyphen: h}
		j := h + size
		if r != Mark {
			// A hyphen at the end of a line, then the next line's
			// indentation.
			if j >= len(text) || text[j] != '\n' {
				continue
			}
			j++
			k := j
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			b.indent = text[j:k]
			j = k
			b.lineBreak = true
		}
		after, _ := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsLetter(after) {
			continue
		}
		b.next = j
		b.nextEnd = j + letterRun(text[j:])
		b.stem = h - lastLetterRun(text[:h])
		b.restEnd = b.nextEnd
		for b.restEnd < len(text) {
			c, n := utf8.DecodeRuneInString(text[b.restEnd:])
			if unicode.IsSpace(c) {
				break
			}
			b.restEnd += n
		}
		if n := len(out); n > 0 && out[n-1].block == i && out[n-1].restEnd > b.stem {
			// A word broken twice ("a-", "b-", "c"): mend the first break
			// only.
			p = j
			continue
		}
		out = append(out, b)
		p = j
	}
	return out
}

// letterRun is the length in bytes of the letters at the start of s.
func letterRun(s string) int {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		return len(s)
	}
	return i
}

// lastLetterRun is the length in bytes of the letters at the end of s.
func lastLetterRun(s string) int {
	i := strings.LastIndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	return len(s) - i - 1
}

// mend writes break b of text, from its hyphen on, mended: joined or with
// a hyphen. It returns where the text goes on after what it wrote. At a
// line end, the word's rest moves up to the line the word began on, and
// what is left of the next line stays a line of its own.
func (b brk) mend(sb *strings.Builder, text string, join bool) int {
	if !join {
		sb.WriteByte('-')
	}
	if !b.lineBreak {
		return b.next
	}
	sb.WriteString(text[b.next:b.restEnd])
	rest := b.restEnd
	for rest < len(text) && (text[rest] == ' ' || text[rest] == '\t') {
		rest++
	}
	switch {
	case rest >= len(text):
	case text[rest] == '\n':
		// The next line held only the word's rest.
	default:
		sb.WriteByte('\n')
		sb.WriteString(b.indent)
	}
	return rest
}

// Words counts the words of a document (in lower case, with the
// hyphens inside them), for Join.
type Words struct {
	counts map[string]int
	// prefixes counts the hyphenated words by the part before the hyphen.
	prefixes map[string]int
	// stems counts the hyphenated words by their start: the part before
	// the hyphen and stemLen letters after it.
	stems map[string]int
}

// NewWords returns an empty count.
func NewWords() *Words {
	return &Words{counts: map[string]int{}, prefixes: map[string]int{}, stems: map[string]int{}}
}

// Count adds n occurrences (n may be negative) of word; punctuation around
// it is ignored.
func (v *Words) Count(word string, n int) {
	w := strings.ToLower(strings.TrimFunc(word, func(r rune) bool { return !unicode.IsLetter(r) }))
	if w == "" {
		return
	}
	v.counts[w] += n
	if h := strings.IndexByte(w, '-'); h > 0 {
		v.prefixes[w[:h]] += n
		r := []rune(w[h+1:])
		if len(r) >= stemLen {
			v.stems[w[:h+1]+string(r[:stemLen])] += n
		}
	}
}

// documentWords counts the words of the blocks, apart from the parts of
// words broken at the breaks.
func documentWords(blocks []policy.Block, breaks []brk) *Words {
	v := NewWords()
	k := 0
	for i, b := range blocks {
		t := b.Text
		for p := 0; p < len(t); {
			// The next token, between white space.
			for p < len(t) {
				r, n := utf8.DecodeRuneInString(t[p:])
				if !unicode.IsSpace(r) && r != Mark {
					break
				}
				p += n
			}
			s := p
			for p < len(t) {
				r, n := utf8.DecodeRuneInString(t[p:])
				if unicode.IsSpace(r) || r == Mark {
					break
				}
				p += n
			}
			if s == p {
				break
			}
			for k < len(breaks) && (breaks[k].block < i || breaks[k].block == i && breaks[k].restEnd <= s) {
				k++
			}
			if k < len(breaks) && breaks[k].block == i && breaks[k].stem < p && s <= breaks[k].restEnd {
				continue // a part of a broken word
			}
			v.Count(t[s:p], 1)
		}
	}
	return v
}

// Join reports whether the two parts of a word broken at a line-end
// hyphen, stem before it and next after it, are one word to be joined
// ("infor", "mation") rather than a compound that keeps its hyphen
// ("twelve", "month"). lex may be nil.
func (v *Words) Join(stem, next string, lex Lexicon) bool {
	first, _ := utf8.DecodeRuneInString(next)
	if unicode.IsUpper(first) && !isUpper(stem) {
		return false
	}
	s, n := strings.ToLower(stem), strings.ToLower(next)
	joined, hyphened := s+n, s+"-"+n
	// The document's own spelling.
	if dj, dh := v.counts[joined], v.counts[hyphened]; dj != dh {
		return dj > dh
	}
	// General English: the spelling it knows, or the far more common of
	// the two when it knows both.
	switch rj, rh := English().Rank(joined), English().Rank(hyphened); {
	case rj != 0 && (rh == 0 || rh-rj >= decisiveRanks):
		return true
	case rh != 0 && (rj == 0 || rj-rh >= decisiveRanks):
		return false
	}
	fj, fh := 0, 0
	if lex != nil {
		fj, fh = lex.DocFreq(joined), lex.DocFreq(s+" "+n)
	}
	if fj == 0 && v.hyphenedStem(s, n) {
		// The document hyphenates a word of the same stem elsewhere
		// ("re-identification" for "re-identify").
		return false
	}
	// The language's.
	if fj > 0 || fh > 0 {
		return fj >= fh
	}
	// The document hyphenates other words after the same first part
	// ("cross-border" for "cross-context").
	if utf8.RuneCountInString(s) >= minShaped && v.prefixes[s] > 0 {
		return false
	}
	// Two words of their own make a compound; otherwise the break is
	// inside a word.
	return !(v.isWord(s, lex) && v.isWord(n, lex))
}

// decisiveRanks is how many frequency classes of English apart the joined
// and the hyphenated spelling must be for English to decide between them:
// 28 classes is about four times as common. Closer than that, both are in
// use ("non-essential", "one-time") and the document's and the policies'
// words decide.
const decisiveRanks = 28

// stemLen is how many letters after the hyphen a hyphenated word of the
// document must share with a broken word to count as the same stem.
const stemLen = 4

// hyphenedStem reports whether the document has a hyphenated word that
// begins like s-n, up to stemLen letters of n.
func (v *Words) hyphenedStem(s, n string) bool {
	if utf8.RuneCountInString(n) < stemLen {
		return false
	}
	r := []rune(n)
	return v.stems[s+"-"+string(r[:stemLen])] > 0
}

// isWord reports whether w, a part of a broken word, is a word by itself:
// the document has it, or the lexicon has it (if w has three letters or
// more), or it begins and ends the way the
// lexicon's words begin and end (its first and last four letters are a
// word's first and last), which a part cut at a syllable rarely does
// ("infor" ends as no word ends).
func (v *Words) isWord(w string, lex Lexicon) bool {
	n := utf8.RuneCountInString(w)
	switch {
	case n < 2:
		return false
	case v.counts[w] > 0:
		return true
	case lex == nil || n < minShaped:
		// The lexicon reads "we're" as "we re": its two-letter words are
		// not all words.
		return false
	case lex.DocFreq(w) > 0:
		return true
	}
	k := min(len(w), shapeLen)
	return lex.CharFreq(" "+w[:k]) > 0 && lex.CharFreq(w[len(w)-k:]+" ") > 0
}

// minShaped is the fewest letters of a part that counts as a word by its
// shape: TeX leaves as few as two letters before a break ("pa-per"), and
// two letters look like the start and end of many words.
const minShaped = 3

// shapeLen is the number of bytes of a word's start and end that isWord
// compares with the lexicon's words.
const shapeLen = 4

func isUpper(s string) bool {
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
	}
	return true
}
