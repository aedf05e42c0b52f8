package pdftext

// maxAnnots bounds the annotations read of a page.
const maxAnnots = 1000

// A Link is a link annotation of a page that opens a URI: the rectangle
// it covers, in points of the upright page (as Glyph.X and Y), and its
// target as written.
type Link struct {
	X0, Y0, X1, Y1 float64
	URI            string
}

// Links returns the links of page i that open a URI, in order, at most
// most of them. As LinkURIs, reading stops at a damaged annotation.
func (d *Doc) Links(i, most int) (links []Link) {
	defer func() {
		if r := recover(); r != nil {
			rethrowBug(r)
		}
	}()
	pr := d.pages[i]
	ctm, _, _ := pr.upright()
	annots := pr.v.Key("Annots")
	for k := 0; k < min(annots.Len(), maxAnnots) && len(links) < most; k++ {
		a := annots.Index(k)
		if a.Key("Subtype").Name() != "Link" {
			continue
		}
		act := a.Key("A")
		if act.Key("S").Name() != "URI" {
			continue
		}
		u := rawString(act.Key("URI"), d.aes)
		rect := a.Key("Rect")
		if u == "" || rect.Len() != 4 {
			continue
		}
		var r [4]float64
		for j := range r {
			r[j] = rect.Index(j).Float64()
		}
		x0, y0 := ctm.apply(r[0], r[1])
		x1, y1 := ctm.apply(r[2], r[3])
		links = append(links, Link{X0: min(x0, x1), Y0: min(y0, y1), X1: max(x0, x1), Y1: max(y0, y1), URI: u})
	}
	return links
}

// LinkURIs returns the targets of the links of page i (the URI actions of
// its link annotations), in order, at most max of them. Reading stops at a
// damaged annotation, keeping the targets read before it: links are an
// extra, not a reason to fail the page.
func (d *Doc) LinkURIs(i, max int) (uris []string) {
	defer func() {
		if r := recover(); r != nil {
			rethrowBug(r)
		}
	}()
	annots := d.pages[i].v.Key("Annots")
	for k := 0; k < min(annots.Len(), maxAnnots) && len(uris) < max; k++ {
		a := annots.Index(k)
		if a.Key("Subtype").Name() != "Link" {
			continue
		}
		act := a.Key("A")
		if act.Key("S").Name() != "URI" {
			continue
		}
		if u := rawString(act.Key("URI"), d.aes); u != "" {
			uris = append(uris, u)
		}
	}
	return uris
}
