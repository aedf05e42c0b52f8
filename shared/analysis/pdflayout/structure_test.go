package pdflayout

import (
	"strings"
	"testing"
)

// row sets the cells of one line of a table at the column starts xs (an
// empty cell is skipped).
func (ts *typesetter) row(xs []float64, y, size float64, bold bool, cells ...string) {
	for i, c := range cells {
		if c != "" {
			ts.line(xs[i], y, size, bold, c)
		}
	}
}

// justified sets a line of a justified paragraph from x0 whose word after
// left starts at mid: its spaces stretched alike, the one before mid 1.6
// times as wide (TeX widens the space after a sentence).
func (ts *typesetter) justified(x0, mid, y, size float64, left, right string) {
	width := func(ws []string) float64 {
		n := 0
		for _, w := range ws {
			n += len([]rune(w))
		}
		return float64(n) * 0.5 * size
	}
	lw, rw := strings.Fields(left), strings.Fields(right)
	gap := (mid - x0 - width(lw)) / (float64(len(lw)-1) + 1.6)
	x := x0
	for _, w := range lw {
		ts.line(x, y, size, false, w)
		x += width([]string{w}) + gap
	}
	x = mid
	for _, w := range rw {
		ts.line(x, y, size, false, w)
		x += width([]string{w}) + gap
	}
}

func rowsOf(bs []Block) []string {
	var out []string
	for _, b := range bs {
		if b.Kind == TableRow {
			out = append(out, strings.Join(b.Header, "/")+" => "+strings.Join(b.Cells, " | "))
		}
	}
	return out
}

// A table whose rows are not set apart (pdfTeX's tabular): cells wrap over
// several lines, a row begins where the first column begins with a
// capital, and the bold first row is the header.
func TestTableRowsByCapitals(t *testing.T) {
	ts := newTypesetter().page()
	xs := []float64{72, 180, 300}
	ts.line(72, 720, 10, false, "We process data for these purposes and on these legal bases:")
	y := 700.0
	for _, r := range [][]string{
		{"Purpose", "Data used", "Legal basis"},
		{"Providing", "Your text,", "Contract"},
		{"suggestions", "settings", ""},
		{"Security and", "Usage data,", "Legitimate"},
		{"abuse", "IP address", "interests"},
		{"prevention", "", ""},
		{"Improving", "De-", "Legitimate"},
		{"suggestions", "identified", "interests"},
		{"", "usage events", ""},
	} {
		ts.row(xs, y, 9, y == 700, r...)
		y -= 11
	}
	ts.para(72, 500, y-12, 10, 0, lorem1)
	got := ts.blocks()
	want := []string{
		"Purpose/Data used/Legal basis => Providing suggestions | Your text, settings | Contract",
		"Purpose/Data used/Legal basis => Security and abuse prevention | Usage data, IP address | Legitimate interests",
		"Purpose/Data used/Legal basis => Improving suggestions | De\u00adidentified usage events | Legitimate interests",
	}
	if g := rowsOf(got); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n got %q\nwant %q\nblocks %q", g, want, texts(got))
	}
	if got[0].Text != "We process data for these purposes and on these legal bases:" || got[len(got)-1].Text != lorem1 {
		t.Errorf("text around the table: %q", texts(got))
	}
}

// A table whose rows are set apart by a gap (a browser's table): a row
// begins after a gap, whatever its first letter; a table going on at the
// top of the next page keeps its header and drops the repeated one.
func TestTableRowsByGapsAcrossPages(t *testing.T) {
	ts := newTypesetter().page()
	xs := []float64{72, 200, 360}
	ts.line(72, 200, 10, false, "We use these cookies:")
	ts.row(xs, 180, 10, true, "Cookie", "Purpose", "Lifetime")
	ts.row(xs, 160, 10, false, "session", "keeps you signed", "until you")
	ts.row(xs, 148, 10, false, "", "in", "sign out")
	ts.row(xs, 128, 10, false, "consent", "remembers your", "12 months")
	ts.row(xs, 116, 10, false, "", "choices", "")
	ts.page()
	ts.row(xs, 740, 10, true, "Cookie", "Purpose", "Lifetime")
	ts.row(xs, 720, 10, false, "analytics", "counts visits", "2 years")
	ts.row(xs, 700, 10, false, "ads", "shows ads", "90 days")
	ts.para(72, 500, 670, 10, 0, lorem2)
	want := []string{
		"Cookie/Purpose/Lifetime => session | keeps you signed in | until you sign out",
		"Cookie/Purpose/Lifetime => consent | remembers your choices | 12 months",
		"Cookie/Purpose/Lifetime => analytics | counts visits | 2 years",
		"Cookie/Purpose/Lifetime => ads | shows ads | 90 days",
	}
	if g := rowsOf(ts.blocks()); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("rows\n got %q\nwant %q", g, want)
	}
}

// Neither a list (markers in the first column) nor justified prose whose
// widened spaces happen to line up is a table.
func TestNotTables(t *testing.T) {
	ts := newTypesetter().page()
	ts.line(72, 700, 10, false, "We share information with:")
	for i, item := range []string{"payment providers;", "delivery companies;", "our auditors."} {
		y := 686 - 14*float64(i)
		ts.line(80, y, 10, false, "•")
		ts.line(110, y, 10, false, item)
	}
	// Three lines of a justified paragraph whose spaces are stretched, the
	// one after a sentence more (as TeX sets them), and a word after the
	// wide space in the same place on each.
	for i, l := range [][2]string{
		{"basis of all transfers.", "You can find our"},
		{"we certified our files.", "Data Privacy Framework"},
		{"the website lists them.", "You may complain to"},
	} {
		ts.justified(72, 200, 620-12*float64(i), 10, l[0], l[1])
	}
	ts.para(72, 320, 570, 10, 0, lorem1+" "+lorem2)
	for _, b := range ts.blocks() {
		if b.Kind == TableRow {
			t.Errorf("table row %q", b.Cells)
		}
	}
}

// In a document that indents its paragraphs, lines that end early and
// start flush are lines the writer broke (an address); the introduction
// ending in ':' stays a block of its own.
func TestWritersLineBreaks(t *testing.T) {
	ts := newTypesetter().page()
	y := ts.para(72, 400, 700, 10, 15, lorem1+" "+lorem3+" "+lorem4)
	y = ts.para(72, 400, y, 10, 15, "If you have questions, write to our privacy team:")
	for _, l := range []string{"Acme Ltd.", "Attn: Privacy Team", "18 Canal Wharf", "Leeds LS1 4BR"} {
		ts.line(72, y, 10, false, l)
		y -= 12
	}
	ts.para(72, 400, y, 10, 15, lorem2)
	check(t, ts.blocks(), "P0:"+lorem1+" "+lorem3+" "+lorem4, "P0:If you have questions, write to our privacy team:",
		"P0:Acme Ltd.\nAttn: Privacy Team\n18 Canal Wharf\nLeeds LS1 4BR", "P0:"+lorem2)
}

// A URL too long for its column runs over the gutter and the next
// column's line; the columns are still read one after the other, and the
// page is not cut in two where the URL is.
func TestLongWordRunsOverColumn(t *testing.T) {
	ts := newTypesetter().page()
	left := lorem1 + " " + lorem2 + " " + lorem3 + " " + lorem4
	right := lorem3 + " " + lorem4 + " " + lorem1 + " " + lorem2 + " " + lorem3
	y := ts.para(50, 290, 720, 10, 0, left)
	ts.line(50, y, 10, false, "see https://www.example.com/privacy/health-data/requests")
	ts.line(50, y-12, 10, false, "for more.")
	ts.para(310, 550, 720, 10, 0, right)
	got := ts.blocks()
	check(t, got, "P0:"+left, "P0:see https://www.example.com/privacy/health-data/requests for more.", "P0:"+right)
}

// A bulleted line set in bold is a list item, not a heading.
func TestBoldListItem(t *testing.T) {
	ts := newTypesetter().page()
	ts.line(72, 720, 14, true, "Information We Collect")
	ts.para(72, 500, 700, 10, 0, "We record the following about each visit:")
	ts.line(80, 674, 10, true, "• URL of pages visited; and")
	ts.line(80, 660, 10, true, "• the time of the visit.")
	ts.para(72, 500, 640, 10, 0, lorem1)
	check(t, ts.blocks(), "H1:Information We Collect", "P0:We record the following about each visit:",
		"L0:URL of pages visited; and", "L0:the time of the visit.", "P0:"+lorem1)
}
