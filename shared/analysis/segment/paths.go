package segment

import "strings"

// Heading paths: the second stage decides which heading units are the
// document's title, which stay text, and the heading path each unit sits
// under.

// markTitle finds the document title among the headings: the first
// heading, with at most two short paragraphs before it, and any headings of
// the same style right after it (a subtitle), when one of them names the
// document (the extractor's title, or words like "privacy policy") or it is
// the only top-level (h1, '#') heading. They stay out of the heading paths,
// which would otherwise repeat the title on every clause.
func (sp *splitter) markTitle() {
	first := -1
	before := 0
	for i, u := range sp.units {
		if u.kind == uHeading {
			first = i
			break
		}
		if u.kind == uPara || u.kind == uList {
			before++
			if before > 2 || u.n >= 150 {
				return
			}
		}
	}
	if first < 0 {
		return
	}
	h := sp.units[first].head
	last := first
	for last+1 < len(sp.units) && sp.units[last+1].kind == uHeading && sameStyle(sp.units[last+1].head, h) {
		last++
	}
	title := false
	for _, u := range sp.units[first : last+1] {
		if strings.EqualFold(u.head.text, strings.TrimSpace(sp.doc.Title)) {
			title = true
		}
		if h.fam == famNumber || h.fam == famSection || h.fam == famRoman || h.fam == famAlpha {
			continue
		}
		lt := strings.ToLower(u.head.text)
		for _, w := range []string{"privacy", "policy", "notice", "statement", "terms", "cookie"} {
			if strings.Contains(lt, w) {
				title = true
			}
		}
	}
	if !title && h.fam == famLevel && h.rank == 1 {
		// A page's only top-level heading is its title.
		title = true
		for _, u := range sp.units[last+1:] {
			if u.kind == uHeading && sameStyle(u.head, h) {
				title = false
				break
			}
		}
	}
	for i := first; i <= last; i++ {
		sp.units[i].title = title
	}
}

func sameStyle(a, b heading) bool { return a.fam == b.fam && a.rank == b.rank }

// keepHeadingText turns headings that head nothing back into text, so
// that no words are lost: headings after the last text of the document are
// text (but the first of several heads the others), and a run of
// heading-like lines of one style with no text between them is a list:
// two or more numbered ones ("1. Opt out of marketing", "2. Delete your
// account"), three or more others (two unnumbered ones are a section
// heading and the heading of its first subsection, "What we collect",
// "Information you give us"). Headings the source marks with a level
// (HTML, Markdown), tables of contents and the title are left alone.
func (sp *splitter) keepHeadingText() {
	us := sp.units
	inferred := func(u unit) bool {
		return u.kind == uHeading && !u.title && !u.head.toc && u.head.fam != famLevel
	}
	end := len(us) - 1
	for end >= 0 && us[end].kind == uBreak {
		end--
	}
	first := end + 1
	for first > 0 && us[first-1].kind == uHeading {
		first--
	}
	for k := first; k <= end; k++ {
		if inferred(us[k]) && (k > first || k == end) {
			sp.asText(&us[k], uPara)
		}
	}
	for i := 0; i < len(us); {
		if !inferred(us[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(us) && inferred(us[j]) && sameStyle(us[j].head, us[i].head) {
			j++
		}
		if need := 3 - btoi(us[i].head.fam.numbered()); j-i >= need {
			for k := i; k < j; k++ {
				sp.asText(&us[k], uList)
			}
		}
		i = j
	}
}

// asText turns heading unit u into text of kind k.
func (sp *splitter) asText(u *unit, k unitKind) {
	t := sp.text[u.s:u.e]
	u.kind = k
	u.n, u.words = collapsedLen(t)
	u.colon = strings.HasSuffix(t, ":")
	if k == uList {
		u.enum = enumerator(t)
	}
}

// scanHeadings records where each heading family first and last occurs
// and whether top-level decimal numbering restarts.
func (sp *splitter) scanHeadings() {
	sp.firstIdx, sp.lastIdx = map[family]int{}, map[family]int{}
	prev := 0
	for i, u := range sp.units {
		if u.kind != uHeading || u.title || u.head.toc {
			continue
		}
		f := u.head.fam
		if _, ok := sp.firstIdx[f]; !ok {
			sp.firstIdx[f] = i
		}
		sp.lastIdx[f] = i
		if f == famNumber && u.head.rank == 1 {
			n := leadingInt(u.head.text)
			if n <= prev {
				sp.numRestarts = true
			}
			prev = n
		}
	}
}

// push opens heading h, the units[i]: it closes the headings it is a
// sibling or an ancestor of and nests under the rest. Two kinds of open
// headings are closed as well: those of a style that never occurs again
// once h's style has begun (a lone "Introduction" before numbered
// sections is a preamble, not their parent), and, when top-level decimal
// numbering never restarts, unnumbered style headings before a top-level
// number (the numbers are the document's sections).
func (sp *splitter) push(stack []heading, h heading, i int) []heading {
	stack = push(stack, h)
	top := stack[:len(stack)-1]
	kept := top[:0]
	for _, e := range top {
		preamble := e.fam != famLevel && e.fam != h.fam && sp.lastIdx[e.fam] < sp.firstIdx[h.fam]
		outranked := h.fam == famNumber && h.rank == 1 && !sp.numRestarts &&
			(e.fam == famLine || e.fam == famCaps || e.fam == famMarked || e.fam == famMarkedCaps)
		if !preamble && !outranked {
			kept = append(kept, e)
		}
	}
	return append(kept, h)
}

// push opens heading h: it closes the headings it is a sibling or an
// ancestor of and nests under the rest.
func push(stack []heading, h heading) []heading {
	cut := len(stack)
	if h.fam.ranked() {
		lowest := -1
		for i := len(stack) - 1; i >= 0; i-- {
			e := stack[i]
			if e.fam != h.fam {
				continue
			}
			if e.rank < h.rank {
				lowest = i + 1
				break
			}
			lowest = i
		}
		if lowest >= 0 {
			cut = lowest
		}
	} else {
		for i, e := range stack {
			if e.fam == h.fam {
				cut = i
				break
			}
		}
	}
	cut = min(cut, maxDepth-1)
	return append(stack[:cut], h)
}

// leadingInt parses the integer at the start of s, or returns 0.
func leadingInt(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 4 && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// promoteLoneHeadings turns a line that reads as a heading and heads what
// follows it into a heading, so that a heading is never a clause, or part
// of a list, on its own:
//
//   - a lone line between headings (a heading the extractor did not mark);
//   - a numbered line at the end of a list whose number the next
//     heading's continues ("3. Retention Period" read as the next item of
//     the list, above "3.1 Accounts");
//   - a lone numbered or ALL CAPS line above text, where the document marks
//     its other headings ("7. Transfer of Data" in Markdown without '#').
func (sp *splitter) promoteLoneHeadings() {
	us := sp.units
	for i := range us {
		u := &us[i]
		if u.kind != uPara && u.kind != uList || i+1 >= len(us) {
			continue
		}
		t := sp.text[u.s:u.e]
		if strings.IndexByte(t, '\n') >= 0 || u.n > 100 {
			continue
		}
		next := us[i+1]
		lone := i == 0 || us[i-1].kind == uHeading || us[i-1].kind == uBreak
		switch {
		case next.kind == uHeading && !next.head.toc:
			parent := u.enum != "" && strings.HasPrefix(next.head.text, u.enum+".")
			if !lone && !parent {
				continue
			}
			h, ok := lineHeading(t, headingsAll)
			if !ok {
				continue
			}
			if next.head.fam == famLevel && next.head.rank > 1 {
				// One level above the heading it heads.
				h.fam, h.rank = famLevel, next.head.rank-1
			}
			u.kind, u.head = uHeading, h
		case next.kind == uPara || next.kind == uList && next.enum == "":
			// After the end of a sentence, not in a list an introduction
			// opens, and not an item of a numbered list.
			if !lone && (us[i-1].colon || us[i-1].kind == uList || !endsSentence(sp.text[us[i-1].s:us[i-1].e])) {
				continue
			}
			if h, ok := lineHeading(t, headingsStrong); ok && h.fam != famLine {
				u.kind, u.head = uHeading, h
			}
		}
	}
}
