// Package facts finds key facts in a policy's text: its title, the company
// it speaks for, the date it was last updated or took effect, contact
// e-mail addresses, URLs and the regulations and frameworks it names.
package facts

import (
	"iter"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Caps on the lists, so that a policy's summary stays small (it is stored
// as one DynamoDB item, at most 400 KB): at most MaxEmails addresses, and
// MaxURLs URLs of at most MaxURLChars bytes each (longer ones are skipped),
// about 25 KB at worst.
const (
	MaxEmails   = 20
	MaxURLs     = 50
	MaxURLChars = 500
	// maxTitleChars bounds the title.
	maxTitleChars = 200
)

// Find returns the key facts of doc. Emails, URLs and Regulations are
// never nil.
func Find(doc *policy.Document) policy.Facts {
	text := doc.Text()
	lower := asciiLower(text)
	t := title(doc)
	f := policy.Facts{
		Title:       t,
		Company:     findCompany(text, t),
		Updated:     findDate(doc, text, lower),
		Emails:      findEmails(text, lower, doc.LinkEmails),
		URLs:        findURLs(text, lower),
		Regulations: findRegulations(text, lower),
	}
	if f.Company == "" {
		f.Company = siteCompany(text, f.Emails, f.URLs)
	}
	return f
}

// asciiLower lower-cases the ASCII letters of s, keeping every byte offset
// the same as in s.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// isWordRune reports whether r is a letter or digit.
func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// bounded reports whether text[i:j] is a whole word: no letter or digit
// touches it on either side.
func bounded(text string, i, j int) bool {
	if i > 0 {
		r, _ := utf8.DecodeLastRuneInString(text[:i])
		if isWordRune(r) {
			return false
		}
	}
	if j < len(text) {
		r, _ := utf8.DecodeRuneInString(text[j:])
		if isWordRune(r) {
			return false
		}
	}
	return true
}

// indexAll yields the start of each occurrence of sub (not empty) in s,
// left to right, each search resuming after the occurrence before.
func indexAll(s, sub string) iter.Seq[int] {
	return func(yield func(int) bool) {
		for off := 0; off < len(s); {
			i := strings.Index(s[off:], sub)
			if i < 0 || !yield(off+i) {
				return
			}
			off += i + len(sub)
		}
	}
}
