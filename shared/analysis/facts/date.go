package facts

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/domain/policy"
)

// dateCues introduce the date a policy was last updated or took effect,
// strongest first. A date found after a cue of an earlier group wins over
// one after a later group; within a group the first in the text wins.
var dateCues = [][]string{
	{"last updated", "last modified", "last revised", "last amended", "last changed", "last update", "last reviewed", "date of last revision", "latest update"},
	{"effective date", "effective as of", "effective from", "effective on", "takes effect", "took effect", "came into effect", "comes into effect", "in effect as of", "effective"},
	{"updated", "revised", "modified", "version date", "dated", "as of", "date:", "version:"},
}

// fillers may stand between a cue and its date.
var fillers = map[string]bool{
	"on": true, "as": true, "of": true, "is": true, "date": true, "from": true,
	"the": true, "at": true, "in": true, "was": true, "this": true,
	"policy": true, "notice": true, "and": true, "version": true, "be": true,
	"will": true, "has": true, "been": true, "been:": true,
}

const monthPattern = `(january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)`

var (
	dateMonthDayYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i)` + monthPattern + `\.?\s+(\d{1,2})(?:st|nd|rd|th)?\s*,?\s+(\d{4})\b`)
	})
	dateDayMonthYear = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?i)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthPattern + `\.?,?\s+(\d{4})\b`)
	})
	dateMonthYear = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i)` + monthPattern + `\.?,?\s+(\d{4})\b`) })
	dateISO       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b`) })
	dateNumeric   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(\d{1,2})([-/.])(\d{1,2})([-/.])(\d{4}|\d{2})\b`) })
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
	for _, group := range dateCues {
		best := -1
		var found policy.Date
		for _, cue := range group {
			for off := 0; off < len(lower); {
				i := strings.Index(lower[off:], cue)
				if i < 0 {
					break
				}
				i += off
				off = i + len(cue)
				if best >= 0 && i >= best {
					break
				}
				if !bounded(lower, i, i+len(cue)) && !strings.HasSuffix(cue, ":") {
					continue
				}
				if d, ok := dateAfter(text, i+len(cue)); ok {
					best, found = i, d
					break
				}
			}
		}
		if best >= 0 {
			return &found
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

// dateAfter parses a date that follows a cue at text[p:], skipping
// punctuation and filler words ("on", "as of", "date") in between.
func dateAfter(text string, p int) (policy.Date, bool) {
	end := min(len(text), p+80)
	s := text[p:end]
	skipped := 0
	for skipped < 4 {
		s = strings.TrimLeft(s, " \t\n:-–—=()[]*_,")
		if d, _, ok := parseDateAt(s); ok {
			return d, true
		}
		w := s
		if i := strings.IndexAny(s, " \t\n"); i >= 0 {
			w = s[:i]
		}
		if w == "" || !fillers[strings.ToLower(strings.TrimRight(w, ":,"))] {
			return policy.Date{}, false
		}
		s = s[len(w):]
		skipped++
	}
	return policy.Date{}, false
}

// parseDateAt parses a date at the start of s: "March 3, 2024", "Mar. 3rd
// 2024", "3 March 2024", "3rd of March, 2024", "January 2024" (no ISO
// form: it has no day), "2024-03-03", "03/03/2024", "3.3.2024". It
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
	if m := dateMonthYear().FindStringSubmatch(s); m != nil {
		y := atoi(m[2])
		if y < 1990 || y > 2099 {
			return policy.Date{}, 0, false
		}
		return policy.Date{AsWritten: m[0]}, len(m[0]), true
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
