package pdflayout

import (
	"fmt"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/pdftext"
)

// typesetter places text on synthetic pages the way a PDF producer without
// space glyphs (pdfTeX) does: every letter 0.5 em wide, words 0.33 em apart.
type typesetter struct {
	pages []*pdftext.Page
	p     *pdftext.Page
}

func newTypesetter() *typesetter { return &typesetter{} }

func (ts *typesetter) page() *typesetter {
	ts.p = &pdftext.Page{Number: len(ts.pages) + 1, Width: 600, Height: 800,
		Fonts: []pdftext.FontInfo{{Name: "Serif"}, {Name: "Serif-Bold", Bold: true}}}
	ts.pages = append(ts.pages, ts.p)
	return ts
}

// line sets text at x on baseline y; it returns the x where it ended.
func (ts *typesetter) line(x, y, size float64, bold bool, text string) float64 {
	font := uint16(0)
	if bold {
		font = 1
	}
	for i, w := range strings.Fields(text) {
		if i > 0 {
			x += 0.33 * size
		}
		for _, r := range w {
			ts.p.Glyphs = append(ts.p.Glyphs, pdftext.Glyph{X: x, Y: y, W: 0.5 * size, Size: size, Text: string(r), Font: font})
			x += 0.5 * size
		}
	}
	return x
}

// para sets words as a justified-left paragraph in a column [x0, x1] from
// baseline y down, with the first line indented by indent; it returns the
// next free baseline.
func (ts *typesetter) para(x0, x1, y, size float64, indent float64, text string) float64 {
	words := strings.Fields(text)
	lead := 1.2 * size
	var line []string
	width := func(ws []string) float64 {
		n := 0
		for _, w := range ws {
			n += len([]rune(w))
		}
		return float64(n)*0.5*size + float64(len(ws)-1)*0.33*size
	}
	x := x0 + indent
	for _, w := range words {
		if len(line) > 0 && x+width(append(line, w)) > x1 {
			ts.line(x, y, size, false, strings.Join(line, " "))
			y -= lead
			x, line = x0, nil
		}
		line = append(line, w)
	}
	if len(line) > 0 {
		ts.line(x, y, size, false, strings.Join(line, " "))
		y -= lead
	}
	return y
}

func (ts *typesetter) blocks() []Block {
	var rows []*PageRows
	for _, p := range ts.pages {
		rows = append(rows, Page(p))
	}
	return Blocks(rows)
}

func texts(bs []Block) []string {
	var out []string
	for _, b := range bs {
		out = append(out, fmt.Sprintf("%s%d:%s", []string{"P", "H", "L", "T"}[b.Kind], b.Level, b.Text))
	}
	return out
}

func check(t *testing.T, got []Block, want ...string) {
	t.Helper()
	g := texts(got)
	if strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("blocks\n got %q\nwant %q", g, want)
	}
}

const (
	lorem1 = "We collect the information you give us when you create an account and when you contact our support team about an order."
	lorem2 = "We keep this information for as long as your account is open and delete it within thirty days after you close the account."
	lorem3 = "Our service providers process the information only on our instructions and under written agreements with us."
	lorem4 = "You can ask for a copy of your information at any time by writing to the privacy office at the address below."
)

func TestParagraphsIndented(t *testing.T) {
	ts := newTypesetter().page()
	y := ts.line(200, 760, 17, true, "Privacy Notice")
	_ = y
	y2 := 720.0
	y2 = ts.para(72, 500, y2, 10, 15, lorem1)
	y2 = ts.para(72, 500, y2, 10, 15, lorem2)
	ts.line(72, y2-8, 12, true, "Retention")
	y2 -= 8 + 16
	y2 = ts.para(72, 500, y2, 10, 0, lorem3)
	ts.para(72, 500, y2, 10, 15, lorem4)
	check(t, ts.blocks(), "H1:Privacy Notice", "P0:"+lorem1, "P0:"+lorem2, "H2:Retention", "P0:"+lorem3, "P0:"+lorem4)
}

func TestParagraphsSpaced(t *testing.T) {
	// Block paragraphs: no indent, extra space between them, ragged right.
	ts := newTypesetter().page()
	y := ts.para(72, 400, 700, 10, 0, lorem1)
	y = ts.para(72, 400, y-8, 10, 0, lorem2)
	ts.para(72, 400, y-8, 10, 0, lorem3)
	check(t, ts.blocks(), "P0:"+lorem1, "P0:"+lorem2, "P0:"+lorem3)
}

func TestTwoColumns(t *testing.T) {
	// A title across both columns, then two columns whose baselines line
	// up; the first column's last paragraph continues in the second.
	ts := newTypesetter().page()
	ts.line(150, 760, 16, true, "Two Column Notice")
	y := ts.para(50, 290, 720, 10, 0, lorem1+" "+lorem2)
	ts.line(50, y-6, 10, false, "Our service providers process the information only")
	y = ts.para(310, 550, 720, 10, 0, "on our instructions and under written agreements with us.")
	ts.para(310, 550, y-6, 10, 0, lorem4)
	check(t, ts.blocks(), "H1:Two Column Notice", "P0:"+lorem1+" "+lorem2, "P0:"+lorem3, "P0:"+lorem4)
}

func TestRunningHeadersAndPageNumbers(t *testing.T) {
	ts := newTypesetter()
	body := []string{lorem1, lorem2, lorem3}
	for i := 0; i < 3; i++ {
		ts.page()
		ts.line(72, 770, 8, false, "ACME Corp. Privacy Policy")
		ts.line(450, 770, 8, false, fmt.Sprintf("Version %d.0", 3))
		ts.para(72, 500, 700, 10, 0, body[i])
		ts.line(280, 30, 8, false, fmt.Sprintf("Page %d of 3", i+1))
	}
	check(t, ts.blocks(), "P0:"+lorem1, "P0:"+lorem2, "P0:"+lorem3)

	// One page: a bare page number goes, a number in the text stays.
	ts = newTypesetter().page()
	ts.para(72, 500, 700, 10, 0, lorem4)
	ts.line(72, 660, 10, false, "2025")
	ts.line(300, 40, 10, false, "- 1 -")
	check(t, ts.blocks(), "P0:"+lorem4, "P0:2025")
}

func TestParagraphAcrossPages(t *testing.T) {
	ts := newTypesetter().page()
	ts.para(72, 500, 80, 10, 0, "This sentence starts at the bottom of the first page, continues")
	ts.page()
	ts.para(72, 500, 740, 10, 0, "on the next one and ends there.")
	ts.para(72, 500, 700, 10, 0, lorem1)
	got := ts.blocks()
	check(t, got, "P0:This sentence starts at the bottom of the first page, continues on the next one and ends there.", "P0:"+lorem1)
	if got[0].Page != 1 || got[1].Page != 2 {
		t.Errorf("pages %d, %d; want 1, 2", got[0].Page, got[1].Page)
	}
}

func TestLists(t *testing.T) {
	ts := newTypesetter().page()
	ts.line(72, 700, 10, false, "We share information with:")
	ts.line(80, 686, 10, false, "•")
	ts.line(92, 686, 10, false, "payment providers, which process your card when")
	ts.line(92, 674, 10, false, "you pay;")
	ts.line(80, 662, 10, false, "•")
	ts.line(92, 662, 10, false, "delivery companies.")
	ts.line(72, 646, 10, false, "1. First numbered item.")
	ts.line(72, 634, 10, false, "2. Second numbered item.")
	check(t, ts.blocks(), "P0:We share information with:",
		"L0:payment providers, which process your card when you pay;", "L0:delivery companies.",
		"L0:1. First numbered item.", "L0:2. Second numbered item.")
}

func TestShapeBullets(t *testing.T) {
	// Bullets drawn as filled shapes start list items; other small shapes
	// (a dot in a logo, one inside a line) are not text.
	ts := newTypesetter().page()
	shape := func(x, y float64) {
		ts.p.Glyphs = append(ts.p.Glyphs, pdftext.Glyph{X: x, Y: y, W: 3.5, Size: 10, Text: "•", Shape: true})
	}
	ts.line(72, 700, 10, false, "Our partners are:")
	shape(80, 688)
	ts.line(92, 686, 10, false, "payment providers;")
	shape(80, 676)
	ts.line(92, 674, 10, false, "delivery companies.")
	shape(300, 640)
	ts.line(72, 620, 10, false, "After the list")
	shape(150, 622)
	ts.line(160, 620, 10, false, "a sentence goes on.")
	check(t, ts.blocks(), "P0:Our partners are:", "L0:payment providers;", "L0:delivery companies.", "P0:After the list a sentence goes on.")
}

func TestHeadingLevels(t *testing.T) {
	ts := newTypesetter().page()
	ts.line(72, 760, 18, true, "Title")
	ts.line(72, 730, 14, true, "1. Section")
	ts.line(72, 710, 10, true, "1.1 Subsection in bold")
	y := ts.para(72, 500, 694, 10, 0, lorem1+" "+lorem2+" "+lorem3+" "+lorem4)
	ts.line(72, y-10, 10, true, "A bold paragraph that goes on and on over many lines is emphasis, not a heading, and")
	ts.line(72, y-22, 10, true, "so it should come out as a paragraph even though every one of its words is set in bold")
	ts.line(72, y-34, 10, true, "type; that is what a reader expects of a long run of emphasised text in a policy like")
	ts.line(72, y-46, 10, true, "this one, which has four such lines.")
	got := ts.blocks()
	check(t, got[:4], "H1:Title", "H2:1. Section", "H3:1.1 Subsection in bold", "P0:"+lorem1+" "+lorem2+" "+lorem3+" "+lorem4)
	if len(got) != 5 || got[4].Kind != Paragraph {
		t.Errorf("long bold run: %q", texts(got[4:]))
	}
}

func TestWords(t *testing.T) {
	tests := []struct {
		name   string
		glyphs []pdftext.Glyph
		want   string
	}{
		{"gap over 0.2 em is a space", []pdftext.Glyph{g("a", 100, 5), g("b", 105, 5), g("c", 112.5, 5)}, "ab c"},
		{"kerning is not a space", []pdftext.Glyph{g("A", 100, 6), g("V", 105.4, 6), g("e", 111.9, 5)}, "AVe"},
		{"space glyphs", []pdftext.Glyph{g("a", 100, 5), g(" ", 105, 2.5), g("b", 107.5, 5)}, "a b"},
		{"zero-width space glyph inside a word", []pdftext.Glyph{g("a", 100, 5), g(" ", 105, 2.5), g("b", 105, 5)}, "ab"},
		{"glyph drawn twice for bold", []pdftext.Glyph{g("a", 100, 5), g("a", 100.3, 5), g("b", 105.3, 5)}, "ab"},
		{"content order does not matter", []pdftext.Glyph{g("c", 112.5, 5), g("a", 100, 5), g("b", 105, 5)}, "ab c"},
		{"ligature glyph", []pdftext.Glyph{g("o", 100, 5), g("\ufb03", 105, 8), g("ce", 113, 9)}, "office"},
	}
	for _, tt := range tests {
		p := &pdftext.Page{Number: 1, Width: 600, Height: 800, Glyphs: tt.glyphs}
		got := Blocks([]*PageRows{Page(p)})
		if len(got) != 1 || got[0].Text != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, texts(got), tt.want)
		}
	}
}

func g(text string, x, w float64) pdftext.Glyph {
	return pdftext.Glyph{X: x, Y: 700, W: w, Size: 10, Text: text}
}

func TestRotatedPage(t *testing.T) {
	// Text running upwards (a landscape page stored portrait): rows are
	// read along the text direction.
	p := &pdftext.Page{Number: 1, Width: 600, Height: 800}
	for li, line := range []string{"first line", "second line"} {
		y := 100.0
		for _, r := range line {
			if r != ' ' {
				p.Glyphs = append(p.Glyphs, pdftext.Glyph{X: 300 + 12*float64(li), Y: y, W: 5, Size: 10, Text: string(r), Dir: 1})
			}
			y += 5
		}
	}
	got := Blocks([]*PageRows{Page(p)})
	check(t, got, "P0:first line second line")
}

func TestJoinLines(t *testing.T) {
	// A line-end hyphen between letters becomes hyphen.Mark: whether it
	// belongs to the word is decided later, with the document's words.
	tests := []struct {
		lines []string
		want  string
	}{
		{[]string{"the infor-", "mation we hold"}, "the infor\u00admation we hold"},
		{[]string{"our third-", "party partners"}, "our third\u00adparty partners"},
		{[]string{"DISCLOSURE OF INFORMA-", "TION"}, "DISCLOSURE OF INFORMA\u00adTION"},
		{[]string{"a medica\u00ad\u2010", "tion reminder"}, "a medica\u00adtion reminder"},
		{[]string{"a soft hyphen at the line end of a medica\u00ad", "tion"}, "a soft hyphen at the line end of a medica\u00adtion"},
		{[]string{"call 800-555-", "0142 today"}, "call 800-555-0142 today"},
		{[]string{"write to privacy@", "example.com now"}, "write to privacy@example.com now"},
		{[]string{"see https://example.com/", "privacy for more"}, "see https://example.com/privacy for more"},
		{[]string{"ends with a dash -", "Then a new sentence"}, "ends with a dash - Then a new sentence"},
		{[]string{"a list of items:", "- one"}, "a list of items: - one"},
		{[]string{"ends in a hyphen-"}, "ends in a hyphen-"},
		{[]string{"ﬁnancial and oﬃce", "data"}, "financial and office data"},
		{[]string{"Brigh\u00adtleaf\u00a0app"}, "Brightleaf app"},
	}
	for _, tt := range tests {
		var ls []*line
		for _, s := range tt.lines {
			l := &line{}
			for _, w := range strings.Fields(s) {
				l.words = append(l.words, word{text: w})
			}
			ls = append(ls, l)
		}
		if got := joinLines(ls); got != tt.want {
			t.Errorf("joinLines(%q) = %q, want %q", tt.lines, got, tt.want)
		}
	}
}
