package segment

import (
	"unicode"
	"unicode/utf8"
)

// Text helpers: spans, white-space collapsing and code-point offsets.

// trimSpan narrows text[s:e] to exclude leading and trailing white space.
func trimSpan(text string, s, e int) (int, int) {
	for s < e {
		c := text[s]
		if c < utf8.RuneSelf && asciiSpace[c] {
			s++
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		c := text[e-1]
		if c < utf8.RuneSelf && asciiSpace[c] {
			e--
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeLastRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= size
	}
	return s, e
}

// collapsedLen returns the number of code points and words of s after
// collapsing white space runs to one space and trimming.
func collapsedLen(s string) (n, words int) {
	inWord := false
	for i := 0; i < len(s); {
		var space bool
		switch byteKind[s[i]] {
		case kindPlain:
			// A run of printable ASCII: one code point per byte.
			j := i + 1
			for j < len(s) && byteKind[s[j]] == kindPlain {
				j++
			}
			if !inWord {
				if words > 0 {
					n++
				}
				words++
				inWord = true
			}
			n += j - i
			i = j
			continue
		case kindSpace:
			space = true
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if space {
			inWord = false
			continue
		}
		if !inWord {
			if words > 0 {
				n++
			}
			words++
			inWord = true
		}
		n++
	}
	return n, words
}

// Byte kinds for the scanning loops.
const (
	kindPlain = iota // ASCII other than white space
	kindSpace        // ASCII white space
	kindHigh         // a byte of a multi-byte sequence (or invalid)
)

var byteKind = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = kindHigh
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			t[c] = kindSpace
		}
	}
	return t
}()

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{' ': true, '\n': true, '\t': true, '\r': true, '\f': true, '\v': true}

// collapse returns s with white space runs collapsed to one space and
// trimmed, as strings.Fields would, decoding invalid UTF-8 bytes to U+FFFD
// one by one as a []rune conversion does.
func collapse(s string) string {
	// Fast path: text that needs no change is returned as is.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || asciiSpace[c] && (c != ' ' || i == 0 || i == len(s)-1 || s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	buf := make([]byte, 0, len(s))
	pending := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				pending = len(buf) > 0
				i++
				continue
			}
			// Copy a run of plain ASCII at once.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && !asciiSpace[s[j]] {
				j++
			}
			if pending {
				buf = append(buf, ' ')
				pending = false
			}
			buf = append(buf, s[i:j]...)
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) {
			pending = len(buf) > 0
			continue
		}
		if pending {
			buf = append(buf, ' ')
			pending = false
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf)
}

// runeCursor converts increasing byte offsets of text to code-point
// offsets.
type runeCursor struct {
	text string
	b, r int
}

func (c *runeCursor) runes(b int) int {
	if b < c.b {
		c.b, c.r = 0, 0
	}
	c.r += utf8.RuneCountInString(c.text[c.b:b])
	c.b = b
	return c.r
}
