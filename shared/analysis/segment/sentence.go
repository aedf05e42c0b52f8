package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// abbreviations are words ending in a period that do not end a sentence
// when followed by a capitalised word, compared in lower case with leading
// punctuation removed. Initials ("J.") and dotted abbreviations ("U.S.",
// "e.g.", "a.m.") are recognised by their shape. "etc." is not listed: it
// ends a sentence when the next word is capitalised, as at the end of a
// sentence it does, and mid-sentence it is followed by a lower-case word,
// which never starts a sentence here.
var abbreviations = map[string]bool{
	"inc.": true, "ltd.": true, "co.": true, "corp.": true, "llc.": true,
	"plc.": true, "cos.": true, "bros.": true, "assn.": true, "intl.": true,
	"no.": true, "nos.": true, "nr.": true, "dr.": true, "mr.": true,
	"mrs.": true, "ms.": true, "prof.": true, "st.": true, "sr.": true,
	"jr.": true, "rev.": true, "hon.": true, "gen.": true, "vs.": true,
	"cf.": true, "approx.": true, "incl.": true, "dept.": true, "est.": true,
	"fig.": true, "figs.": true, "art.": true, "arts.": true, "sec.": true,
	"secs.": true, "ch.": true, "para.": true, "paras.": true, "pp.": true,
	"vol.": true, "ed.": true, "eds.": true, "al.": true, "jan.": true,
	"feb.": true, "mar.": true, "apr.": true, "jun.": true, "jul.": true,
	"aug.": true, "sep.": true, "sept.": true, "oct.": true, "nov.": true,
	"dec.": true, "tel.": true, "ext.": true, "ave.": true, "blvd.": true,
	"rd.": true, "ste.": true, "mt.": true, "ft.": true, "govt.": true,
	"reg.": true, "regs.": true, "viz.": true, "resp.": true, "min.": true,
	"max.": true, "e.g": true, "i.e": true, "ca.": true, "op.": true,
}

// isAbbreviation reports whether word, which ends in '.', is an
// abbreviation rather than the end of a sentence.
func isAbbreviation(word string) bool {
	w := strings.TrimLeft(word, "([{\"'“‘«")
	if w == "" {
		return false
	}
	lw := strings.ToLower(w)
	if abbreviations[lw] {
		return true
	}
	core := strings.TrimSuffix(lw, ".")
	// Initials: "J." and "A.B." (but not "I." which may be a roman numeral
	// heading; it is still an initial inside a sentence).
	if r, size := utf8.DecodeRuneInString(core); size == len(core) && unicode.IsLetter(r) {
		return true
	}
	// Dotted abbreviations: letters separated by periods, "u.s", "e.g",
	// "ph.d", "a.m".
	if strings.IndexByte(core, '.') > 0 {
		for _, part := range strings.Split(core, ".") {
			if part == "" || len(part) > 2 || strings.IndexFunc(part, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
				return false
			}
		}
		return true
	}
	return false
}

// isCloser reports whether r may follow a sentence's final punctuation
// and still belong to it.
func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '”', '’', '»', '.', '!', '?', '…':
		return true
	}
	return false
}

// startsSentence reports whether s (starting at a non-space) begins a
// sentence: after optional opening punctuation, an upper-case letter, a
// digit or a bullet.
func startsSentence(s string) bool {
	for i, r := range s {
		switch r {
		case '"', '\'', '(', '[', '“', '‘', '«', '¿', '¡':
			if i < 8 {
				continue
			}
		}
		return unicode.IsUpper(r) || unicode.IsDigit(r) || unicode.IsTitle(r) || isBulletRune(r)
	}
	return false
}

// sentenceEnd reports whether the sentence-final punctuation at t[i]
// ('.', '!', '?' or the first byte of '…') ends a sentence, and if so
// returns the end of the sentence (after closing punctuation) and the start
// of the next one.
func sentenceEnd(t string, i int) (end, next int, ok bool) {
	j := i
	for j < len(t) {
		r, size := utf8.DecodeRuneInString(t[j:])
		if !isCloser(r) {
			break
		}
		j += size
	}
	if j >= len(t) {
		return 0, 0, false
	}
	r, _ := utf8.DecodeRuneInString(t[j:])
	if !unicode.IsSpace(r) {
		return 0, 0, false
	}
	k := j
	for k < len(t) {
		r, size := utf8.DecodeRuneInString(t[k:])
		if !unicode.IsSpace(r) {
			break
		}
		k += size
	}
	if k >= len(t) || !startsSentence(t[k:]) {
		return 0, 0, false
	}
	if t[i] == '.' {
		ws := strings.LastIndexFunc(t[:i], unicode.IsSpace) + 1
		if isAbbreviation(t[ws:i+1]) || isEnumerator(t[ws:i]) {
			return 0, 0, false
		}
	}
	return j, k, true
}

// sentences returns the byte spans of the sentences of t, which has no
// leading or trailing white space.
func sentences(t string, spans [][2]int) [][2]int {
	start := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '.' && c != '!' && c != '?' && !(c == 0xE2 && strings.HasPrefix(t[i:], "…")) {
			continue
		}
		end, next, ok := sentenceEnd(t, i)
		if !ok {
			continue
		}
		spans = append(spans, [2]int{start, end})
		start = next
		i = next - 1
	}
	return append(spans, [2]int{start, len(t)})
}

// hasSentenceBreak reports whether t holds more than one sentence.
func hasSentenceBreak(t string) bool {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c != '.' && c != '!' && c != '?' {
			continue
		}
		if _, _, ok := sentenceEnd(t, i); ok {
			return true
		}
	}
	return false
}

// endsSentence reports whether a line ends with sentence-final
// punctuation that is not an abbreviation.
func endsSentence(line string) bool {
	t := strings.TrimRightFunc(line, func(r rune) bool { return isCloser(r) && r != '.' && r != '!' && r != '?' && r != '…' })
	if t == "" {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(t)
	switch r {
	case '!', '?', '…':
		return true
	case '.':
		ws := strings.LastIndexFunc(t, unicode.IsSpace) + 1
		return !isAbbreviation(t[ws:]) || len(t) >= 4 && strings.EqualFold(t[len(t)-4:], "etc.")
	}
	return false
}

// isEnumerator reports whether word (without its final period) is a
// section or list number such as "3", "2.1" or "IV": the start of what
// follows, not the end of a sentence.
func isEnumerator(word string) bool {
	if word == "" || len(word) > 8 {
		return false
	}
	if strings.Trim(word, "IVX") == "" {
		return true
	}
	digits := 0
	for i := 0; i < len(word); i++ {
		switch c := word[i]; {
		case c >= '0' && c <= '9':
			digits++
			if digits > 3 {
				return false
			}
		case c == '.' && digits > 0:
			digits = 0
		default:
			return false
		}
	}
	return digits > 0
}
