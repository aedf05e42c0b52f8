package pdftext

import (
	"bytes"
	"sort"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
)

// font is what text extraction needs from a PDF font: how to split a
// string into character codes, the text and the advance width of each code,
// and whether the face is bold.
type font struct {
	name      string // BaseFont without a subset prefix
	bold      bool
	composite bool

	// Simple fonts: one byte per code.
	text  [256]string
	width [256]float64 // glyph space units; times widthScale gives text space

	// Composite (Type0) fonts.
	space   []codeRange // codespace; nil means two bytes per code
	encCMap *cmapTable  // embedded encoding CMap (code to CID), if any
	toUni   *cmapTable
	ucs2    bool // predefined UCS-2/UTF-16 CMap: codes are Unicode
	cidW    map[uint32]float64
	cidWR   []cidWidthRange
	dw      float64
	memo    map[uint32]string

	widthScale float64 // 0.001, or FontMatrix[0] for Type 3 fonts
	sizeScale  float64 // 1, or FontMatrix[3]*1000 for Type 3 fonts

	// unmapped is set when the font has no way to map codes to Unicode,
	// so its text is likely garbage.
	unmapped bool
}

type cidWidthRange struct {
	lo, hi uint32
	w      float64
}

// fallbackFont is used when a font cannot be loaded.
func fallbackFont(name string) *font {
	f := &font{name: name, widthScale: 0.001, sizeScale: 1}
	for c := 0; c < 256; c++ {
		if r := winAnsi[c]; r != 0 {
			f.text[c] = string(r)
		}
	}
	f.approxWidths(false, false)
	return f
}

// loadFont reads a font dictionary. It never fails: a damaged font gives a
// font with WinAnsi text and approximate widths.
func (d *Doc) loadFont(fv pdf.Value) (f *font) {
	name := stripSubset(fv.Key("BaseFont").Name())
	defer func() {
		if r := recover(); r != nil {
			rethrowBug(r)
			f = fallbackFont(name)
		}
	}()
	f = &font{name: name, widthScale: 0.001, sizeScale: 1}
	subtype := fv.Key("Subtype").Name()
	desc := fv.Key("FontDescriptor")
	if subtype == "Type0" {
		f.composite = true
		desc = d.loadComposite(f, fv)
	}
	f.bold = nameIsBold(name)
	if desc.Kind() == pdf.Dict {
		if flags := desc.Key("Flags").Int64(); flags&(1<<18) != 0 {
			f.bold = true
		}
		if w := desc.Key("FontWeight").Float64(); w >= 600 {
			f.bold = true
		}
	}
	if tu := fv.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		if data, err := d.readStream(tu); err == nil {
			f.toUni = parseCMap(data)
		}
	}
	if f.composite {
		if f.toUni == nil && !f.ucs2 {
			f.unmapped = true
		}
		return f
	}
	if subtype == "Type3" {
		if m := fv.Key("FontMatrix"); m.Len() == 6 {
			if a := m.Index(0).Float64(); a != 0 {
				f.widthScale = a
			}
			if dd := m.Index(3).Float64(); dd != 0 {
				f.sizeScale = dd * 1000
				if f.sizeScale < 0 {
					f.sizeScale = -f.sizeScale
				}
			}
		}
	}
	d.simpleText(f, fv, desc)
	d.simpleWidths(f, fv, desc)
	if subtype == "Type3" {
		// A Type 3 font's em is not defined; take the median advance as
		// half an em, as in text fonts.
		var ws []float64
		for _, w := range f.width {
			if w > 0 {
				ws = append(ws, w)
			}
		}
		if len(ws) > 0 {
			sort.Float64s(ws)
			// sizeScale is |FontMatrix[3]|*1000 here.
			if s := 2 * ws[len(ws)/2] * f.sizeScale / 1000; s > 0.05 && s < 20 {
				f.sizeScale = s
			}
		}
	}
	return f
}

// stripSubset removes the "ABCDEF+" prefix of subset fonts.
func stripSubset(name string) string {
	if len(name) > 7 && name[6] == '+' {
		for i := 0; i < 6; i++ {
			if name[i] < 'A' || name[i] > 'Z' {
				return name
			}
		}
		return name[7:]
	}
	return name
}

// boldTeX are name prefixes of bold TeX fonts (Computer Modern, EC/cm-super,
// and the PSNFSS names of Times, Helvetica and Palatino).
var boldTeX = []string{"cmbx", "cmssbx", "cmb1", "cmb9", "sfbx", "ecbx", "tcbx", "ecsx", "ptmb", "phvb", "pplb", "lmbx"}

func nameIsBold(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"bold", "black", "heavy", "semibold", "demi", "extrab", "ultrab"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	for _, p := range boldTeX {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// simpleText fills f.text for a simple font: the base encoding, then
// /Differences, then the ToUnicode map, which wins where it has an entry.
func (d *Doc) simpleText(f *font, fv, desc pdf.Value) {
	base := &winAnsi
	var builtin map[int]string
	enc := fv.Key("Encoding")
	encName := enc.Name()
	if enc.Kind() == pdf.Dict {
		encName = enc.Key("BaseEncoding").Name()
	}
	switch encName {
	case "StandardEncoding":
		base = &standard
	case "MacRomanEncoding":
		if enc.Kind() == pdf.Name {
			var lib [256]rune
			pf := pdf.Font{V: fv}
			e := pf.Encoder()
			for c := 0; c < 256; c++ {
				if rs := []rune(e.Decode(string([]byte{byte(c)}))); len(rs) == 1 {
					lib[c] = rs[0]
				}
			}
			base = &lib
		}
	case "":
		// No encoding: an embedded Type 1 font's own encoding, else the
		// standard one for Type 1 and WinAnsi for the rest.
		if builtin = d.type1Encoding(desc); builtin == nil && fv.Key("Subtype").Name() == "Type1" && f.toUni == nil {
			base = &standard
		}
	}
	for c := 0; c < 256; c++ {
		if t, ok := builtin[c]; ok {
			f.text[c] = t
		} else if r := base[c]; r != 0 {
			f.text[c] = string(r)
		}
	}
	if enc.Kind() == pdf.Dict {
		diffs := enc.Key("Differences")
		var lib pdf.TextEncoding
		tex := fv.Key("Subtype").Name() == "Type3" && texBitmapNames(diffs)
		code := 0
		for i := 0; i < diffs.Len() && i < 4096; i++ {
			x := diffs.Index(i)
			switch x.Kind() {
			case pdf.Integer, pdf.Real:
				code = int(x.Float64())
			case pdf.Name:
				if code >= 0 && code < 256 {
					t := glyphText(x.Name())
					if t == "" {
						// The library knows the whole Adobe glyph list.
						if lib == nil {
							pf := pdf.Font{V: fv}
							lib = pf.Encoder()
						}
						if rs := []rune(lib.Decode(string([]byte{byte(code)}))); len(rs) == 1 && rs[0] != rune(code) && rs[0] != 0xfffd {
							t = string(rs[0])
						}
					}
					if t == "" {
						t = numericGlyph(x.Name(), tex)
					}
					f.text[code] = t
				}
				code++
			}
		}
	}
	if f.toUni != nil {
		for c := 0; c < 256; c++ {
			if t, ok := f.toUni.lookup(uint32(c), 1); ok {
				f.text[c] = t
			} else if t, ok := f.toUni.lookup(uint32(c), 2); ok {
				f.text[c] = t
			}
		}
	}
	for c := 0; c < 256; c++ {
		if t := f.text[c]; t == "\t" || t == "\n" || t == "\r" || t == "\u00a0" {
			f.text[c] = " "
		}
	}
}

// texBitmapNames reports whether a Differences array names its glyphs
// "a<code>", as pdfTeX does for bitmap (PK) fonts.
func texBitmapNames(diffs pdf.Value) bool {
	names := 0
	for i := 0; i < diffs.Len() && i < 4096; i++ {
		x := diffs.Index(i)
		if x.Kind() != pdf.Name || x.Name() == ".notdef" {
			continue
		}
		n := x.Name()
		if len(n) < 2 || n[0] != 'a' || strings.TrimLeft(n[1:], "0123456789") != "" {
			return false
		}
		names++
	}
	return names > 0
}

// ot1 is the text of the TeX OT1 positions that differ from ASCII.
var ot1 = map[int]string{
	11: "ff", 12: "fi", 13: "fl", 14: "ffi", 15: "ffl", 16: "ı", 25: "ß", 26: "æ", 27: "œ",
	28: "ø", 29: "Æ", 30: "Œ", 31: "Ø", 34: "”", 39: "’", 60: "¡", 62: "¿", 92: "“", 96: "‘",
	123: "–", 124: "—",
}

// numericGlyph maps glyph names made of a short prefix and a character
// code ("a65", "g3", "c32"), as some producers name the glyphs of Type 3
// and subset fonts, to the character of that code: ASCII, or the TeX OT1
// layout for pdfTeX's bitmap fonts.
func numericGlyph(name string, tex bool) string {
	i := strings.IndexAny(name, "0123456789")
	if i < 1 || i > 3 || strings.TrimLeft(name[i:], "0123456789") != "" || len(name)-i > 3 {
		return ""
	}
	n := 0
	for _, c := range name[i:] {
		n = n*10 + int(c-'0')
	}
	if tex {
		if t, ok := ot1[n]; ok {
			return t
		}
	}
	if n >= 33 && n <= 126 {
		return string(rune(n))
	}
	return ""
}

// type1Encoding reads the built-in encoding vector ("dup 12 /fi put") from
// the clear-text part of an embedded Type 1 font program.
func (d *Doc) type1Encoding(desc pdf.Value) map[int]string {
	if desc.Kind() != pdf.Dict {
		return nil
	}
	ff := desc.Key("FontFile")
	if ff.Kind() != pdf.Stream {
		return nil
	}
	data, err := d.readStreamPrefix(ff, 64<<10)
	if err != nil {
		return nil
	}
	if i := bytes.Index(data, []byte("eexec")); i >= 0 {
		data = data[:i]
	}
	i := bytes.Index(data, []byte("/Encoding"))
	if i < 0 || bytes.HasPrefix(bytes.TrimSpace(data[i+9:]), []byte("StandardEncoding")) {
		return nil
	}
	m := map[int]string{}
	lx := &lexer{b: data[i+9:]}
	var nums []float64
	var nameArg []byte
	for {
		t, v, n := lx.next()
		if t == tEOF {
			break
		}
		switch t {
		case tNum:
			nums = append(nums, n)
		case tName:
			nameArg = append(nameArg[:0], v...)
		case tOp:
			switch string(v) {
			case "put":
				if len(nums) > 0 && nameArg != nil {
					if c := int(nums[len(nums)-1]); c >= 0 && c < 256 {
						if t := glyphText(string(nameArg)); t != "" {
							m[c] = t
						}
					}
				}
			case "def", "readonly":
				if len(m) > 0 {
					return m
				}
			}
			nums, nameArg = nums[:0], nil
		}
		lx.scratch = lx.scratch[:0]
	}
	if len(m) == 0 {
		return nil
	}
	return m
}

// simpleWidths fills f.width from /FirstChar and /Widths, or with
// approximate widths for the standard 14 fonts.
func (d *Doc) simpleWidths(f *font, fv, desc pdf.Value) {
	ws := fv.Key("Widths")
	n := ws.Len()
	if n == 0 {
		lname := strings.ToLower(f.name)
		f.approxWidths(strings.Contains(lname, "courier") || strings.Contains(lname, "mono"),
			strings.Contains(lname, "times") || strings.Contains(lname, "serif") || strings.Contains(lname, "roman"))
		if f.bold {
			for c := range f.width {
				f.width[c] *= 1.05
			}
		}
		return
	}
	missing := desc.Key("MissingWidth").Float64()
	for c := range f.width {
		f.width[c] = missing
	}
	first := int(fv.Key("FirstChar").Int64())
	for i := 0; i < n && i < 256; i++ {
		if c := first + i; c >= 0 && c < 256 {
			f.width[c] = ws.Index(i).Float64()
		}
	}
}

func (f *font) approxWidths(mono, serif bool) {
	tab := &sansWidths
	if serif {
		tab = &serifWidths
	}
	for c := 0; c < 256; c++ {
		switch {
		case mono:
			f.width[c] = 600
		case c >= 0x20 && c <= 0x7e:
			f.width[c] = float64(tab[c-0x20])
		default:
			f.width[c] = 500
		}
	}
}

// loadComposite reads the encoding and widths of a Type0 font and returns
// its descendant's font descriptor.
func (d *Doc) loadComposite(f *font, fv pdf.Value) pdf.Value {
	enc := fv.Key("Encoding")
	switch enc.Kind() {
	case pdf.Name:
		n := enc.Name()
		if strings.Contains(n, "UCS2") || strings.Contains(n, "UTF16") {
			f.ucs2 = true
		}
	case pdf.Stream:
		if data, err := d.readStream(enc); err == nil {
			f.encCMap = parseCMap(data)
			f.space = f.encCMap.space
		}
	}
	desc := fv.Key("DescendantFonts").Index(0)
	f.dw = 1000
	if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
		f.dw = dw.Float64()
	}
	f.cidW = map[uint32]float64{}
	w := desc.Key("W")
	for i, n := 0, w.Len(); i < n; {
		first := w.Index(i)
		if first.Kind() != pdf.Integer && first.Kind() != pdf.Real {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			c := uint32(first.Int64())
			for k := 0; k < next.Len() && len(f.cidW) < 1<<17; k++ {
				f.cidW[c+uint32(k)] = next.Index(k).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		f.cidWR = append(f.cidWR, cidWidthRange{uint32(first.Int64()), uint32(next.Int64()), w.Index(i + 2).Float64()})
		i += 3
	}
	f.memo = map[uint32]string{}
	return desc.Key("FontDescriptor")
}

// next splits the first character code off s and returns its text, its
// width in text space units per unit of font size, whether it is the
// single-byte code 32 (to which word spacing applies) and its length.
func (f *font) next(s []byte) (text string, w float64, space bool, n int) {
	if !f.composite {
		c := s[0]
		return f.text[c], f.width[c] * f.widthScale, c == 32, 1
	}
	code, n := f.code(s)
	t, ok := f.memo[code]
	if !ok {
		if f.toUni != nil {
			t, ok = f.toUni.lookup(code, n)
		}
		if !ok && f.ucs2 {
			t = string(utf16.Decode([]uint16{uint16(code)}))
		}
		if t == "\u00a0" || t == "\t" {
			t = " "
		}
		if len(f.memo) < 1<<16 {
			f.memo[code] = t
		}
	}
	cid := code
	if f.encCMap != nil {
		if c, ok := f.encCMap.cid(code, n); ok {
			cid = c
		}
	}
	width, ok := f.cidW[cid]
	if !ok {
		width = f.dw
		for _, r := range f.cidWR {
			if cid >= r.lo && cid <= r.hi {
				width = r.w
				break
			}
		}
	}
	return t, width * f.widthScale, n == 1 && code == 32, n
}

func (f *font) code(s []byte) (uint32, int) {
	if len(f.space) == 0 {
		if len(s) >= 2 {
			return uint32(s[0])<<8 | uint32(s[1]), 2
		}
		return uint32(s[0]), 1
	}
	for n := 1; n <= 4 && n <= len(s); n++ {
		c := beCode(s[:n])
		for _, r := range f.space {
			if r.n == n && c >= r.lo && c <= r.hi {
				return c, n
			}
		}
	}
	n := f.space[0].n
	if n > len(s) {
		n = len(s)
	}
	return beCode(s[:n]), n
}
