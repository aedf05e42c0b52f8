// Package language tells which language a text is written in, as an ISO
// 639-1 code, from its script and from the frequent function words of the
// languages it knows (stop words: articles, pronouns, prepositions,
// conjunctions, auxiliaries). It needs no model and no data files: the word
// lists are in stopwords.go.
//
// Languages told apart by their words: English, French, German, Spanish,
// Italian, Portuguese, Dutch, Swedish, Danish, Norwegian (Bokmål),
// Finnish, Polish, Czech, Romanian, Hungarian, Turkish, Russian, Ukrainian
// and Bulgarian. Languages told by their script alone: Greek, Arabic,
// Hebrew, Hindi (Devanagari), Thai, Korean, Japanese and Chinese.
package language

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// English is the code of the language the classifier reads.
const English = "en"

// Counter gathers the evidence of a text given a piece at a time (the
// clauses of a policy, say). The zero value is ready to use.
type Counter struct {
	hits    [numLangs]int
	scripts [numScripts]int
	words   int
}

// Add counts the words and letters of text.
func (c *Counter) Add(text string) {
	lists := stopLists()
	var buf [64]byte
	word := buf[:0]
	long := false // the word outgrew buf: no function word is that long
	flush := func() {
		if long {
			c.words++
		} else if len(word) > 0 {
			c.words++
			if mask, ok := lists[string(word)]; ok {
				for l := range numLangs {
					if mask&(1<<l) != 0 {
						c.hits[l]++
					}
				}
			}
		}
		word, long = buf[:0], false
	}
	for len(text) > 0 {
		// The next white-space separated token, as strings.Fields cuts them.
		i := spaceEnd(text, 0, true)
		j := spaceEnd(text, i, false)
		tok := text[i:j]
		text = text[j:]
		if tok == "" || skipToken(tok) {
			continue
		}
		for k := 0; k < len(tok); {
			r, n := rune(tok[k]), 1
			if r >= utf8.RuneSelf {
				r, n = utf8.DecodeRuneInString(tok[k:])
			}
			k += n
			switch {
			case 'a' <= r && r <= 'z':
				c.scripts[latin]++
			case 'A' <= r && r <= 'Z':
				c.scripts[latin]++
				r += 'a' - 'A'
			case r == '\'' || r == '\u2019':
			case r < utf8.RuneSelf:
				flush()
				continue
			case unicode.IsLetter(r):
				c.scripts[scriptOf(r)]++
				r = unicode.ToLower(r)
			case unicode.IsMark(r):
			default:
				flush()
				continue
			}
			if len(word)+utf8.UTFMax > cap(word) {
				long = true
				continue
			}
			word = utf8.AppendRune(word, r)
		}
		flush()
	}
}

// spaceEnd returns the end of the run of white space (space true) or of
// other characters (space false) at text[i:].
func spaceEnd(text string, i int, space bool) int {
	for i < len(text) {
		if b := text[i]; b < utf8.RuneSelf {
			if asciiSpace[b] != space {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) != space {
			return i
		}
		i += n
	}
	return i
}

var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// skipToken reports whether a white-space separated token is a link or an
// e-mail address, whose words are no evidence of the language.
func skipToken(tok string) bool {
	if strings.HasPrefix(tok, "www.") {
		return true
	}
	for i := 0; i < len(tok); i++ {
		switch tok[i] {
		case '@':
			return true
		case ':':
			if strings.HasPrefix(tok[i:], "://") {
				return true
			}
		case ']':
			if strings.HasPrefix(tok[i:], "](") {
				return true
			}
		}
	}
	return false
}

// minHits is the fewest function words of its language a text must hold
// for the language to be named.
const minHits = 3

// Language returns the ISO 639-1 code of the language of what was added,
// or "" when there is too little evidence (no letters, or fewer than
// minHits function words of a language written in the Latin or Cyrillic
// script).
func (c *Counter) Language() string {
	best := latin
	for s := range numScripts {
		if c.scripts[s] > c.scripts[best] {
			best = script(s)
		}
	}
	switch {
	case c.scripts[best] == 0 || best == otherScript:
		return ""
	case best == han && 5*c.scripts[kana] >= c.scripts[han]:
		// Japanese writes many words in Chinese characters.
		return "ja"
	}
	if code := scriptLanguage[best]; code != "" {
		return code
	}
	// Latin or Cyrillic: the language with the most function words among
	// those written in that script; ties go to the first listed.
	top := -1
	for l := range numLangs {
		if langs[l].script == best && (top < 0 || c.hits[l] > c.hits[top]) {
			top = l
		}
	}
	if top < 0 || c.hits[top] < minHits {
		return ""
	}
	return langs[top].code
}

// Detect returns the ISO 639-1 code of the language text is written in, or
// "" when the text holds too little to tell (see Counter.Language).
func Detect(text string) string {
	var c Counter
	c.Add(text)
	return c.Language()
}

// ReadsAsEnglish reports whether text may be read as English: it is not when
// most of its letters are outside the Latin script, or when it holds at
// least four function words of one other language and more than twice as
// many as English ones. Text with no such evidence (names, addresses,
// lists, short headings) reads as English.
func ReadsAsEnglish(text string) bool {
	var c Counter
	c.Add(text)
	return c.readsAsEnglish()
}

func (c *Counter) readsAsEnglish() bool {
	nonLatin := 0
	for s, n := range c.scripts {
		if script(s) != latin {
			nonLatin += n
		}
	}
	if nonLatin > c.scripts[latin] {
		return false
	}
	eng := c.hits[langEnglish]
	for l := range numLangs {
		if l != langEnglish && c.hits[l] >= 4 && c.hits[l] > 2*eng {
			return false
		}
	}
	return true
}

// Name returns the English name of the language of an ISO 639-1 code that
// Detect may return, or the code itself.
func Name(code string) string {
	for _, l := range langs {
		if l.code == code {
			return l.name
		}
	}
	for _, s := range scriptLangs {
		if s.code == code {
			return s.name
		}
	}
	return code
}

// Supported lists the codes Detect may return, those told by their words
// first.
func Supported() []string {
	var out []string
	for _, l := range langs {
		out = append(out, l.code)
	}
	for _, s := range scriptLangs {
		out = append(out, s.code)
	}
	return out
}
