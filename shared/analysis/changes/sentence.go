package changes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Sentences are the units the alignment matches: clauses are packed from
// paragraphs and cut at sentences by the segmenter, so a paragraph added
// before others can move clause boundaries, while sentences keep theirs.

// span is a sentence of a clause text: its byte offsets.
type span struct{ start, end int }

// splitSentences cuts a clause text into sentences: after '.', '!' or '?'
// (and closing quotes or brackets) when the next word starts with an upper
// case letter, a digit, an opening quote or bracket or a bullet, and before
// and after a table cell separator " | " and a bullet. Abbreviations and
// initials ("e.g.", "Inc.", "J.") do not end a sentence.
func splitSentences(text string) []span {
	var out []span
	start := -1 // start of the open sentence
	prevEnd := false
	forFields(text, func(f string, s, e int) {
		if f == "|" || isBullet(f) {
			if start >= 0 {
				out = append(out, span{start, lastNonSpace(text, s)})
				start = -1
			}
			prevEnd = false
			return
		}
		if start >= 0 && prevEnd && startsSentence(f) {
			out = append(out, span{start, lastNonSpace(text, s)})
			start = -1
		}
		if start < 0 {
			start = s
		}
		prevEnd = endsSentence(f)
	})
	if start >= 0 {
		out = append(out, span{start, lastNonSpace(text, len(text))})
	}
	return out
}

// lastNonSpace returns the offset after the last non-space byte before end.
func lastNonSpace(text string, end int) int {
	return len(strings.TrimRightFunc(text[:end], unicode.IsSpace))
}

func isBullet(f string) bool {
	r, size := utf8.DecodeRuneInString(f)
	if size != len(f) {
		return false
	}
	switch r {
	case '•', '●', '▪', '◦', '‣', '∙', '·':
		return true
	}
	return false
}

// endsSentence reports whether a field ends a sentence when a capitalised
// word follows.
func endsSentence(f string) bool {
	f = strings.TrimRight(f, `"')]}»”’`)
	if f == "" {
		return false
	}
	switch f[len(f)-1] {
	case '!', '?':
		return true
	case '.':
	default:
		return false
	}
	core := strings.ToLower(strings.TrimLeft(f, `"'([{«“‘`))
	if abbreviations[core] {
		return false
	}
	body := strings.TrimSuffix(core, ".")
	// Initials ("J.") and dotted abbreviations ("u.s.", "e.g.").
	if r, size := utf8.DecodeRuneInString(body); size == len(body) && unicode.IsLetter(r) {
		return false
	}
	if strings.Contains(body, ".") && !strings.Contains(body, "..") {
		short := true
		for _, p := range strings.Split(body, ".") {
			if len(p) > 3 {
				short = false
			}
		}
		if short {
			return false
		}
	}
	return true
}

var abbreviations = wordSet(
	"inc. ltd. co. corp. llc. plc. no. nos. nr. dr. mr. mrs. ms. prof. st. sr. jr.",
	"vs. cf. approx. incl. dept. art. sec. ch. para. pp. vol. ed. al. tel. ext.",
	"jan. feb. mar. apr. jun. jul. aug. sep. sept. oct. nov. dec.",
)

// startsSentence reports whether a field can start a sentence.
func startsSentence(f string) bool {
	r, _ := utf8.DecodeRuneInString(f)
	if unicode.IsUpper(r) || unicode.IsDigit(r) || unicode.IsTitle(r) {
		return true
	}
	switch r {
	case '"', '\'', '(', '[', '«', '“', '‘', '¿', '¡':
		return true
	}
	return false
}
