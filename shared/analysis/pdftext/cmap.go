package pdftext

import (
	"sort"
	"unicode/utf16"
)

// codeRange is a codespace range: codes of n bytes from lo to hi.
type codeRange struct {
	lo, hi uint32
	n      int
}

// bfRange maps a range of codes to consecutive Unicode sequences: the code
// lo+k maps to base with its last UTF-16 unit increased by k.
type bfRange struct {
	lo, hi uint32
	n      int
	base   []uint16
}

type cidRange struct {
	lo, hi uint32
	n      int
	cid    uint32
}

// cmapTable is a parsed CMap: a ToUnicode map, or an embedded encoding
// CMap of a composite font (codespace and CID ranges).
type cmapTable struct {
	space  []codeRange
	chars  map[uint64]string
	ranges []bfRange
	cids   []cidRange
}

func cmapKey(code uint32, n int) uint64 { return uint64(n)<<32 | uint64(code) }

func beCode(b []byte) uint32 {
	var c uint32
	for _, x := range b {
		c = c<<8 | uint32(x)
	}
	return c
}

// maxRangeSpan bounds the codes a single bfrange array entry may expand to.
const maxRangeSpan = 1 << 16

// parseCMap reads the operators of a CMap program that matter for text
// extraction. Unknown operators are ignored; it never fails.
func parseCMap(data []byte) *cmapTable {
	m := &cmapTable{chars: map[uint64]string{}}
	lx := &lexer{b: data}
	var ops []operand
	for {
		t, v, n := lx.next()
		if t == tEOF {
			break
		}
		if t != tOp {
			if len(ops) < 1<<16 {
				ops = append(ops, lx.readOperand(t, v, n, 0))
			}
			continue
		}
		switch string(v) {
		case "endcodespacerange":
			for i := 0; i+1 < len(ops); i += 2 {
				lo, hi := ops[i], ops[i+1]
				if lo.kind != oStr || hi.kind != oStr || len(lo.b) == 0 || len(lo.b) > 4 || len(lo.b) != len(hi.b) {
					continue
				}
				m.space = append(m.space, codeRange{beCode(lo.b), beCode(hi.b), len(lo.b)})
			}
		case "endbfchar":
			for i := 0; i+1 < len(ops); i += 2 {
				src, dst := ops[i], ops[i+1]
				if src.kind != oStr || len(src.b) == 0 || len(src.b) > 4 {
					continue
				}
				m.chars[cmapKey(beCode(src.b), len(src.b))] = unicodeText(dst)
			}
		case "endbfrange":
			for i := 0; i+2 < len(ops); i += 3 {
				lo, hi, dst := ops[i], ops[i+1], ops[i+2]
				if lo.kind != oStr || hi.kind != oStr || len(lo.b) == 0 || len(lo.b) > 4 || len(lo.b) != len(hi.b) {
					continue
				}
				a, b := beCode(lo.b), beCode(hi.b)
				if b < a {
					continue
				}
				switch dst.kind {
				case oStr:
					m.ranges = append(m.ranges, bfRange{a, b, len(lo.b), utf16Units(dst.b)})
				case oArr:
					for k, e := range dst.arr {
						if k >= maxRangeSpan || a+uint32(k) > b {
							break
						}
						m.chars[cmapKey(a+uint32(k), len(lo.b))] = unicodeText(e)
					}
				}
			}
		case "endcidrange":
			for i := 0; i+2 < len(ops); i += 3 {
				lo, hi, cid := ops[i], ops[i+1], ops[i+2]
				if lo.kind != oStr || hi.kind != oStr || cid.kind != oNum || len(lo.b) == 0 || len(lo.b) > 4 {
					continue
				}
				m.cids = append(m.cids, cidRange{beCode(lo.b), beCode(hi.b), len(lo.b), uint32(cid.num)})
			}
		case "endcidchar":
			for i := 0; i+1 < len(ops); i += 2 {
				src, cid := ops[i], ops[i+1]
				if src.kind != oStr || cid.kind != oNum || len(src.b) == 0 || len(src.b) > 4 {
					continue
				}
				c := beCode(src.b)
				m.cids = append(m.cids, cidRange{c, c, len(src.b), uint32(cid.num)})
			}
		}
		ops = ops[:0]
		lx.scratch = lx.scratch[:0]
	}
	sort.Slice(m.ranges, func(i, j int) bool { return m.ranges[i].lo < m.ranges[j].lo })
	return m
}

// utf16Units reads big-endian UTF-16 code units. An odd trailing byte is
// kept as its own unit.
func utf16Units(b []byte) []uint16 {
	u := make([]uint16, 0, (len(b)+1)/2)
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
	}
	if len(b)%2 == 1 {
		u = append(u, uint16(b[len(b)-1]))
	}
	return u
}

// unicodeText is the text of a bfchar destination: a UTF-16BE string or,
// from some producers, a glyph name.
func unicodeText(o operand) string {
	switch o.kind {
	case oStr:
		return string(utf16.Decode(utf16Units(o.b)))
	case oName:
		return glyphText(string(o.b))
	}
	return ""
}

// lookup returns the text of the code of n bytes.
func (m *cmapTable) lookup(code uint32, n int) (string, bool) {
	if s, ok := m.chars[cmapKey(code, n)]; ok {
		return s, true
	}
	// The nearest ranges starting at or below code; overlapping ranges are
	// rare, so looking a few back is enough.
	i := sort.Search(len(m.ranges), func(i int) bool { return m.ranges[i].lo > code }) - 1
	for k := 0; i >= 0 && k < 8; i, k = i-1, k+1 {
		r := m.ranges[i]
		if r.n != n || code > r.hi {
			continue
		}
		u := append([]uint16(nil), r.base...)
		if len(u) == 0 {
			return "", true
		}
		u[len(u)-1] += uint16(code - r.lo)
		return string(utf16.Decode(u)), true
	}
	return "", false
}

// cid maps a code to a CID through cidrange/cidchar entries.
func (m *cmapTable) cid(code uint32, n int) (uint32, bool) {
	for _, r := range m.cids {
		if r.n == n && code >= r.lo && code <= r.hi {
			return r.cid + (code - r.lo), true
		}
	}
	return 0, false
}
