package pdflayout

import (
	"math"
	"sort"
	"unicode"
	"unicode/utf8"
)

// Tables: a run of lines of one column whose words fall into the same
// columns of cells, the cells apart by more than a word space, is read row
// by row. A row begins at a line with text in the first column: where the
// table sets its rows apart by a gap, at a gap (every line, when all are
// further apart than text is set); where it does not (pdfTeX), when that
// text begins with a capital or a digit (a cell's own lines go on in lower
// case). The first row is the header when it is bold. A table
// that goes on at the top of the next column or page keeps its header
// (and drops the header row the producer repeats there).

// table is a table found among the lines.
type table struct {
	start, end int       // the lines [start, end)
	cols       []float64 // where each column starts
	header     []string  // nil when the table has none
	rows       [][]string
}

// colTol is how far, in points, a cell may start from its column's start.
const colTol = 2.0

// findTables returns the tables among lines, in order. space is the
// document's word space.
func findTables(lines []line, space float64) []table {
	var out []table
	for i := 0; i < len(lines); {
		t, ok := tableAt(lines, i, space)
		if !ok {
			i++
			continue
		}
		if n := len(out); n > 0 {
			continueTable(&out[n-1], &t, lines)
		}
		out = append(out, t)
		i = t.end
	}
	return out
}

// cellStarts returns where the cells of line l start: its first word, and
// each word after a gap wider than a cell gap: well over a word space, the
// document's and the line's own (a justified line stretches its spaces,
// and TeX widens those after a sentence further).
func cellStarts(l *line, space float64) []float64 {
	gap := math.Max(0.6*l.size, 2.5*space)
	var small []float64
	for k := 1; k < len(l.words); k++ {
		if g := l.words[k].x0 - l.words[k-1].x1; g <= gap {
			small = append(small, g)
		}
	}
	if len(small) > 0 {
		sort.Float64s(small)
		gap = math.Max(gap, 2.5*small[len(small)/2])
	}
	xs := []float64{l.words[0].x0}
	for k := 1; k < len(l.words); k++ {
		if l.words[k].x0-l.words[k-1].x1 > gap {
			xs = append(xs, l.words[k].x0)
		}
	}
	return xs
}

// column returns the column of cols that x starts, or -1.
func column(cols []float64, x float64) int {
	for k, c := range cols {
		if math.Abs(x-c) <= colTol {
			return k
		}
	}
	return -1
}

// fitsColumns reports whether every cell of line l starts at a column of
// cols and no word runs into the next column.
func fitsColumns(l *line, cols []float64, space float64) bool {
	for _, x := range cellStarts(l, space) {
		if column(cols, x) < 0 {
			return false
		}
	}
	for _, w := range l.words {
		for _, c := range cols {
			if w.x0 < c-colTol && w.x1 > c+colTol {
				return false
			}
		}
	}
	return true
}

// tableAt reads the table that starts at lines[i], if one does.
func tableAt(lines []line, i int, space float64) (table, bool) {
	first := &lines[i]
	if first.size <= 0 || len(first.words) < 2 {
		return table{}, false
	}
	cols := cellStarts(first, space)
	if len(cols) < 2 || !fitsColumns(first, cols, space) {
		return table{}, false
	}
	multi := 1
	j := i + 1
	for ; j < len(lines); j++ {
		l, p := &lines[j], &lines[j-1]
		if l.page != first.page || l.region != first.region || math.Abs(l.size-first.size) > 1 ||
			p.y-l.y > 2.5*l.size || p.y <= l.y || !fitsColumns(l, cols, space) {
			break
		}
		if len(cellStarts(l, space)) >= 2 {
			multi++
		}
	}
	if multi < 2 {
		return table{}, false
	}
	// The lines after the last line of several cells belong to the table
	// only as the rest of its last row: as close as its other lines.
	last := i
	for k := i; k < j; k++ {
		if len(cellStarts(&lines[k], space)) >= 2 {
			last = k
		}
	}
	lead := math.Inf(1)
	for k := i + 1; k <= last; k++ {
		lead = math.Min(lead, lines[k-1].y-lines[k].y)
	}
	end := last + 1
	for end < j && lines[end-1].y-lines[end].y <= 1.3*lead && column(cols, lines[end].x0) >= 0 {
		end++
	}
	t := table{start: i, end: end, cols: cols}
	if runningText(lines[i:end], cols) || markersOnly(lines[i:end], cols) {
		return table{}, false
	}
	t.read(lines[i:end])
	return t, true
}

// runningText reports whether the "cells" are running text rather than a
// table's: two columns of prose that the page's column finder missed.
func runningText(ls []line, cols []float64) bool {
	words := make([]int, len(cols))
	cells := make([]int, len(cols))
	for i := range ls {
		seen := make([]bool, len(cols))
		for _, w := range ls[i].words {
			k := columnOf(cols, w.x0)
			words[k]++
			if !seen[k] {
				seen[k] = true
				cells[k]++
			}
		}
	}
	for k := range cols {
		if cells[k] == 0 || words[k] < 5*cells[k] {
			return false
		}
	}
	return true
}

// markersOnly reports whether the first column holds nothing but list
// markers: a list, its bullets or numbers apart from the items' text.
func markersOnly(ls []line, cols []float64) bool {
	for i := range ls {
		var first []word
		for _, w := range ls[i].words {
			if columnOf(cols, w.x0) == 0 {
				first = append(first, w)
			}
		}
		if len(first) > 1 || len(first) == 1 && !listMarker().MatchString(first[0].text) && !isBulletSymbol(first[0].text) {
			return false
		}
	}
	return true
}

// columnOf returns the column a word starting at x is in: the last one
// starting at or before it.
func columnOf(cols []float64, x float64) int {
	k := sort.Search(len(cols), func(k int) bool { return cols[k] > x+colTol }) - 1
	return max(k, 0)
}

// read groups the table's lines into rows and cells.
func (t *table) read(ls []line) {
	gaps := false
	minGap, maxGap := math.Inf(1), 0.0
	for k := 1; k < len(ls); k++ {
		g := ls[k-1].y - ls[k].y
		minGap, maxGap = math.Min(minGap, g), math.Max(maxGap, g)
	}
	gaps = maxGap > 1.15*minGap
	// Lines further apart than text is set are rows of their own.
	spaced := minGap > 1.55*ls[0].size
	var rows [][][]*line // row, column, the cell's lines
	var rowBold []bool
	for k := range ls {
		l := &ls[k]
		parts := make([]*line, len(t.cols))
		for _, w := range l.words {
			c := columnOf(t.cols, w.x0)
			if parts[c] == nil {
				parts[c] = &line{page: l.page, region: l.region, y: l.y, size: l.size, bold: l.bold, x0: w.x0}
			}
			parts[c].words = append(parts[c].words, w)
			parts[c].x1 = w.x1
		}
		newRow := k == 0
		if !newRow && parts[0] != nil {
			switch {
			case spaced:
				newRow = true
			case gaps:
				newRow = ls[k-1].y-l.y > 1.15*minGap
			default:
				r, _ := utf8.DecodeRuneInString(parts[0].words[0].text)
				newRow = unicode.IsUpper(r) || unicode.IsDigit(r)
			}
		}
		if newRow {
			rows = append(rows, make([][]*line, len(t.cols)))
			rowBold = append(rowBold, true)
		}
		r := rows[len(rows)-1]
		for c, p := range parts {
			if p != nil {
				r[c] = append(r[c], p)
			}
		}
		rowBold[len(rowBold)-1] = rowBold[len(rowBold)-1] && l.bold
	}
	for i, r := range rows {
		cells := make([]string, len(t.cols))
		for c, ls := range r {
			if len(ls) > 0 {
				cells[c] = joinLines(ls)
			}
		}
		if i == 0 && rowBold[0] && len(rows) > 1 {
			t.header = cells
			continue
		}
		t.rows = append(t.rows, cells)
	}
}

// continueTable makes t the rest of table prev when it opens the column or
// page after the one prev ends: t takes prev's header and drops its copy.
func continueTable(prev, t *table, lines []line) {
	if prev.end != t.start || len(prev.cols) != len(t.cols) || prev.header == nil {
		return
	}
	a, b := &lines[prev.end-1], &lines[t.start]
	if a.page == b.page && a.region == b.region {
		return
	}
	if t.header != nil && equalCells(t.header, prev.header) {
		t.header = nil
	} else if t.header != nil {
		// Not a repeated header: its first row was bold.
		t.rows = append([][]string{t.header}, t.rows...)
	}
	if len(t.rows) > 0 && equalCells(t.rows[0], prev.header) {
		t.rows = t.rows[1:]
	}
	t.header = prev.header
}

func equalCells(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// wordSpace is the typical gap between the words of body lines (gaps
// wider than 0.6 em, between the cells of a table, left out).
func wordSpace(lines []line, body style) float64 {
	var gaps []float64
	for i := range lines {
		l := &lines[i]
		if lineStyle(l) != body {
			continue
		}
		for k := 1; k < len(l.words); k++ {
			if g := l.words[k].x0 - l.words[k-1].x1; g > 0 && g < 0.6*l.size {
				gaps = append(gaps, g)
			}
		}
		if len(gaps) > 5000 {
			break
		}
	}
	if len(gaps) == 0 {
		return 0.25 * body.size
	}
	sort.Float64s(gaps)
	return gaps[len(gaps)/2]
}

// withoutTables returns the rows of a page that are not rows of a table,
// so that the gaps between a table's columns are not taken for the gutter
// of a page set in columns.
func withoutTables(rows []row) []row {
	if len(rows) < 4 {
		return rows
	}
	ls := make([]line, 0, len(rows))
	for _, r := range rows {
		ls = append(ls, line{words: r.words, y: r.y, size: r.size, bold: r.bold, x0: r.x0, x1: r.x1})
	}
	tables := findTables(ls, rowSpace(rows))
	if len(tables) == 0 {
		return rows
	}
	out := make([]row, 0, len(rows))
	k := 0
	for _, t := range tables {
		for ; k < t.start; k++ {
			out = append(out, rows[k])
		}
		k = t.end
	}
	return append(out, rows[k:]...)
}

// rowSpace is the typical gap between the words of a page's rows (gaps
// wider than 0.6 em left out).
func rowSpace(rows []row) float64 {
	var gaps []float64
	size := 10.0
	for _, r := range rows {
		for k := 1; k < len(r.words); k++ {
			if g := r.words[k].x0 - r.words[k-1].x1; g > 0 && g < 0.6*r.size {
				gaps = append(gaps, g)
			}
		}
		size = r.size
	}
	if len(gaps) == 0 {
		return 0.25 * size
	}
	sort.Float64s(gaps)
	return gaps[len(gaps)/2]
}
