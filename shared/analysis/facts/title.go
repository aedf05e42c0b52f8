package facts

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// The title names the document: "<Company> Privacy Policy" (or Notice,
// Statement, ...) as the document states it. Where it comes from depends
// on the format:
//
//   - PDF: the largest text at the top of page one (the lines of a title
//     set over two or three lines are joined), else the file's metadata
//     title;
//   - HTML: the first <h1>, else the <title>;
//   - text and Markdown: the front matter's title, else the first line
//     near the top that names the document, joined to a short line right
//     above it that heads it ("Tidewater Family Dental" above "Notice of
//     Privacy Practices").
//
// In every format a candidate must name the document (NamesDocument), and
// is never a list item, a table row, a menu ("Privacy • Share"), a date
// line, a numbered section heading ("1. Introduction") or a sentence. When
// nothing qualifies there is no title rather than a wrong one.

// documentNames are the words with which a title names a privacy document,
// in the languages of the policies policylens reads.
var documentNames = []string{
	"privacy", "policy", "policies", "notice", "statement", "cookie", "data protection",
	"confidentialité", "données personnelles",
	"datenschutz", "privacidad", "privacidade", "privacité", "terms",
}

// NamesDocument reports whether a title names a privacy document: it holds
// a word such as "privacy", "policy", "notice" or "statement".
func NamesDocument(title string) bool {
	l := strings.ToLower(title)
	for _, w := range documentNames {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// topBlocks bounds how far from the top a title is looked for: this many
// blocks, or until substantialText paragraphs of body text have gone by.
const (
	topBlocks       = 15
	substantialText = 2
)

// title returns the document's title, or "".
func title(doc *policy.Document) string {
	meta := cleanTitle(doc.Title)
	if placeholderTitle(meta) || garbled(meta) || !NamesDocument(meta) || !titleLine(meta) {
		meta = ""
	}
	switch doc.Format {
	case policy.PDF:
		if t := pdfTitle(doc); t != "" {
			return t
		}
		return meta
	case policy.HTML:
		if t := headingTitle(doc, 1); t != "" {
			return t
		}
		if meta != "" {
			return meta
		}
	default:
		if meta != "" {
			return meta
		}
	}
	return topTitle(doc)
}

// pdfTitle is the largest text at the top of page one: the run of headings
// of the highest level that opens it, when it names the document.
func pdfTitle(doc *policy.Document) string {
	best := 0
	for i, b := range doc.Blocks {
		if i >= topBlocks || b.Page > 1 {
			break
		}
		if b.Kind == policy.Heading && b.Level > 0 && (best == 0 || b.Level < best) {
			best = b.Level
		}
	}
	if best == 0 {
		return topTitle(doc)
	}
	var lines []string
	for i, b := range doc.Blocks {
		if i >= topBlocks || b.Page > 1 {
			break
		}
		if b.Kind == policy.Heading && b.Level == best {
			lines = append(lines, cleanTitle(b.Text))
			continue
		}
		if len(lines) > 0 {
			break
		}
		if b.Kind == policy.Paragraph && utf8.RuneCountInString(b.Text) >= 150 {
			break // body text before any title
		}
	}
	t := cleanTitle(strings.Join(lines, " "))
	if t != "" && NamesDocument(t) && titleLine(t) {
		return t
	}
	return topTitle(doc)
}

// headingTitle is the first heading of the given level near the top, when
// it names the document.
func headingTitle(doc *policy.Document, level int) string {
	for i, b := range doc.Blocks {
		if i >= topBlocks {
			break
		}
		if b.Kind == policy.Heading && b.Level == level {
			if t := cleanTitle(b.Text); NamesDocument(t) && titleLine(t) {
				return t
			}
			return ""
		}
	}
	return ""
}

// topTitle is the title near the top of a document without one in its
// metadata: its first heading, when it names the document (or the second,
// when the first is the more prominent line heading it, a company's
// name); else the first line before that heading that names it, with the
// line of its paragraph that heads it.
func topTitle(doc *policy.Document) string {
	substantial := 0
	above := "" // the line before, if it could head a title
	for i, b := range doc.Blocks {
		if i >= topBlocks || substantial >= substantialText {
			break
		}
		switch b.Kind {
		case policy.ListItem, policy.TableRow:
			above = ""
			continue
		case policy.Heading:
			t := cleanTitle(b.Text)
			if NamesDocument(t) && titleLine(t) {
				return t
			}
			if head := headsTitle(t); head != "" && i+1 < len(doc.Blocks) {
				next := doc.Blocks[i+1]
				n := cleanTitle(next.Text)
				if next.Kind == policy.Heading && next.Level > b.Level && b.Level > 0 && NamesDocument(n) && titleLine(n) {
					return cleanTitle(head + " " + n)
				}
			}
			return ""
		}
		if utf8.RuneCountInString(b.Text) >= 150 {
			substantial++
		}
		above = ""
		for k, l := range strings.Split(b.Text, "\n") {
			if k >= 3 {
				break
			}
			t := cleanTitle(l)
			if NamesDocument(t) && titleLine(t) && !strings.HasSuffix(strings.TrimSpace(l), ":") {
				if above != "" {
					return cleanTitle(above + " " + t)
				}
				return t
			}
			above = headsTitle(t)
		}
	}
	return ""
}

// headsTitle returns t if it can be the line above a title that completes
// it (a company's name: a few words, no digits, not a sentence), else "".
func headsTitle(t string) string {
	if t == "" || len(strings.Fields(t)) > 6 || strings.ContainsAny(t, "0123456789:•·|") || NamesDocument(t) || !titleLine(t) ||
		strings.ToUpper(t) == t {
		return ""
	}
	return t
}

// titleLine reports whether a line can be a title: short, with letters,
// not a sentence, a date line, a menu or a numbered section heading.
func titleLine(l string) bool {
	if l == "" || utf8.RuneCountInString(l) > 120 || len(strings.Fields(l)) > 12 {
		return false
	}
	if strings.IndexFunc(l, unicode.IsLetter) < 0 || strings.HasSuffix(l, ".") || strings.HasSuffix(l, "?") {
		return false
	}
	if strings.ContainsAny(l, "•·") {
		return false // a menu: "Privacy • Share"
	}
	for _, f := range strings.Fields(l) {
		w := strings.Trim(asciiLower(f), ",.;:!?()")
		switch {
		case chromeWords[w]:
			return false // "Print this policy"
		case f == "we" || f == "you":
			return false // a sentence: "At Acme, we believe ..."
		case gluedLinks(f):
			return false // "Terms of ServicePrivacy PolicyContent Policy"
		}
	}
	if numberedSection(l) {
		return false
	}
	ll := asciiLower(l)
	for _, cue := range []string{"updated", "effective", "revised", "modified", "last update", "version"} {
		if strings.Contains(ll, cue) {
			return false
		}
	}
	for _, toc := range []string{"contents", "quick links", "on this page", "in this policy", "jump to"} {
		if strings.HasPrefix(ll, toc) {
			return false
		}
	}
	if _, _, ok := parseDateAt(l); ok {
		return false
	}
	return true
}

// numberedSection reports whether a line starts with a section number:
// "1.", "2.3", "1A.", "A.", "IV.", "(a)", "Section 4".
func numberedSection(l string) bool {
	f := strings.Fields(l)
	if len(f) == 0 {
		return false
	}
	w := f[0]
	if strings.HasPrefix(strings.ToLower(w), "section") || strings.HasPrefix(strings.ToLower(w), "article") {
		return len(f) > 1 && strings.IndexFunc(f[1], unicode.IsDigit) == 0
	}
	if strings.HasPrefix(w, "(") && strings.HasSuffix(w, ")") {
		return true
	}
	body := strings.TrimRight(w, ".):")
	if body == w || body == "" {
		// No closing punctuation: only digits count ("1 Introduction").
		return strings.Trim(w, "0123456789.") == "" && strings.IndexFunc(w, unicode.IsDigit) >= 0
	}
	if strings.Trim(body, "0123456789.") == "" {
		return true
	}
	if utf8.RuneCountInString(body) <= 2 && strings.IndexFunc(body, unicode.IsDigit) >= 0 {
		return true // "1A."
	}
	if utf8.RuneCountInString(body) == 1 && unicode.IsUpper([]rune(body)[0]) {
		return true // "A."
	}
	return strings.Trim(body, "IVXLC") == "" // "IV."
}

// chromeWords are the words of page furniture around a title: links and
// buttons, not the name of a document.
var chromeWords = map[string]bool{
	"print": true, "download": true, "click": true, "view": true, "share": true,
	"login": true, "menu": true, "home": true, "back": true, "subscribe": true,
}

// gluedLinks reports whether a word is the text of links run together,
// a document's name glued to the next ("PolicyContent", "PolicyJane2026"):
// a lower-case letter followed by a capital or a digit inside a word that
// names a document.
func gluedLinks(w string) bool {
	if !NamesDocument(w) {
		return false
	}
	prev := ' '
	for _, r := range w {
		if unicode.IsLower(prev) && (unicode.IsUpper(r) || unicode.IsDigit(r)) {
			return true
		}
		prev = r
	}
	return false
}

// garbled reports whether a metadata title was decoded with the wrong
// character set ("â€“" for "–").
func garbled(t string) bool {
	return strings.Contains(t, "â") && strings.ContainsAny(t, "€•ﬁ\u0080\u0093\u0094") || strings.Contains(t, "Ã")
}

// cleanTitle collapses white space and removes Markdown and decoration
// characters around a title, a remark in brackets at its end ("(Last
// update 19.01.2023)", "(printable version)") and a final colon; it bounds
// the length.
func cleanTitle(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, "#*_=~ ")
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i > 0 {
			s = s[:i]
		}
	}
	s = strings.TrimRight(s, ": ")
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
