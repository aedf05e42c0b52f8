package pdftext

import (
	"slices"
	"testing"
)

// The targets of a page's link annotations are read in order; other
// annotations and actions are not links to follow.
func TestLinkURIs(t *testing.T) {
	data := buildPDFPage("/Annots [10 0 R 11 0 R 12 0 R 13 0 R]", "BT /F1 12 Tf 72 700 Td (Write to our privacy team.) Tj ET", "",
		"<< /Type /Annot /Subtype /Link /Rect [72 690 300 712] /A << /S /URI /URI (mailto:privacy@kestrel.example) >> >>",
		"<< /Type /Annot /Subtype /Text /Rect [0 0 10 10] /Contents (a note) >>",
		"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /GoTo /D [3 0 R /Fit] >> >>",
		"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://kestrel.example/choices) >> >>")
	d, err := Open(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"mailto:privacy@kestrel.example", "https://kestrel.example/choices"}
	if got := d.LinkURIs(0, 10); !slices.Equal(got, want) {
		t.Errorf("LinkURIs = %q, want %q", got, want)
	}
	if got := d.LinkURIs(0, 1); !slices.Equal(got, want[:1]) {
		t.Errorf("LinkURIs with max 1 = %q, want %q", got, want[:1])
	}
	// A page without annotations, and annotations that are no array.
	for _, entries := range []string{"", "/Annots 7", "/Annots [(junk) 42 /Name]"} {
		d, err := Open(buildPDFPage(entries, "BT /F1 12 Tf 72 700 Td (Text.) Tj ET", ""), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := d.LinkURIs(0, 10); len(got) != 0 {
			t.Errorf("%q: LinkURIs = %q, want none", entries, got)
		}
	}
}
