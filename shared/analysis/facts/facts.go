// Package facts finds key facts in a policy's text: its title, the date it
// was last updated or took effect, contact e-mail addresses, URLs and the
// regulations and frameworks it names.
package facts

import (
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
	f := policy.Facts{
		Title:       title(doc),
		Updated:     findDate(doc, text, lower),
		Emails:      findEmails(text, lower),
		URLs:        findURLs(text, lower),
		Regulations: findRegulations(text, lower),
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

// title returns the document's title: the extractor's title (HTML <title>,
// PDF metadata, Markdown front matter) unless it is a placeholder such as
// "Untitled" or a file name, else the first heading, else the first short
// line of the text.
func title(doc *policy.Document) string {
	if t := cleanTitle(doc.Title); t != "" && !placeholderTitle(t) {
		return t
	}
	for i, b := range doc.Blocks {
		if i >= 10 {
			break
		}
		if b.Kind == policy.Heading {
			if t := cleanTitle(b.Text); t != "" {
				return t
			}
		}
	}
	seen := 0
	for _, b := range doc.Blocks {
		for _, l := range strings.Split(b.Text, "\n") {
			l = strings.TrimSpace(l)
			if l == "" {
				continue
			}
			if seen++; seen > 3 {
				return ""
			}
			if titleLine(l) {
				return cleanTitle(l)
			}
		}
	}
	return ""
}

// titleLine reports whether a line can be a title: short, with letters,
// not a sentence and not a date line.
func titleLine(l string) bool {
	if utf8.RuneCountInString(l) > 100 || len(strings.Fields(l)) > 15 {
		return false
	}
	if strings.IndexFunc(l, unicode.IsLetter) < 0 || strings.HasSuffix(l, ".") {
		return false
	}
	ll := asciiLower(l)
	for _, cue := range []string{"updated", "effective", "revised", "modified"} {
		if strings.Contains(ll, cue) {
			return false
		}
	}
	if _, _, ok := parseDateAt(l); ok {
		return false
	}
	return true
}

// cleanTitle collapses white space and removes Markdown and decoration
// characters around a title, and a final colon or period; it bounds the
// length.
func cleanTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, "#*_=~ ")
	s = strings.TrimRight(s, ":. ")
	if utf8.RuneCountInString(s) > maxTitleChars {
		r := []rune(s)[:maxTitleChars]
		s = strings.TrimSpace(string(r)) + "…"
	}
	return s
}

// placeholderTitle reports whether a metadata title says nothing: an
// authoring tool's default or a file name.
func placeholderTitle(t string) bool {
	l := strings.ToLower(t)
	if len(l) < 3 || strings.IndexFunc(l, unicode.IsLetter) < 0 {
		return true
	}
	for _, p := range []string{"untitled", "microsoft word - ", "document1", "no title"} {
		if strings.Contains(l, p) {
			return true
		}
	}
	for _, ext := range []string{".doc", ".docx", ".pdf", ".odt", ".rtf", ".txt", ".indd", ".pages", ".html", ".htm"} {
		if strings.HasSuffix(l, ext) {
			return true
		}
	}
	return false
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
