package extract

// The tables of an HTML page: which are data (read row by row under their
// headers) and which page layout (read as the blocks inside them).

import (
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// tableRowNodes appends the rows of table n to rows: its <tr> elements
// and those of its <thead>, <tbody> and <tfoot>, not those of tables
// inside it.
func tableRowNodes(n *html.Node, rows []*html.Node) []*html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		switch c.DataAtom {
		case atom.Tr:
			rows = append(rows, c)
		case atom.Thead, atom.Tbody, atom.Tfoot:
			rows = tableRowNodes(c, rows)
		}
	}
	return rows
}

// layoutTable reports whether a table is page layout rather than data: a
// cell holds a nested table, a form, a long text or, in a table without a
// header row of <th> cells, a heading (a data table may title the blocks
// of a cell with headings, as tables of what is shared with whom do).
func (w *htmlWalker) layoutTable(rows []*html.Node) bool {
	headed := len(rows) > 1 && w.headerRow(rows[0])
	for _, tr := range rows {
		for c := tr.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && (c.DataAtom == atom.Td || c.DataAtom == atom.Th) && !w.dropped(c) && layoutCell(c, headed, new(int)) {
				return true
			}
		}
	}
	return false
}

// headerRow reports whether tr is a table's header row: in a <thead>, or
// its cells (those not dropped) all <th>.
func (w *htmlWalker) headerRow(tr *html.Node) bool {
	if tr.Parent != nil && tr.Parent.DataAtom == atom.Thead {
		return true
	}
	n := 0
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Td && c.DataAtom != atom.Th || w.dropped(c) {
			continue
		}
		if c.DataAtom == atom.Td {
			return false
		}
		n++
	}
	return n > 0
}

// table reads a data table as TableRow blocks. The header is the first
// row when all its cells are <th> (or it is in a <thead>).
func (w *htmlWalker) table(rows []*html.Node) {
	var header []string
	var body [][]string
	var links []cellLink
	for i, tr := range rows {
		if w.dropped(tr) {
			continue
		}
		cells, l := w.rowCells(tr)
		for k := range l {
			l[k].row = len(body) // about the block it will be in
		}
		links = append(links, l...)
		if i == 0 && w.headerRow(tr) {
			header = cells
			continue
		}
		body = append(body, cells)
	}
	n := len(w.blocks)
	w.blocks = tableBlocks(w.blocks, header, body)
	placeLinks(w.blocks[n:], links)
}

func layoutCell(n *html.Node, headed bool, textLen *int) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			*textLen += len(c.Data)
			if *textLen > 1000 {
				return true
			}
		case html.ElementNode:
			switch c.DataAtom {
			case atom.Table, atom.Form:
				return true
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				if !headed {
					return true
				}
			}
			if layoutCell(c, headed, textLen) {
				return true
			}
		}
	}
	return false
}

// rowCells returns the text of each cell of a data row (blocks inside a
// cell joined by joinCellParts; a cell spanning several columns repeated
// under each), and the cells' links.
func (w *htmlWalker) rowCells(tr *html.Node) ([]string, []cellLink) {
	var cells []string
	var links []cellLink
	for c := tr.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != atom.Td && c.DataAtom != atom.Th || w.dropped(c) {
			continue
		}
		cw := htmlWalker{lenient: w.lenient, cell: true, sectioning: w.sectioning, base: w.base, mailto: w.mailto, nlinks: w.nlinks}
		cw.children(c)
		cw.flush()
		w.mailto, w.nlinks = cw.mailto, cw.nlinks
		var parts []string
		for _, b := range cw.blocks {
			parts = append(parts, b.Text)
			for _, l := range b.Links {
				links = append(links, cellLink{words: strings.Join(strings.Fields(b.Text[l.Start:l.End]), " "), url: l.URL})
			}
		}
		t := joinCellParts(parts)
		span, _ := strconv.Atoi(attr(c, "colspan"))
		for k := 0; k < max(1, min(span, 20)); k++ {
			cells = append(cells, t)
			t = "" // the text once, its columns kept aligned
		}
	}
	return cells, links
}
