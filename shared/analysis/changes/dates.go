package changes

import "strconv"

// Dates of "last updated" lines (see the comment on normalisation in
// normal.go). The words here are normalised words: lower case, without
// punctuation, so "2025-03-03" is the three words 2025, 03, 03.

// months are month names and abbreviations in English, French, German and
// Spanish.
var months = wordSet(
	"january february march april may june july august september october november december",
	"jan feb mar apr jun jul aug sep sept oct nov dec",
	"janvier février fevrier mars avril mai juin juillet août aout septembre octobre novembre décembre decembre",
	"januar februar märz maerz juni juli oktober dezember",
	"enero febrero marzo abril mayo junio julio agosto septiembre setiembre octubre noviembre diciembre",
)

// relative are the words of relative dates ("today", "over a week ago",
// "this week"); they make a date only next to a cue, and a unit ("week")
// only after "ago" or after "this" or "last": "30 days" is a period, not
// a date.
var relative = wordSet("today yesterday ago week weeks month months year years day days hour hours minute minutes")

// relativeAnchors make a relative date by themselves.
var relativeAnchors = wordSet("today yesterday ago")

// dateFiller are words that may stand inside a date ("the 3rd of March",
// "23 de junio de 2026", "over 2 weeks ago", "10:30 am UTC").
var dateFiller = wordSet(
	"of the de del le on at am pm utc gmt cet cest est edt pst pdt h",
	"a an over about almost nearly one two three four five six seven eight nine ten",
	"this last",
)

// cues are the words that announce a policy's date.
var cues = wordSet(
	"updated update modified revised revision amended effective dated",
	"actualizado actualizada actualización actualizacion vigente jour aktualisiert gültig gueltig",
)

// lineFiller are the other words a date line may hold besides cues and the
// date: "Privacy policy, last updated on", "Version effective as of".
var lineFiller = wordSet(
	"last date as of on from since in effect valid version this privacy policy notice statement",
	"was is has been published posted changed released",
	"última ultima fecha mis à a le la el zuletzt stand",
)

// cueGap are the words besides line fillers that may stand between a cue
// and its date: "updated by us on".
var cueGap = wordSet("by us we our it them")

func wordSet(lists ...string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		start := -1
		for i, r := range l + " " {
			if r == ' ' {
				if start >= 0 {
					m[l[start:i]] = true
					start = -1
				}
			} else if start < 0 {
				start = i
			}
		}
	}
	return m
}

// cueWindow is how many words may stand between a cue and its date inside
// a sentence ("updated this policy on ..."); they must be line fillers or
// cueGap words.
const cueWindow = 3

// maxDateLine is the most words a date or a date line has (it bounds the
// work of looking for them).
const maxDateLine = 16

// dateNormal replaces each date shortly after a cue in words by dateToken.
func dateNormal(words []string) []string {
	for _, w := range words {
		if cues[w] {
			return replaceDates(words)
		}
	}
	return words
}

// replaceDates returns words with each date that follows a cue within
// cueWindow filler words replaced by dateToken.
func replaceDates(words []string) []string {
	out := make([]string, 0, len(words))
	for i := 0; i < len(words); {
		out = append(out, words[i])
		if !cues[words[i]] {
			i++
			continue
		}
		next := i + 1
		for p := i + 1; p <= i+1+cueWindow && p < len(words); p++ {
			if q, ok := dateRun(words, p, true); ok {
				out = append(out, words[i+1:p]...)
				out = append(out, dateToken)
				next = q
				break
			}
			if !lineFiller[words[p]] && !cueGap[words[p]] {
				break
			}
		}
		i = next
	}
	return out
}

// dateLine reports whether words are only a date with, optionally, cues
// and filler words.
func dateLine(words []string) bool {
	n := leadingDateLine(words)
	if n == 0 {
		return false
	}
	for _, w := range words[n:] {
		if !cues[w] && !lineFiller[w] && !dateFiller[w] {
			return false
		}
	}
	return true
}

// leadingDateLine returns the length of the longest prefix of words that
// is a date line: cues, filler words and dates only, ending with a date;
// a date without a cue before it must be absolute (not "today"). It
// returns 0 when words start with no date line.
func leadingDateLine(words []string) int {
	if len(words) == 0 {
		return 0
	}
	cue := false
	end := 0
	for i := 0; i < len(words) && i < maxDateLine; {
		w := words[i]
		if q, ok := dateRun(words, i, cue); ok {
			i, end = q, q
			continue
		}
		if !cues[w] && !lineFiller[w] && !dateFiller[w] {
			break
		}
		if cues[w] {
			cue = true
		}
		i++
	}
	return end
}

// dateRun reports whether a date starts at words[p] and returns the index
// after it. The date is the longest run of numbers, month names, relative
// words and date fillers starting at p that holds a month name next to a
// number, a year (1900-2099), three numbers (a numeric date and time), or,
// when relativeOK, a relative word; it neither starts nor ends with a
// filler word and has at most maxDateLine words.
func dateRun(words []string, p int, relativeOK bool) (int, bool) {
	if p >= len(words) || dateFiller[words[p]] && !isNumber(words[p]) {
		return p, false
	}
	end := p
	last := p // index after the last non-filler word
	for end < len(words) && end-p < maxDateLine {
		w := words[end]
		if !(isNumber(w) || isOrdinal(w) || months[w] || relative[w] || dateFiller[w]) {
			break
		}
		end++
		if !dateFiller[w] {
			last = end
		}
	}
	if last == p {
		return p, false
	}
	var numbers int
	var month, rel bool
	for i, w := range words[p:last] {
		switch {
		case isYear(w):
			return last, true
		case isNumber(w) || isOrdinal(w):
			numbers++
		case months[w]:
			month = true
		case relativeAnchors[w]:
			rel = true
		case relative[w] && p+i > 0 && (words[p+i-1] == "this" || words[p+i-1] == "last"):
			rel = true
		}
	}
	return last, month && numbers > 0 || numbers >= 3 || rel && relativeOK
}

func isNumber(w string) bool {
	if w == "" || len(w) > 4 {
		return false
	}
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return true
}

func isYear(w string) bool {
	if len(w) != 4 || !isNumber(w) {
		return false
	}
	y, _ := strconv.Atoi(w)
	return y >= 1900 && y <= 2099
}

// isOrdinal reports whether w is a day written as an ordinal: 1st, 22nd,
// 3rd, 4th, 1er.
func isOrdinal(w string) bool {
	n := 0
	for n < len(w) && w[n] >= '0' && w[n] <= '9' {
		n++
	}
	if n == 0 || n > 2 {
		return false
	}
	switch w[n:] {
	case "st", "nd", "rd", "th", "er", "e":
		return true
	}
	return false
}
