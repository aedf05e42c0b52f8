package pdflayout

import (
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Kind is what a block is.
type Kind uint8

const (
	Paragraph Kind = iota
	Heading
	ListItem
	TableRow
)

// Block is a paragraph, heading, list item or table row in reading order.
type Block struct {
	Kind  Kind
	Level int // heading level, 1 for the largest headings; 0 otherwise
	Text  string
	Page  int // 1-based page of the block's first line
	// Cells are the cells of a table row, under the Header cells of its
	// table (nil when the table has no header row); Text is empty.
	Cells, Header []string
}

// style is the font size (to half a point) and weight of a line.
type style struct {
	size float64
	bold bool
}

func lineStyle(l *line) style { return style{math.Round(l.size*2) / 2, l.bold} }

// listMarker matches the first word of a list item: a bullet symbol or an
// enumerator such as "1.", "2)", "(a)", "iv.".
var listMarker = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^([•◦▪▫■□●○‣⁃∙·*–—\-➢►▶✓✔❖◆◇]|\(?\d{1,3}[.)]|\(\d{1,3}\)|\(?[a-zA-Z][.)]|\(?[ivxIVX]{1,4}[.)])$`)
})

func isBulletSymbol(s string) bool {
	r, n := utf8.DecodeRuneInString(s)
	if n != len(s) {
		return false
	}
	if r >= 0xe000 && r <= 0xf8ff { // symbol fonts map bullets to the private use area
		return true
	}
	return strings.ContainsRune("•◦▪▫■□●○‣⁃∙·*–—-➢►▶✓✔❖◆◇", r)
}

func startsListItem(l *line) bool {
	if len(l.words) < 2 {
		return false
	}
	return listMarker().MatchString(l.words[0].text) || isBulletSymbol(l.words[0].text)
}

// regionGeom is the left edge (most common line start) and right edge of
// the lines of one region.
type regionGeom struct{ left, right float64 }

type regionKey struct{ page, region int }

// Blocks lays out all pages and returns the document's blocks in reading
// order. It removes running headers, footers and page numbers first, so it
// needs all pages at once.
func Blocks(pages []*PageRows) []Block {
	removeRunning(pages)
	body := bodyStyle(pages)
	var lines []line
	for _, p := range pages {
		lines = append(lines, pageLines(p, body.size)...)
	}
	if len(lines) == 0 {
		return nil
	}
	geom := regionGeometry(lines)
	lead := typicalLeading(lines, body)
	tables := findTables(lines, wordSpace(lines, body))
	levels := headingLevels(outsideTables(lines, tables), body)
	isHeading := func(l *line) bool {
		_, ok := levels[lineStyle(l)]
		return ok && utf8.RuneCountInString(lineText(l)) <= 200
	}
	parindent := firstLineIndent(lines, geom)
	lo := &layout{geom: geom, lead: lead, body: body,
		marked: parindent > 0 || gapsBetweenParagraphs(lines, geom, lead, body)}

	var blocks []Block
	var cur []*line
	var curKind Kind
	// Where continuation lines may start, relative to their region's left
	// edge: after a first line, where the second line started.
	var conts []float64
	var indented []bool // per block: all lines indented well past the margin
	flush := func() {
		if len(cur) == 0 {
			return
		}
		b := Block{Kind: curKind, Page: cur[0].page, Text: joinLines(cur)}
		if curKind == Heading {
			b.Level = levels[lineStyle(cur[0])]
			// A long run of emphasised lines is a paragraph, not a heading.
			if len(cur) > 3 || utf8.RuneCountInString(b.Text) > 250 {
				b.Kind, b.Level = Paragraph, 0
			}
		}
		if curKind == ListItem {
			b.Text = stripBullet(b.Text)
		}
		if b.Text != "" {
			blocks = append(blocks, b)
			indented = append(indented, b.Kind == Paragraph && allIndented(cur, geom))
		}
		cur = cur[:0]
	}
	for i := 0; i < len(lines); i++ {
		if len(tables) > 0 && tables[0].start == i {
			flush()
			t := tables[0]
			for _, r := range t.rows {
				blocks = append(blocks, Block{Kind: TableRow, Page: lines[i].page, Cells: r, Header: t.header})
				indented = append(indented, false)
			}
			i = t.end - 1
			tables = tables[1:]
			continue
		}
		l := &lines[i]
		kind := Paragraph
		switch {
		case startsListItem(l) && (isBulletSymbol(l.words[0].text) || l.words[0].shape):
			// A bulleted line is a list item even when it is set like a
			// heading (bold items).
			kind = ListItem
		case isHeading(l):
			kind = Heading
		case startsListItem(l):
			kind = ListItem
		}
		if len(cur) > 0 {
			switch lo.continues(cur, curKind, l, kind, conts) {
			case newBlock:
				flush()
			case lineBreak:
				l.hardBreak = true
			}
		}
		indent := l.x0 - geom[regionKey{l.page, l.region}].left
		switch {
		case len(cur) == 1:
			conts = append(conts[:0], indent)
		case len(cur) > 1:
		case kind == ListItem:
			// Hanging or flush continuation lines.
			conts = append(conts[:0], l.words[1].x0-l.x0+indent, indent)
		case parindent > 0 && math.Abs(indent-parindent) < 0.3*l.size:
			// The document's first-line indent.
			conts = append(conts[:0], 0)
		case indent > 0.5*l.size:
			// A first-line indent, or an indented block.
			conts = append(conts[:0], 0, indent)
		default:
			conts = append(conts[:0], indent)
		}
		if len(cur) == 0 {
			curKind = kind
		}
		cur = append(cur, l)
	}
	flush()
	markIndentedLists(blocks, indented)
	return blocks
}

// outsideTables returns the lines that are not in tables.
func outsideTables(lines []line, tables []table) []line {
	if len(tables) == 0 {
		return lines
	}
	out := make([]line, 0, len(lines))
	k := 0
	for _, t := range tables {
		out = append(out, lines[k:t.start]...)
		k = t.end
	}
	return append(out, lines[k:]...)
}

// How a line goes on from the block before it.
type continuation uint8

const (
	newBlock  continuation = iota
	sameBlock              // the text flows on
	lineBreak              // the text goes on after a line break the writer made
)

// layout is what Blocks knows of the document's layout.
type layout struct {
	geom map[regionKey]regionGeom
	lead float64 // typical baseline distance of body lines
	body style
	// marked: the document marks the start of a paragraph, by a first-line
	// indent or by a gap above it, so a line that ends early before a line
	// that is neither indented nor set apart is a break the writer made
	// inside a paragraph (an address).
	marked bool
}

// continues decides whether line l continues the block made of cur, and
// how.
func (lo *layout) continues(cur []*line, kind Kind, l *line, lkind Kind, conts []float64) continuation {
	geom, lead, body := lo.geom, lo.lead, lo.body
	p := cur[len(cur)-1]
	if lkind == ListItem || (kind == Heading) != (lkind == Heading) {
		return newBlock
	}
	sameRegion := p.page == l.page && p.region == l.region
	size := math.Max(l.size, 1)
	if kind == Heading {
		gap, limit := p.y-l.y, 1.8*size
		if endsWithHyphen(lineText(p)) {
			limit = 2.5 * size
		}
		if sameRegion && lineStyle(p) == lineStyle(l) && gap > 0 && gap < limit {
			return sameBlock
		}
		return newBlock
	}
	g := geom[regionKey{l.page, l.region}]
	if sameRegion {
		gap := p.y - l.y
		expected := lead * size / body.size
		if gap <= 0 || gap > 1.3*expected {
			return newBlock
		}
	} else if p.page != l.page && (p.tagEnd || l.tagStart) {
		// A tagged PDF says the block ending the page ends there, or the
		// line opening the next page starts one: a page break between
		// paragraphs, which the page's geometry cannot tell from a
		// paragraph going on when the page ends with a full line.
		return newBlock
	} else if strings.HasSuffix(lineText(p), ":") && endsEarly(l, l.words[len(l.words)-1], g) {
		// An introduction ending a column, and a short line (an address,
		// a list without markers) opening the next.
		return newBlock
	}
	// Indented more than the block's continuation lines: a new paragraph.
	// Less: the end of a list item or of an indented block.
	indent := l.x0 - g.left
	fits := false
	for _, c := range conts {
		if math.Abs(indent-c) <= 0.8*size {
			fits = true
		}
	}
	if !fits {
		return newBlock
	}
	// The previous line ended early although the next line's first word
	// would have fitted: the writer broke the line. In a paragraph of a
	// document that marks its paragraphs, before a line that is not marked
	// (and not indented), the break is inside the paragraph; so it is
	// between lines that all end early and start at the same place (an
	// address). Otherwise it ends a paragraph.
	pg := geom[regionKey{p.page, p.region}]
	if !endsWithHyphen(lineText(p)) && endsEarly(p, l.words[0], pg) {
		if kind != Paragraph || !sameRegion || lineStyle(p) != lineStyle(l) || math.Abs(indent) > 0.3*size ||
			p.y-l.y > 1.15*lead*size/body.size || strings.HasSuffix(lineText(p), ":") {
			// (After a line that ends early, even a small gap ends the
			// paragraph, and so does an introduction to what follows.)
			return newBlock
		}
		if lo.marked {
			return lineBreak
		}
		if !endsEarly(l, l.words[len(l.words)-1], g) {
			return newBlock
		}
		for _, c := range cur {
			if !endsEarly(c, l.words[0], geom[regionKey{c.page, c.region}]) {
				return newBlock
			}
		}
		return lineBreak
	}
	return sameBlock
}

// gapsBetweenParagraphs reports whether the document sets its paragraphs
// apart by a gap: most body lines that end early (a paragraph's last line)
// are followed, in the same column, by a gap larger than the leading.
func gapsBetweenParagraphs(lines []line, geom map[regionKey]regionGeom, lead float64, body style) bool {
	gapped, tight := 0, 0
	for i := 1; i < len(lines); i++ {
		p, l := &lines[i-1], &lines[i]
		if p.page != l.page || p.region != l.region || lineStyle(p) != body || lineStyle(l) != body || startsListItem(l) {
			continue
		}
		if !endsEarly(p, l.words[0], geom[regionKey{p.page, p.region}]) {
			continue
		}
		if p.y-l.y > 1.3*lead {
			gapped++
		} else {
			tight++
		}
	}
	return gapped >= 3 && gapped > 2*tight
}

// endsEarly reports whether line p ends short of its region's right edge
// by more than the width of word w. A line whose few words are spread over
// the width (LibreOffice justifies the lines of an address broken by hand)
// ends where its words would end set with ordinary spaces.
func endsEarly(p *line, w word, g regionGeom) bool {
	size := math.Max(p.size, 1)
	end := p.x1
	if n := len(p.words); n > 1 {
		inked := 0.0
		for _, x := range p.words {
			inked += x.x1 - x.x0
		}
		if gaps := (p.x1 - p.x0 - inked) / float64(n-1); gaps > 1.5*size {
			end = p.x0 + inked + float64(float64(n-1)*0.3*size)
		}
	}
	return g.right-end > w.x1-w.x0+float64(0.6*size)
}

func endsWithHyphen(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r == '-' || r == '\u2010' || r == '\u00ad'
}

// bodyStyle is the style of most characters in the document.
func bodyStyle(pages []*PageRows) style {
	count := map[style]int{}
	for _, p := range pages {
		for _, r := range p.rows {
			for _, w := range r.words {
				if !w.shape {
					count[style{math.Round(w.size*2) / 2, w.bold}] += len(w.text)
				}
			}
		}
	}
	var best style
	bestN := -1
	for s, n := range count {
		if n > bestN || (n == bestN && (s.size > best.size || (s.size == best.size && !s.bold))) {
			best, bestN = s, n
		}
	}
	if best.size <= 0 {
		best.size = 10
	}
	return best
}

// headingLevels finds the styles used for headings (larger than the body
// text, or bold when the body is not) and ranks them: the largest is
// level 1.
func headingLevels(lines []line, body style) map[style]int {
	seen := map[style]bool{}
	for i := range lines {
		s := lineStyle(&lines[i])
		if s.size >= body.size*1.15 || (s.bold && !body.bold && s.size >= body.size*0.9) {
			if hasLetter(lineText(&lines[i])) {
				seen[s] = true
			}
		}
	}
	var ss []style
	for s := range seen {
		ss = append(ss, s)
	}
	sort.Slice(ss, func(i, j int) bool {
		if ss[i].size != ss[j].size {
			return ss[i].size > ss[j].size
		}
		return ss[i].bold && !ss[j].bold
	})
	levels := map[style]int{}
	for i, s := range ss {
		levels[s] = min(i+1, 6)
	}
	return levels
}

// regionGeometry computes the left and right edges of each region: the
// most common line start, and the end of the longer lines (a high
// percentile, so that one overfull line does not move the edge).
func regionGeometry(lines []line) map[regionKey]regionGeom {
	starts := map[regionKey]map[float64]int{}
	ends := map[regionKey][]float64{}
	out := map[regionKey]regionGeom{}
	for i := range lines {
		l := &lines[i]
		k := regionKey{l.page, l.region}
		if starts[k] == nil {
			starts[k] = map[float64]int{}
		}
		starts[k][math.Round(l.x0)]++
		ends[k] = append(ends[k], l.x1)
	}
	for k, m := range starts {
		e := ends[k]
		sort.Float64s(e)
		g := regionGeom{right: e[len(e)*3/4]}
		// The left margin is the leftmost start shared by a few lines: not
		// the most common start, which in a column of list items is the
		// items' indentation, and not an outlier.
		xs := make([]float64, 0, len(m))
		total := 0
		for x, n := range m {
			xs = append(xs, x)
			total += n
		}
		sort.Float64s(xs)
		need := max(2, total/10)
		if total < 2 {
			need = 1
		}
		g.left = xs[0]
		for i, x := range xs {
			n := m[x]
			if i+1 < len(xs) && xs[i+1]-x <= 1 {
				n += m[xs[i+1]]
			}
			if n >= need {
				g.left = x
				break
			}
		}
		out[k] = g
	}
	return out
}

// firstLineIndent is the document's paragraph indent, if it indents the
// first lines of paragraphs: the indent most often seen on a line followed
// by a flush line of the same column. Zero if there is none.
func firstLineIndent(lines []line, geom map[regionKey]regionGeom) float64 {
	count := map[float64]int{}
	for i := 0; i+1 < len(lines); i++ {
		a, b := &lines[i], &lines[i+1]
		if a.page != b.page || a.region != b.region {
			continue
		}
		g := geom[regionKey{a.page, a.region}]
		da, db := a.x0-g.left, b.x0-g.left
		if da > 0.5*a.size && da < 4*a.size && math.Abs(db) < 0.3*b.size {
			count[math.Round(da)]++
		}
	}
	best, bestN := 0.0, 0
	for d, n := range count {
		if n > bestN || (n == bestN && d < best) {
			best, bestN = d, n
		}
	}
	if bestN < 2 {
		return 0
	}
	return best
}

// typicalLeading is the median baseline distance between consecutive body
// lines of the same region.
func typicalLeading(lines []line, body style) float64 {
	var d []float64
	for i := 1; i < len(lines); i++ {
		p, l := &lines[i-1], &lines[i]
		if p.page != l.page || p.region != l.region || lineStyle(p) != body || lineStyle(l) != body {
			continue
		}
		if g := p.y - l.y; g > 0.5*body.size && g < 3*body.size {
			d = append(d, g)
		}
	}
	if len(d) == 0 {
		return 1.2 * body.size
	}
	sort.Float64s(d)
	return d[len(d)/2]
}

func lineText(l *line) string {
	var b strings.Builder
	for i, w := range l.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
	}
	return b.String()
}

// allIndented reports whether every line of a block starts well to the
// right of its column's margin, and the block is not centred.
func allIndented(ls []*line, geom map[regionKey]regionGeom) bool {
	for _, l := range ls {
		g := geom[regionKey{l.page, l.region}]
		left, right := l.x0-g.left, g.right-l.x1
		if left < 2*l.size || (len(ls) == 1 && math.Abs(left-right) < l.size) {
			return false
		}
	}
	return true
}

// markIndentedLists turns indented paragraphs that follow a sentence ending
// in ':' (or another such item) into list items: lists whose bullets are
// drawn as shapes rather than text.
func markIndentedLists(blocks []Block, indented []bool) {
	for i := range blocks {
		if !indented[i] || i == 0 {
			continue
		}
		prev := blocks[i-1]
		if strings.HasSuffix(prev.Text, ":") || (prev.Kind == ListItem && indented[i-1]) {
			blocks[i].Kind = ListItem
		}
	}
}

// stripBullet removes a leading bullet symbol (not an enumerator).
func stripBullet(s string) string {
	f, rest, ok := strings.Cut(s, " ")
	if ok && isBulletSymbol(f) {
		return strings.TrimSpace(rest)
	}
	return s
}
