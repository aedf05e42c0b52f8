package pdftext

import (
	"bytes"
	"fmt"
	"math"
	"sync"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"

	"github.com/policylens/policylens/shared/domain/fault"
)

// Glyph is one character code drawn on a page.
type Glyph struct {
	// X, Y is the glyph origin on the baseline, in points, in the upright
	// page: origin at the lower left of the crop box, page rotation applied.
	X, Y float64
	// W is the advance width of the glyph itself (without character or
	// word spacing), in points along the text direction.
	W float64
	// Size is the font size, in points.
	Size float64
	// Text is the Unicode text of the glyph (a ligature may be several
	// letters, a space glyph is " ").
	Text string
	// Font indexes Page.Fonts.
	Font uint16
	// Dir is the text direction: 0 left to right, 1 upwards, 2 right to
	// left (upside down), 3 downwards, 4 skewed.
	Dir uint8
	// Shape marks a small filled shape drawn as a path, which may be a
	// list bullet (Chromium draws them so); its Text is "•".
	Shape bool
	// MCID is the marked-content id of the innermost marked-content
	// sequence around the glyph that has one, -1 for none: in a tagged
	// PDF, Page.Edges tells where its structure block starts and ends.
	MCID int32
}

// FontInfo describes a font used on a page.
type FontInfo struct {
	Name string
	Bold bool
}

// Page is the positioned text of one page. Its Glyphs share memory with
// the next page read from the same Doc: use them before calling Doc.Page
// again.
type Page struct {
	Number        int // 1-based
	Width, Height float64
	Glyphs        []Glyph
	Fonts         []FontInfo
	// Unmapped counts glyphs whose font gives no Unicode text for them.
	Unmapped int
	// Edges holds, in a tagged PDF, whether the page's first and last
	// marked-content sequences (by MCID, in content order) start or end
	// their structure blocks; nil for an untagged page.
	Edges map[int32]BlockEdge
}

// Limits on a single page.
const (
	maxGlyphsPerPage = 2_000_000
	maxFormDepth     = 12
	maxFormsPerPage  = 20_000
	maxStack         = 64
	maxGStack        = 1024
)

// complexity is panicked by the interpreter when a limit is hit.
type complexity struct{ msg string }

type gstate struct {
	ctm                        matrix
	tc, tw, th, tl, tfs, trise float64
	font                       *font
	fontIdx                    uint16
}

// resCtx is a resource dictionary with its fonts resolved on first use.
type resCtx struct {
	res      pdf.Value
	fonts    map[string]*font
	fontRefs map[string]string
	xoRefs   map[string]string
}

type interp struct {
	d      *Doc
	page   *Page
	g      gstate
	gstack []gstate
	tm     matrix
	tlm    matrix
	fidx   map[*font]uint16
	depth  int
	gbase  int // a form may not pop the states of its caller
	forms  int
	w, h   float64
	stack  []operand
	// Marked-content sequences; ActualText replaces the text of the
	// glyphs drawn inside (Chromium marks ligatures and soft hyphens so).
	marks  []mark
	actual int // index of the outermost mark with ActualText, or -1
	// artifacts counts open marks of pagination artifacts (tagged PDFs
	// mark running headers and footers so); their text is dropped.
	artifacts int
	// The bounding box of the current path, in page space.
	path     bool
	px0, py0 float64
	px1, py1 float64
	shapes   int
}

type mark struct {
	text     string
	has      bool
	used     bool
	glyph    int  // the glyph that carries the text, or -1
	artifact bool // a pagination artifact: running header, footer, page number
	mcid     int32
}

// Page reads the positioned text of page i (0-based). A page the library
// cannot parse gives an error of kind fault.Corrupt; limits give
// fault.TooComplex.
func (d *Doc) Page(i int) (p *Page, err error) {
	pr := d.pages[i]
	defer func() {
		if r := recover(); r != nil {
			if c, ok := r.(complexity); ok {
				p, err = nil, fault.E(fault.TooComplex, "page %d: %s", i+1, c.msg)
				return
			}
			rethrowBug(r)
			p, err = nil, fault.E(fault.Corrupt, "page %d: %v", i+1, r)
		}
	}()
	ctm, w, h := pr.upright()
	p = &Page{Number: i + 1, Width: w, Height: h, Glyphs: d.glyphBuf[:0]}
	defer func() {
		if p != nil {
			d.glyphBuf = p.Glyphs[:0]
		}
	}()
	contents := pr.v.Key("Contents")
	var data []byte
	switch contents.Kind() {
	case pdf.Stream:
		data, err = d.readStream(contents)
	case pdf.Array:
		var parts [][]byte
		for k := 0; k < contents.Len(); k++ {
			b, e := d.readStream(contents.Index(k))
			if e != nil {
				err = e
				break
			}
			parts = append(parts, b)
		}
		data = bytes.Join(parts, []byte("\n"))
	}
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", i+1, err)
	}
	in := &interp{d: d, page: p, fidx: map[*font]uint16{}, w: w, h: h, actual: -1}
	in.g = gstate{ctm: ctm, th: 1}
	in.run(data, &resCtx{res: pr.res})
	if sp := pr.v.Key("StructParents"); sp.Kind() == pdf.Integer {
		// The layout asks only at page breaks: the edges of the page's
		// first and last marked content.
		first, last := int32(-1), int32(-1)
		for i := range p.Glyphs {
			if m := p.Glyphs[i].MCID; m >= 0 {
				if first < 0 {
					first = m
				}
				last = m
			}
		}
		if first >= 0 {
			p.Edges = d.blockEdges(sp.Int64(), first, last)
		}
	}
	return p, nil
}

func (in *interp) run(data []byte, rc *resCtx) {
	lx := &lexer{b: data, useSlab: true}
	for {
		t, v, n := lx.next()
		switch t {
		case tEOF:
			return
		case tOp:
			in.d.ops++
			if in.d.ops > in.d.opt.MaxOps {
				panic(complexity{fmt.Sprintf("more than %d drawing operations", in.d.opt.MaxOps)})
			}
			if string(v) == "BI" {
				in.inlineImage(lx)
			} else {
				in.exec(string(v), rc)
			}
			in.stack = in.stack[:0]
			lx.scratch = lx.scratch[:0]
			lx.slab = lx.slab[:0]
		case tArrClose, tDictClose:
			// stray closer: ignore
		default:
			if len(in.stack) >= maxStack {
				in.stack = in.stack[:0]
			}
			in.stack = append(in.stack, lx.readOperand(t, v, n, 0))
		}
	}
}

// nums returns the last k operands as numbers, or false.
func (in *interp) nums(k int) ([]float64, bool) {
	if len(in.stack) < k {
		return nil, false
	}
	out := make([]float64, k)
	for i, o := range in.stack[len(in.stack)-k:] {
		if o.kind != oNum || math.IsNaN(o.num) || math.IsInf(o.num, 0) {
			return nil, false
		}
		out[i] = o.num
	}
	return out, true
}

func (in *interp) num() (float64, bool) {
	if len(in.stack) < 1 {
		return 0, false
	}
	o := in.stack[len(in.stack)-1]
	if o.kind != oNum || math.IsNaN(o.num) || math.IsInf(o.num, 0) {
		return 0, false
	}
	return o.num, true
}

func (in *interp) last() (operand, bool) {
	if len(in.stack) == 0 {
		return operand{}, false
	}
	return in.stack[len(in.stack)-1], true
}

func (in *interp) exec(op string, rc *resCtx) {
	g := &in.g
	switch op {
	case "q":
		if len(in.gstack) < maxGStack {
			in.gstack = append(in.gstack, in.g)
		}
	case "Q":
		if n := len(in.gstack); n > in.gbase {
			in.g = in.gstack[n-1]
			in.gstack = in.gstack[:n-1]
		}
	case "cm":
		if a, ok := in.nums(6); ok {
			g.ctm = matrix{a[0], a[1], a[2], a[3], a[4], a[5]}.mul(g.ctm)
		}
	case "BT":
		in.tm, in.tlm = identity, identity
	case "Tc":
		if v, ok := in.num(); ok {
			g.tc = v
		}
	case "Tw":
		if v, ok := in.num(); ok {
			g.tw = v
		}
	case "Tz":
		if v, ok := in.num(); ok {
			g.th = v / 100
		}
	case "TL":
		if v, ok := in.num(); ok {
			g.tl = v
		}
	case "Ts":
		if v, ok := in.num(); ok {
			g.trise = v
		}
	case "Tf":
		if len(in.stack) >= 2 && in.stack[len(in.stack)-2].kind == oName {
			name := string(in.stack[len(in.stack)-2].b)
			if v, ok := in.num(); ok {
				g.tfs = v
			}
			in.setFont(rc, name)
		}
	case "Td", "TD":
		if a, ok := in.nums(2); ok {
			if op == "TD" {
				g.tl = -a[1]
			}
			in.moveText(a[0], a[1])
		}
	case "Tm":
		if a, ok := in.nums(6); ok {
			in.tm = matrix{a[0], a[1], a[2], a[3], a[4], a[5]}
			in.tlm = in.tm
		}
	case "T*":
		in.moveText(0, -g.tl)
	case "Tj":
		if o, ok := in.last(); ok && o.kind == oStr {
			in.show(o.b)
		}
	case "'":
		in.moveText(0, -g.tl)
		if o, ok := in.last(); ok && o.kind == oStr {
			in.show(o.b)
		}
	case "\"":
		if len(in.stack) >= 3 {
			s := in.stack[len(in.stack)-3:]
			if s[0].kind == oNum {
				g.tw = s[0].num
			}
			if s[1].kind == oNum {
				g.tc = s[1].num
			}
			in.moveText(0, -g.tl)
			if s[2].kind == oStr {
				in.show(s[2].b)
			}
		}
	case "TJ":
		if o, ok := in.last(); ok && o.kind == oArr {
			for _, e := range o.arr {
				switch e.kind {
				case oStr:
					in.show(e.b)
				case oNum:
					tx := -e.num / 1000 * g.tfs * g.th
					in.tm[4] += float64(tx * in.tm[0])
					in.tm[5] += float64(tx * in.tm[1])
				}
			}
		}
	case "Do":
		if o, ok := in.last(); ok && o.kind == oName {
			in.form(rc, string(o.b))
		}
	case "m", "l":
		if a, ok := in.nums(2); ok {
			in.pathPoint(a[0], a[1])
		}
	case "c":
		if a, ok := in.nums(6); ok {
			in.pathPoint(a[0], a[1])
			in.pathPoint(a[2], a[3])
			in.pathPoint(a[4], a[5])
		}
	case "v", "y":
		if a, ok := in.nums(4); ok {
			in.pathPoint(a[0], a[1])
			in.pathPoint(a[2], a[3])
		}
	case "re":
		if a, ok := in.nums(4); ok {
			in.pathPoint(a[0], a[1])
			in.pathPoint(a[0]+a[2], a[1]+a[3])
		}
	case "f", "F", "f*", "B", "B*", "b", "b*":
		in.fillShape()
		in.path = false
	case "S", "s", "n":
		in.path = false
	case "BMC":
		in.pushMark(mark{mcid: -1})
	case "BDC":
		m := mark{mcid: -1}
		if o, ok := in.last(); ok {
			switch o.kind {
			case oDict:
				if t, ok := o.dictGet("ActualText"); ok && t.kind == oStr {
					m = mark{text: textString(t.b), has: true, mcid: -1}
				}
				if id, ok := o.dictGet("MCID"); ok && id.kind == oNum && id.num >= 0 && id.num < math.MaxInt32 {
					m.mcid = int32(id.num)
				}
				if len(in.stack) >= 2 && in.stack[len(in.stack)-2].kind == oName && string(in.stack[len(in.stack)-2].b) == "Artifact" {
					m.artifact = paginationArtifact(o)
				}
			case oName:
				props := rc.res.Key("Properties").Key(string(o.b))
				if t := props.Key("ActualText"); t.Kind() == pdf.String {
					m = mark{text: textString([]byte(t.RawString())), has: true, mcid: -1}
				}
				if id := props.Key("MCID"); id.Kind() == pdf.Integer && id.Int64() >= 0 && id.Int64() < math.MaxInt32 {
					m.mcid = int32(id.Int64())
				}
			}
		}
		in.pushMark(m)
	case "EMC":
		if n := len(in.marks); n > 0 {
			if in.marks[n-1].artifact {
				in.artifacts--
			}
			in.marks = in.marks[:n-1]
			if in.actual >= len(in.marks) {
				in.actual = -1
			}
		}
	}
}

// pathPoint adds a point, in user space, to the current path's box.
func (in *interp) pathPoint(x, y float64) {
	m := in.g.ctm
	dx, dy := float64(x*m[0])+float64(y*m[2])+m[4], float64(x*m[1])+float64(y*m[3])+m[5]
	if !in.path {
		in.path, in.px0, in.py0, in.px1, in.py1 = true, dx, dy, dx, dy
		return
	}
	in.px0, in.py0 = math.Min(in.px0, dx), math.Min(in.py0, dy)
	in.px1, in.py1 = math.Max(in.px1, dx), math.Max(in.py1, dy)
}

// Limits of a filled path that may be a bullet, in points.
const (
	minBullet       = 1.5
	maxBullet       = 10
	maxShapesByPage = 5000
)

// fillShape records a small, roughly square filled path as a possible
// bullet glyph.
func (in *interp) fillShape() {
	if !in.path || in.artifacts > 0 || in.shapes >= maxShapesByPage {
		return
	}
	w, h := in.px1-in.px0, in.py1-in.py0
	if w < minBullet || h < minBullet || w > maxBullet || h > maxBullet || w > 1.6*h || h > 1.6*w {
		return
	}
	if in.px0 < 0 || in.py0 < 0 || in.px1 > in.w || in.py1 > in.h {
		return
	}
	in.shapes++
	in.page.Glyphs = append(in.page.Glyphs, Glyph{X: in.px0, Y: in.py0, W: w, Size: h / 0.35, Text: "•", Shape: true, MCID: in.mcid()})
}

// paginationArtifact reports whether an /Artifact property list marks a
// running header or footer, a page number or a watermark.
func paginationArtifact(props operand) bool {
	if t, ok := props.dictGet("Type"); ok && t.kind == oName && string(t.b) == "Pagination" {
		return true
	}
	if t, ok := props.dictGet("Subtype"); ok && t.kind == oName {
		switch string(t.b) {
		case "Header", "Footer", "Watermark":
			return true
		}
	}
	return false
}

// mcid is the MCID of the innermost marked-content sequence that has
// one, -1 for none.
func (in *interp) mcid() int32 {
	for i := len(in.marks) - 1; i >= 0; i-- {
		if in.marks[i].mcid >= 0 {
			return in.marks[i].mcid
		}
	}
	return -1
}

func (in *interp) pushMark(m mark) {
	if len(in.marks) >= maxGStack {
		return
	}
	if m.artifact {
		in.artifacts++
	}
	in.marks = append(in.marks, m)
	if m.has && in.actual < 0 {
		in.actual = len(in.marks) - 1
	}
}

// pdfDocHigh is PDFDocEncoding from 0x80 to 0xA0 (PDF 32000-1 Annex D);
// elsewhere it agrees with Latin-1 for text.
var pdfDocHigh = [33]rune{
	0x2022, 0x2020, 0x2021, 0x2026, 0x2014, 0x2013, 0x0192, 0x2044,
	0x2039, 0x203a, 0x2212, 0x2030, 0x201e, 0x201c, 0x201d, 0x2018,
	0x2019, 0x201a, 0x2122, 0xfb01, 0xfb02, 0x0141, 0x0152, 0x0160,
	0x0178, 0x017d, 0x0131, 0x0142, 0x0153, 0x0161, 0x017e, 0xfffd,
	0x20ac,
}

// textString decodes a PDF text string: UTF-16BE with a byte order mark,
// UTF-8 with one, or PDFDocEncoding.
func textString(b []byte) string {
	switch {
	case len(b) >= 2 && b[0] == 0xfe && b[1] == 0xff:
		return string(utf16.Decode(utf16Units(b[2:])))
	case len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf:
		return string(b[3:])
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
		if c >= 0x80 && c <= 0xa0 {
			r[i] = pdfDocHigh[c-0x80]
		}
	}
	return string(r)
}

func (in *interp) moveText(tx, ty float64) {
	m := &in.tlm
	m[4] += float64(tx*m[0]) + float64(ty*m[2])
	m[5] += float64(tx*m[1]) + float64(ty*m[3])
	in.tm = in.tlm
}

// inlineImage skips an inline image: its dictionary, ID and data up to EI.
func (in *interp) inlineImage(lx *lexer) {
	length := 0
	var key []byte
	for {
		t, v, n := lx.next()
		if t == tEOF {
			return
		}
		if t == tOp && string(v) == "ID" {
			lx.skipInlineImage(length)
			return
		}
		if t == tName {
			key = append(key[:0], v...)
			continue
		}
		if t == tNum && (string(key) == "L" || string(key) == "Length") && n > 0 && n < 1<<30 {
			length = int(n)
		}
		if t == tArrOpen || t == tDictOpen {
			lx.skipNested(1)
		}
		key = key[:0]
	}
}

func (in *interp) setFont(rc *resCtx, name string) {
	if rc.fonts == nil {
		rc.fonts = map[string]*font{}
	}
	f, ok := rc.fonts[name]
	if !ok {
		fontDict := rc.res.Key("Font")
		if rc.fontRefs == nil {
			rc.fontRefs = refsOf(fontDict)
		}
		fv := fontDict.Key(name)
		key := rc.fontRefs[name]
		if key == "" && fv.Kind() == pdf.Dict {
			key = "inline:" + fv.String()
		}
		if key != "" {
			f = in.d.fonts[key]
		}
		if f == nil {
			if fv.Kind() == pdf.Dict {
				f = in.d.loadFont(fv)
			} else {
				f = fallbackFont(name)
			}
			if key != "" {
				in.d.fonts[key] = f
			}
		}
		rc.fonts[name] = f
	}
	in.g.font = f
	idx, ok := in.fidx[f]
	if !ok {
		idx = uint16(len(in.page.Fonts))
		if len(in.page.Fonts) < math.MaxUint16 {
			in.page.Fonts = append(in.page.Fonts, FontInfo{Name: f.name, Bold: f.bold})
		}
		in.fidx[f] = idx
	}
	in.g.fontIdx = idx
}

// defaultFont is the font of text shown before any font is set, made on
// first use (not at every process's start).
var defaultFont = sync.OnceValue(func() *font { return fallbackFont("Helvetica") })

// show draws the glyphs of a string.
func (in *interp) show(s []byte) {
	g := &in.g
	f := g.font
	if f == nil {
		in.setFont(&resCtx{}, "")
		f = g.font
		if f == nil {
			f = defaultFont()
		}
	}
	// The text-to-device matrix only moves along the text direction within
	// one string, so its linear part, scale and direction are fixed.
	m := in.tm.mul(g.ctm)
	k := g.tfs * g.th
	vx, vy := k*m[0], k*m[1] // device advance per unit of glyph width
	adv := math.Hypot(vx, vy)
	dir := direction(vx, vy)
	size := math.Abs(g.tfs) * math.Hypot(m[2], m[3]) * f.sizeScale
	ox, oy := float64(g.trise*m[2]), float64(g.trise*m[3])
	// Device displacement per unit of tx (text space x).
	dx := float64(in.tm[0]*g.ctm[0]) + float64(in.tm[1]*g.ctm[2])
	dy := float64(in.tm[0]*g.ctm[1]) + float64(in.tm[1]*g.ctm[3])
	if cap(in.page.Glyphs)-len(in.page.Glyphs) < len(s) {
		in.page.Glyphs = append(make([]Glyph, 0, 2*cap(in.page.Glyphs)+len(s)+256), in.page.Glyphs...)
	}
	for len(s) > 0 {
		text, w, space, n := f.next(s)
		s = s[n:]
		x, y := ox+m[4], oy+m[5]
		tx := float64((float64(w*g.tfs) + g.tc) * g.th)
		if space {
			tx += float64(g.tw * g.th)
		}
		in.tm[4] += float64(tx * in.tm[0])
		in.tm[5] += float64(tx * in.tm[1])
		m[4] += float64(tx * dx)
		m[5] += float64(tx * dy)
		if in.actual >= 0 {
			mk := &in.marks[in.actual]
			if mk.used {
				// Stretch the glyph carrying the text over this one.
				if mk.glyph >= 0 && mk.glyph < len(in.page.Glyphs) {
					cg := &in.page.Glyphs[mk.glyph]
					if end := x + float64(math.Abs(w)*adv); dir == 0 && end > cg.X+cg.W && math.Abs(y-cg.Y) < 0.2*size {
						cg.W = end - cg.X
					}
				}
				continue
			}
			mk.used, mk.glyph = true, -1
			text = mk.text
			if text == "" {
				continue
			}
			mk.glyph = len(in.page.Glyphs)
		}
		if in.artifacts > 0 {
			continue
		}
		if text == "" || text == "\ufffd" {
			in.page.Unmapped++
			continue
		}
		if x < -20 || y < -20 || x > in.w+20 || y > in.h+20 || math.IsNaN(x) || math.IsNaN(y) {
			continue // outside the page: not visible
		}
		if len(in.page.Glyphs) >= maxGlyphsPerPage {
			panic(complexity{fmt.Sprintf("more than %d characters on one page", maxGlyphsPerPage)})
		}
		in.page.Glyphs = append(in.page.Glyphs, Glyph{
			X: x, Y: y, W: math.Abs(w) * adv, Size: size,
			Text: text, Font: g.fontIdx, Dir: dir, MCID: in.mcid(),
		})
	}
}

func direction(vx, vy float64) uint8 {
	ax, ay := math.Abs(vx), math.Abs(vy)
	switch {
	case ay <= 0.15*ax && vx > 0:
		return 0
	case ay <= 0.15*ax && vx < 0:
		return 2
	case ax <= 0.15*ay && vy > 0:
		return 1
	case ax <= 0.15*ay && vy < 0:
		return 3
	}
	return 4
}

// form draws a form XObject.
func (in *interp) form(rc *resCtx, name string) {
	if in.depth >= maxFormDepth {
		return
	}
	in.forms++
	if in.forms > maxFormsPerPage {
		panic(complexity{"too many nested drawings on one page"})
	}
	xobjs := rc.res.Key("XObject")
	xo := xobjs.Key(name)
	if xo.Kind() != pdf.Stream || xo.Key("Subtype").Name() != "Form" {
		return
	}
	if rc.xoRefs == nil {
		rc.xoRefs = refsOf(xobjs)
	}
	key := rc.xoRefs[name]
	data, ok := in.d.forms[key]
	if !ok || key == "" {
		var err error
		data, err = in.d.readStream(xo)
		if err != nil {
			return
		}
		if key != "" && len(data) < 1<<20 && len(in.d.forms) < 1024 {
			in.d.forms[key] = data
		}
	}
	res := xo.Key("Resources")
	sub := rc
	if res.Kind() == pdf.Dict {
		sub = &resCtx{res: res}
	}
	saved, savedStack := in.g, len(in.gstack)
	savedTm, savedTlm := in.tm, in.tlm
	if m := xo.Key("Matrix"); m.Len() == 6 {
		var a matrix
		for i := range a {
			a[i] = m.Index(i).Float64()
		}
		in.g.ctm = a.mul(in.g.ctm)
	}
	in.depth++
	stack, gbase, marks, actual, artifacts := in.stack, in.gbase, len(in.marks), in.actual, in.artifacts
	in.stack, in.gbase = nil, len(in.gstack)
	in.run(data, sub)
	in.stack, in.gbase = stack[:0], gbase
	in.marks, in.actual, in.artifacts = in.marks[:marks], actual, artifacts
	in.depth--
	in.g = saved
	in.gstack = in.gstack[:savedStack]
	in.tm, in.tlm = savedTm, savedTlm
}

// refsOf returns, for a dictionary value, the object reference ("num gen")
// of each entry that is an indirect reference. ledongthuc/pdf does not
// expose object numbers, but prints them in a value's String form.
func refsOf(v pdf.Value) map[string]string {
	m := map[string]string{}
	if v.Kind() != pdf.Dict {
		return m
	}
	lx := &lexer{b: []byte(v.String())}
	t, val, n := lx.next()
	if t != tDictOpen {
		return m
	}
	d := lx.readOperand(t, val, n, 0)
	for i := 0; i+1 < len(d.arr); i += 2 {
		k, e := d.arr[i], d.arr[i+1]
		if k.kind == oName && e.kind == oRef {
			m[string(k.b)] = fmt.Sprintf("%d %d", int(e.num), e.gen)
		}
	}
	return m
}
