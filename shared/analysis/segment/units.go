package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Units: the first stage of Split turns the document's blocks into
// units (headings, paragraphs, list items and dropped furniture), reading
// the lines of plain-text and Markdown paragraphs for the headings, lists
// and sentence-per-line layouts they hold.

// buildUnits turns the blocks into units.
func (sp *splitter) buildUnits() {
	sp.units = make([]unit, 0, 2*len(sp.doc.Blocks))
	off := 0
	if sp.maxUnits > 0 && len(sp.doc.Blocks) > sp.maxUnits {
		sp.over = true
		return
	}
	for i, b := range sp.doc.Blocks {
		if i > 0 {
			off += len(policy.BlockSeparator)
		}
		if sp.over {
			return
		}
		sp.block(b, off)
		off += len(b.Text)
	}
}

func (sp *splitter) block(b policy.Block, off int) {
	s, e := trimSpan(sp.text, off, off+len(b.Text))
	if s >= e {
		return
	}
	switch b.Kind {
	case policy.Heading:
		t := cleanHeading(sp.text[s:e])
		if mk, enum := listMarker(sp.text[s:e]); mk > 0 && !enum {
			// A bulleted line set like a heading is a list item.
			sp.addText(uList, s, e, b.Page)
			return
		}
		if hasAlnum(t) && utf8.RuneCountInString(t) <= maxHeadingChars && !isChrome(t) {
			sp.addHeading(s, e, b.Page, markedHeading(t, b.Level))
			return
		}
	case policy.ListItem:
		if !hasAlnum(sp.text[s:e]) {
			sp.add(unit{kind: uBreak, s: s, e: e})
			return
		}
		sp.addText(uList, s, e, b.Page).enum = enumerator(sp.text[s:e])
		return
	case policy.TableRow:
		sp.addText(uPara, s, e, b.Page).row = true
		return
	}
	sp.paragraph(s, e, b.Page)
}

func (sp *splitter) add(u unit) {
	if sp.maxUnits > 0 && len(sp.units) >= sp.maxUnits {
		sp.over = true
	}
	sp.units = append(sp.units, u)
}

func (sp *splitter) addHeading(s, e, page int, h heading) {
	sp.add(unit{kind: uHeading, s: s, e: e, page: page, head: h})
}

// addText adds a paragraph or list item spanning text[s:e].
func (sp *splitter) addText(k unitKind, s, e, page int) *unit {
	n, words := collapsedLen(sp.text[s:e])
	t := sp.text[s:e]
	sp.add(unit{kind: k, s: s, e: e, n: n, words: words, page: page, colon: t[len(t)-1] == ':'})
	return &sp.units[len(sp.units)-1]
}

// listGoesOn reports whether a line with enumerator tok continues the
// list the text so far ends in: it follows an item numbered one less, or
// it is a first item ("1", "a", "i") after an introduction ending in ':'.
// Such a line is a list item even if it reads like a numbered heading.
func (sp *splitter) listGoesOn(tok string) bool {
	if tok == "" || len(sp.units) == 0 {
		return false
	}
	u := sp.units[len(sp.units)-1]
	switch {
	case u.kind == uList:
		return u.enum != "" && nextEnumerator(u.enum) == tok
	case u.kind == uPara && u.colon:
		return firstEnumerator(tok)
	}
	return false
}

// line is one line of a paragraph block.
type line struct {
	s, e   int
	indent int // leading white space before s
	runes  int
	typ    lineType
	head   heading
	cand   bool // reads as a heading
	enum   bool // starts with an enumerator
	item   bool // starts with a list marker
	end    bool // ends a sentence
	colon  bool // ends with ':'
}

type lineType uint8

const (
	lBody lineType = iota
	lHead
	lItem
	lCont // continues the list item above
	lDrop
)

// paragraph reads a paragraph block spanning text[s:e]: a single line, or
// lines that may hold headings, list items, several paragraphs (wrapped
// text without blank lines) or one sentence each. It runs as passes over
// the block's lines: split them, describe each, drop heading candidates a
// sentence runs on from or that come in runs, decide each line's type, and
// emit the units.
func (sp *splitter) paragraph(s, e, page int) {
	lines := sp.splitLines(s, e)
	if len(lines) == 1 {
		sp.singleLine(lines[0].s, lines[0].e, page)
		return
	}
	sp.describeLines(lines)
	sp.dropRunOnHeadings(lines)
	sp.dropHeadingRuns(lines)
	sp.typeLines(lines)
	sp.emitLines(lines, page)
}

// splitLines returns the non-blank lines of text[s:e], trimmed, with their
// indentation. It reuses the splitter's line buffer.
func (sp *splitter) splitLines(s, e int) []line {
	lines := sp.lines[:0]
	for p := s; p < e && !sp.over; {
		q := strings.IndexByte(sp.text[p:e], '\n')
		if q < 0 {
			q = e
		} else {
			q += p
		}
		if ls, le := trimSpan(sp.text, p, q); ls < le {
			lines = append(lines, line{s: ls, e: le, indent: utf8.RuneCountInString(sp.text[p:ls])})
			sp.over = sp.over || sp.maxUnits > 0 && len(lines) > sp.maxUnits
		}
		p = q + 1
	}
	sp.lines = lines
	return lines
}

// describeLines notes what each line looks like: its length, whether it
// ends a sentence or with ':', starts with a list marker, and reads as a
// heading.
func (sp *splitter) describeLines(lines []line) {
	for i := range lines {
		l := &lines[i]
		t := sp.text[l.s:l.e]
		l.runes = utf8.RuneCountInString(t)
		l.end = endsSentence(t)
		l.colon = strings.HasSuffix(t, ":")
		mk, enum := listMarker(t)
		l.item, l.enum = mk > 0, enum
		// A heading opens the block or follows the end of a sentence; short
		// lines are checked too, for runs of them (tables of contents).
		if i == 0 || lines[i-1].end || lines[i-1].colon || l.runes < 60 {
			l.head, l.cand = lineHeading(t, sp.mode)
		}
	}
}

// dropRunOnHeadings: a heading is not followed by a line that continues its
// sentence.
func (sp *splitter) dropRunOnHeadings(lines []line) {
	for i := range lines {
		if lines[i].cand && i+1 < len(lines) && startsLower(sp.text[lines[i+1].s:lines[i+1].e]) {
			lines[i].cand = false
		}
	}
}

// dropHeadingRuns: three or more heading-like lines in a row are not
// headings: numbered ones are a table of contents or a list, others an
// address or the like.
func (sp *splitter) dropHeadingRuns(lines []line) {
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j].cand {
			j++
		}
		if j-i >= 3 {
			for k := i; k < j; k++ {
				lines[k].cand = false
				if t := sp.text[lines[k].s:lines[k].e]; lines[k].enum || enumerator(t) != "" && strings.ContainsAny(t[:len(enumerator(t))+1], ".)") {
					lines[k].item, lines[k].enum = true, true
				}
			}
		}
		i = max(j, i+1)
	}
}

// typeLines decides each line's type: dropped furniture, heading, list
// item, continuation of the item above, or body text.
func (sp *splitter) typeLines(lines []line) {
	itemIndent, itemTok := 0, ""
	for i := range lines {
		l := &lines[i]
		t := sp.text[l.s:l.e]
		var prev *line
		if i > 0 {
			prev = &lines[i-1]
		}
		after := prev == nil || prev.end || prev.colon || prev.typ == lHead
		tok := ""
		if l.enum {
			tok = enumerator(t)
		}
		var listGoesOn bool
		switch {
		case prev == nil:
			listGoesOn = sp.listGoesOn(tok)
		case tok == "":
		case prev.typ == lItem || prev.typ == lCont:
			listGoesOn = itemTok != "" && nextEnumerator(itemTok) == tok
		case prev.colon:
			listGoesOn = firstEnumerator(tok)
		}
		inItem := prev != nil && (prev.typ == lItem || prev.typ == lCont)
		switch {
		case isChrome(t) || !hasAlnum(t):
			l.typ = lDrop
		case l.cand && after && !listGoesOn:
			l.typ = lHead
		case l.item:
			l.typ = lItem
			itemIndent, itemTok = l.indent, tok
		case inItem && (l.indent > itemIndent || continues(sp.text[prev.s:prev.e], t)):
			l.typ = lCont
		default:
			l.typ = lBody
		}
	}
}

// emitLines turns typed lines into units: headings, breaks, list items with
// their continuation lines, and runs of body lines.
func (sp *splitter) emitLines(lines []line, page int) {
	for i := 0; i < len(lines); {
		l := lines[i]
		switch l.typ {
		case lHead:
			sp.addHeading(l.s, l.e, page, l.head)
			i++
		case lDrop:
			sp.add(unit{kind: uBreak, s: l.s, e: l.e})
			i++
		case lItem:
			j := i + 1
			for j < len(lines) && lines[j].typ == lCont {
				j++
			}
			sp.addText(uList, l.s, lines[j-1].e, page).enum = enumerator(sp.text[l.s:l.e])
			i = j
		default:
			j := i + 1
			for j < len(lines) && (lines[j].typ == lBody || lines[j].typ == lCont) {
				j++
			}
			sp.body(lines[i:j], page)
			i = j
		}
	}
}

// singleLine reads a paragraph block of one line.
func (sp *splitter) singleLine(s, e, page int) {
	t := sp.text[s:e]
	if isChrome(t) || !hasAlnum(t) {
		sp.add(unit{kind: uBreak, s: s, e: e})
		return
	}
	mk, enum := listMarker(t)
	tok := ""
	if enum {
		tok = enumerator(t)
	}
	if h, ok := lineHeading(t, sp.mode); ok && !sp.listGoesOn(tok) {
		sp.addHeading(s, e, page, h)
		return
	}
	if mk > 0 {
		sp.addText(uList, s, e, page).enum = tok
		return
	}
	sp.addText(uPara, s, e, page)
}

// body reads consecutive body lines of a block. When most of them end a
// sentence (three or more lines) the text is one sentence per line: each
// sentence becomes a unit to be grouped with its neighbours. Otherwise the
// lines are wrapped prose; a line that ends a sentence well short of the
// wrapping width ends a paragraph.
func (sp *splitter) body(lines []line, page int) {
	if len(lines) == 1 {
		sp.addText(uPara, lines[0].s, lines[0].e, page)
		return
	}
	ends, width := 0, 0
	for _, l := range lines {
		if l.end {
			ends++
		}
		width = max(width, l.runes)
	}
	sentenceLines := len(lines) >= 3 && ends*10 >= len(lines)*7
	start := 0
	for i, l := range lines {
		last := i == len(lines)-1
		var cut bool
		switch {
		case last:
			cut = true
		case sentenceLines:
			cut = l.end || l.colon
		default:
			cut = (l.end || l.colon) && width >= 40 && l.runes*10 < width*7 &&
				startsSentence(sp.text[lines[i+1].s:lines[i+1].e])
		}
		if cut {
			u := sp.addText(uPara, lines[start].s, l.e, page)
			u.merge = sentenceLines
			start = i + 1
		}
	}
}

// continues reports whether line t continues the list item whose last line
// is prev: it starts in lower case, or prev ends mid-sentence.
func continues(prev, t string) bool {
	if startsLower(t) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(prev)
	if strings.ContainsRune(",;-–(/&", last) {
		return true
	}
	ws := strings.LastIndexFunc(prev, unicode.IsSpace) + 1
	return isFunctionWord(prev[ws:])
}

func startsLower(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsLower(r)
}

// markSentenceLayout finds one-sentence-per-paragraph documents: when at
// least six paragraphs exist and 60% of them are single short sentences,
// those sentences are grouped with their neighbours.
func (sp *splitter) markSentenceLayout() {
	paras, singles := 0, 0
	for i := range sp.units {
		u := &sp.units[i]
		if u.kind != uPara || u.merge || u.row {
			continue
		}
		paras++
		if u.n <= singleSentenceChars && !hasSentenceBreak(sp.text[u.s:u.e]) {
			singles++
		}
	}
	if paras < 6 || singles*10 < paras*6 {
		return
	}
	for i := range sp.units {
		u := &sp.units[i]
		if u.kind == uPara && !u.row && u.n <= singleSentenceChars && !hasSentenceBreak(sp.text[u.s:u.e]) {
			u.merge = true
		}
	}
}

// joinCutSentences joins a paragraph that stops in the middle of a
// sentence to the paragraph after it when that one goes on in lower case:
// a paragraph cut by a page or column break, or text converted with a
// blank line after every line. ("we collect information such" / "as the
// type of device you use" is one sentence.)
func (sp *splitter) joinCutSentences() {
	us := sp.units
	out := us[:0]
	for _, u := range us {
		if n := len(out); n > 0 && u.kind == uPara && !u.row {
			p := &out[n-1]
			t := sp.text[p.s:p.e]
			last, _ := utf8.DecodeLastRuneInString(t)
			if p.kind == uPara && !p.row && !p.colon && (unicode.IsLetter(last) || last == ',') &&
				startsLower(sp.text[u.s:u.e]) && !endsSentence(t) {
				p.e, p.n, p.words = u.e, p.n+1+u.n, p.words+u.words
				p.merge = p.merge && u.merge
				continue
			}
		}
		out = append(out, u)
	}
	sp.units = out
}
