// Package pdflayout turns the positioned glyphs of PDF pages (from
// shared/pdftext) into readable blocks: words rebuilt from glyph gaps, lines,
// columns read one after the other, running headers, footers and page
// numbers dropped, and paragraphs, headings and list items told apart by
// font size, weight, indentation and spacing.
//
// Use it in two steps: Page for each page as it is read (keeping only a
// compact description of its lines), then Blocks over all pages, which needs
// the whole document to recognise what repeats from page to page.
package pdflayout

import (
	"math"
	"sort"
	"strings"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/pdftext"
)

// SpaceGap is the gap between two glyphs, as a fraction of the font size,
// above which they belong to different words.
const SpaceGap = 0.2

// word is a run of glyphs without a word gap.
type word struct {
	text   string
	x0, x1 float64
	y      float64 // baseline of the word's first glyph
	size   float64
	bold   bool
	shape  bool // a filled shape that may be a bullet
	// mcid0 and mcid1 are the marked-content ids of the word's first and
	// last glyphs (pdftext.Glyph.MCID), -1 for none.
	mcid0, mcid1 int32
}

// row is the words sharing a baseline on a page, left to right. A row may
// hold the lines of several columns; columns are separated later.
type row struct {
	words  []word
	y      float64 // baseline
	size   float64 // dominant font size
	bold   bool    // most characters bold
	x0, x1 float64
}

// PageRows is the compact result of Page: the rows of one page.
type PageRows struct {
	Number        int
	Width, Height float64
	rows          []row
	// edges are the page's structure block edges by MCID (tagged PDFs).
	edges map[int32]pdftext.BlockEdge
	// dir is the direction of the page's text that Page turned to run
	// left to right (pdftext.Glyph.Dir), on a page of width w and height
	// h before it was turned.
	dir  uint8
	w, h float64
}

// WordsIn returns the words of the page that a rectangle in points of the
// upright page covers (a link annotation's), in reading order, one space
// between them: each word whose middle lies inside it; and the place of
// the first of them among the page's words, -1 when there is none. The
// rectangle is turned with the page's text (Page).
func (p *PageRows) WordsIn(x0, y0, x1, y1 float64) (words string, at int) {
	x0, y0 = p.turn(x0, y0)
	x1, y1 = p.turn(x1, y1)
	x0, x1 = min(x0, x1), max(x0, x1)
	y0, y1 = min(y0, y1), max(y0, y1)
	var b strings.Builder
	at, k := -1, 0
	for i := range p.rows {
		for _, w := range p.rows[i].words {
			k++
			mx, my := (w.x0+w.x1)/2, w.y+float64(0.3*w.size)
			if mx < x0 || mx > x1 || my < y0 || my > y1 || w.shape {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte(' ')
			} else {
				at = k - 1
			}
			b.WriteString(w.text)
		}
	}
	return b.String(), at
}

// turn takes a point of the upright page to the page as Page turned it.
func (p *PageRows) turn(x, y float64) (float64, float64) {
	switch p.dir {
	case 1:
		return y, p.w - x
	case 2:
		return p.w - x, p.h - y
	case 3:
		return p.h - y, x
	}
	return x, y
}

// Page rebuilds the words and rows of a page. Only text in the page's
// dominant direction is kept (rotated stamps and margin notes are dropped),
// and the page is turned so that this text runs left to right. It reorders
// and changes p.Glyphs.
func Page(p *pdftext.Page) *PageRows {
	pr := &PageRows{Number: p.Number, Width: p.Width, Height: p.Height, edges: p.Edges}
	if len(p.Glyphs) == 0 {
		return pr
	}
	var count [5]int
	for i := range p.Glyphs {
		count[p.Glyphs[i].Dir] += len(p.Glyphs[i].Text)
	}
	dir := uint8(0)
	for d := uint8(1); d < 4; d++ {
		if count[d] > count[dir] {
			dir = d
		}
	}
	gs := p.Glyphs[:0]
	for _, g := range p.Glyphs {
		if g.Dir != dir {
			continue
		}
		switch dir {
		case 1:
			g.X, g.Y = g.Y, p.Width-g.X
		case 2:
			g.X, g.Y = p.Width-g.X, p.Height-g.Y
		case 3:
			g.X, g.Y = p.Height-g.Y, g.X
		}
		gs = append(gs, g)
	}
	if dir == 1 || dir == 3 {
		pr.Width, pr.Height = p.Height, p.Width
	}
	pr.dir, pr.w, pr.h = dir, p.Width, p.Height
	bold := make([]bool, len(p.Fonts))
	for i, f := range p.Fonts {
		bold[i] = f.Bold
	}
	// Stable sorts keep the content order of glyphs at equal positions.
	sort.SliceStable(gs, func(i, j int) bool { return gs[i].Y > gs[j].Y })
	for start := 0; start < len(gs); {
		y0 := gs[start].Y
		tol := 0.4 * gs[start].Size
		end := start + 1
		for end < len(gs) && y0-gs[end].Y <= math.Max(tol, 0.4*gs[end].Size) {
			end++
		}
		if r, ok := makeRow(gs[start:end], bold); ok {
			pr.rows = append(pr.rows, r)
		}
		start = end
	}
	return pr
}

func isBold(bold []bool, f uint16) bool { return int(f) < len(bold) && bold[f] }

// makeRow splits the glyphs of one baseline into words. Glyphs are read
// left to right, except where text is drawn over other text (a long URL
// running from one column into the next): the overlapping runs of glyphs,
// in content order, are read one after the other, so that their words do
// not mix, and the words are then put in order of where they start.
func makeRow(gs []pdftext.Glyph, bold []bool) (row, bool) {
	overlap := sortRunsApart(gs)
	var r row
	var b strings.Builder
	var cur word
	var curN, curBold int
	var prev *pdftext.Glyph
	flush := func() {
		if b.Len() > 0 {
			cur.text = b.String()
			cur.bold = 2*curBold > curN
			r.words = append(r.words, cur)
		}
		b.Reset()
		cur, curN, curBold = word{}, 0, 0
	}
	// Font size and weight by character count, and the dominant baseline.
	var sizeChars, yChars counter
	boldChars, chars := 0, 0
	// A space glyph separates words only if it takes room: Chromium draws
	// soft hyphens as zero-width spaces inside words.
	pendingSpace := false
	for i := range gs {
		g := &gs[i]
		if g.Size <= 0 || math.IsNaN(g.Size) {
			g.Size = 1
		}
		if strings.TrimSpace(g.Text) == "" {
			pendingSpace = true
			continue
		}
		if g.Shape {
			flush()
			r.words = append(r.words, word{text: g.Text, x0: g.X, x1: g.X + g.W, y: g.Y, size: g.Size, shape: true, mcid0: g.MCID, mcid1: g.MCID})
			prev = nil
			continue
		}
		if prev != nil {
			// The same glyph drawn twice (fake bold, shadows) counts once.
			if g.Text == prev.Text && math.Abs(g.X-prev.X) < 0.15*g.Size && math.Abs(g.Y-prev.Y) < 0.15*g.Size {
				continue
			}
			gap := g.X - (prev.X + prev.W)
			if b.Len() > 0 {
				gap = g.X - cur.x1 // the word's right edge so far
			}
			sz := math.Max(g.Size, prev.Size)
			if gap > SpaceGap*sz || gap < -0.6*sz || (pendingSpace && gap > 0.08*sz) {
				flush()
			}
		}
		pendingSpace = false
		if b.Len() == 0 {
			cur.x0, cur.y = g.X, g.Y
			cur.mcid0 = g.MCID
		}
		cur.mcid1 = g.MCID
		b.WriteString(g.Text)
		cur.x1 = math.Max(cur.x1, g.X+g.W)
		cur.size = math.Max(cur.size, g.Size)
		n := len(g.Text)
		curN += n
		if isBold(bold, g.Font) {
			curBold += n
			boldChars += n
		}
		chars += n
		sizeChars.add(math.Round(g.Size*2)/2, n)
		yChars.add(math.Round(g.Y*2)/2, n)
		prev = g
	}
	flush()
	if chars == 0 {
		return r, false // nothing but shapes
	}
	if overlap {
		sort.SliceStable(r.words, func(i, j int) bool { return r.words[i].x0 < r.words[j].x0 })
	}
	r.size = sizeChars.argmax()
	r.y = yChars.argmax()
	r.bold = boldChars*10 >= chars*7
	r.x0, r.x1 = r.words[0].x0, r.words[0].x1
	for _, w := range r.words {
		r.x0 = math.Min(r.x0, w.x0)
		r.x1 = math.Max(r.x1, w.x1)
	}
	return r, true
}

// sortRunsApart sorts the glyphs of a row left to right. When the row
// holds runs of glyphs (in content order, each going left to right) that
// overlap, it sorts them run by run instead, and reports so.
func sortRunsApart(gs []pdftext.Glyph) bool {
	type run struct {
		start, end int
		x0, x1     float64
	}
	var runs []run
	for i := range gs {
		g := &gs[i]
		if n := len(runs); n > 0 && g.X+g.W >= gs[i-1].X-float64(0.1*g.Size) {
			r := &runs[n-1]
			r.end = i + 1
			r.x0, r.x1 = math.Min(r.x0, g.X), math.Max(r.x1, g.X+g.W)
			continue
		}
		runs = append(runs, run{i, i + 1, g.X, g.X + g.W})
	}
	overlap := false
	for i := range runs {
		for j := i + 1; j < len(runs); j++ {
			a, b := runs[i], runs[j]
			if math.Min(a.x1, b.x1)-math.Max(a.x0, b.x0) > 0.5*gs[a.start].Size {
				overlap = true
			}
		}
	}
	if !overlap {
		sort.SliceStable(gs, func(i, j int) bool { return gs[i].X < gs[j].X })
		return false
	}
	for _, r := range runs {
		part := gs[r.start:r.end]
		sort.SliceStable(part, func(i, j int) bool { return part[i].X < part[j].X })
	}
	return true
}

// counter counts characters per value; rows and lines have few distinct
// sizes and baselines, so a slice beats a map.
type counter struct {
	keys []float64
	ns   []int
	buf  [4]float64
	nbuf [4]int
}

func (c *counter) add(k float64, n int) {
	if c.keys == nil {
		c.keys, c.ns = c.buf[:0], c.nbuf[:0]
	}
	for i, x := range c.keys {
		if x == k {
			c.ns[i] += n
			return
		}
	}
	c.keys = append(c.keys, k)
	c.ns = append(c.ns, n)
}

// argmax returns the value with the most characters (the largest value on
// ties).
func (c *counter) argmax() float64 {
	best, bestN := 0.0, -1
	for i, k := range c.keys {
		if n := c.ns[i]; n > bestN || (n == bestN && k > best) {
			best, bestN = k, n
		}
	}
	return best
}

// text joins the words of a row with single spaces.
func (r *row) text() string {
	var b strings.Builder
	for i, w := range r.words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.text)
	}
	return b.String()
}

func hasLetter(s string) bool {
	for _, c := range s {
		if unicode.IsLetter(c) {
			return true
		}
	}
	return false
}
