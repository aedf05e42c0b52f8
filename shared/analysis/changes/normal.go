package changes

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Normalisation: what counts as cosmetic. Two texts are the same up to
// cosmetic differences when their keys (Key) are equal. The key keeps the
// words of a text and drops everything else:
//
//   - letter case, white space, punctuation and symbols (also inside words:
//     "third-party", "third party" and "thirdparty" are the same; so are
//     "e-mail" and "email", and “quotes” and "quotes");
//   - characters that are not displayed (zero-width spaces, byte-order
//     marks);
//   - link targets: the extractors keep a link's text and drop its URL, so
//     a changed target never reaches the clause text; a URL written in the
//     text is compared without its scheme, "www.", fragment, trailing slash
//     and tracking parameters (utm_*, fbclid, gclid and the others of
//     trackingParams);
//   - the number or letter that enumerates a list item or section at the
//     start of a sentence ("3.", "(b)", "iv)"), so renumbering is cosmetic;
//   - "last updated" and "effective" lines: a sentence made of nothing but
//     such a cue, a date and filler words ("Last updated: March 3, 2025",
//     "(Effective June 1, 2026)", "Updated over a week ago", a line holding
//     only a date) has no words at all, so that changing, adding or removing
//     it is cosmetic; such a line at the start of a sentence counts as a
//     sentence of its own, and one that starts at a cue inside a sentence
//     is left out ("previous versions: Effective May 3, 2024 Effective
//     June 1, 2023"); a date after a cue and at most three filler words
//     ("this policy was updated by us on 1 May 2025") is replaced by one
//     date token.

// dateToken replaces a date in a key. It cannot occur in text keys, which
// hold letters, digits and URL characters only.
const dateToken = "\x00date"

// Key returns the comparison key of text: its words in lower case without
// punctuation or white space, with URLs, list enumerators and last-updated
// dates normalised as described above; "" for a text without words and for
// a date line. Texts whose keys are equal differ only cosmetically. Key
// treats text as one sentence; clause texts are compared sentence by
// sentence.
func Key(text string) string {
	return sentenceKey(text)
}

// sentenceKey is Key of one sentence.
func sentenceKey(s string) string {
	return joinWords(sentenceWords(normalWords(s, nil)))
}

// sentenceWords returns the words that make the key of a sentence: none
// for a date line; else the words without the date lines that start at a
// cue ("... policies: Effective March 7, 2022 Effective January 1, 2020")
// and with a date shortly after a cue replaced.
func sentenceWords(words []string) []string {
	if dateLine(words) {
		return nil
	}
	out := words[:0]
	for k := 0; k < len(words); {
		if cues[words[k]] {
			if n := leadingDateLine(words[k:]); n > 0 {
				k += n
				continue
			}
		}
		out = append(out, words[k])
		k++
	}
	return dateNormal(out)
}

func joinWords(words []string) string {
	n := 0
	for _, w := range words {
		n += len(w)
	}
	var sb strings.Builder
	sb.Grow(n)
	for _, w := range words {
		sb.WriteString(w)
	}
	return sb.String()
}

// normalWords returns the normalised words of s: runs of letters, digits
// and combining marks in lower case, URLs and e-mail addresses as one word
// each (see canonicalURL), without a leading list enumerator. When at is
// not nil, it receives the byte offset in s of the field (run of non-space
// characters) each word comes from.
func normalWords(s string, at *[]int) []string {
	var words []string
	first := true
	forFields(s, func(f string, start, _ int) {
		if first {
			first = false
			if isEnumerator(f) {
				return
			}
		}
		n := len(words)
		words = appendFieldWords(words, f)
		if at != nil {
			for ; n < len(words); n++ {
				*at = append(*at, start)
			}
		}
	})
	return words
}

// forFields calls fn for each run of non-space characters of s with its
// byte offsets.
func forFields(s string, fn func(f string, start, end int)) {
	start := -1
	for i := 0; i < len(s); {
		c := s[i]
		var space bool
		size := 1
		if c < utf8.RuneSelf {
			space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
		}
		if space {
			if start >= 0 {
				fn(s[start:i], start, i)
				start = -1
			}
		} else if start < 0 {
			start = i
		}
		i += size
	}
	if start >= 0 {
		fn(s[start:], start, len(s))
	}
}

// appendFieldWords appends the normalised words of one field (a run of
// non-space characters) to words.
func appendFieldWords(words []string, f string) []string {
	core := strings.TrimFunc(f, func(r rune) bool { return !isWordRune(r) && r != '/' })
	if u, ok := canonicalURL(core); ok {
		return append(words, u)
	}
	if e, ok := emailWord(core); ok {
		return append(words, e)
	}
	start := -1
	for i, r := range f {
		if isWordRune(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			words = append(words, lower(f[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		words = append(words, lower(f[start:]))
	}
	return words
}

// isWordRune reports whether r is part of a word: a letter, digit or
// combining mark.
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return strings.ToLower(s)
		}
	}
	return s
}

// isEnumerator reports whether a field is a list or section enumerator:
// "3.", "3)", "(3)", "2.1.", "b.", "(b)", "iv.", "IV)".
func isEnumerator(f string) bool {
	if len(f) < 2 || len(f) > 12 {
		return false
	}
	body := f
	switch {
	case body[0] == '(' && body[len(body)-1] == ')':
		body = body[1 : len(body)-1]
	case body[len(body)-1] == '.' || body[len(body)-1] == ')':
		body = body[:len(body)-1]
	default:
		return false
	}
	if body == "" {
		return false
	}
	digits := true
	for _, part := range strings.Split(body, ".") {
		if part == "" || len(part) > 3 || strings.Trim(part, "0123456789") != "" {
			digits = false
			break
		}
	}
	if digits {
		return true
	}
	if len(body) == 1 && unicode.IsLetter(rune(body[0])) {
		return true
	}
	return romanNumeral().MatchString(strings.ToLower(body))
}

var romanNumeral = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$`) })

// emailWord returns an e-mail address in lower case.
func emailWord(s string) (string, bool) {
	at := strings.IndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 || !strings.Contains(s[at:], ".") {
		return "", false
	}
	return strings.ToLower(strings.TrimPrefix(s, "mailto:")), true
}

// trackingParams are query parameters that identify a campaign, a click or
// a visitor rather than the page; parameters starting with "utm_" are
// tracking parameters too.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "igshid": true, "mc_cid": true, "mc_eid": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "mkt_tok": true,
	"spm": true, "scm": true, "ref_src": true, "trk": true, "cmpid": true,
	"s_cid": true, "icid": true, "ncid": true, "oly_enc_id": true, "oly_anon_id": true,
	"vero_id": true, "rb_clickid": true, "wickedid": true, "__s": true,
}

// IsTrackingParam reports whether a URL query parameter only tracks the
// visit (utm_source, fbclid, gclid, ...), so that a change of it is
// cosmetic.
func IsTrackingParam(name string) bool {
	name = strings.ToLower(name)
	return strings.HasPrefix(name, "utm_") || trackingParams[name]
}

// canonicalURL returns the comparison form of a URL: host in lower case
// without "www.", path without a trailing slash, query without tracking
// parameters, no scheme and no fragment. It reports false when s is not a
// URL (it needs a scheme or a leading "www.").
func canonicalURL(s string) (string, bool) {
	rest := s
	if i := strings.Index(s, "://"); i > 0 && i < 10 {
		rest = s[i+3:]
	} else if strings.HasPrefix(s, "//") {
		rest = s[2:]
	} else if len(s) < 4 || !strings.EqualFold(s[:4], "www.") {
		return "", false
	}
	if rest == "" {
		return "", false
	}
	if i := strings.IndexByte(rest, '#'); i >= 0 {
		rest = rest[:i]
	}
	query := ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		rest, query = rest[:i], rest[i+1:]
	}
	host, path := rest, ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		host, path = rest[:i], rest[i:]
	}
	host = strings.ToLower(host)
	host = strings.TrimPrefix(host, "www.")
	path = strings.TrimRight(path, "/")
	var kept []string
	for _, p := range strings.Split(query, "&") {
		if p == "" {
			continue
		}
		name, _, _ := strings.Cut(p, "=")
		if !IsTrackingParam(name) {
			kept = append(kept, p)
		}
	}
	u := host + path
	if len(kept) > 0 {
		u += "?" + strings.Join(kept, "&")
	}
	return u, true
}

// CanonicalURL returns the form in which URLs are compared (see Key), or
// the URL itself in lower case when it does not parse as one.
func CanonicalURL(s string) string {
	if u, ok := canonicalURL(strings.TrimSpace(s)); ok {
		return u
	}
	return strings.ToLower(strings.TrimSpace(s))
}
