package pdftext

import (
	"testing"

	"github.com/policylens/policylens/shared/local/fixture"
)

// Chromium writes tagged PDFs: every page of its fixtures has block edges,
// each page's first text starts a block or continues one from the page
// before, and where a page ends inside a paragraph the next page's first
// text does not start a block (and the other way round).
func TestBlockEdgesChromium(t *testing.T) {
	for _, name := range []string{"pebble-kids-chromium.pdf", "lumen-fitness-chromium.pdf", "harbor-books-chromium.pdf"} {
		d, err := Open(fixture.Read(t, "testdata", "formats", name), Options{})
		if err != nil {
			t.Fatal(err)
		}
		var prevEnd BlockEdge
		continued, ended := 0, 0
		for i := 0; i < d.NumPages(); i++ {
			p, err := d.Page(i)
			if err != nil {
				t.Fatal(err)
			}
			if p.Edges == nil {
				t.Fatalf("%s page %d: no block edges; Chromium tags its PDFs", name, i+1)
			}
			first, last := int32(-1), int32(-1)
			for _, g := range p.Glyphs {
				if g.MCID >= 0 {
					if first < 0 {
						first = g.MCID
					}
					last = g.MCID
				}
			}
			if first < 0 {
				t.Fatalf("%s page %d: no glyph carries an MCID", name, i+1)
			}
			if i > 0 {
				startsBlock := p.Edges[first]&EdgeStart != 0
				if startsBlock != (prevEnd != 0) {
					t.Errorf("%s page %d: first text starts a block: %v; the page before ended its block: %v", name, i+1, startsBlock, prevEnd != 0)
				}
				if startsBlock {
					ended++
				} else {
					continued++
				}
			}
			prevEnd = p.Edges[last] & EdgeEnd
		}
		t.Logf("%s: %d page breaks between blocks, %d inside one", name, ended, continued)
	}
}

// An untagged PDF has no edges and its glyphs no MCID.
func TestBlockEdgesUntagged(t *testing.T) {
	d, err := Open(fixture.Read(t, "testdata", "formats", "harbor-books-pdftex.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Page(0)
	if err != nil {
		t.Fatal(err)
	}
	if p.Edges != nil {
		t.Errorf("edges on an untagged page: %v", p.Edges)
	}
	for _, g := range p.Glyphs {
		if g.MCID != -1 {
			t.Fatalf("glyph %q has MCID %d on an untagged page", g.Text, g.MCID)
		}
	}
}
