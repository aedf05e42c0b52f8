package pdftext

// maxAnnots bounds the annotations read of a page.
const maxAnnots = 1000

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
