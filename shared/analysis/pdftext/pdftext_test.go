package pdftext

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/pdftext/pdftexttest"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/local/fixture"
)

// buildPDF writes a one-page PDF with the given content stream and extra
// objects (numbered from 10), with Helvetica as /F1 (with widths: every
// glyph 500/1000 em) and /F2 (without widths), and a classic xref table.
func buildPDF(content string, resources string, extra ...string) []byte {
	return buildPDFPage("", content, resources, extra...)
}

// buildPDFPage is buildPDF with more entries in the page's dictionary
// ("/Annots [10 0 R]").
func buildPDFPage(entries, content string, resources string, extra ...string) []byte {
	return pdftexttest.OnePage(entries, content, resources, extra...)
}

// pageGlyphs opens data and returns the glyphs of its first page.
func pageGlyphs(t *testing.T, data []byte) *Page {
	t.Helper()
	d, err := Open(data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := d.Page(0)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func pageText(p *Page) string {
	var b strings.Builder
	for _, g := range p.Glyphs {
		b.WriteString(g.Text)
	}
	return b.String()
}

func near(a, b float64) bool { return math.Abs(a-b) < 0.01 }

func TestTextState(t *testing.T) {
	tests := []struct {
		name    string
		content string
		res     string
		extra   []string
		text    string
		// Positions of glyphs: index -> x, y; and font sizes.
		x    map[int]float64
		y    map[int]float64
		size float64
	}{
		{name: "Tj advances by widths", content: "BT /F1 10 Tf 100 700 Td (abc) Tj ET",
			text: "abc", x: map[int]float64{0: 100, 1: 105, 2: 110}, y: map[int]float64{2: 700}, size: 10},
		{name: "TJ kerning moves glyphs", content: "BT /F1 10 Tf 100 700 Td [(a) -500 (b) 250 (c)] TJ ET",
			text: "abc", x: map[int]float64{0: 100, 1: 110, 2: 112.5}},
		{name: "character and word spacing", content: "BT /F1 10 Tf 2 Tc 3 Tw 100 700 Td (a b) Tj ET",
			text: "a b", x: map[int]float64{1: 107, 2: 117}},
		{name: "horizontal scaling", content: "BT /F1 10 Tf 50 Tz 100 700 Td (ab) Tj ET",
			text: "ab", x: map[int]float64{1: 102.5}},
		{name: "rise", content: "BT /F1 10 Tf 100 700 Td 3 Ts (a) Tj ET", y: map[int]float64{0: 703}},
		{name: "leading and next line", content: "BT /F1 10 Tf 14 TL 100 700 Td (a) Tj T* (b) Tj (c) ' 1 2 (d) \" ET",
			text: "abcd", y: map[int]float64{0: 700, 1: 686, 2: 672, 3: 658}, x: map[int]float64{3: 100}},
		{name: "text matrix scales the font", content: "BT /F1 1 Tf 12 0 0 12 100 700 Tm (ab) Tj ET",
			text: "ab", x: map[int]float64{1: 106}, size: 12},
		{name: "flipped page as Chromium writes it", content: "1 0 0 -1 0 800 cm BT /F1 10 Tf 1 0 0 -1 100 100 Tm (ab) Tj ET",
			text: "ab", x: map[int]float64{1: 105}, y: map[int]float64{0: 700}, size: 10},
		{name: "graphics state stack", content: "q 2 0 0 2 0 0 cm Q BT /F1 10 Tf 100 700 Td (a) Tj ET Q Q Q",
			text: "a", x: map[int]float64{0: 100}, size: 10},
		{name: "inline image skipped", content: "BI /W 4 /H 1 /BPC 8 /CS /G ID \x00(\xff) Tj EI BT /F1 10 Tf 100 700 Td (ok) Tj ET",
			text: "ok"},
		{name: "actual text replaces a ligature glyph", content: "BT /F1 10 Tf 100 700 Td /Span <</ActualText (fi)>> BDC (X) Tj EMC (x) Tj ET",
			text: "fix"},
		{name: "actual text in UTF-16 from properties", content: "BT /F1 10 Tf 100 700 Td /Span /P0 BDC (ab) Tj EMC ET",
			res: "<< /Font << /F1 5 0 R >> /Properties << /P0 << /ActualText <FEFF00E9> >> >> >>", text: "é"},
		{name: "pagination artifacts are dropped", content: "BT /F1 10 Tf 100 700 Td /Artifact <</Type /Pagination /Subtype /Footer>> BDC (7) Tj EMC /Artifact BMC (a) Tj EMC /P <</MCID 0>> BDC (b) Tj EMC ET",
			text: "ab"},
		{name: "form xobject with matrix", content: "q 1 0 0 1 50 0 cm /X0 Do Q",
			res:   "<< /Font << /F1 5 0 R >> /XObject << /X0 10 0 R >> >>",
			extra: []string{"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Matrix [1 0 0 1 10 0] /Length 35 >>\nstream\nBT /F1 10 Tf 100 700 Td (f) Tj ET\nendstream"},
			text:  "f", x: map[int]float64{0: 160}},
		{name: "garbage operands are ignored", content: "BT /F1 10 Tf (x) 100 700 Td [[[(a)]]] TJ 1 2 3 (b) Tj ] >> ET",
			text: "b"},
		{name: "standard font without widths", content: "BT /F2 10 Tf 100 700 Td (il) Tj ET",
			text: "il", x: map[int]float64{1: 100 + 10*0.222*1.05}}, // approximate bold width of "i"
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := pageGlyphs(t, buildPDF(tt.content, tt.res, tt.extra...))
			if tt.text != "" && pageText(p) != tt.text {
				t.Fatalf("text %q, want %q", pageText(p), tt.text)
			}
			for i, x := range tt.x {
				if i >= len(p.Glyphs) || !near(p.Glyphs[i].X, x) {
					t.Errorf("glyph %d x = %v, want %v", i, p.Glyphs[i].X, x)
				}
			}
			for i, y := range tt.y {
				if i >= len(p.Glyphs) || !near(p.Glyphs[i].Y, y) {
					t.Errorf("glyph %d y = %v, want %v", i, p.Glyphs[i].Y, y)
				}
			}
			if tt.size != 0 {
				for _, g := range p.Glyphs {
					if !near(g.Size, tt.size) {
						t.Errorf("glyph %q size %v, want %v", g.Text, g.Size, tt.size)
					}
				}
			}
		})
	}
}

func TestShapes(t *testing.T) {
	// A small filled disc (Bezier curves) is a possible bullet; a thin
	// filled rule, a big box and a stroked square are not.
	content := `100 700 m 104 700 l 104 704 l 100 704 l h f
		1 0 0 1 0 -20 cm 100 700 m 100 702.2 101.8 704 104 704 c 106.2 704 108 702.2 108 700 c 108 697.8 106.2 696 104 696 c 101.8 696 100 697.8 100 700 c f
		50 600 400 0.5 re f 50 500 100 100 re f 50 400 5 5 re S`
	p := pageGlyphs(t, buildPDF(content, ""))
	if len(p.Glyphs) != 2 {
		t.Fatalf("%d shapes, want 2: %+v", len(p.Glyphs), p.Glyphs)
	}
	for i, want := range [][2]float64{{100, 700}, {100, 676}} {
		g := p.Glyphs[i]
		if !g.Shape || g.Text != "•" || !near(g.X, want[0]) || !near(g.Y, want[1]) {
			t.Errorf("shape %d: %+v, want a bullet at %v", i, g, want)
		}
	}
}

func TestLexer(t *testing.T) {
	lx := &lexer{b: []byte(`% comment
		12 -3.5 .5 --4 1.2.3 (a\(b\)c\\\n\101\
x(nested)) <48 65 6c6C6f 7> /Na#20me [1 /x] << /K (v) >> Tj`)}
	var got []string
	for {
		k, v, n := lx.next()
		if k == tEOF {
			break
		}
		switch k {
		case tNum:
			got = append(got, fmt.Sprint(n))
		case tStr:
			got = append(got, fmt.Sprintf("(%s)", v))
		case tName:
			got = append(got, "/"+string(v))
		case tOp:
			got = append(got, string(v))
		case tArrOpen:
			got = append(got, "[")
		case tArrClose:
			got = append(got, "]")
		case tDictOpen:
			got = append(got, "<<")
		case tDictClose:
			got = append(got, ">>")
		}
	}
	want := []string{"12", "-3.5", "0.5", "4", "1.2", "(a(b)c\\\nAx(nested))", "(Hellop)", "/Na me", "[", "1", "/x", "]", "<<", "/K", "(v)", ">>", "Tj"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("tokens\n got %q\nwant %q", got, want)
	}
}

func TestParseCMap(t *testing.T) {
	m := parseCMap([]byte(`/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <0010> <00660069> endbfchar
2 beginbfrange <0020> <0022> <0041> <0030> <0031> [<0078> <D83DDE00>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end`))
	tests := []struct {
		code uint32
		want string
		ok   bool
	}{
		{0x03, " ", true},
		{0x10, "fi", true},
		{0x20, "A", true},
		{0x22, "C", true},
		{0x30, "x", true},
		{0x31, "😀", true},
		{0x23, "", false},
	}
	for _, tt := range tests {
		got, ok := m.lookup(tt.code, 2)
		if got != tt.want || ok != tt.ok {
			t.Errorf("lookup(%#x) = %q, %v; want %q, %v", tt.code, got, ok, tt.want, tt.ok)
		}
	}
	if len(m.space) != 1 || m.space[0].n != 2 {
		t.Errorf("codespace %+v, want one 2-byte range", m.space)
	}
}

func TestNormalize(t *testing.T) {
	good := buildPDF("BT /F1 10 Tf 100 700 Td (hello) Tj ET", "")
	tests := []struct {
		name string
		data []byte
		err  error
	}{
		{"as is", good, nil},
		{"junk before the header", append([]byte("Content-Type: application/pdf\r\n\r\n"), good...), nil},
		{"junk naming %PDF- before the header", append([]byte("a %PDF- file follows\n"), good...), nil},
		{"PDF 2.0 header", append([]byte("%PDF-2.0"), good[8:]...), nil},
		{"header without newline", append([]byte("%PDF-1.4 %\xe2\xe3"), good[8:]...), nil},
		{"data after %%EOF", append(bytes.Clone(good), bytes.Repeat([]byte("<html>trailing</html>\x00"), 50)...), nil},
		{"no header", good[20:], fault.Corrupt},
		{"header too late", append(bytes.Repeat([]byte(" "), 2000), good...), fault.Corrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Open(tt.data, Options{})
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			p, err := d.Page(0)
			if err != nil || pageText(p) != "hello" {
				t.Fatalf("page text %q, err %v", pageText(p), err)
			}
		})
	}
}

func allText(t *testing.T, d *Doc) string {
	var b strings.Builder
	for i := 0; i < d.NumPages(); i++ {
		p, err := d.Page(i)
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		b.WriteString(pageText(p))
	}
	return b.String()
}

// TestRebuild reads files through their own xref table and through a
// rebuilt one: both must give the same text when the table is intact, and
// the rebuilt one must rescue a file whose offsets are all wrong.
func TestRebuild(t *testing.T) {
	for _, f := range []string{"northwind-libreoffice.pdf", "cobalt-pdflatex.pdf", "northwind-objstm.pdf"} {
		data := fixture.Read(t, "testdata", "pdf", f)
		a, err := OpenOriginal(data, Options{})
		if err != nil {
			t.Fatalf("%s original: %v", f, err)
		}
		b, err := OpenRebuilt(data, Options{})
		if err != nil {
			t.Fatalf("%s rebuilt: %v", f, err)
		}
		if ta, tb := allText(t, a), allText(t, b); ta != tb || a.Title() != b.Title() || ta == "" {
			t.Errorf("%s: original and rebuilt differ", f)
		}
	}
	broken := fixture.Read(t, "testdata", "pdf", "broken-xref.pdf")
	if d, err := OpenOriginal(broken, Options{}); err == nil {
		if _, err := d.Page(0); err == nil {
			t.Errorf("broken-xref.pdf read through its own table; the fixture is not broken")
		}
	}
	d, err := Open(broken, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !d.Rebuilt() || d.NumPages() != 3 || !strings.Contains(allText(t, d), "Northwind") {
		t.Errorf("broken-xref.pdf: rebuilt %v, %d pages", d.Rebuilt(), d.NumPages())
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		file string
		opt  Options
		err  error
	}{
		{"encrypted.pdf", Options{}, fault.Encrypted},
		{"truncated.pdf", Options{}, fault.Corrupt},
		{"corrupt.pdf", Options{}, fault.Corrupt},
		{"many-pages.pdf", Options{MaxPages: 10}, fault.TooManyPages},
	}
	for _, tt := range tests {
		if _, err := Open(fixture.Read(t, "testdata", "pdf", tt.file), tt.opt); !errors.Is(err, tt.err) {
			t.Errorf("%s: err = %v, want %v", tt.file, err, tt.err)
		}
	}
	d, err := Open(fixture.Read(t, "testdata", "pdf", "bomb.pdf"), Options{MaxStream: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Page(0); !errors.Is(err, fault.TooComplex) {
		t.Errorf("bomb.pdf page: err = %v, want fault.TooComplex", err)
	}
}

func TestCyclicPageTree(t *testing.T) {
	d, err := Open(fixture.Read(t, "testdata", "pdf", "cyclic-pages.pdf"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d.NumPages() != 1 {
		t.Errorf("%d pages, want the one real page", d.NumPages())
	}
}

func TestFontsAndEncodings(t *testing.T) {
	tests := []struct {
		file, contains string
		bold           bool // some font on page 1 is bold
	}{
		// pdfTeX: Type 1 fonts with ToUnicode; "fi" is one glyph.
		{"cobalt-pdflatex.pdf", "office", true},
		// LibreOffice: TrueType subsets with ToUnicode.
		{"northwind-libreoffice.pdf", "Information We Collect", true},
		// Chromium: Type0 Identity-H fonts, ActualText for ligatures.
		{"brightleaf-chromium.pdf", "Brigh\u00adtleaf", true},
		// AES-encrypted with an empty user password.
		{"encrypted-empty-password.pdf", "Northwind", true},
	}
	for _, tt := range tests {
		d, err := Open(fixture.Read(t, "testdata", "pdf", tt.file), Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := d.Page(0)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(pageText(p), tt.contains) {
			t.Errorf("%s: page 1 text lacks %q", tt.file, tt.contains)
		}
		if tt.file == "cobalt-pdflatex.pdf" {
			lig := false
			for _, g := range p.Glyphs {
				lig = lig || g.Text == "fi" || g.Text == "\ufb01"
			}
			if !lig {
				t.Errorf("%s: no fi ligature glyph", tt.file)
			}
		}
		bold := false
		for _, f := range p.Fonts {
			bold = bold || f.Bold
		}
		if bold != tt.bold || p.Unmapped != 0 {
			t.Errorf("%s: bold font %v, unmapped %d", tt.file, bold, p.Unmapped)
		}
	}
	if d, _ := Open(fixture.Read(t, "testdata", "pdf", "encrypted-empty-password.pdf"), Options{}); d.Title() != "Northwind Outfitters Privacy Policy" {
		t.Errorf("encrypted title %q", d.Title())
	}
}

func TestPanickedInLibrary(t *testing.T) {
	lib := "goroutine 1 [running]:\nruntime/debug.Stack()\n\t/x.go:1\nmain.f.func1()\n\t/y.go:2\npanic({0x1, 0x2})\n\t/p.go:3\nruntime.goPanicIndex(0x5, 0x3)\n\t/q.go:4\ngithub.com/ledongthuc/pdf.(*buffer).readByte(...)\n\t/r.go:5\n"
	own := strings.Replace(lib, "github.com/ledongthuc/pdf.(*buffer)", "github.com/policylens/policylens/shared/analysis/pdftext.(*lexer)", 1)
	if !PanickedInLibrary([]byte(lib)) || PanickedInLibrary([]byte(own)) {
		t.Error("library panic not told from our own")
	}
}
