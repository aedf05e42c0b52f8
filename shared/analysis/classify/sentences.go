package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSentences bounds the sentences of one clause scored apart.
const maxSentences = 24

// Sentences returns the sentences of a clause as the model scores them
// apart (see splitSentences).
func Sentences(text string) []string { return splitSentences(text, nil) }

// splitSentences appends the sentences of text to out: breaks after '.',
// '!', '?' or ';' followed by white space and a capital letter, digit,
// quote, bracket or bullet, at bullets ("•", "·", "▪") and at line breaks.
// A piece of fewer than three words joins the next one (the last joins the
// one before). At most maxSentences are kept.
func splitSentences(text string, out []string) []string {
	base := len(out)
	start, lastStart := 0, -1
	cut := func(end int) {
		piece := strings.TrimSpace(text[start:end])
		if countWords(piece) < 3 {
			return
		}
		if len(out)-base < maxSentences {
			out = append(out, piece)
			lastStart = start
		}
		start = end
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '\n' || r == '•' || r == '·' || r == '▪':
			cut(i)
		case r == '.' || r == '!' || r == '?' || r == ';':
			k := i + n
			for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
				k++
			}
			if k > i+n && k < len(text) {
				nr, _ := utf8.DecodeRuneInString(text[k:])
				if unicode.IsUpper(nr) || unicode.IsDigit(nr) || nr == '"' || nr == '“' || nr == '(' || nr == '•' {
					cut(i + n)
				}
			}
		}
		i += n
	}
	if rest := strings.TrimSpace(text[start:]); rest != "" {
		switch {
		case countWords(rest) >= 3 || len(out) == base:
			if len(out)-base < maxSentences {
				out = append(out, rest)
			}
		case lastStart >= 0 && len(out)-base < maxSentences:
			out[len(out)-1] = strings.TrimSpace(text[lastStart:])
		}
	}
	return out
}
