package pdflayout

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/hyphen"
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
// with a space (with a line break where the writer broke the line), except
// that a line ending in a hyphen after a letter and
// followed by a letter is joined with hyphen.Mark in place of the hyphen
// (whether the hyphen belongs to the word is for hyphen.Repair to decide,
// with the whole document's words), a number broken after a hyphen
// ("800-555-" / "0142") keeps the hyphen without a space, and an address
// broken after "@" or "/" is joined without one.
func joinLines(ls []*line) string {
	var b strings.Builder
	hy := "" // the hyphen the previous line ended with, not yet written
	for i, l := range ls {
		raw := lineText(l)
		t := cleanText(raw)
		if i > 0 {
			prev := b.String()
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(t)
			switch {
			case hy != "" && unicode.IsLetter(last) && unicode.IsLetter(first):
				b.WriteRune(hyphen.Mark)
			case hy == "-" && unicode.IsDigit(last) && unicode.IsDigit(first):
				b.WriteString(hy)
			case l.hardBreak:
				if hy != "\u00ad" {
					b.WriteString(hy)
				}
				b.WriteByte('\n')
			case hy == "" && (last == '@' || last == '/'):
			default:
				if hy != "\u00ad" {
					b.WriteString(hy)
				}
				b.WriteByte(' ')
			}
		}
		hy = ""
		if r, _ := utf8.DecodeLastRuneInString(raw); r == '-' || r == '\u2010' || r == '\u00ad' {
			hy = string(r)
			t = trimHyphen(t)
		}
		b.WriteString(t)
	}
	if hy != "" && hy != "\u00ad" {
		b.WriteString(hy)
	}
	return collapseLines(b.String())
}

// collapseLines collapses the white space of each line of s to single
// spaces and drops empty lines.
func collapseLines(s string) string {
	if !strings.Contains(s, "\n") {
		return strings.Join(strings.Fields(s), " ")
	}
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func trimHyphen(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool { return r == '-' || r == '\u2010' || r == '\u00ad' })
}
