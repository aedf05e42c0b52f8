package pdftext

import "strconv"

// tokKind is the kind of a token in a content stream or CMap.
type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tStr  // literal or hex string; value is the decoded bytes
	tName // value is the name without the slash, #xx escapes decoded
	tOp   // operator or keyword (true, false, null, R, obj, ...)
	tArrOpen
	tArrClose
	tDictOpen
	tDictClose
)

// lexer tokenizes PDF content streams, CMaps and object text held in memory.
// It never fails: malformed input yields operators the interpreter ignores.
// Decoded strings and names are appended to scratch, which the caller may
// reset between operators.
type lexer struct {
	b       []byte
	i       int
	scratch []byte
	// With slab set, arrays are carved from it (and tmp) instead of being
	// allocated; the caller resets slab with scratch, between operators.
	slab    []operand
	tmp     [maxNesting + 1][]operand
	useSlab bool
}

func isWhite(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// next returns the next token. For tStr, tName and tOp, val is valid until
// scratch is reset (tOp values point into the input and stay valid).
func (l *lexer) next() (kind tokKind, val []byte, num float64) {
	b := l.b
	for l.i < len(b) {
		c := b[l.i]
		if isWhite(c) {
			l.i++
			continue
		}
		if c == '%' {
			for l.i < len(b) && b[l.i] != '\n' && b[l.i] != '\r' {
				l.i++
			}
			continue
		}
		break
	}
	if l.i >= len(b) {
		return tEOF, nil, 0
	}
	c := b[l.i]
	switch {
	case c == '(':
		l.i++
		return tStr, l.literal(), 0
	case c == '<':
		if l.i+1 < len(b) && b[l.i+1] == '<' {
			l.i += 2
			return tDictOpen, nil, 0
		}
		l.i++
		return tStr, l.hex(), 0
	case c == '>':
		if l.i+1 < len(b) && b[l.i+1] == '>' {
			l.i += 2
			return tDictClose, nil, 0
		}
		l.i++
		return tOp, b[l.i-1 : l.i], 0
	case c == '[':
		l.i++
		return tArrOpen, nil, 0
	case c == ']':
		l.i++
		return tArrClose, nil, 0
	case c == '/':
		l.i++
		return tName, l.name(), 0
	case c == '{' || c == '}' || c == ')':
		l.i++
		return tOp, b[l.i-1 : l.i], 0
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		if n, ok := l.number(); ok {
			return tNum, nil, n
		}
	}
	start := l.i
	for l.i < len(b) && !isWhite(b[l.i]) && !isDelim(b[l.i]) {
		l.i++
	}
	if l.i == start { // a lone delimiter we do not otherwise handle
		l.i++
	}
	return tOp, b[start:l.i], 0
}

// number parses a PDF number at l.i leniently ("--5", "1.2.3" and "5-" are
// seen in the wild). It reports false, consuming nothing, when there are no
// digits at all.
func (l *lexer) number() (float64, bool) {
	b := l.b
	i := l.i
	neg := false
	for i < len(b) && (b[i] == '+' || b[i] == '-') {
		if b[i] == '-' {
			neg = !neg
		}
		i++
	}
	var v float64
	digits := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		v = float64(v*10) + float64(b[i]-'0')
		i++
		digits++
	}
	if i < len(b) && b[i] == '.' {
		i++
		scale := 0.1
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			v += float64(float64(b[i]-'0') * scale)
			scale /= 10
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	// Swallow junk glued to the number ("1.2.3", "5-") so it is not read
	// as a separate operator.
	for i < len(b) && !isWhite(b[i]) && !isDelim(b[i]) && (b[i] == '.' || b[i] == '-' || b[i] == '+' || (b[i] >= '0' && b[i] <= '9')) {
		i++
	}
	l.i = i
	if neg {
		v = -v
	}
	return v, true
}

func (l *lexer) literal() []byte {
	b := l.b
	start := len(l.scratch)
	depth := 1
	for l.i < len(b) {
		c := b[l.i]
		l.i++
		switch c {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return l.scratch[start:]
			}
		case '\\':
			if l.i >= len(b) {
				continue
			}
			e := b[l.i]
			l.i++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.i < len(b) && b[l.i] == '\n' {
					l.i++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for k := 0; k < 2 && l.i < len(b) && b[l.i] >= '0' && b[l.i] <= '7'; k++ {
						v = v*8 + int(b[l.i]-'0')
						l.i++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		}
		l.scratch = append(l.scratch, c)
	}
	return l.scratch[start:]
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func (l *lexer) hex() []byte {
	b := l.b
	start := len(l.scratch)
	hi := -1
	for l.i < len(b) {
		c := b[l.i]
		l.i++
		if c == '>' {
			break
		}
		v := unhex(c)
		if v < 0 {
			continue
		}
		if hi < 0 {
			hi = v
		} else {
			l.scratch = append(l.scratch, byte(hi<<4|v))
			hi = -1
		}
	}
	if hi >= 0 {
		l.scratch = append(l.scratch, byte(hi<<4))
	}
	return l.scratch[start:]
}

func (l *lexer) name() []byte {
	b := l.b
	start := l.i
	escaped := false
	for l.i < len(b) && !isWhite(b[l.i]) && !isDelim(b[l.i]) {
		if b[l.i] == '#' {
			escaped = true
		}
		l.i++
	}
	if !escaped {
		return b[start:l.i]
	}
	s := len(l.scratch)
	for i := start; i < l.i; i++ {
		if b[i] == '#' && i+2 < l.i && unhex(b[i+1]) >= 0 && unhex(b[i+2]) >= 0 {
			l.scratch = append(l.scratch, byte(unhex(b[i+1])<<4|unhex(b[i+2])))
			i += 2
			continue
		}
		l.scratch = append(l.scratch, b[i])
	}
	return l.scratch[s:]
}

// skipInlineImage moves past the data of an inline image, just after its ID
// operator, to the end of the matching EI operator.
func (l *lexer) skipInlineImage(length int) {
	b := l.b
	if l.i < len(b) && isWhite(b[l.i]) {
		l.i++
	}
	if length > 0 && l.i+length <= len(b) {
		l.i += length
	}
	for l.i+1 < len(b) {
		if b[l.i] == 'E' && b[l.i+1] == 'I' && (l.i == 0 || isWhite(b[l.i-1])) &&
			(l.i+2 == len(b) || isWhite(b[l.i+2]) || isDelim(b[l.i+2])) {
			l.i += 2
			return
		}
		l.i++
	}
	l.i = len(b)
}

// opKind is the kind of an operand on the interpreter stack.
type opKind uint8

const (
	oNull opKind = iota
	oNum
	oStr
	oName
	oArr
	oDict // arr holds alternating keys and values
	oRef  // an "N G R" reference inside object text; num holds N, gen in arr-less field
)

type operand struct {
	kind opKind
	num  float64
	gen  int
	b    []byte
	arr  []operand
}

// maxNesting bounds arrays and dictionaries nested in content streams.
const maxNesting = 32

// readOperand reads a complete operand whose first token has already been
// read. Arrays and dictionaries are read recursively up to maxNesting deep;
// deeper structures are skipped and read as null.
func (l *lexer) readOperand(kind tokKind, val []byte, num float64, depth int) operand {
	switch kind {
	case tNum:
		return operand{kind: oNum, num: num}
	case tStr:
		return operand{kind: oStr, b: val}
	case tName:
		return operand{kind: oName, b: val}
	case tArrOpen, tDictOpen:
		closer := tArrClose
		k := oArr
		if kind == tDictOpen {
			closer, k = tDictClose, oDict
		}
		var elems []operand
		if l.useSlab {
			elems = l.tmp[depth][:0]
		}
		for {
			t, v, n := l.next()
			if t == tEOF || t == closer {
				break
			}
			if t == tArrClose || t == tDictClose {
				continue // mismatched closer: ignore
			}
			if depth >= maxNesting {
				if t == tArrOpen || t == tDictOpen {
					l.skipNested(1)
				}
				continue
			}
			if t == tOp {
				if len(v) == 1 && v[0] == 'R' && len(elems) >= 2 &&
					elems[len(elems)-1].kind == oNum && elems[len(elems)-2].kind == oNum {
					gen := int(elems[len(elems)-1].num)
					elems = elems[:len(elems)-1]
					elems[len(elems)-1] = operand{kind: oRef, num: elems[len(elems)-1].num, gen: gen}
					continue
				}
				elems = append(elems, operand{kind: oNull, b: v})
				continue
			}
			elems = append(elems, l.readOperand(t, v, n, depth+1))
		}
		if l.useSlab {
			l.tmp[depth] = elems[:0]
			start := len(l.slab)
			l.slab = append(l.slab, elems...)
			elems = l.slab[start:len(l.slab):len(l.slab)]
		}
		return operand{kind: k, arr: elems}
	}
	return operand{kind: oNull, b: val}
}

// skipNested skips tokens until depth open arrays/dicts are closed.
func (l *lexer) skipNested(depth int) {
	for depth > 0 {
		t, _, _ := l.next()
		switch t {
		case tEOF:
			return
		case tArrOpen, tDictOpen:
			depth++
		case tArrClose, tDictClose:
			depth--
		}
	}
}

// dictGet returns the value of key in a dictionary operand.
func (o operand) dictGet(key string) (operand, bool) {
	if o.kind != oDict {
		return operand{}, false
	}
	for i := 0; i+1 < len(o.arr); i += 2 {
		if o.arr[i].kind == oName && string(o.arr[i].b) == key {
			return o.arr[i+1], true
		}
	}
	return operand{}, false
}

// String is for debugging.
func (o operand) String() string {
	switch o.kind {
	case oNum:
		return strconv.FormatFloat(o.num, 'g', -1, 64)
	case oStr:
		return strconv.Quote(string(o.b))
	case oName:
		return "/" + string(o.b)
	case oRef:
		return strconv.Itoa(int(o.num)) + " " + strconv.Itoa(o.gen) + " R"
	case oArr, oDict:
		s := "["
		if o.kind == oDict {
			s = "<<"
		}
		for i, e := range o.arr {
			if i > 0 {
				s += " "
			}
			s += e.String()
		}
		if o.kind == oDict {
			return s + ">>"
		}
		return s + "]"
	}
	return "null"
}
