package pdftext

import (
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// glyphNames maps the glyph names of Latin text fonts (the Standard,
// WinAnsi and TeX OT1/T1 character sets) to Unicode. ledongthuc/pdf knows
// the full glyph list, but only exposes it through /Differences arrays;
// this table serves the built-in encodings of embedded Type 1 fonts and
// names the library does not know. It is built on first use: a process
// that reads no PDF (the ingest function's handler, its worker for a text
// file) does not pay for it at start-up.
var glyphNames = sync.OnceValue(func() map[string]rune {
	m := map[string]rune{
		"space": ' ', "exclam": '!', "quotedbl": '"', "numbersign": '#', "dollar": '$',
		"percent": '%', "ampersand": '&', "quotesingle": '\'', "parenleft": '(',
		"parenright": ')', "asterisk": '*', "plus": '+', "comma": ',', "hyphen": '-',
		"period": '.', "slash": '/', "colon": ':', "semicolon": ';', "less": '<',
		"equal": '=', "greater": '>', "question": '?', "at": '@', "bracketleft": '[',
		"backslash": '\\', "bracketright": ']', "asciicircum": '^', "underscore": '_',
		"grave": '`', "braceleft": '{', "bar": '|', "braceright": '}', "asciitilde": '~',
		"quoteright": '\u2019', "quoteleft": '\u2018', "quotedblleft": '\u201c',
		"quotedblright": '\u201d', "quotesinglbase": '\u201a', "quotedblbase": '\u201e',
		"endash": '\u2013', "emdash": '\u2014', "bullet": '\u2022', "ellipsis": '\u2026',
		"dagger": '\u2020', "daggerdbl": '\u2021', "perthousand": '\u2030',
		"guilsinglleft": '\u2039', "guilsinglright": '\u203a', "fi": '\ufb01', "fl": '\ufb02',
		"ff": '\ufb00', "ffi": '\ufb03', "ffl": '\ufb04', "dotlessi": '\u0131',
		"dotlessj": '\u0237', "lslash": '\u0142', "Lslash": '\u0141', "oe": '\u0153',
		"OE": '\u0152', "scaron": '\u0161', "Scaron": '\u0160', "zcaron": '\u017e',
		"Zcaron": '\u017d', "Ydieresis": '\u0178', "Euro": '\u20ac', "trademark": '\u2122',
		"florin": '\u0192', "circumflex": '\u02c6', "tilde": '\u02dc', "breve": '\u02d8',
		"dotaccent": '\u02d9', "ring": '\u02da', "hungarumlaut": '\u02dd', "ogonek": '\u02db',
		"caron": '\u02c7', "fraction": '\u2044', "minus": '\u2212', "nbspace": '\u00a0',
		"nonbreakingspace": '\u00a0', "sfthyphen": '\u00ad', "softhyphen": '\u00ad',
		"Gamma": '\u0393', "Delta": '\u0394', "Theta": '\u0398', "Lambda": '\u039b',
		"Xi": '\u039e', "Pi": '\u03a0', "Sigma": '\u03a3', "Upsilon": '\u03a5',
		"Phi": '\u03a6', "Psi": '\u03a8', "Omega": '\u03a9', "visiblespace": '\u2423',
		"compwordmark": '\u200c', "cwm": '\u200c', "perthousandzero": '\u2030',
		"quotedblbase.cm": '\u201e', "arrowright": '\u2192', "arrowleft": '\u2190',
		"checkmark": '\u2713', "copyright": '\u00a9', "registered": '\u00ae',
	}
	digits := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	for i, d := range digits {
		m[d] = rune('0' + i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		m[string(c)] = c
		m[string(c+'a'-'A')] = c + 'a' - 'A'
	}
	// Latin-1 0xA1..0xFF in order.
	latin1 := strings.Fields(`exclamdown cent sterling currency yen brokenbar section dieresis
		copyright ordfeminine guillemotleft logicalnot sfthyphen registered macron degree
		plusminus twosuperior threesuperior acute mu paragraph periodcentered cedilla
		onesuperior ordmasculine guillemotright onequarter onehalf threequarters questiondown
		Agrave Aacute Acircumflex Atilde Adieresis Aring AE Ccedilla Egrave Eacute Ecircumflex
		Edieresis Igrave Iacute Icircumflex Idieresis Eth Ntilde Ograve Oacute Ocircumflex
		Otilde Odieresis multiply Oslash Ugrave Uacute Ucircumflex Udieresis Yacute Thorn
		germandbls agrave aacute acircumflex atilde adieresis aring ae ccedilla egrave eacute
		ecircumflex edieresis igrave iacute icircumflex idieresis eth ntilde ograve oacute
		ocircumflex otilde odieresis divide oslash ugrave uacute ucircumflex udieresis yacute
		thorn ydieresis`)
	for i, n := range latin1 {
		if _, ok := m[n]; !ok {
			m[n] = rune(0xa1 + i)
		}
	}
	m["guillemotleft"], m["guillemotright"] = '\u00ab', '\u00bb'
	return m
})

// glyphRune maps a glyph name to text: a name from glyphNames, a
// uniXXXX or uXXXX[XX] name, a ligature written with underscores (f_f_i),
// or any of these with a suffix (a.sc, one.oldstyle). It returns "" for
// names it does not know.
func glyphText(name string) string {
	if r, ok := glyphNames()[name]; ok {
		return string(r)
	}
	if i := strings.IndexByte(name, '.'); i > 0 {
		return glyphText(name[:i])
	}
	if strings.Contains(name, "_") {
		var b strings.Builder
		for _, part := range strings.Split(name, "_") {
			t := glyphText(part)
			if t == "" {
				return ""
			}
			b.WriteString(t)
		}
		return b.String()
	}
	if strings.HasPrefix(name, "uni") && len(name) >= 7 && (len(name)-3)%4 == 0 {
		var b strings.Builder
		for i := 3; i+4 <= len(name); i += 4 {
			v, err := strconv.ParseUint(name[i:i+4], 16, 32)
			if err != nil {
				return ""
			}
			b.WriteRune(rune(v))
		}
		return b.String()
	}
	if strings.HasPrefix(name, "u") && len(name) >= 5 && len(name) <= 7 {
		if v, err := strconv.ParseUint(name[1:], 16, 32); err == nil && utf8.ValidRune(rune(v)) {
			return string(rune(v))
		}
	}
	return ""
}
