package pdftext

import "github.com/ledongthuc/pdf"

// maxAnnots bounds the annotations read of a page.
const maxAnnots = 1000

// A Link is a link annotation of a page that opens a URI: the rectangle
// it covers, in points of the upright page (as Glyph.X and Y), and its
// target as written.
type Link struct {
	X0, Y0, X1, Y1 float64
	URI            string
}

// eachURILink calls fn with each link annotation of page i that opens a
// URI, and its target, in order, until fn returns false. Reading stops at
// a damaged annotation, keeping what was read before it: links are an
// extra, not a reason to fail the page.
func (d *Doc) eachURILink(i int, fn func(annot pdf.Value, uri string) bool) {
	defer func() {
		if r := recover(); r != nil {
			rethrowBug(r)
		}
	}()
	annots := d.pages[i].v.Key("Annots")
	for k := 0; k < min(annots.Len(), maxAnnots); k++ {
		a := annots.Index(k)
		if a.Key("Subtype").Name() != "Link" {
			continue
		}
		act := a.Key("A")
		if act.Key("S").Name() != "URI" {
			continue
		}
		if u := rawString(act.Key("URI"), d.aes); u != "" && !fn(a, u) {
			return
		}
	}
}

// Links returns the links of page i that open a URI and cover a
// rectangle, in order, at most most of them.
func (d *Doc) Links(i, most int) (links []Link) {
	if most <= 0 {
		return nil
	}
	ctm, _, _ := d.pages[i].upright()
	d.eachURILink(i, func(a pdf.Value, u string) bool {
		rect := a.Key("Rect")
		if rect.Len() != 4 {
			return true
		}
		var r [4]float64
		for j := range r {
			r[j] = rect.Index(j).Float64()
		}
		x0, y0 := ctm.apply(r[0], r[1])
		x1, y1 := ctm.apply(r[2], r[3])
		links = append(links, Link{X0: min(x0, x1), Y0: min(y0, y1), X1: max(x0, x1), Y1: max(y0, y1), URI: u})
		return len(links) < most
	})
	return links
}

// LinkURIs returns the targets of the links of page i (the URI actions of
// its link annotations), in order, at most most of them.
func (d *Doc) LinkURIs(i, most int) (uris []string) {
	if most <= 0 {
		return nil
	}
	d.eachURILink(i, func(_ pdf.Value, u string) bool {
		uris = append(uris, u)
		return len(uris) < most
	})
	return uris
}
