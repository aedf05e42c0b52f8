package pdflayout

import (
	"math"
	"regexp"
	"strings"
	"sync"
	"unicode"
)

// Running headers and footers are rows in the top or bottom margin zone,
// among the outermost rows of their page, that repeat (digits aside) at the
// same height on a good share of the pages. Page numbers ("7", "- 7 -",
// "Page 7 of 12", "vii") in those places go even when they do not repeat.
const (
	marginZone   = 0.15 // of the page height, at the top and at the bottom
	numberZone   = 0.25 // the same, for page numbers
	outerRows    = 3    // rows from the top or bottom that may be running
	sameY        = 6.0  // points
	repeatsShare = 0.4  // of the pages
)

var pageNumber = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^[\s\-–—(\[]*((page|pg\.?|p\.|seite|página|pagina)\s*)?(\d{1,4}|[ivxlc]{1,7})(\s*(of|/|de|von|sur|di)\s*\d{1,4})?[\s\-–—)\]]*$`)
})

// runningKey normalises a row's text so that rows differing only in their
// numbers (page numbers, dates) compare equal.
func runningKey(s string) string {
	var b strings.Builder
	digit := false
	for _, c := range strings.ToLower(s) {
		if unicode.IsDigit(c) {
			if !digit {
				b.WriteByte('#')
			}
			digit = true
			continue
		}
		digit = false
		if unicode.IsSpace(c) {
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

type candidate struct {
	page, row int
	key       string
	y         float64
	inMargin  bool // within marginZone; otherwise only within numberZone
}

// removeRunning deletes running headers, footers and page numbers from the
// rows of all pages.
func removeRunning(pages []*PageRows) {
	var cands []candidate
	for pi, p := range pages {
		n := len(p.rows)
		for ri := range p.rows {
			r := &p.rows[ri]
			in := (ri < outerRows && r.y >= p.Height*(1-marginZone)) || (ri >= n-outerRows && r.y <= p.Height*marginZone)
			// A page number may sit further in, if it is the outermost row.
			outer := (ri == 0 && r.y >= p.Height*(1-numberZone)) || (ri == n-1 && r.y <= p.Height*numberZone)
			if !in && !outer {
				continue
			}
			cands = append(cands, candidate{pi, ri, runningKey(r.text()), r.y, in})
		}
	}
	drop := map[[2]int]bool{}
	need := int(math.Ceil(repeatsShare * float64(len(pages))))
	if need < 2 {
		need = 2
	}
	byKey := map[string][]candidate{}
	for _, c := range cands {
		byKey[c.key] = append(byKey[c.key], c)
	}
	for _, c := range cands {
		if pageNumber().MatchString(pages[c.page].rows[c.row].text()) {
			drop[[2]int{c.page, c.row}] = true
			continue
		}
		if len(pages) < 2 || !c.inMargin {
			continue
		}
		seen := map[int]bool{}
		for _, o := range byKey[c.key] {
			if math.Abs(o.y-c.y) <= sameY {
				seen[o.page] = true
			}
		}
		if len(seen) >= need {
			drop[[2]int{c.page, c.row}] = true
		}
	}
	if len(drop) == 0 {
		return
	}
	for pi, p := range pages {
		kept := p.rows[:0]
		for ri, r := range p.rows {
			if !drop[[2]int{pi, ri}] {
				kept = append(kept, r)
			}
		}
		p.rows = kept
	}
}
