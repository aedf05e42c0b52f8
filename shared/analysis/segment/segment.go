// Package segment splits an extracted document into clauses: paragraph-sized
// units of text, each with the path of section headings above it.
//
// Headings come from the extractor (HTML h1-h6 and bold-only lines,
// Markdown '#', PDF headings) and, in plain text, from the lines
// themselves: numbered ("4. Sharing", "4.2 Service providers", "IV.
// Rights", "Section 3 - Contact"), ALL CAPS, and short title-case or
// sentence-case lines without a final period (a final ':' only when the
// line is title case). Heading paths nest by explicit level or numbering
// depth; headings of another style nest under the open ones and replace a
// heading of their own style. The document's title (its first heading when
// it names the document) and tables of contents stay out of the paths.
//
// Clauses follow the document's paragraphs. A sentence ending in ':'
// keeps the list (or table) that follows it when the whole is at most
// ListChars. Layouts without paragraphs fall back to sentence boundaries
// (abbreviations such as "e.g.", "Inc." and "U.S.", decimals, URLs and
// e-mail addresses do not end sentences): a paragraph longer than
// Options.MaxChars is cut into groups of sentences of about TargetChars,
// one-sentence-per-line and one-sentence-per-paragraph text is grouped into
// paragraphs of about that size, and no clause is ever longer than
// Options.MaxChars (a sentence longer than that is cut at word boundaries,
// after a ';' or ',' where possible). Page furniture ("Back to top", lone
// bullets) is dropped; fragments of one or two words join a neighbour.
package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Options tune segmentation. Zero fields take defaults.
type Options struct {
	// MaxChars bounds a clause's length in code points; longer paragraphs are
	// split at sentence boundaries, and a sentence longer than this at word
	// boundaries.
	MaxChars int
}

// DefaultMaxChars is the default bound on clause length.
const DefaultMaxChars = 2000

// Sizes that shape clauses, in code points of collapsed text. OPP-115
// segments have a median length of about 400 and a mean of about 460.
const (
	// TargetChars is the size sentence groups aim for when a paragraph
	// must be cut or sentences must be grouped.
	TargetChars = 600
	// ListChars bounds an introduction ending in ':' together with the list
	// it introduces; longer lists are cut into groups of about TargetChars.
	ListChars = 1500
	// shortItemChars bounds a paragraph that may act as an item of a list
	// introduced by ':'.
	shortItemChars = 250
	// singleSentenceChars bounds a one-sentence paragraph that may be
	// grouped with its neighbours in one-sentence-per-paragraph layouts.
	singleSentenceChars = 250
	// maxDepth bounds the heading path.
	maxDepth = 6
	// maxHeadingChars bounds a heading block; longer ones are paragraphs.
	maxHeadingChars = 200
)

// Split splits doc into clauses.
func Split(doc *policy.Document, opt Options) []policy.Clause {
	if doc == nil || len(doc.Blocks) == 0 {
		return nil
	}
	sp := newSplitter(doc, opt)
	sp.buildUnits()
	sp.markSentenceLayout()
	sp.markTitle()
	sp.keepHeadingText()
	sp.scanHeadings()
	out := sp.emit()
	if len(out) == 0 {
		// Nothing but headings (a one-line file that reads like a title):
		// the lines are the content.
		for i := range sp.units {
			if u := &sp.units[i]; u.kind == uHeading {
				u.kind = uPara
				u.n, u.words = collapsedLen(sp.text[u.s:u.e])
			}
		}
		out = sp.emit()
	}
	return out
}

type unitKind uint8

const (
	uPara    unitKind = iota
	uList             // a list item
	uHeading          // a heading
	uBreak            // dropped furniture; clauses never span it
)

// unit is a paragraph, list item or heading found in the text.
type unit struct {
	kind  unitKind
	s, e  int // byte span in the document text, without surrounding space
	n     int // length in code points after collapsing white space
	words int
	page  int
	// colon: the text ends with ':' (it may introduce a list).
	colon bool
	// merge: a sentence of a one-sentence-per-line layout, to be grouped
	// with its neighbours.
	merge bool
	// row: a table row (cells joined by " | "), grouped with the rows
	// around it.
	row bool
	// enum is the enumerator of a numbered list item ("3", "b", "2.1").
	enum  string
	head  heading
	title bool // the document title: not part of heading paths
}

// piece is a span of text that becomes a clause.
type piece struct {
	s, e, n, words, page int
	// glued: no white space separates the piece from the one before it
	// (the second half of a word cut in two).
	glued bool
}

type splitter struct {
	doc     *policy.Document
	text    string
	max     int
	target  int
	listMax int
	mode    headingMode
	units   []unit
	lines   []line
	// firstIdx and lastIdx are the unit indexes of the first and last
	// heading of each family; numRestarts says whether top-level decimal
	// numbering starts again somewhere ("1." under each of several
	// sections).
	firstIdx, lastIdx map[family]int
	numRestarts       bool
	spans             [][2]int
	pieces            []piece
	out               []policy.Clause
	cursor            runeCursor
}

func newSplitter(doc *policy.Document, opt Options) *splitter {
	sp := &splitter{doc: doc, text: doc.Text(), max: opt.MaxChars}
	if sp.max <= 0 {
		sp.max = DefaultMaxChars
	}
	sp.target = min(TargetChars, sp.max)
	sp.listMax = min(ListChars, sp.max)
	sp.cursor.text = sp.text
	marked := 0
	for _, b := range doc.Blocks {
		if b.Kind == policy.Heading {
			marked++
		}
	}
	switch {
	case marked < 2:
		sp.mode = headingsAll
	case doc.Format == policy.PDF:
		sp.mode = headingsStrong
	default:
		sp.mode = headingsNone
	}
	return sp
}

// buildUnits turns the blocks into units.
func (sp *splitter) buildUnits() {
	sp.units = make([]unit, 0, 2*len(sp.doc.Blocks))
	off := 0
	for i, b := range sp.doc.Blocks {
		if i > 0 {
			off += len(policy.BlockSeparator)
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
	}
	sp.paragraph(s, e, b.Page)
}

func (sp *splitter) add(u unit) { sp.units = append(sp.units, u) }

func (sp *splitter) addHeading(s, e, page int, h heading) {
	sp.add(unit{kind: uHeading, s: s, e: e, page: page, head: h})
}

// addText adds a paragraph or list item spanning text[s:e].
func (sp *splitter) addText(k unitKind, s, e, page int) *unit {
	n, words := collapsedLen(sp.text[s:e])
	t := sp.text[s:e]
	sp.add(unit{kind: k, s: s, e: e, n: n, words: words, page: page, colon: t[len(t)-1] == ':', row: k == uPara && strings.Contains(t, " | ")})
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
// text without blank lines) or one sentence each.
func (sp *splitter) paragraph(s, e, page int) {
	lines := sp.lines[:0]
	for p := s; p < e; {
		q := strings.IndexByte(sp.text[p:e], '\n')
		if q < 0 {
			q = e
		} else {
			q += p
		}
		if ls, le := trimSpan(sp.text, p, q); ls < le {
			lines = append(lines, line{s: ls, e: le, indent: utf8.RuneCountInString(sp.text[p:ls])})
		}
		p = q + 1
	}
	sp.lines = lines
	if len(lines) == 1 {
		sp.singleLine(lines[0].s, lines[0].e, page)
		return
	}
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
	for i := range lines {
		// A heading is not followed by a line that continues its sentence.
		if lines[i].cand && i+1 < len(lines) && startsLower(sp.text[lines[i+1].s:lines[i+1].e]) {
			lines[i].cand = false
		}
	}
	// Three or more heading-like lines in a row are not headings: numbered
	// ones are a table of contents or a list, others an address or the
	// like.
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

// emit walks the units, tracking the heading path, and turns each run of
// text between headings into clauses.
func (sp *splitter) emit() []policy.Clause {
	var stack []heading
	var path []string
	start := -1
	toc := false // inside a table of contents: its list is dropped
	for i, u := range sp.units {
		if toc && u.kind != uList {
			toc = false
		}
		switch {
		case u.kind == uHeading:
			if start >= 0 {
				sp.run(sp.units[start:i], path)
				start = -1
			}
			if u.head.toc {
				toc = true
				continue
			}
			if !u.title {
				stack = sp.push(stack, u.head, i)
				path = make([]string, len(stack))
				for k, h := range stack {
					path[k] = h.text
				}
			}
		case u.kind == uBreak || toc:
			if start >= 0 {
				sp.run(sp.units[start:i], path)
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		sp.run(sp.units[start:], path)
	}
	return sp.out
}

// keepHeadingText turns headings that head nothing back into text, so
// that no words are lost: headings after the last text of the document are
// text (but the first of several heads the others), and a run of two or
// more heading-like lines of one style with no text between them is a
// list ("1. Opt out of marketing", "2. Delete your account"). Headings the
// source marks with a level (HTML, Markdown), tables of contents and the
// title are left alone.
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
		if j-i >= 2 {
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

// leadingInt parses the integer at the start of s, or returns 0.
func leadingInt(s string) int {
	n := 0
	for i := 0; i < len(s) && i < 4 && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
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

// run turns consecutive text units (no heading or break between them)
// into clauses.
func (sp *splitter) run(units []unit, path []string) {
	sp.pieces = sp.pieces[:0]
	for k := 0; k < len(units); {
		u := units[k]
		j := k + 1
		switch {
		case u.colon && j < len(units) && itemLike(units[j]):
			// The list is of list items, or, without markers, of short
			// paragraphs.
			marked := units[j].kind == uList
			total := u.n
			for j < len(units) && itemLike(units[j]) && (units[j].kind == uList) == marked {
				total += 1 + units[j].n
				j++
			}
			if total <= sp.listMax {
				last := units[j-1]
				sp.pieces = append(sp.pieces, piece{s: u.s, e: last.e, n: total, words: sumWords(units[k:j]), page: u.page})
			} else {
				sp.pack(units[k:j])
			}
		case u.kind == uList:
			for j < len(units) && units[j].kind == uList {
				j++
			}
			sp.pack(units[k:j])
		case u.row:
			for j < len(units) && units[j].row {
				j++
			}
			sp.pack(units[k:j])
		case u.merge:
			for j < len(units) && units[j].merge && !(units[j].colon && j+1 < len(units) && itemLike(units[j+1])) {
				j++
			}
			sp.pack(units[k:j])
		default:
			sp.pack(units[k:j])
		}
		k = j
	}
	sp.mergeTiny()
	for _, p := range sp.pieces {
		sp.out = append(sp.out, policy.Clause{
			Ordinal: len(sp.out) + 1,
			Heading: path,
			Text:    collapse(sp.text[p.s:p.e]),
			Start:   sp.cursor.runes(p.s),
			End:     sp.cursor.runes(p.e),
			Page:    p.page,
		})
	}
}

// itemLike reports whether u can be an item of a list introduced by ':'.
func itemLike(u unit) bool {
	return u.kind == uList || u.kind == uPara && u.n <= shortItemChars && !u.colon
}

func sumWords(units []unit) int {
	n := 0
	for _, u := range units {
		n += u.words
	}
	return n
}

// pack groups units into pieces of about TargetChars. A unit longer than
// MaxChars is cut into sentences first, and a sentence longer than
// MaxChars into runs of words.
func (sp *splitter) pack(units []unit) {
	first := len(sp.pieces)
	var cur piece
	has := false
	add := func(a piece) {
		if has {
			gap := 1
			if a.glued {
				gap = 0
			}
			total := cur.n + gap + a.n
			if total <= sp.max && (total <= sp.target || cur.n < sp.target/2) {
				cur.e, cur.n, cur.words = a.e, total, cur.words+a.words
				return
			}
			sp.pieces = append(sp.pieces, cur)
		}
		cur, has = a, true
	}
	for _, u := range units {
		if u.n <= sp.max {
			add(piece{s: u.s, e: u.e, n: u.n, words: u.words, page: u.page})
			continue
		}
		sp.spans = sentences(sp.text[u.s:u.e], sp.spans[:0])
		for _, span := range sp.spans {
			s, e := trimSpan(sp.text, u.s+span[0], u.s+span[1])
			if s >= e {
				continue
			}
			n, words := collapsedLen(sp.text[s:e])
			if n <= sp.max {
				add(piece{s: s, e: e, n: n, words: words, page: u.page})
				continue
			}
			sp.cutWords(s, e, u.page, add)
		}
	}
	if has {
		sp.pieces = append(sp.pieces, cur)
	}
	// A short remainder joins the piece before it.
	if k := len(sp.pieces); k-first >= 2 {
		prev, last := sp.pieces[k-2], sp.pieces[k-1]
		gap := 1
		if last.glued {
			gap = 0
		}
		if last.n < sp.target/4 && prev.n+gap+last.n <= sp.max {
			sp.pieces[k-2].e, sp.pieces[k-2].n, sp.pieces[k-2].words = last.e, prev.n+gap+last.n, prev.words+last.words
			sp.pieces = sp.pieces[:k-1]
		}
	}
}

// cutWords cuts text[s:e], a sentence longer than MaxChars, into pieces
// of at most MaxChars at word boundaries, preferring to cut after a ';',
// ',' or ':' in the second half of a piece. A word longer than MaxChars is
// cut between characters.
func (sp *splitter) cutWords(s, e, page int, add func(piece)) {
	var cur piece
	has := false
	bestEnd, bestN, bestWords := -1, 0, 0
	emit := func() {
		if has {
			add(cur)
			has = false
		}
		bestEnd = -1
	}
	for p := s; p < e; {
		// Next word.
		ws := p
		for ws < e {
			r, size := utf8.DecodeRuneInString(sp.text[ws:])
			if !unicode.IsSpace(r) {
				break
			}
			ws += size
		}
		if ws >= e {
			break
		}
		we, wn := ws, 0
		for we < e {
			r, size := utf8.DecodeRuneInString(sp.text[we:])
			if unicode.IsSpace(r) {
				break
			}
			we += size
			wn++
		}
		p = we
		if wn > sp.max {
			// Cut the giant word itself.
			emit()
			glued := false
			for q := ws; q < we; {
				qe, k := q, 0
				for qe < we && k < sp.max {
					_, size := utf8.DecodeRuneInString(sp.text[qe:])
					qe += size
					k++
				}
				add(piece{s: q, e: qe, n: k, words: 1, page: page, glued: glued})
				glued = true
				q = qe
			}
			continue
		}
		if has && cur.n+1+wn > sp.max {
			if bestEnd > 0 && bestEnd < cur.e && bestN*2 >= sp.max {
				// Cut at the last clause punctuation and carry the rest.
				rest := piece{s: nextNonSpace(sp.text, bestEnd, e), e: cur.e, page: page}
				rest.n, rest.words = collapsedLen(sp.text[rest.s:rest.e])
				cur.e, cur.n, cur.words = bestEnd, bestN, bestWords
				add(cur)
				cur, bestEnd = rest, -1
			} else {
				emit()
			}
			if has && cur.n+1+wn > sp.max {
				emit()
			}
		}
		if !has {
			cur, has = piece{s: ws, e: we, n: wn, words: 1, page: page}, true
		} else {
			cur.e, cur.n, cur.words = we, cur.n+1+wn, cur.words+1
		}
		if last := sp.text[we-1]; last == ';' || last == ',' || last == ':' {
			bestEnd, bestN, bestWords = we, cur.n, cur.words
		}
	}
	emit()
}

func nextNonSpace(text string, p, e int) int {
	for p < e {
		r, size := utf8.DecodeRuneInString(text[p:])
		if !unicode.IsSpace(r) {
			break
		}
		p += size
	}
	return p
}

// mergeTiny joins pieces of one or two words ("Yes.", "See below") to the
// next piece of the run, or else to the previous one, when the result fits
// in MaxChars.
func (sp *splitter) mergeTiny() {
	ps := sp.pieces
	if len(ps) < 2 {
		return
	}
	tiny := func(p piece) bool { return p.words <= 2 && p.n < 40 }
	out := ps[:0] // compacts in place: out never overtakes the loop
	var carry piece
	hasCarry := false
	backward := func(p piece) {
		if k := len(out) - 1; k >= 0 {
			if j, ok := sp.join(out[k], p); ok {
				out[k] = j
				return
			}
		}
		out = append(out, p)
	}
	for _, p := range ps {
		if hasCarry {
			hasCarry = false
			if j, ok := sp.join(carry, p); ok {
				p = j
			} else {
				backward(carry)
			}
		}
		if tiny(p) {
			carry, hasCarry = p, true
			continue
		}
		out = append(out, p)
	}
	if hasCarry {
		backward(carry)
	}
	sp.pieces = out
}

// join returns pieces a and b, adjacent in the text, as one piece, if it
// fits in MaxChars.
func (sp *splitter) join(a, b piece) (piece, bool) {
	gap := 1
	if b.glued {
		gap = 0
	}
	n := a.n + gap + b.n
	if n > sp.max {
		return piece{}, false
	}
	return piece{s: a.s, e: b.e, n: n, words: a.words + b.words, page: a.page, glued: a.glued}, true
}

// trimSpan narrows text[s:e] to exclude leading and trailing white space.
func trimSpan(text string, s, e int) (int, int) {
	for s < e {
		c := text[s]
		if c < utf8.RuneSelf && asciiSpace[c] {
			s++
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		s += size
	}
	for e > s {
		c := text[e-1]
		if c < utf8.RuneSelf && asciiSpace[c] {
			e--
			continue
		}
		if c < utf8.RuneSelf {
			break
		}
		r, size := utf8.DecodeLastRuneInString(text[s:e])
		if !unicode.IsSpace(r) {
			break
		}
		e -= size
	}
	return s, e
}

// collapsedLen returns the number of code points and words of s after
// collapsing white space runs to one space and trimming.
func collapsedLen(s string) (n, words int) {
	inWord := false
	for i := 0; i < len(s); {
		var space bool
		switch byteKind[s[i]] {
		case kindPlain:
			// A run of printable ASCII: one code point per byte.
			j := i + 1
			for j < len(s) && byteKind[s[j]] == kindPlain {
				j++
			}
			if !inWord {
				if words > 0 {
					n++
				}
				words++
				inWord = true
			}
			n += j - i
			i = j
			continue
		case kindSpace:
			space = true
			i++
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if space {
			inWord = false
			continue
		}
		if !inWord {
			if words > 0 {
				n++
			}
			words++
			inWord = true
		}
		n++
	}
	return n, words
}

// Byte kinds for the scanning loops.
const (
	kindPlain = iota // ASCII other than white space
	kindSpace        // ASCII white space
	kindHigh         // a byte of a multi-byte sequence (or invalid)
)

var byteKind = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = kindHigh
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			t[c] = kindSpace
		}
	}
	return t
}()

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{' ': true, '\n': true, '\t': true, '\r': true, '\f': true, '\v': true}

// collapse returns s with white space runs collapsed to one space and
// trimmed, as strings.Fields would, decoding invalid UTF-8 bytes to U+FFFD
// one by one as a []rune conversion does.
func collapse(s string) string {
	// Fast path: text that needs no change is returned as is.
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || asciiSpace[c] && (c != ' ' || i == 0 || i == len(s)-1 || s[i+1] == ' ') {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	buf := make([]byte, 0, len(s))
	pending := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if asciiSpace[c] {
				pending = len(buf) > 0
				i++
				continue
			}
			// Copy a run of plain ASCII at once.
			j := i + 1
			for j < len(s) && s[j] < utf8.RuneSelf && !asciiSpace[s[j]] {
				j++
			}
			if pending {
				buf = append(buf, ' ')
				pending = false
			}
			buf = append(buf, s[i:j]...)
			i = j
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if unicode.IsSpace(r) {
			pending = len(buf) > 0
			continue
		}
		if pending {
			buf = append(buf, ' ')
			pending = false
		}
		buf = utf8.AppendRune(buf, r)
	}
	return string(buf)
}

// runeCursor converts increasing byte offsets of text to code-point
// offsets.
type runeCursor struct {
	text string
	b, r int
}

func (c *runeCursor) runes(b int) int {
	if b < c.b {
		c.b, c.r = 0, 0
	}
	c.r += utf8.RuneCountInString(c.text[c.b:b])
	c.b = b
	return c.r
}
