package pdflayout

import (
	"math"
	"sort"

	"github.com/policylens/policylens/shared/analysis/pdftext"
)

// line is a line of text in reading order: the words of one row within one
// column.
type line struct {
	words []word
	// hardBreak: the writer broke the line before this one inside its
	// block (an address); joinLines keeps the break.
	hardBreak bool
	page      int
	region    int // lines of one column (or of the full width) on a page
	y         float64
	size      float64
	bold      bool
	x0, x1    float64
	// tagStart and tagEnd: in a tagged PDF, the line's first text starts
	// its structure block (a paragraph, heading, list item, cell), its
	// last text ends it.
	tagStart, tagEnd bool
}

// gutter is an empty vertical strip between columns.
type gutter struct{ a, b float64 }

// findGutters looks for columns: vertical strips, at least minWidth wide,
// that almost no row's words cross, with substantial text on both sides.
func findGutters(rows []row, minWidth float64) []gutter {
	if len(rows) < 4 {
		return nil
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		lo, hi = math.Min(lo, r.x0), math.Max(hi, r.x1)
	}
	width := hi - lo
	if width < 4*minWidth || width > 10000 {
		return nil
	}
	n := int(width) + 2
	diff := make([]int, n+1)
	for _, r := range rows {
		for _, w := range r.words {
			a := int(math.Floor(w.x0 - lo))
			b := int(math.Ceil(w.x1 - lo))
			if a < 0 {
				a = 0
			}
			if b > n {
				b = n
			}
			if a < b {
				diff[a]++
				diff[b]--
			}
		}
	}
	// Rows that cross a gutter (titles, full-width footnotes) are allowed,
	// a few of them.
	maxCross := len(rows) / 8
	var runs []gutter
	cov := 0
	start := -1
	for x := 0; x < n; x++ {
		cov += diff[x]
		if cov <= maxCross {
			if start < 0 {
				start = x
			}
			continue
		}
		if start >= 0 {
			if float64(x-start) >= minWidth {
				runs = append(runs, gutter{lo + float64(start), lo + float64(x)})
			}
			start = -1
		}
	}
	var out []gutter
	left := lo
	for i, g := range runs {
		right := hi
		if i+1 < len(runs) {
			right = runs[i+1].a
		}
		// Both sides must be real columns, not a column of bullets or
		// line numbers.
		if g.a-left < 0.18*width || right-g.b < 0.18*width {
			continue
		}
		l, r := 0, 0
		for _, row := range rows {
			hasL, hasR := false, false
			for _, w := range row.words {
				if w.x1 <= g.a+0.5 && w.x0 >= left-0.5 {
					hasL = true
				}
				if w.x0 >= g.b-0.5 {
					hasR = true
				}
			}
			if hasL {
				l++
			}
			if hasR {
				r++
			}
		}
		if l < 3 || r < 3 {
			continue
		}
		out = append(out, g)
		left = g.b
	}
	return out
}

// bulletShapes keeps a shape word only where it is a list bullet: first
// in a line that has text after it.
func bulletShapes(ws []word) []word {
	keep := true
	for i, w := range ws {
		if w.shape && (i > 0 || len(ws) < 2 || ws[1].shape) {
			keep = false
			break
		}
	}
	if keep {
		return ws
	}
	out := make([]word, 0, len(ws))
	for i, w := range ws {
		if !w.shape || (i == 0 && len(ws) > 1 && !ws[1].shape) {
			out = append(out, w)
		}
	}
	return out
}

// crosses reports whether a row runs across the gutter: a word covers its
// middle, or the words on either side are closer than a column gap. A
// long word (a URL) that a line of the left column cannot hold and that
// runs into the gutter, or over it at the end of a line starting at the
// left edge, does not make a row cross; neither does one drawn over the
// right column's line (see overflows). left is the page's left text edge.
func crosses(r row, g gutter, minWidth, left float64) bool {
	if overflows(r, g) {
		return false
	}
	mid := (g.a + g.b) / 2
	var leftEnd, rightStart = math.Inf(-1), math.Inf(1)
	for i, w := range r.words {
		if w.x0 < mid && w.x1 > mid {
			overfull := w.x1 <= g.b || i == len(r.words)-1 && r.words[0].x0 <= left+float64(3*w.size)
			if !overfull {
				return true
			}
			leftEnd = math.Max(leftEnd, math.Min(w.x1, g.a))
			continue
		}
		if w.x1 <= mid {
			leftEnd = math.Max(leftEnd, w.x1)
		} else {
			rightStart = math.Min(rightStart, w.x0)
		}
	}
	return rightStart-leftEnd < 0.5*minWidth
}

// overflows reports whether a row crosses the gutter only because a word
// of the left column runs over the text of the right one (an overfull
// line, such as a long URL, drawn over the next column's line).
func overflows(r row, g gutter) bool {
	for i, a := range r.words {
		if a.x0 >= g.a {
			continue
		}
		for _, b := range r.words[i+1:] {
			if b.x0 >= g.b-1 && a.x1 > b.x0 {
				return true
			}
		}
	}
	return false
}

// pageLines orders the rows of a page into lines: rows that cross no
// gutter are split at the gutters, and each run of such rows is read column
// by column; rows that cross a gutter are read as one line.
func pageLines(p *PageRows, bodySize float64) []line {
	if len(p.rows) == 0 {
		return nil
	}
	minGutter := 0.7 * bodySize
	if minGutter < 4 {
		minGutter = 4
	}
	gutters := findGutters(withoutTables(p.rows), minGutter)
	left := math.Inf(1)
	for _, r := range p.rows {
		left = math.Min(left, r.x0)
	}
	var out []line
	mk := func(words []word, region int) line {
		words = bulletShapes(words)
		l := line{words: words, page: p.Number, region: region, x0: words[0].x0, x1: words[0].x1}
		var sizes, ys counter
		boldN, n := 0, 0
		for _, w := range words {
			l.x0 = math.Min(l.x0, w.x0)
			l.x1 = math.Max(l.x1, w.x1)
			if w.shape {
				continue
			}
			c := len(w.text)
			sizes.add(math.Round(w.size*2)/2, c)
			ys.add(math.Round(w.y*2)/2, c)
			if w.bold {
				boldN += c
			}
			n += c
		}
		l.size = sizes.argmax()
		l.bold = boldN*10 >= n*7
		l.y = ys.argmax()
		if p.edges != nil {
			l.tagStart = p.edges[words[0].mcid0]&pdftext.EdgeStart != 0 && words[0].mcid0 >= 0
			last := words[len(words)-1].mcid1
			l.tagEnd = p.edges[last]&pdftext.EdgeEnd != 0 && last >= 0
		}
		return l
	}
	if len(gutters) == 0 {
		for _, r := range p.rows {
			if len(bulletShapes(r.words)) == 0 {
				continue
			}
			l := mk(r.words, 0)
			out = append(out, l)
		}
		return out
	}
	cols := len(gutters) + 1
	// A word belongs to the column it starts in (a long URL may run on
	// into the next).
	colOf := func(w word) int {
		c := 0
		for c < len(gutters) && w.x0 > (gutters[c].a+gutters[c].b)/2 {
			c++
		}
		return c
	}
	band := 0
	for i := 0; i < len(p.rows); {
		r := p.rows[i]
		spanning := false
		for _, g := range gutters {
			if crosses(r, g, minGutter, left) {
				spanning = true
				break
			}
		}
		if spanning {
			if len(bulletShapes(r.words)) > 0 {
				l := mk(r.words, band*(cols+1))
				out = append(out, l)
			}
			band++
			i++
			continue
		}
		// A run of rows split into columns.
		j := i
		for j < len(p.rows) {
			sp := false
			for _, g := range gutters {
				if crosses(p.rows[j], g, minGutter, left) {
					sp = true
					break
				}
			}
			if sp {
				break
			}
			j++
		}
		perCol := make([][]line, cols)
		for _, r := range p.rows[i:j] {
			parts := make([][]word, cols)
			for _, w := range r.words {
				c := colOf(w)
				parts[c] = append(parts[c], w)
			}
			for c, ws := range parts {
				sort.Slice(ws, func(a, b int) bool { return ws[a].x0 < ws[b].x0 })
				if len(bulletShapes(ws)) == 0 {
					continue
				}
				l := mk(ws, band*(cols+1)+1+c)
				perCol[c] = append(perCol[c], l)
			}
		}
		for _, ls := range perCol {
			out = append(out, ls...)
		}
		band++
		i = j
	}
	return out
}
