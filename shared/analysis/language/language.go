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
	for tok := range strings.FieldsSeq(text) {
		if skipToken(tok) {
			continue
		}
		for w := range strings.FieldsFuncSeq(tok, notWordRune) {
			b := buf[:0]
			for _, r := range w {
				if unicode.IsLetter(r) {
					c.scripts[scriptOf(r)]++
				}
				b = utf8.AppendRune(b, unicode.ToLower(r))
			}
			c.words++
			if mask, ok := lists[string(b)]; ok {
				for l := range numLangs {
					if mask&(1<<l) != 0 {
						c.hits[l]++
					}
				}
			}
		}
	}
}

// skipToken reports whether a white-space separated token is a link or an
// e-mail address, whose words are no evidence of the language.
func skipToken(tok string) bool {
	return strings.Contains(tok, "://") || strings.Contains(tok, "@") ||
		strings.Contains(tok, "](") || strings.HasPrefix(tok, "www.")
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsMark(r) && r != '\'' && r != '\u2019'
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
