package pdftext

import "github.com/ledongthuc/pdf"

// A tagged PDF (one with a structure tree: Chromium, Word and LibreOffice
// write them) says which marked content belongs to which paragraph,
// heading, list item or table cell. The layout needs one answer from it
// that the page's geometry cannot give: at a page break, whether the
// paragraph ending the page goes on at the top of the next one.

// BlockEdge tells whether a marked-content sequence of a page starts or
// ends the structure block (paragraph, heading, list item, table cell) it
// belongs to.
type BlockEdge uint8

const (
	// EdgeStart: the sequence is the first content of its block.
	EdgeStart BlockEdge = 1 << iota
	// EdgeEnd: the sequence is the last content of its block.
	EdgeEnd
)

// Limits on reading the structure tree: it is optional information, so a
// tree too large or too deep to read within them is ignored, page by page.
const (
	maxStructDepth = 32
	maxStructNodes = 4096 // nodes visited to find one block's first and last content
)

// blockTypes are the standard structure types read as blocks of text, and
// inlineTypes those read as parts of the block around them (PDF 32000-1,
// 14.8.4).
var (
	blockTypes = map[string]bool{
		"P": true, "H": true, "H1": true, "H2": true, "H3": true, "H4": true, "H5": true, "H6": true,
		"LI": true, "LBody": true, "TD": true, "TH": true, "Caption": true, "BlockQuote": true,
		"Note": true, "Title": true, "TOCI": true,
	}
	inlineTypes = map[string]bool{
		"NonStruct": true, "Span": true, "Link": true, "Annot": true, "Quote": true, "Code": true,
		"Em": true, "Strong": true, "Sub": true, "Sup": true, "Reference": true, "BibEntry": true,
		"Ruby": true, "Warichu": true, "Lbl": true,
	}
)

// mcr names one marked-content sequence: the page (by its StructParents
// key) and its MCID.
type mcr struct{ page, mcid int64 }

// blockEdges reads, for the page with structure key sp, the block edges
// of the marked-content sequences mcids. nil when the document is not
// tagged or its tree cannot be read within the limits.
func (d *Doc) blockEdges(sp int64, mcids ...int32) (edges map[int32]BlockEdge) {
	defer func() {
		if r := recover(); r != nil {
			// A malformed tree (the library panics on some) is ignored:
			// the page reads as untagged. A bug in this code is not.
			rethrowBug(r)
			edges = nil
		}
	}()
	tree := d.r.Trailer().Key("Root").Key("StructTreeRoot")
	if tree.Kind() != pdf.Dict {
		return nil
	}
	elems := numberTreeGet(tree.Key("ParentTree"), sp, 0)
	if elems.Kind() != pdf.Array || elems.Len() > maxGlyphsPerPage {
		return nil
	}
	roles := tree.Key("RoleMap")
	edges = map[int32]BlockEdge{}
	for _, j := range mcids {
		if int(j) >= elems.Len() {
			continue
		}
		if _, done := edges[j]; done {
			continue
		}
		block := blockOf(elems.Index(int(j)), roles)
		if block.IsNull() {
			continue
		}
		budget := maxStructNodes
		first, last, ok := contentRange(block, pageKey(block.Key("Pg")), roles, &budget, 0)
		if !ok {
			continue
		}
		var e BlockEdge
		if first == (mcr{sp, int64(j)}) {
			e |= EdgeStart
		}
		if last == (mcr{sp, int64(j)}) {
			e |= EdgeEnd
		}
		edges[int32(j)] = e
	}
	if len(edges) == 0 {
		return nil
	}
	return edges
}

// numberTreeGet looks key up in a number tree.
func numberTreeGet(node pdf.Value, key int64, depth int) pdf.Value {
	if node.Kind() != pdf.Dict || depth > maxStructDepth {
		return pdf.Value{}
	}
	if nums := node.Key("Nums"); nums.Kind() == pdf.Array {
		for i := 0; i+1 < nums.Len(); i += 2 {
			if nums.Index(i).Int64() == key {
				return nums.Index(i + 1)
			}
		}
	}
	kids := node.Key("Kids")
	for i := 0; i < kids.Len(); i++ {
		k := kids.Index(i)
		if lim := k.Key("Limits"); lim.Len() == 2 && (key < lim.Index(0).Int64() || key > lim.Index(1).Int64()) {
			continue
		}
		if v := numberTreeGet(k, key, depth+1); !v.IsNull() {
			return v
		}
	}
	return pdf.Value{}
}

// structType is an element's standard type, through the role map.
func structType(e pdf.Value, roles pdf.Value) string {
	s := e.Key("S").Name()
	if m := roles.Key(s); m.Kind() == pdf.Name {
		s = m.Name()
	}
	return s
}

// blockOf climbs from a structure element to the block it is part of; a
// null Value when it is part of none.
func blockOf(e pdf.Value, roles pdf.Value) pdf.Value {
	for depth := 0; e.Kind() == pdf.Dict && depth < maxStructDepth; depth++ {
		t := structType(e, roles)
		switch {
		case blockTypes[t]:
			return e
		case !inlineTypes[t]:
			return pdf.Value{}
		}
		e = e.Key("P")
	}
	return pdf.Value{}
}

// pageKey is a page's StructParents key, -1 when it has none.
func pageKey(pg pdf.Value) int64 {
	if v := pg.Key("StructParents"); v.Kind() == pdf.Integer {
		return v.Int64()
	}
	return -1
}

// contentRange finds the first and last marked-content sequences of a
// structure element, in the order of its kids. page is the page the
// element's kids are on unless they say otherwise.
func contentRange(e pdf.Value, page int64, roles pdf.Value, budget *int, depth int) (first, last mcr, ok bool) {
	if depth > maxStructDepth {
		return mcr{}, mcr{}, false
	}
	if pg := e.Key("Pg"); pg.Kind() == pdf.Dict {
		page = pageKey(pg)
	}
	k := e.Key("K")
	visit := func(kid pdf.Value) bool {
		if *budget--; *budget < 0 {
			return false
		}
		var f, l mcr
		switch kid.Kind() {
		case pdf.Integer:
			f = mcr{page, kid.Int64()}
			l = f
		case pdf.Dict:
			switch {
			case kid.Key("Type").Name() == "OBJR":
				return true
			case kid.Key("S").Kind() == pdf.Name:
				var found bool
				f, l, found = contentRange(kid, page, roles, budget, depth+1)
				if !found {
					return *budget >= 0
				}
			default: // a marked-content reference
				p := page
				if pg := kid.Key("Pg"); pg.Kind() == pdf.Dict {
					p = pageKey(pg)
				}
				f = mcr{p, kid.Key("MCID").Int64()}
				l = f
			}
		default:
			return true
		}
		if !ok {
			first, ok = f, true
		}
		last = l
		return true
	}
	if k.Kind() == pdf.Array {
		for i := 0; i < k.Len(); i++ {
			if !visit(k.Index(i)) {
				return mcr{}, mcr{}, false
			}
		}
	} else if !visit(k) {
		return mcr{}, mcr{}, false
	}
	if ok && (first.page < 0 || last.page < 0) {
		return mcr{}, mcr{}, false
	}
	return first, last, ok
}
