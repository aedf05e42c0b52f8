package extract

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/policylens/policylens/shared/analysis/pdftext/pdftexttest"
	"github.com/policylens/policylens/shared/domain/policy"
)

// onePagePDF writes a PDF of one 600 x 800 page with more entries in its
// dictionary ("/Rotate 90"), the given content stream, Helvetica as /F1
// with every glyph 500/1000 em wide (so a 12-point character is 6
// points), and annotations.
func onePagePDF(entries, content string, annots ...string) []byte {
	return pdftexttest.OnePage(entries+" "+pdftexttest.Annots(len(annots)), content, "", annots...)
}

// uriLink is a link annotation over a rectangle that opens uri.
func uriLink(x0, y0, x1, y1 float64, uri string) string {
	return pdftexttest.URILink(x0, y0, x1, y1, uri)
}

// A PDF's web links are kept at the words their rectangles cover, as an
// HTML page's anchors are: the words under the rectangle, in the block of
// their page; a link over no words, a mail link (an address, not a page)
// and a target that is no web address give none.
func TestPDFLinks(t *testing.T) {
	// "To opt out, visit " is 18 characters of 6 points from x 72: "our
	// choices page" runs from 180 to 276.
	content := "BT /F1 12 Tf 72 700 Td (To opt out, visit our choices page or write to us.) Tj ET\n" +
		"BT /F1 12 Tf 72 600 Td (Cookies are set by partners.) Tj ET"
	data := onePagePDF("", content,
		uriLink(60, 560, 120, 580, "https://kestrel.example/nothing-here"),
		uriLink(178, 696, 278, 712, "https://kestrel.example/choices"),
		uriLink(300, 696, 340, 712, "mailto:privacy@kestrel.example"),
		uriLink(72, 596, 120, 612, "javascript:void(0)"),
	)
	doc, err := Extract(context.Background(), "p.pdf", data, policy.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, b := range doc.Blocks {
		for _, l := range b.Links {
			got = append(got, b.Text[l.Start:l.End]+" -> "+l.URL)
		}
	}
	if want := []string{"our choices page -> https://kestrel.example/choices"}; !slices.Equal(got, want) {
		t.Errorf("links = %q, want %q (blocks %+v)", got, want, doc.Blocks)
	}
	if !slices.Equal(doc.LinkEmails, []string{"privacy@kestrel.example"}) {
		t.Errorf("LinkEmails = %q", doc.LinkEmails)
	}
}

// Two links over the same words go to their two places, in the order of
// the text whatever the order of the annotations; on a page turned by
// /Rotate, the rectangles turn with the text.
func TestPDFLinksPlacesAndRotation(t *testing.T) {
	// Two lines of "Choices: see our page." (23 characters); "our page"
	// runs from 72+13*6 = 150 to 198.
	content := "BT /F1 12 Tf 72 700 Td (Choices: see our page.) Tj ET\nBT /F1 12 Tf 72 680 Td (Cookies: see our page.) Tj ET"
	for _, c := range []struct {
		name, entries string
		rect          func(x0, y0, x1, y1 float64) (float64, float64, float64, float64)
	}{
		{"upright", "", func(x0, y0, x1, y1 float64) (float64, float64, float64, float64) { return x0, y0, x1, y1 }},
		// /Rotate 90 shows the page turned clockwise; the annotation's
		// rectangle is still in the unturned page's points.
		{"rotated", "/Rotate 90", func(x0, y0, x1, y1 float64) (float64, float64, float64, float64) { return x0, y0, x1, y1 }},
	} {
		x0, y0, x1, y1 := c.rect(148, 676, 200, 692)
		second := uriLink(x0, y0, x1, y1, "https://kestrel.example/cookies")
		x0, y0, x1, y1 = c.rect(148, 696, 200, 712)
		first := uriLink(x0, y0, x1, y1, "https://kestrel.example/choices")
		doc, err := Extract(context.Background(), "p.pdf", onePagePDF(c.entries, content, second, first), policy.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, b := range doc.Blocks {
			for _, l := range b.Links {
				got = append(got, fmt.Sprintf("%s %q -> %s", b.Text[:7], b.Text[l.Start:l.End], l.URL))
			}
		}
		want := []string{`Choices "our page" -> https://kestrel.example/choices`, `Cookies "our page" -> https://kestrel.example/cookies`}
		if len(doc.Blocks) == 1 {
			want = []string{`Choices "our page" -> https://kestrel.example/choices`, `Choices "our page" -> https://kestrel.example/cookies`}
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: links = %q, want %q (blocks %+v)", c.name, got, want, doc.Blocks)
		}
	}
}
