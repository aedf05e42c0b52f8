package segment

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// family is the kind of a heading, used to infer nesting: headings of the
// same family and rank are siblings; within the ranked families (explicit
// levels and decimal numbering) a lower rank is an ancestor; a heading of
// a family not yet open nests under the open ones.
type family uint8

const (
	famLevel   family = iota + 1 // HTML h1-h6, Markdown '#', PDF levels; rank is the level
	famNumber                    // "4.", "4.2": rank is the numbering depth
	famSection                   // "Section 3", "Article 5", "Part II", "§ 4"
	famRoman                     // "IV."
	famAlpha                     // "B."
	famCaps                      // ALL CAPS
	famLine                      // a short title-case or sentence-case line
	famMarked                    // a heading the extractor marked without a level (bold-only)
	famMarkedCaps
)

func (f family) ranked() bool { return f == famLevel || f == famNumber }

// numbered reports whether headings of the family carry a number.
func (f family) numbered() bool {
	return f == famNumber || f == famSection || f == famRoman || f == famAlpha
}

// heading is a recognised heading.
type heading struct {
	text string
	fam  family
	rank int
	// toc: the heading of a table of contents ("Contents"), whose list is
	// navigation rather than policy text.
	toc bool
}

// headingMode says which line-level heading patterns apply to a document.
type headingMode uint8

const (
	headingsNone   headingMode = iota // the source marks its headings (HTML, Markdown)
	headingsStrong                    // numbered, section, ALL CAPS only
	headingsAll                       // plus title-case and short lines
)

// cleanHeading tidies heading text: white space collapsed, decoration
// ("== x ==", "**x**") and a final colon removed.
func cleanHeading(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, "*_=#~ ")
	s = strings.TrimRight(s, ": ")
	return s
}

// markedHeading classifies a heading block from the extractor.
func markedHeading(text string, level int) heading {
	h := heading{text: text, toc: isTOC(text)}
	switch {
	case level > 0:
		h.fam, h.rank = famLevel, level
	default:
		if depth, _, ok := decimalNumber(text); ok {
			h.fam, h.rank = famNumber, depth
		} else if isAllCaps(text) {
			h.fam = famMarkedCaps
		} else {
			h.fam = famMarked
		}
	}
	return h
}

// lineHeading reports whether a line of plain text reads as a heading and
// how: numbered ("4. Sharing", "4.2 Service providers", "IV. Rights",
// "Section 3 - Contact"), ALL CAPS, or (mode headingsAll) a short
// title-case or sentence-case line. A heading does not end like a sentence
// ('.', ',', ';', '!'); a final ':' is allowed when the rest is title case
// or capitals; a final '?' when the line is short.
func lineHeading(line string, mode headingMode) (heading, bool) {
	t := strings.TrimSpace(line)
	// Cheap rejections first: most lines are prose.
	if mode == headingsNone || len(t) < 2 || len(t) > 4*120 {
		return heading{}, false
	}
	switch t[len(t)-1] {
	case '.', ',', ';', '!':
		if !strings.HasSuffix(t, "**") {
			return heading{}, false
		}
	}
	if words := countWords(t); words > 15 {
		return heading{}, false
	}
	n := utf8.RuneCountInString(t)
	if n > 120 || strings.ContainsAny(t, "@|") || strings.Contains(t, "://") || containsFoldASCII(t, "www.") {
		return heading{}, false
	}
	first, _ := utf8.DecodeRuneInString(t)
	if mk, enum := listMarker(t); mk > 0 && !enum || unicode.IsLower(first) {
		return heading{}, false
	}
	body := strings.Trim(t, "*_=#~ ")
	colon := strings.HasSuffix(body, ":")
	body = strings.TrimRight(body, ": ")
	if body == "" || !hasLetter(body) {
		return heading{}, false
	}
	last, _ := utf8.DecodeLastRuneInString(body)
	question := last == '?'
	switch last {
	case '.', ',', ';', '!':
		return heading{}, false
	}
	h := heading{}

	if depth, rest, ok := decimalNumber(body); ok {
		if headingRest(rest, colon, 14) {
			h.fam, h.rank = famNumber, depth
			return named(h, t), true
		}
		return heading{}, false
	}
	if rest, ok := sectionNumber(body); ok {
		if rest == "" || headingRest(strings.TrimLeft(rest, "-–—:. "), colon, 14) {
			h.fam = famSection
			return named(h, t), true
		}
		return heading{}, false
	}
	if rest, roman, ok := letterNumber(body); ok {
		if headingRest(rest, colon, 14) {
			h.fam = famAlpha
			if roman {
				h.fam = famRoman
			}
			return named(h, t), true
		}
		return heading{}, false
	}
	words := strings.Fields(body)
	if isAllCaps(body) {
		if len(words) <= 14 && !strings.Contains(body, ": ") && !question {
			h.fam = famCaps
			return named(h, t), true
		}
		return heading{}, false
	}
	if mode != headingsAll || len(words) > 12 || strings.Contains(body, ": ") || n > 90 {
		return heading{}, false
	}
	for _, w := range words {
		if !hasLetter(w) && strings.ContainsAny(w, "0123456789") {
			return heading{}, false // dates, amounts, phone numbers
		}
	}
	if isFunctionWord(words[len(words)-1]) {
		return heading{}, false // a wrapped line, not a title
	}
	title := isTitleCase(words)
	switch {
	case question:
		if !title && len(words) > 10 {
			return heading{}, false
		}
	case colon:
		if !title {
			return heading{}, false
		}
	case title:
		if len(words) > 10 {
			return heading{}, false
		}
	default:
		if len(words) > 6 || strings.ContainsAny(body, ",()") {
			return heading{}, false
		}
	}
	h.fam = famLine
	return named(h, t), true
}

// named completes a heading recognised in line t with its text.
func named(h heading, t string) heading {
	h.text = cleanHeading(t)
	h.toc = isTOC(h.text)
	return h
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// countWords counts the space-separated words of s.
func countWords(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); i++ {
		space := s[i] == ' ' || s[i] == '\t'
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}

// containsFoldASCII reports whether s contains sub (lower-case ASCII),
// ignoring ASCII case.
func containsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i]|0x20 == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// headingRest checks the text after a heading number: it starts with a
// capital, is at most maxWords words, holds one sentence, and before a
// final colon is title case or capitals.
func headingRest(rest string, colon bool, maxWords int) bool {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return false
	}
	r, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, "\"'“‘("))
	if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return false
	}
	words := strings.Fields(rest)
	if len(words) > maxWords || hasSentenceBreak(rest) {
		return false
	}
	if colon && !isTitleCase(words) && !isAllCaps(rest) {
		return false
	}
	return true
}

// decimalNumber parses a decimal heading number at the start of s: "4.",
// "4)", "4.2", "4.2.", "4.2.1" followed by white space. A bare number
// without a period ("4 Sharing") counts only for one or two digits. It
// returns the numbering depth and the rest of s.
func decimalNumber(s string) (depth int, rest string, ok bool) {
	i, depth := 0, 1
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if digits == 0 || digits > 3 {
		return 0, "", false
	}
	punct := false
	for i < len(s) && s[i] == '.' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' {
		i++
		d := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			d++
		}
		if d > 3 {
			return 0, "", false
		}
		depth++
		punct = true
	}
	if i < len(s) && (s[i] == '.' || s[i] == ')') {
		i++
		punct = true
	}
	if i >= len(s) || s[i] != ' ' && s[i] != '\t' {
		return 0, "", false
	}
	if !punct && digits > 2 {
		return 0, "", false
	}
	return depth, s[i:], true
}

// sectionNumber parses "Section 3", "ARTICLE 5", "Part II", "Chapter 2",
// "§ 4" at the start of s and returns the rest.
func sectionNumber(s string) (rest string, ok bool) {
	var i int
	switch {
	case strings.HasPrefix(s, "§"):
		i = len("§")
	case s[0] == 'S' || s[0] == 'A' || s[0] == 'P' || s[0] == 'C':
		for _, w := range []string{"section ", "article ", "part ", "chapter ", "schedule ", "annex ", "appendix "} {
			if hasPrefixFold(s, w) {
				i = len(w)
				break
			}
		}
		if i == 0 {
			return "", false
		}
	default:
		return "", false
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	j := i
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || strings.IndexByte("IVXLivxlABCDEFGH", s[j]) >= 0) {
		j++
	}
	if j == i || j < len(s) && s[j] != ' ' && s[j] != ':' && s[j] != '-' && s[j] != ')' {
		return "", false
	}
	return strings.TrimSpace(strings.TrimLeft(s[j:], ".:)")), true
}

// letterNumber parses an upper-case letter or Roman numeral heading
// number, "B." or "IV." or "IV)", at the start of s.
func letterNumber(s string) (rest string, roman, ok bool) {
	i := 0
	for i < len(s) && s[i] >= 'A' && s[i] <= 'Z' {
		i++
	}
	if i == 0 || i+1 >= len(s) || s[i] != '.' && s[i] != ')' || s[i+1] != ' ' {
		return "", false, false
	}
	num := s[:i]
	isRoman := strings.Trim(num, "IVXLC") == ""
	if i > 1 && !isRoman {
		return "", false, false
	}
	// A lone "I", "V" or "X" is read as Roman, other single letters as
	// letters.
	roman = isRoman && (i > 1 || num == "I" || num == "V" || num == "X")
	return s[i+1:], roman, true
}

// isAllCaps reports whether s has at least two letters and no lower-case
// ones.
func isAllCaps(s string) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return letters >= 2
}

// smallWords are not capitalised in title case.
var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "nor": true,
	"but": true, "of": true, "to": true, "in": true, "on": true, "at": true,
	"by": true, "for": true, "with": true, "from": true, "as": true,
	"into": true, "onto": true, "via": true, "vs": true, "per": true,
	"about": true, "over": true, "under": true, "within": true,
	"without": true, "than": true, "if": true, "is": true, "are": true,
	"&": true, "/": true, "-": true, "–": true, "—": true,
}

// functionWords cannot end a title: a line ending with one is a wrapped
// sentence.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true,
	"to": true, "in": true, "on": true, "at": true, "by": true, "for": true,
	"with": true, "from": true, "as": true, "into": true, "our": true,
	"your": true, "their": true, "we": true, "that": true, "which": true,
	"is": true, "are": true, "be": true, "will": true, "may": true,
	"can": true, "this": true, "these": true, "such": true, "if": true,
	"when": true, "where": true, "who": true,
}

// isTitleCase reports whether words are in title case: the first and every
// significant word capitalised, allowing one exception in longer titles.
func isTitleCase(words []string) bool {
	lower := 0
	sig := 0
	for i, w := range words {
		w = strings.TrimLeft(w, "\"'“‘(")
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) {
			continue
		}
		if i > 0 && smallWords[strings.ToLower(strings.TrimRight(w, ",:;"))] {
			continue
		}
		sig++
		if !unicode.IsUpper(r) {
			if i == 0 {
				return false
			}
			lower++
		}
	}
	return sig > 0 && (lower == 0 || lower == 1 && sig >= 5)
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func hasAlnum(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// isBulletRune reports whether r is a bullet glyph.
func isBulletRune(r rune) bool {
	switch r {
	case '•', '◦', '▪', '▫', '·', '‣', '⁃', '●', '○', '■', '□', '►', '▶', '➢', '➤', '✓', '✔', '-', '*', '–', '—', '+':
		return true
	}
	return false
}

// listMarker returns the length in bytes of a list marker at the start of
// line (a bullet, or an enumerator such as "1.", "1)", "(a)", "a)", "iv.")
// followed by white space, and whether it is an enumerator; 0 if none.
func listMarker(line string) (n int, enum bool) {
	r, size := utf8.DecodeRuneInString(line)
	if isBulletRune(r) {
		if size < len(line) && (line[size] == ' ' || line[size] == '\t') {
			return size, false
		}
		return 0, false
	}
	i := 0
	paren := false
	if i < len(line) && line[i] == '(' {
		i++
		paren = true
	}
	j := i
	for j < len(line) && j-i < 4 && (line[j] >= '0' && line[j] <= '9' || line[j] >= 'a' && line[j] <= 'z' || line[j] >= 'A' && line[j] <= 'Z') {
		j++
	}
	if j == i || j >= len(line) {
		return 0, false
	}
	tok := line[i:j]
	digits := strings.Trim(tok, "0123456789") == ""
	letter := len(tok) == 1
	romanNum := len(tok) <= 4 && strings.Trim(strings.ToLower(tok), "ivx") == ""
	if !(digits && len(tok) <= 3 || letter || romanNum) {
		return 0, false
	}
	switch {
	case line[j] == ')':
		j++
	case line[j] == '.' && !paren:
		j++
	default:
		return 0, false
	}
	if j >= len(line) || line[j] != ' ' && line[j] != '\t' {
		return 0, false
	}
	return j, true
}

// chrome are short lines of page furniture dropped from the clauses,
// compared in lower case without surrounding punctuation.
var chrome = map[string]bool{
	"back to top": true, "return to top": true, "go to top": true,
	"to top": true, "top": true, "top of page": true, "back to top of page": true,
	"scroll to top": true, "skip to content": true, "skip to main content": true,
	"skip navigation": true, "print": true, "print this page": true,
	"print page": true, "share": true, "share this page": true, "close": true,
	"menu": true, "expand all": true, "collapse all": true, "show more": true,
	"read more": true, "click here to print": true, "back": true,
	"return to the top": true, "back to the top": true,
}

// isChrome reports whether text is page furniture.
func isChrome(text string) bool {
	if len(text) > 40 {
		return false
	}
	t := strings.ToLower(strings.TrimFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}))
	return chrome[t]
}

// tocNames are the headings of tables of contents.
var tocNames = map[string]bool{
	"contents": true, "table of contents": true, "index": true,
	"in this policy": true, "in this notice": true, "on this page": true,
	"quick links": true, "jump to": true, "jump to section": true,
	"summary of contents": true, "sections": true, "navigation": true,
}

func isTOC(text string) bool {
	return len(text) < 30 && tocNames[strings.ToLower(strings.TrimRight(text, ": "))]
}

// isFunctionWord reports whether w is one of functionWords, ignoring case.
func isFunctionWord(w string) bool {
	if len(w) > 5 {
		return false
	}
	var buf [5]byte
	for i := 0; i < len(w); i++ {
		buf[i] = w[i] | 0x20
	}
	return functionWords[string(buf[:len(w)])]
}

// enumerator returns the enumerator of a numbered list line without its
// punctuation: "3" for "3. Text", "2.1" for "2.1 Text", "b" for "(b) Text",
// or "".
func enumerator(line string) string {
	if n, enum := listMarker(line); enum {
		return strings.Trim(line[:n], "().) \t")
	}
	if _, rest, ok := decimalNumber(line); ok {
		return strings.TrimRight(strings.TrimSpace(line[:len(line)-len(rest)]), ".)")
	}
	return ""
}

// nextEnumerator returns the enumerator after tok: "4" after "3", "2.2"
// after "2.1", "c" after "b", "iv" after "iii"; "" when unknown.
func nextEnumerator(tok string) string {
	if tok == "" {
		return ""
	}
	if i := strings.LastIndexByte(tok, '.'); i >= 0 {
		if next := nextEnumerator(tok[i+1:]); next != "" {
			return tok[:i+1] + next
		}
		return ""
	}
	if n := leadingInt(tok); n > 0 && len(tok) <= 3 && strings.Trim(tok, "0123456789") == "" {
		return strconv.Itoa(n + 1)
	}
	lower := strings.ToLower(tok)
	for i, r := range romans {
		if lower == r && i+1 < len(romans) {
			if tok != lower {
				return strings.ToUpper(romans[i+1])
			}
			return romans[i+1]
		}
	}
	if len(tok) == 1 && (tok[0] >= 'a' && tok[0] < 'z' || tok[0] >= 'A' && tok[0] < 'Z') {
		return string(tok[0] + 1)
	}
	return ""
}

var romans = []string{"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"}

// firstEnumerator reports whether tok starts a list: "1", "a", "A", "i",
// "I".
func firstEnumerator(tok string) bool {
	switch tok {
	case "1", "a", "A", "i", "I":
		return true
	}
	return false
}
