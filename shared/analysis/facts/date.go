package facts

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/domain/policy"
)

// dateCues introduce the date a policy was last updated or took effect,
// strongest first. A date found after a cue of an earlier group wins over
// one after a later group; within a group the first in the text wins.
// Besides English, the cues of the languages policies are most often
// written in besides it (Spanish, French, German, Italian, Portuguese and
// Dutch), so that a policy that is not labelled still has its date; a
// cue that begins with an accented capital is listed in both cases, as
// the text is lower-cased in ASCII only.
var dateCues = [][]string{
	{"last updated", "last modified", "last revised", "last amended", "last changed", "last update", "last reviewed", "date of last revision", "latest update",
		"última actualización", "Última actualización", "ultima actualizacion", "fecha de actualización",
		"dernière mise à jour", "derniere mise a jour", "mis à jour le", "mise à jour le",
		"zuletzt aktualisiert", "letzte aktualisierung", "zuletzt geändert", "letzte änderung", "aktualisiert am",
		"ultimo aggiornamento", "aggiornato al", "aggiornata al", "aggiornamento del",
		"última atualização", "Última atualização", "ultima atualizacao", "atualizado em", "atualizada em",
		"laatst bijgewerkt", "laatste update", "laatst gewijzigd", "bijgewerkt op"},
	{"effective date", "effective as of", "effective from", "effective on", "effective starting", "applies from", "takes effect", "took effect", "came into effect", "comes into effect", "in effect as of", "effective",
		"fecha de entrada en vigor", "fecha de vigencia", "en vigor desde", "vigente desde", "vigente",
		"date d'entrée en vigueur", "date d’entrée en vigueur", "entrée en vigueur", "en vigueur depuis", "en vigueur à compter du", "en vigueur le", "applicable à compter du",
		"gültig ab", "gültig seit", "in kraft seit", "in kraft ab", "inkrafttreten",
		"data di entrata in vigore", "in vigore dal", "efficace dal", "valida dal", "valido dal",
		"em vigor a partir de", "em vigor desde", "data de vigência", "vigência",
		"ingangsdatum", "van kracht vanaf", "van kracht per", "van kracht", "geldig vanaf"},
	{"updated", "revised", "modified", "version date", "dated", "as of", "date:", "version:", "version",
		"actualizado", "actualizada", "fecha:",
		"mis à jour", "mise à jour", "version du",
		"stand:", "stand", "aktualisiert", "version vom", "datum:",
		"aggiornato", "aggiornata", "versione del",
		"atualizado", "atualizada", "versão de",
		"bijgewerkt", "versie van"},
}

// fillers may stand between a cue and its date (English, then the other
// languages of dateCues).
var fillers = map[string]bool{
	"on": true, "as": true, "of": true, "is": true, "date": true, "from": true,
	"the": true, "at": true, "in": true, "was": true, "this": true,
	"policy": true, "notice": true, "and": true, "version": true, "be": true,
	"will": true, "has": true, "been": true, "been:": true, "starting": true,
	"el": true, "de": true, "del": true, "a": true, "partir": true, "desde": true, "en": true,
	"le": true, "du": true, "au": true, "à": true, "compter": true, "depuis": true, "la": true,
	"am": true, "vom": true, "ab": true, "seit": true, "den": true,
	"il": true, "al": true, "dal": true,
	"em": true, "o": true,
	"op": true, "per": true, "vanaf": true, "van": true,
}

const monthPattern = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`

// foreignMonths are the months' names in the other languages of dateCues,
// by number.
var foreignMonths = map[string]int{
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
	"janvier": 1, "février": 2, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "décembre": 12, "decembre": 12,
	"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "april": 4, "juni": 6, "juli": 7, "august": 8, "september": 9, "oktober": 10, "november": 11, "dezember": 12,
	"gennaio": 1, "febbraio": 2, "aprile": 4, "maggio": 5, "giugno": 6, "luglio": 7, "settembre": 9, "ottobre": 10, "dicembre": 12,
	"janeiro": 1, "fevereiro": 2, "março": 3, "marco": 3, "maio": 5, "junho": 6, "julho": 7, "setembro": 9, "outubro": 10, "dezembro": 12,
	"januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}

// foreignMonthPattern matches the names of foreignMonths, longest first.
var foreignMonthPattern = sync.OnceValue(func() string {
	names := make([]string, 0, len(foreignMonths))
	for n := range foreignMonths {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	return "(" + strings.Join(names, "|") + ")"
})

var (
	dateMonthDayYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i)` + monthPattern + `\.?,?\s+(\d{1,2})(?:st|nd|rd|th)?\s*[,.]?\s+(\d{4})\b`)
	})
	dateDayMonthYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthPattern + `\.?,?\s+(\d{4})\b`)
	})
	dateMonthYear = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i)` + monthPattern + `\.?,?\s+(\d{4})\b`) })
	// "23 de junio de 2026", "1er janvier 2026", "23. Juni 2026", "1º de
	// maio de 2026", and the month and year alone ("junio de 2026").
	dateForeignDayMonthYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i)(\d{1,2})(?:er|º|°|\.)?\s+(?:de\s+)?` + foreignMonthPattern() + `,?\s+(?:de\s+|del\s+)?(\d{4})\b`)
	})
	dateForeignMonthYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i)` + foreignMonthPattern() + `,?\s+(?:de\s+|del\s+)?(\d{4})\b`)
	})
	dateISO     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`) })
	dateNumeric = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})\b`) })
	// "04 - 2021", "04/2021": a month and a year, kept as written.
	dateNumericMonthYear = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,2})[ \t]*[-/.][ \t]*(\d{4})\b`) })
	// versionNumber is a document's version, which may stand between the
	// cue "Version" and its date: "Version 8.0 | July 23, 2025".
	versionNumber = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[vV]?\d+(?:\.\d+)+[,;|]?$`) })
)

var months = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7,
	"aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

func monthNumber(name string) int {
	name = strings.ToLower(name)
	if m, ok := months[name]; ok {
		return m
	}
	if len(name) >= 3 {
		return months[name[:3]]
	}
	return 0
}

// findDate finds the date the policy was last updated or took effect: a
// date right after a cue such as "Last updated:" or "Effective date", or
// failing that a line near the top that is only a date.
func findDate(doc *policy.Document, text, lower string) *policy.Date {
	hits := cueHits(lower)
	for _, group := range hits {
		for _, h := range group {
			if d, ok := dateAfter(text, h.end); ok {
				return &d
			}
		}
	}
	for i, b := range doc.Blocks {
		if i >= 6 {
			break
		}
		t := strings.Join(strings.Fields(b.Text), " ")
		if len(t) > 40 {
			continue
		}
		if d, n, ok := parseDateAt(t); ok && len(strings.TrimSpace(t[n:])) <= 1 {
			return &d
		}
	}
	return nil
}

// cueHit is a place where a cue of dateCues ends in the text: a cue that
// starts at start, the order-th of its group.
type cueHit struct{ start, order, end int }

// cueHits returns, per group of dateCues, the places their cues occur in
// lower as whole words (a cue that ends in ':' anywhere), by position and,
// at one position, in the order the group lists them: the order in which
// a date after them is looked for. The cues are looked up by the words of
// the text, in one pass, rather than searched for one by one.
func cueHits(lower string) [][]cueHit {
	idx := dateCueIndex()
	hits := make([][]cueHit, len(dateCues))
	eachWord(lower, &idx.starts, func(i, j int) {
		for _, c := range idx.cues[lower[i:j]] {
			if strings.HasPrefix(lower[i:], c.cue) && bounded(lower, i, i+len(c.cue)) {
				hits[c.group] = append(hits[c.group], cueHit{i, c.order, i + len(c.cue)})
			}
		}
	})
	for g, group := range dateCues {
		for order, cue := range group {
			if !strings.HasSuffix(cue, ":") {
				continue
			}
			for i := range indexAll(lower, cue) {
				hits[g] = append(hits[g], cueHit{i, order, i + len(cue)})
			}
		}
		slices.SortFunc(hits[g], func(a, b cueHit) int {
			if a.start != b.start {
				return a.start - b.start
			}
			return a.order - b.order
		})
	}
	return hits
}

// dateCueRef is a cue of dateCues: its group and its place in it.
type dateCueRef struct {
	group, order int
	cue          string
}

// dateCues indexed: the cues that do not end in ':' by their first words,
// and, by the first byte of those words, the set of their lengths (bit n
// for n bytes), so that most words are passed over without a lookup.
type dateCueIdx struct {
	cues   map[string][]dateCueRef
	starts [256]uint64
}

var dateCueIndex = sync.OnceValue(func() dateCueIdx {
	idx := dateCueIdx{cues: map[string][]dateCueRef{}}
	for g, group := range dateCues {
		for order, cue := range group {
			if strings.HasSuffix(cue, ":") {
				continue
			}
			w := cue[:wordEnd(cue, 0)]
			idx.cues[w] = append(idx.cues[w], dateCueRef{g, order, cue})
			idx.starts[w[0]] |= 1 << len(w)
		}
	}
	return idx
})

// dateAfter parses a date that follows a cue at text[p:], skipping
// punctuation and filler words ("on", "as of", "date") in between.
func dateAfter(text string, p int) (policy.Date, bool) {
	end := min(len(text), p+80)
	s := text[p:end]
	skipped := 0
	for skipped < 4 {
		s = strings.TrimLeft(s, " \t\n:-–—=()[]*_,|")
		if d, _, ok := parseDateAt(s); ok {
			return d, true
		}
		w := s
		if i := strings.IndexAny(s, " \t\n"); i >= 0 {
			w = s[:i]
		}
		if w == "" || !fillers[strings.ToLower(strings.TrimRight(w, ":,"))] && !versionNumber().MatchString(w) {
			return policy.Date{}, false
		}
		s = s[len(w):]
		skipped++
	}
	return policy.Date{}, false
}

// parseDateAt parses a date at the start of s: "March 3, 2024", "Mar. 3rd
// 2024", "June 8. 2026", "Nov, 24 2022", "3 March 2024", "3rd of March,
// 2024", "January 2024" and "04 - 2021" (no ISO form: they have no day),
// "2024-03-03", "03/03/2024", "3.3.2024". It
// returns the date, the bytes consumed and whether a date was found.
//
// Numeric dates are ambiguous between month-first (US) and day-first
// (most other places) order. Dates separated by dots are read day-first,
// as they are written that way. With slashes or hyphens, a date parses only
// when the order does not matter or is evident: one of the two numbers is
// over 12 ("03/13/2024" is 2024-03-13, "13/03/2024" too) or both are the
// same ("03/03/2024"); otherwise ("03/04/2024") the date is kept as written
// with no ISO form. Two-digit years are 20YY. Impossible dates (February
// 30) and years outside 1990-2099 are not dates.
func parseDateAt(s string) (policy.Date, int, bool) {
	if s == "" || !(s[0] >= '0' && s[0] <= '9' || s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z') {
		return policy.Date{}, 0, false
	}
	if m := dateMonthDayYear().FindStringSubmatch(s); m != nil {
		return calendar(m[0], atoi(m[3]), monthNumber(m[1]), atoi(m[2]))
	}
	if m := dateDayMonthYear().FindStringSubmatch(s); m != nil {
		return calendar(m[0], atoi(m[3]), monthNumber(m[2]), atoi(m[1]))
	}
	if m := dateForeignDayMonthYear().FindStringSubmatch(s); m != nil {
		return calendar(m[0], atoi(m[3]), foreignMonths[strings.ToLower(m[2])], atoi(m[1]))
	}
	for _, re := range []*regexp.Regexp{dateMonthYear(), dateForeignMonthYear()} {
		if m := re.FindStringSubmatch(s); m != nil {
			y := atoi(m[2])
			if y < 1990 || y > 2099 {
				return policy.Date{}, 0, false
			}
			return policy.Date{AsWritten: m[0]}, len(m[0]), true
		}
	}
	if m := dateISO().FindStringSubmatch(s); m != nil {
		return calendar(m[0], atoi(m[1]), atoi(m[2]), atoi(m[3]))
	}
	if m := dateNumeric().FindStringSubmatch(s); m != nil {
		if m[2] != m[4] {
			return policy.Date{}, 0, false
		}
		a, b, y := atoi(m[1]), atoi(m[3]), atoi(m[5])
		if len(m[5]) == 2 {
			y += 2000
		}
		var month, day int
		switch {
		case m[2] == ".":
			day, month = a, b
		case a > 12 && b <= 12:
			day, month = a, b
		case b > 12 && a <= 12:
			month, day = a, b
		case a == b:
			month, day = a, b
		default:
			if a < 1 || b < 1 || y < 1990 || y > 2099 {
				return policy.Date{}, 0, false
			}
			return policy.Date{AsWritten: m[0]}, len(m[0]), true
		}
		return calendar(m[0], y, month, day)
	}
	if m := dateNumericMonthYear().FindStringSubmatch(s); m != nil {
		if mo, y := atoi(m[1]), atoi(m[2]); mo >= 1 && mo <= 12 && y >= 1990 && y <= 2099 {
			return policy.Date{AsWritten: m[0]}, len(m[0]), true
		}
	}
	return policy.Date{}, 0, false
}

// calendar validates a date and returns it with its ISO form.
func calendar(written string, y, m, d int) (policy.Date, int, bool) {
	if y < 1990 || y > 2099 || m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return policy.Date{}, 0, false
	}
	return policy.Date{AsWritten: strings.TrimRight(written, " ,"), ISO: fmt.Sprintf("%04d-%02d-%02d", y, m, d)}, len(written), true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
