package pdftext

import (
	"bytes"
	"compress/zlib"
	"encoding/ascii85"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/policylens/policylens/shared/domain/fault"
)

// scanObj is an indirect object found by scanning the file's bytes.
type scanObj struct {
	num, gen int
	off      int // offset of "num gen obj"
	// For streams: the data span and the stream dictionary.
	stream     bool
	start, end int
	dict       operand
	catalog    bool
}

// scanResult is what a linear scan of the whole file finds, independent of
// its cross-reference table.
type scanResult struct {
	objs     []scanObj // in file order
	trailers []trailer // trailer dictionaries and XRef stream dictionaries, in file order
	encrypt  bool
	objStms  int // object streams found
}

type trailer struct {
	pos  int
	dict operand
}

var (
	kwObj       = []byte("obj")
	kwStream    = []byte("stream")
	kwEndstream = []byte("endstream")
	kwTrailer   = []byte("trailer")
)

// scanFile finds every "N G obj" in data, skipping stream contents, and
// every trailer dictionary. It never fails; a file with nothing recognisable
// gives an empty result.
func scanFile(data []byte) *scanResult {
	sr := &scanResult{}
	lx := &lexer{b: data}
	for i := 0; i < len(data); {
		j := bytes.Index(data[i:], kwObj)
		if j < 0 {
			break
		}
		p := i + j
		i = p + 3
		if p+3 < len(data) && !isWhite(data[p+3]) && !isDelim(data[p+3]) {
			continue
		}
		num, gen, off, ok := objHeader(data, p)
		if !ok {
			continue
		}
		o := scanObj{num: num, gen: gen, off: off}
		lx.i = p + 3
		lx.scratch = lx.scratch[:0]
		t, v, n := lx.next()
		if t == tDictOpen {
			o.dict = lx.readOperand(t, v, n, 0)
			if ty, _ := o.dict.dictGet("Type"); ty.kind == oName {
				switch string(ty.b) {
				case "Catalog":
					o.catalog = true
				case "XRef":
					sr.trailers = append(sr.trailers, trailer{off, o.dict})
				case "ObjStm":
					sr.objStms++
				}
			}
			save := lx.i
			if t2, v2, _ := lx.next(); t2 == tOp && bytes.Equal(v2, kwStream) {
				o.stream = true
				o.start = streamStart(data, lx.i)
				o.end = streamEnd(data, o.start, o.dict)
				i = o.end
			} else {
				lx.i = save
				i = lx.i
			}
		} else if lx.i > i {
			i = lx.i
		}
		sr.objs = append(sr.objs, o)
	}
	for i := 0; i < len(data); {
		j := bytes.Index(data[i:], kwTrailer)
		if j < 0 {
			break
		}
		pos := i + j
		lx.i = pos + len(kwTrailer)
		i = lx.i
		lx.scratch = lx.scratch[:0]
		if t, v, n := lx.next(); t == tDictOpen {
			d := lx.readOperand(t, v, n, 0)
			if _, ok := d.dictGet("Root"); ok {
				sr.trailers = append(sr.trailers, trailer{pos, d})
			}
		}
	}
	sort.SliceStable(sr.trailers, func(i, j int) bool { return sr.trailers[i].pos < sr.trailers[j].pos })
	for _, t := range sr.trailers {
		if _, ok := t.dict.dictGet("Encrypt"); ok {
			sr.encrypt = true
		}
	}
	return sr
}

// objHeader parses "num gen " backwards from the "obj" keyword at p.
func objHeader(data []byte, p int) (num, gen, off int, ok bool) {
	k := p - 1
	skipWhite := func() bool {
		n := 0
		for k >= 0 && isWhite(data[k]) {
			k--
			n++
		}
		return n > 0
	}
	digits := func() (int, bool) {
		end := k
		for k >= 0 && data[k] >= '0' && data[k] <= '9' && end-k < 10 {
			k--
		}
		if k == end {
			return 0, false
		}
		v, err := strconv.Atoi(string(data[k+1 : end+1]))
		return v, err == nil
	}
	if !skipWhite() {
		return
	}
	if gen, ok = digits(); !ok {
		return
	}
	if !skipWhite() {
		return 0, 0, 0, false
	}
	if num, ok = digits(); !ok {
		return
	}
	if k >= 0 && !isWhite(data[k]) && !isDelim(data[k]) {
		return 0, 0, 0, false
	}
	return num, gen, k + 1, gen <= 65535 && num < 1<<24
}

// streamStart returns the offset of the first data byte after the "stream"
// keyword ending at i (which is followed by CRLF or LF).
func streamStart(data []byte, i int) int {
	if i < len(data) && data[i] == '\r' {
		i++
	}
	if i < len(data) && data[i] == '\n' {
		i++
	}
	return i
}

// streamEnd returns the end of the stream data starting at start: the
// declared /Length when it is a direct number followed by "endstream",
// otherwise the position of the next "endstream".
func streamEnd(data []byte, start int, dict operand) int {
	if l, ok := dict.dictGet("Length"); ok && l.kind == oNum && l.num >= 0 {
		end := start + int(l.num)
		if end >= start && end <= len(data) {
			k := end
			for k < len(data) && k < end+4 && isWhite(data[k]) {
				k++
			}
			if bytes.HasPrefix(data[k:], kwEndstream) {
				return end
			}
		}
	}
	j := bytes.Index(data[start:], kwEndstream)
	if j < 0 {
		return len(data)
	}
	end := start + j
	// Drop the end-of-line marker that precedes "endstream".
	if end > start && data[end-1] == '\n' {
		end--
	}
	if end > start && data[end-1] == '\r' {
		end--
	}
	return end
}

// errLimit reports decoded data over a size limit.
var errLimit = errors.New("decoded size over the limit")

// decodeStream decodes the raw data of a stream with the filters named in
// its dictionary, refusing to produce more than max bytes. Unsupported
// filters give an error.
func decodeStream(raw []byte, dict operand, max int64) ([]byte, error) {
	r, err := streamDecoder(raw, dict)
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(out)) > max {
		return nil, errLimit
	}
	if err != nil && len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// inflatedSize counts the decoded size of a stream, up to max+1 bytes,
// without keeping the data.
func inflatedSize(raw []byte, dict operand, max int64) (int64, error) {
	r, err := streamDecoder(raw, dict)
	if err != nil {
		return 0, err
	}
	return io.Copy(io.Discard, io.LimitReader(r, max+1))
}

// streamDecoder returns a reader of the stream's data decoded with the
// filters its dictionary names, in order.
func streamDecoder(raw []byte, dict operand) (io.Reader, error) {
	var filters []string
	if f, ok := dict.dictGet("Filter"); ok {
		switch f.kind {
		case oName:
			filters = append(filters, string(f.b))
		case oArr:
			for _, e := range f.arr {
				filters = append(filters, string(e.b))
			}
		}
	}
	var r io.Reader = bytes.NewReader(raw)
	for _, f := range filters {
		switch f {
		case "FlateDecode", "Fl":
			zr, err := zlib.NewReader(r)
			if err != nil {
				return nil, err
			}
			r = zr
		case "ASCII85Decode", "A85":
			r = ascii85.NewDecoder(&a85Cleaner{r: r})
		default:
			return nil, fmt.Errorf("unsupported filter %s", f)
		}
	}
	return r, nil
}

// a85Cleaner drops whitespace and stops at the "~>" end marker, which
// encoding/ascii85 does not understand.
type a85Cleaner struct {
	r    io.Reader
	done bool
}

func (c *a85Cleaner) Read(p []byte) (int, error) {
	if c.done {
		return 0, io.EOF
	}
	n, err := c.r.Read(p)
	j := 0
	for i := 0; i < n; i++ {
		if p[i] == '~' {
			c.done = true
			break
		}
		if !isWhite(p[i]) {
			p[j] = p[i]
			j++
		}
	}
	if c.done && err == nil {
		err = io.EOF
	}
	return j, err
}

// checkStructureStreams inflates, with caps, the object and cross-reference
// streams, which ledongthuc/pdf decodes internally and without limits.
// perStream and total are in bytes.
func checkStructureStreams(data []byte, sr *scanResult, perStream, total int64) error {
	if sr.encrypt {
		return nil // their data is encrypted; the watchdog covers these files
	}
	var sum int64
	for _, o := range sr.objs {
		if !o.stream {
			continue
		}
		ty, _ := o.dict.dictGet("Type")
		if ty.kind != oName || (string(ty.b) != "ObjStm" && string(ty.b) != "XRef") {
			continue
		}
		n, err := inflatedSize(data[o.start:o.end], o.dict, perStream)
		if err != nil {
			continue // a broken stream fails later, when it is parsed
		}
		if n > perStream {
			return fault.E(fault.TooComplex, "object %d inflates to more than %d MB", o.num, perStream>>20)
		}
		sum += n
		if sum > total {
			return fault.E(fault.TooComplex, "object streams inflate to more than %d MB", total>>20)
		}
	}
	return nil
}

// maxObjNum bounds the object numbers a rebuilt table accepts, so that a
// stray "99999999 0 obj" cannot make it huge.
const maxObjNum = 4_000_000

// xrefEntry is one row of a rebuilt cross-reference table.
type xrefEntry struct {
	typ      byte // 1: at offset; 2: in an object stream
	off      int  // typ 1: offset; typ 2: object stream number
	gen      int  // typ 1: generation; typ 2: index in the stream
	pos      int  // where the definition appears in the file (later wins)
	objStmAt int  // for flattened objects: offset in the appended data
}

// rebuild returns data with a new cross-reference stream appended, built
// from the objects found by scanning, so that files whose xref table is
// missing, damaged or offset can still be opened. Objects stored in object
// streams are copied out as ordinary objects (unless the file is encrypted),
// which also spares the reader from inflating an object stream each time it
// resolves one of them.
func rebuild(data []byte, sr *scanResult, maxStream int64) ([]byte, error) {
	table := map[int]xrefEntry{}
	maxNum := 0
	type flat struct {
		num  int
		body []byte
		pos  int
	}
	var flats []flat
	var catalog = -1
	for _, o := range sr.objs {
		if o.num > maxObjNum {
			continue
		}
		if o.num > maxNum {
			maxNum = o.num
		}
		if e, ok := table[o.num]; !ok || o.off >= e.pos {
			table[o.num] = xrefEntry{typ: 1, off: o.off, gen: o.gen, pos: o.off}
		}
		if o.catalog {
			catalog = o.num
		}
	}
	for _, o := range sr.objs {
		if !o.stream {
			continue
		}
		if ty, _ := o.dict.dictGet("Type"); ty.kind != oName || string(ty.b) != "ObjStm" {
			continue
		}
		if e := table[o.num]; e.pos != o.off {
			continue // superseded by a later definition
		}
		var dec []byte
		if !sr.encrypt {
			d, err := decodeStream(data[o.start:o.end], o.dict, maxStream)
			if err == nil {
				dec = d
			}
		}
		nv, _ := o.dict.dictGet("N")
		fv, _ := o.dict.dictGet("First")
		n, first := int(nv.num), int(fv.num)
		if dec == nil || n <= 0 || first <= 0 || first > len(dec) {
			continue
		}
		lx := &lexer{b: dec[:first]}
		type pair struct{ num, off int }
		var pairs []pair
		for k := 0; k < n; k++ {
			t1, _, a := lx.next()
			t2, _, b := lx.next()
			if t1 != tNum || t2 != tNum || a < 0 || b < 0 {
				break
			}
			pairs = append(pairs, pair{int(a), int(b)})
		}
		for k, p := range pairs {
			if p.num > maxObjNum {
				continue
			}
			if p.num > maxNum {
				maxNum = p.num
			}
			if e, ok := table[p.num]; ok && e.pos > o.off {
				continue
			}
			start := first + p.off
			end := len(dec)
			if k+1 < len(pairs) {
				end = first + pairs[k+1].off
			}
			if start > len(dec) || end > len(dec) || start > end {
				continue
			}
			body := dec[start:end]
			table[p.num] = xrefEntry{typ: 2, off: o.num, gen: k, pos: o.off}
			flats = append(flats, flat{p.num, body, o.off})
			if bytes.Contains(body, []byte("/Catalog")) {
				lx2 := &lexer{b: body}
				if t, v, nn := lx2.next(); t == tDictOpen {
					d := lx2.readOperand(t, v, nn, 0)
					if ty, _ := d.dictGet("Type"); ty.kind == oName && string(ty.b) == "Catalog" {
						catalog = p.num
					}
				}
			}
		}
	}
	if len(table) == 0 {
		return nil, fault.E(fault.Corrupt, "no objects found")
	}

	// Root, Info, ID and Encrypt from the last trailer that names an
	// existing catalog, or the catalog found by scanning.
	var root, info, id, enc *operand
	for i := len(sr.trailers) - 1; i >= 0; i-- {
		t := sr.trailers[i].dict
		r, ok := t.dictGet("Root")
		if !ok || r.kind != oRef {
			continue
		}
		if _, exists := table[int(r.num)]; !exists {
			continue
		}
		root = &r
		if v, ok := t.dictGet("Info"); ok && v.kind == oRef {
			info = &v
		}
		if v, ok := t.dictGet("ID"); ok {
			id = &v
		}
		if v, ok := t.dictGet("Encrypt"); ok {
			enc = &v
		}
		break
	}
	if root == nil {
		if catalog < 0 {
			return nil, fault.E(fault.Corrupt, "no document catalog found")
		}
		root = &operand{kind: oRef, num: float64(catalog), gen: table[catalog].gen}
		if table[catalog].typ == 2 {
			root.gen = 0
		}
	}

	var out bytes.Buffer
	out.Grow(len(data) + 64*len(table))
	out.Write(data)
	out.WriteString("\n")
	if !sr.encrypt {
		sort.Slice(flats, func(i, j int) bool { return flats[i].num < flats[j].num })
		for _, f := range flats {
			e := table[f.num]
			if e.typ != 2 || e.pos != f.pos {
				continue
			}
			e.typ, e.off, e.gen = 1, out.Len(), 0
			table[f.num] = e
			fmt.Fprintf(&out, "%d 0 obj\n", f.num)
			out.Write(f.body)
			out.WriteString("\nendobj\n")
		}
	}
	xrefNum := maxNum + 1
	size := xrefNum + 1
	var rows bytes.Buffer
	rows.Grow(size * 7)
	xrefOff := out.Len()
	for i := 0; i < size; i++ {
		e, ok := table[i]
		switch {
		case i == xrefNum:
			e, ok = xrefEntry{typ: 1, off: xrefOff}, true
		case !ok:
			rows.Write([]byte{0, 0, 0, 0, 0, 0xff, 0xff})
			continue
		}
		rows.WriteByte(e.typ)
		rows.Write([]byte{byte(e.off >> 24), byte(e.off >> 16), byte(e.off >> 8), byte(e.off)})
		rows.Write([]byte{byte(e.gen >> 8), byte(e.gen)})
	}
	fmt.Fprintf(&out, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %s", xrefNum, size, root)
	if info != nil {
		fmt.Fprintf(&out, " /Info %s", info)
	}
	if id != nil {
		out.WriteString(" /ID ")
		writeOperand(&out, *id)
	}
	if enc != nil {
		out.WriteString(" /Encrypt ")
		writeOperand(&out, *enc)
	}
	fmt.Fprintf(&out, " /Length %d >>\nstream\n", rows.Len())
	out.Write(rows.Bytes())
	fmt.Fprintf(&out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xrefOff)
	return out.Bytes(), nil
}

// writeOperand writes o in PDF syntax (strings as hex, so any bytes survive).
func writeOperand(w *bytes.Buffer, o operand) {
	switch o.kind {
	case oNum:
		w.WriteString(strconv.FormatFloat(o.num, 'f', -1, 64))
	case oStr:
		fmt.Fprintf(w, "<%x>", o.b)
	case oName:
		w.WriteByte('/')
		w.Write(o.b)
	case oRef:
		fmt.Fprintf(w, "%d %d R", int(o.num), o.gen)
	case oArr:
		w.WriteByte('[')
		for i, e := range o.arr {
			if i > 0 {
				w.WriteByte(' ')
			}
			writeOperand(w, e)
		}
		w.WriteByte(']')
	case oDict:
		w.WriteString("<<")
		for i, e := range o.arr {
			if i > 0 {
				w.WriteByte(' ')
			}
			writeOperand(w, e)
		}
		w.WriteString(">>")
	default:
		w.WriteString("null")
	}
}
