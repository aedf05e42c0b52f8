package pdflayout

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ligatures are the Latin presentation forms U+FB00..U+FB06.
var ligatures = strings.NewReplacer(
	"\ufb00", "ff", "\ufb01", "fi", "\ufb02", "fl", "\ufb03", "ffi", "\ufb04", "ffl", "\ufb05", "st", "\ufb06", "st",
	"\u00a0", " ", "\u00ad", "",
)

// cleanText expands ligatures, drops soft hyphens and turns no-break
// spaces into spaces.
func cleanText(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= 0xfb00 && r <= 0xfb06 || r == 0xa0 || r == 0xad }) {
		return s
	}
	return ligatures.Replace(s)
}

// joinLines reflows the lines of a block into one line: lines are joined
// with a space, except that a word hyphenated across a line break is
// joined again (keeping the hyphen when the document writes the word with
// one elsewhere, as in "third-party").
func joinLines(ls []*line, vocab map[string]bool) string {
	var b strings.Builder
	for i, l := range ls {
		t := lineText(l)
		if i > 0 {
			prev := b.String()
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(t)
			switch stem, ok := hyphenStem(prev); {
			case ok && unicode.IsLower(first):
				b.Reset()
				b.WriteString(trimHyphen(prev))
				if keepHyphen(stem, firstWord(t), vocab) {
					b.WriteByte('-')
				}
			case (last == '-' || last == '\u2010') && unicode.IsDigit(first) && len(prev) > 1 && isDigitBefore(prev):
				// A number broken after a hyphen: 800-555-/0142.
			case last == '@' || last == '/':
				// An address broken after "@" or "/".
			default:
				b.WriteByte(' ')
			}
		}
		b.WriteString(t)
	}
	s := cleanText(b.String())
	return strings.Join(strings.Fields(s), " ")
}

// keepHyphen decides whether the hyphen of a word broken across lines
// belongs to the word: yes when the document writes it with a hyphen
// elsewhere (and never without), or when both halves are words the
// document uses on their own (member-owned); no for syllable breaks.
func keepHyphen(stem, next string, vocab map[string]bool) bool {
	s, n := strings.ToLower(stem), strings.ToLower(next)
	if vocab[s+n] {
		return false
	}
	if vocab[s+"-"+n] {
		return true
	}
	return len([]rune(s)) >= 3 && len([]rune(n)) >= 3 && vocab[s] && vocab[n]
}

func isDigitBefore(s string) bool {
	s = trimHyphen(s)
	r, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsDigit(r)
}

// hyphenStem returns the letters before a line-end hyphen (a hyphen,
// U+2010 or a soft hyphen preceded by a letter).
func hyphenStem(s string) (string, bool) {
	t := trimHyphen(s)
	if len(t) == len(s) {
		return "", false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	if !unicode.IsLetter(r) {
		return "", false
	}
	i := strings.LastIndexFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && r != '-' && r != '\u00ad' })
	return cleanText(t[i+1:]), true
}

func trimHyphen(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool { return r == '-' || r == '\u2010' || r == '\u00ad' })
}

func firstWord(s string) string {
	s = cleanText(s)
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if i < 0 {
		return s
	}
	return s[:i]
}
