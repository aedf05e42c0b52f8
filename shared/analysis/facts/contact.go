package facts

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// findEmails returns the e-mail addresses in text in order of appearance,
// then those of the document's mailto links (linked) that text does not
// show, without duplicates (compared case-insensitively), with the domain
// in lower case. Addresses written to dodge harvesters, "privacy [at]
// example [dot] com" or "privacy (at) example.com", are included in their
// plain form. Image file names that look like addresses ("logo@2x.png")
// are not, nor a link's target that holds no address.
func findEmails(text, lower string, linked []string) []string {
	out := []string{}
	seen := map[string]bool{}
	addEmail := func(local, domain string) {
		if len(out) >= MaxEmails {
			return
		}
		e := local + "@" + strings.ToLower(domain)
		if k := strings.ToLower(e); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	scanEmails(text, addEmail)
	if hasBracketedAt(lower) {
		for _, m := range obfuscatedEmail().FindAllStringSubmatch(text, -1) {
			domain := dotWord().ReplaceAllString(m[2], ".")
			domain = strings.Join(strings.Fields(domain), "")
			if validEmail(m[1], domain) {
				addEmail(m[1], domain)
			}
		}
	}
	for _, l := range linked {
		scanEmails(l, addEmail)
	}
	return out
}

// scanEmails calls add with the local part and domain of each plain
// address in text, in order.
func scanEmails(text string, add func(local, domain string)) {
	for off := 0; off < len(text); {
		i := strings.IndexByte(text[off:], '@')
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		ls := i
		for ls > 0 && isLocalByte(text[ls-1]) {
			ls--
		}
		de := i + 1
		for de < len(text) && isDomainByte(text[de]) {
			de++
		}
		local := strings.TrimLeft(text[ls:i], ".")
		domain := strings.TrimRight(text[i+1:de], ".-")
		if validEmail(local, domain) {
			add(local, domain)
			off = de
		}
	}
}

// hasBracketedAt reports whether lower contains "[at]", "(at)" or "{at}",
// with optional spaces: the sign of an obfuscated address.
func hasBracketedAt(lower string) bool {
	for _, open := range []byte{'[', '(', '{'} {
		for off := 0; off < len(lower); {
			i := strings.IndexByte(lower[off:], open)
			if i < 0 {
				break
			}
			j := off + i + 1
			for j < len(lower) && lower[j] == ' ' {
				j++
			}
			if strings.HasPrefix(lower[j:], "at") {
				return true
			}
			off = off + i + 1
		}
	}
	return false
}

var (
	obfuscatedEmail = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b([a-z0-9][a-z0-9._%+-]*)\s*[\[({]\s*at\s*[\])}]\s*([a-z0-9-]+(?:(?:\s*[\[({]\s*dot\s*[\])}]\s*|\.)[a-z0-9-]+)+)`)
	})
	dotWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\s*[\[({]\s*dot\s*[\])}]\s*`) })
)

func isLocalByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-'", c) >= 0
}

func isDomainByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

// fileSuffixes are "top-level domains" that are really file types.
var fileSuffixes = map[string]bool{
	"png": true, "jpg": true, "jpeg": true, "gif": true, "svg": true,
	"webp": true, "css": true, "js": true, "ico": true, "bmp": true,
}

// validEmail checks the shape of an address: a local part without leading,
// trailing or doubled dots, and a domain of two or more labels whose last
// is two or more letters.
func validEmail(local, domain string) bool {
	local = strings.TrimLeft(local, "'")
	if local == "" || len(local) > 64 || len(domain) > 253 || strings.HasSuffix(local, ".") || strings.Contains(local, "..") {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
	}
	tld := strings.ToLower(labels[len(labels)-1])
	if len(tld) < 2 || fileSuffixes[tld] {
		return false
	}
	for i := 0; i < len(tld); i++ {
		if tld[i] < 'a' || tld[i] > 'z' {
			return false
		}
	}
	return true
}

// findURLs returns the http, https and www. URLs in text in order of
// appearance, with trailing punctuation trimmed and duplicates removed
// (scheme and host compared case-insensitively, a final '/' ignored).
// At most MaxURLs are returned; URLs longer than MaxURLChars are skipped.
func findURLs(text, lower string) []string {
	out := []string{}
	seen := map[string]bool{}
	eachURL(text, lower, func(start, end int) bool {
		u := text[start:end]
		if k := urlKey(u); !seen[k] {
			seen[k] = true
			out = append(out, u)
		}
		return len(out) < MaxURLs
	})
	return out
}

// URLsIn returns every place text writes an http, https or www. URL, in
// order, as Find reads them (Name is the URL as written, its trailing
// punctuation trimmed), repeats included; URLs longer than MaxURLChars
// are left out.
func URLsIn(text string) []Occurrence {
	var out []Occurrence
	eachURL(text, asciiLower(text), func(start, end int) bool {
		out = append(out, Occurrence{text[start:end], start, end})
		return true
	})
	return out
}

// eachURL calls fn with the byte span of each URL of text in order, while
// fn returns true; lower is text in lower case (ASCII letters only).
func eachURL(text, lower string, fn func(start, end int) bool) {
	for off := 0; off < len(lower); {
		i, n := nextURLStart(lower, off)
		if i < 0 {
			return
		}
		j := urlEnd(text, i+n)
		off = j
		u := trimURL(text[i:j])
		if len(u) <= n || len(u) > MaxURLChars || !validHost(u, n) {
			continue
		}
		if !fn(i, i+len(u)) {
			return
		}
	}
}

// nextURLStart finds the next "http://", "https://" or "www." in lower at
// or after off that starts a word; it returns its index and the length of
// the prefix, or -1.
func nextURLStart(lower string, off int) (int, int) {
	for off < len(lower) {
		h := strings.Index(lower[off:], "http")
		w := strings.Index(lower[off:], "www.")
		if h < 0 && w < 0 {
			return -1, 0
		}
		var i, n int
		switch {
		case h >= 0 && (w < 0 || h < w):
			i = off + h
			switch {
			case strings.HasPrefix(lower[i:], "https://"):
				n = len("https://")
			case strings.HasPrefix(lower[i:], "http://"):
				n = len("http://")
			}
		default:
			i, n = off+w, len("www.")
		}
		if n > 0 && urlMayStart(lower, i) {
			return i, n
		}
		off = i + 1
	}
	return -1, 0
}

// urlMayStart reports whether a URL may start at lower[i]: at the start
// of the text or after white space or punctuation, not inside a word or
// another URL.
func urlMayStart(lower string, i int) bool {
	if i == 0 {
		return true
	}
	c := lower[i-1]
	if c >= utf8.RuneSelf {
		r, _ := utf8.DecodeLastRuneInString(lower[:i])
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}
	return !isURLByte(c) || c == '(' || c == '[' || c == '\'' || c == ':' || c == ','
}

// urlEnd returns where the URL whose host starts at text[j] ends: at the
// first byte that cannot be part of a URL, at a character beyond ASCII
// that is not a letter, digit or mark (an arrow, a curly quote, a
// no-break space: an internationalised path is written in letters), or at
// a closing bracket that closes none the URL opened. So a link written
// right before other words, "(see https://example.com/privacy)and" or
// "https://example.com/login→Settings", ends where its bracket or arrow
// begins, while "https://example.com/wiki/Privacy_(law)" keeps its own
// brackets and "https://example.de/datenschutzerklärung" its letters.
func urlEnd(text string, j int) int {
	paren, square := 0, 0
	for ; j < len(text) && isURLByte(text[j]); j++ {
		if text[j] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(text[j:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) {
				return j
			}
			j += size - 1
			continue
		}
		switch text[j] {
		case '(':
			paren++
		case '[':
			square++
		case ')':
			if paren--; paren < 0 {
				return j
			}
		case ']':
			if square--; square < 0 {
				return j
			}
		}
	}
	return j
}

// isURLByte reports whether c may be part of a URL as written in prose:
// anything but white space, controls, quotes and angle brackets. Non-ASCII
// bytes are accepted here (internationalised paths; urlEnd reads their
// characters).
func isURLByte(c byte) bool {
	if c <= ' ' || c == 0x7F {
		return false
	}
	switch c {
	case '"', '<', '>', '`', '{', '}', '|', '\\', '^':
		return false
	}
	return true
}

// trimURL removes punctuation that ends the sentence rather than the URL:
// trailing ".,;:!?'*" and closing quotes (a closing bracket without an
// opening one has ended the URL already: urlEnd).
func trimURL(u string) string {
	for len(u) > 0 {
		c := u[len(u)-1]
		switch {
		case strings.IndexByte(".,;:!?'*", c) >= 0:
			u = u[:len(u)-1]
		case strings.HasSuffix(u, "…"), strings.HasSuffix(u, "”"), strings.HasSuffix(u, "’"), strings.HasSuffix(u, "»"):
			_, size := lastRune(u)
			u = u[:len(u)-size]
		default:
			return u
		}
	}
	return u
}

func lastRune(s string) (rune, int) {
	for i := len(s) - 1; i >= 0 && i >= len(s)-4; i-- {
		if s[i]&0xC0 != 0x80 {
			return []rune(s[i:])[0], len(s) - i
		}
	}
	return 0, 1
}

// validHost reports whether the URL after its prefix of n bytes has a host
// with a dot in it (or is localhost).
func validHost(u string, n int) bool {
	host := hostPart(u[n:])
	if strings.EqualFold(host, "localhost") {
		return true
	}
	dot := strings.IndexByte(host, '.')
	return dot > 0 && dot < len(host)-1
}

// urlKey is the form in which URLs are compared: scheme and host in lower
// case, no final '/'.
func urlKey(u string) string {
	i := strings.Index(u, "://")
	start := 0
	if i >= 0 {
		start = i + 3
	}
	end := len(u)
	if j := strings.IndexAny(u[start:], "/?#"); j >= 0 {
		end = start + j
	}
	return strings.ToLower(u[:end]) + strings.TrimRight(u[end:], "/")
}

// hostPart returns the host of a URL after its scheme: the part before a
// path, query or fragment, without user and port.
func hostPart(s string) string {
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.IndexByte(s, ':'); i >= 0 {
		s = s[:i]
	}
	return s
}
