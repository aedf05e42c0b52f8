package segment

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Tables of contents: a run of short lines (list items or one-line
// paragraphs) most of which repeat a later heading or line of the
// document is navigation, not policy text. markContents drops it from the
// clauses, together with the heading above it when that heads nothing
// else ("Contents", "In this notice"), and uses it as a list of the
// document's headings: a later one-line paragraph that an entry names
// becomes a heading, even if it would not read as one by itself.

const (
	// tocMinEntries is the fewest entries that make a table of contents.
	tocMinEntries = 3
	// tocMaxChars bounds an entry.
	tocMaxChars = 120
)

func (sp *splitter) markContents() {
	us := sp.units
	// Where each heading or one-line paragraph's key occurs, ascending.
	keys := make([]string, len(us))
	at := map[string][]int{}
	for k, u := range us {
		if u.kind == uHeading || (u.kind == uPara || u.kind == uList) && u.n <= tocMaxChars && sp.oneLine(u) {
			keys[k] = tocKey(sp.text[u.s:u.e])
			if keys[k] != "" && (u.kind == uHeading || u.kind == uPara) {
				at[keys[k]] = append(at[keys[k]], k)
			}
		}
	}
	// later returns the units after unit j-1 with key.
	later := func(key string, j int) []int {
		ks := at[key]
		return ks[sort.SearchInts(ks, j):]
	}
	for i := 0; i < len(us); {
		j := i
		for j < len(us) && sp.tocEntryLike(us[j]) {
			j++
		}
		if j-i < tocMinEntries {
			i = max(j, i+1)
			continue
		}
		matched := 0
		for k := i; k < j; k++ {
			if keys[k] != "" && len(later(keys[k], j)) > 0 {
				matched++
			}
		}
		if matched < tocMinEntries || matched*10 < (j-i)*6 {
			i = j
			continue
		}
		// The lines an entry names are headings like the others it names.
		style := map[heading]int{}
		var common heading
		for k := i; k < j; k++ {
			for _, m := range later(keys[k], j) {
				if h := us[m].head; us[m].kind == uHeading {
					key := heading{fam: h.fam, rank: h.rank}
					if style[key]++; style[key] > style[common] {
						common = key
					}
				}
			}
		}
		for k := i; k < j; k++ {
			for _, m := range later(keys[k], j) {
				if u := &us[m]; u.kind == uPara {
					u.kind = uHeading
					u.head = tocHeading(sp.text[u.s:u.e], common)
				}
			}
			us[k].kind = uBreak
		}
		if i > 0 && us[i-1].kind == uHeading {
			us[i-1].head.toc = true
		}
		i = j
	}
}

// tocEntryLike reports whether u can be an entry of a table of contents:
// a list item or paragraph of one short line.
func (sp *splitter) tocEntryLike(u unit) bool {
	return (u.kind == uList || u.kind == uPara && !u.row) && u.n <= tocMaxChars && sp.oneLine(u) && !u.colon
}

// oneLine reports whether unit u spans one line of the text.
func (sp *splitter) oneLine(u unit) bool {
	return strings.IndexByte(sp.text[u.s:u.e], '\n') < 0
}

// tocHeading is the heading of a line that a table of contents names:
// of the style of the other headings it names, if any.
func tocHeading(line string, like heading) heading {
	h, ok := lineHeading(line, headingsAll)
	if !ok {
		h = heading{text: cleanHeading(line), fam: famMarked}
	}
	if like.fam != 0 {
		h.fam, h.rank = like.fam, like.rank
	}
	return h
}

// tocKey is how an entry of a table of contents and the heading it names
// compare: in lower case, without a number or bullet in front, dot leaders
// and a page number at the end, or punctuation.
func tocKey(s string) string {
	s = strings.TrimSpace(s)
	if n, _ := listMarker(s); n > 0 {
		s = s[n:]
	} else if _, rest, ok := decimalNumber(s); ok {
		s = rest
	} else if rest, _, ok := letterNumber(s); ok {
		s = rest
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case unicode.IsDigit(r):
			// Page numbers and section numbers inside go.
			space = true
		default:
			space = true
		}
	}
	k := b.String()
	if utf8.RuneCountInString(k) < 3 {
		return ""
	}
	return k
}
