// Package pdftexttest writes small PDFs for the tests of the PDF reader and
// of what reads its output.
package pdftexttest

import (
	"bytes"
	"fmt"
	"strings"
)

// OnePage writes a PDF of one 600 x 800 point page with more entries in
// its dictionary (entries: "/Rotate 90", "/Annots [10 0 R]"), the given
// content stream and resources (by default Helvetica as /F1, with every
// glyph 500/1000 em wide, so a 12-point character is 6 points, and
// Helvetica-Bold as /F2, without widths), and extra objects numbered from
// 10, with a classic cross-reference table.
func OnePage(entries, content, resources string, extra ...string) []byte {
	var b bytes.Buffer
	offs := map[int]int{}
	obj := func(n int, body string) {
		offs[n] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", n, body)
	}
	b.WriteString("%PDF-1.4\n")
	obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	if resources == "" {
		resources = "<< /Font << /F1 5 0 R /F2 6 0 R >> >>"
	}
	obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Resources "+resources+" /Contents 4 0 R "+entries+" >>")
	obj(4, fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
	widths := strings.TrimSpace(strings.Repeat("500 ", 224))
	obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 32 /LastChar 255 /Widths ["+widths+"] /Encoding /WinAnsiEncoding >>")
	obj(6, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	for i, e := range extra {
		obj(10+i, e)
	}
	last := 9 + len(extra)
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", last+1)
	for i := 1; i <= last; i++ {
		if o, ok := offs[i]; ok {
			fmt.Fprintf(&b, "%010d 00000 n \n", o)
		} else {
			b.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", last+1, x)
	return b.Bytes()
}

// URILink is a link annotation over a rectangle that opens uri.
func URILink(x0, y0, x1, y1 float64, uri string) string {
	return fmt.Sprintf("<< /Type /Annot /Subtype /Link /Rect [%g %g %g %g] /A << /S /URI /URI (%s) >> >>", x0, y0, x1, y1, uri)
}

// Annots is the page entry that lists n annotations, objects 10 on.
func Annots(n int) string {
	refs := make([]string, n)
	for i := range refs {
		refs[i] = fmt.Sprintf("%d 0 R", 10+i)
	}
	return "/Annots [" + strings.Join(refs, " ") + "]"
}
