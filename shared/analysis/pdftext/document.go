package pdftext

import (
	"bytes"
	"errors"
	"io"
	"math"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"github.com/policylens/policylens/shared/domain/fault"
)

// Options bound the work of reading one PDF.
type Options struct {
	// MaxPages is the most pages accepted; more is fault.TooManyPages.
	MaxPages int
	// MaxStream is the largest decoded size of one stream, in bytes;
	// more is fault.TooComplex.
	MaxStream int64
	// MaxOps bounds the content-stream operators interpreted in the whole
	// document (form XObjects can multiply them); more is fault.TooComplex.
	MaxOps int
}

func (o Options) withDefaults() Options {
	if o.MaxPages <= 0 {
		o.MaxPages = 1000
	}
	if o.MaxStream <= 0 {
		o.MaxStream = 64 << 20
	}
	if o.MaxOps <= 0 {
		o.MaxOps = 200_000_000
	}
	return o
}

// Doc is an open PDF.
type Doc struct {
	r       *pdf.Reader
	opt     Options
	pages   []pageRef
	fonts   map[string]*font
	forms   map[string][]byte
	title   string
	rebuilt bool
	aes     bool
	ops     int
	// glyphBuf is reused from page to page.
	glyphBuf []Glyph
}

type pageRef struct {
	v      pdf.Value
	res    pdf.Value
	box    [4]float64
	rotate int
}

// Open reads the structure of a PDF: its cross-reference data, page tree
// and title. Junk before the %PDF- header, a PDF 2.0 (or other unknown)
// version, data after the last %%EOF and a damaged or missing xref table
// are tolerated. Errors wrap fault.Encrypted, fault.Corrupt, fault.TooManyPages or
// fault.TooComplex.
//
// Files with object streams are read through a rebuilt cross-reference
// table that has their objects copied out (see OpenRebuilt): the library
// would otherwise inflate an object stream for every object it resolves.
// Other files are read through their own table, and rebuilt if that fails.
func Open(data []byte, opt Options) (*Doc, error) {
	opt = opt.withDefaults()
	norm, err := normalize(data)
	if err != nil {
		return nil, err
	}
	sr := scanFile(norm)
	if err := checkStructureStreams(norm, sr, opt.MaxStream, 4*opt.MaxStream); err != nil {
		return nil, err
	}
	first, second := openOriginal, openRebuilt
	if sr.objStms > 0 && !sr.encrypt {
		first, second = openRebuilt, openOriginal
	}
	d, err := first(norm, sr, opt)
	if err == nil || fault.Is(fault.Encrypted, err) || fault.Is(fault.TooManyPages, err) || fault.Is(fault.TooComplex, err) {
		return d, err
	}
	d2, err2 := second(norm, sr, opt)
	if err2 != nil {
		if fault.Is(fault.TooManyPages, err2) || fault.Is(fault.TooComplex, err2) {
			return nil, err2
		}
		return nil, err
	}
	return d2, nil
}

// OpenRebuilt is Open, reading the file through a cross-reference table
// rebuilt from a scan of its objects, whether or not its own is intact.
func OpenRebuilt(data []byte, opt Options) (*Doc, error) {
	return openMode(data, opt, openRebuilt)
}

// OpenOriginal is Open, reading the file through its own cross-reference
// table only.
func OpenOriginal(data []byte, opt Options) (*Doc, error) {
	return openMode(data, opt, openOriginal)
}

func openMode(data []byte, opt Options, mode func([]byte, *scanResult, Options) (*Doc, error)) (*Doc, error) {
	opt = opt.withDefaults()
	norm, err := normalize(data)
	if err != nil {
		return nil, err
	}
	sr := scanFile(norm)
	if err := checkStructureStreams(norm, sr, opt.MaxStream, 4*opt.MaxStream); err != nil {
		return nil, err
	}
	return mode(norm, sr, opt)
}

func openOriginal(data []byte, sr *scanResult, opt Options) (*Doc, error) {
	return open(data, sr, opt)
}

func openRebuilt(data []byte, sr *scanResult, opt Options) (*Doc, error) {
	if sr.encrypt {
		return nil, encryptedErr()
	}
	fixed, err := rebuild(data, sr, opt.MaxStream)
	if err != nil {
		return nil, err
	}
	d, err := open(fixed, sr, opt)
	if d != nil {
		d.rebuilt = true
	}
	return d, err
}

func encryptedErr() error {
	return fault.E(fault.Encrypted, "the PDF is password-protected or encrypted; upload an unprotected copy")
}

// normalize makes data acceptable to ledongthuc/pdf, which insists on a
// "%PDF-1.x" header at offset 0 and "%%EOF" within the last 100 bytes.
func normalize(data []byte) ([]byte, error) {
	// The header may start anywhere in the first 1024 bytes and run past
	// them.
	head := data[:min(len(data), 1024+4)]
	i := -1
	for off := 0; off < 1024 && off < len(head); {
		j := bytes.Index(head[off:], []byte("%PDF-"))
		if j < 0 || off+j >= 1024 {
			break
		}
		if k := off + j + 5; k < len(data) && data[k] >= '0' && data[k] <= '9' {
			i = off + j
			break
		}
		off += j + 5
	}
	if i < 0 {
		return nil, fault.E(fault.Corrupt, "no %%PDF- header in the first 1024 bytes")
	}
	data = data[i:]
	if len(data) < 16 {
		return nil, fault.E(fault.Corrupt, "the file is too short to be a PDF")
	}
	// Cut anything after the last %%EOF (mail gateways and broken uploads
	// append data or NUL padding).
	if j := bytes.LastIndex(data, []byte("%%EOF")); j >= 0 {
		end := j + 5
		for end < len(data) && (data[end] == '\r' || data[end] == '\n') {
			end++
		}
		data = data[:end]
	}
	okHeader := bytes.HasPrefix(data, []byte("%PDF-1.")) && data[7] >= '0' && data[7] <= '7' && (data[8] == '\r' || data[8] == '\n')
	if !okHeader {
		fixed := make([]byte, len(data))
		copy(fixed, data)
		copy(fixed, "%PDF-1.7")
		if fixed[8] != '\r' && fixed[8] != '\n' {
			fixed[8] = '\n'
		}
		data = fixed
	}
	return data, nil
}

func open(data []byte, sr *scanResult, opt Options) (d *Doc, err error) {
	defer func() {
		if r := recover(); r != nil {
			rethrowBug(r)
			d, err = nil, fault.E(fault.Corrupt, "%v", r)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if sr.encrypt || strings.Contains(err.Error(), "encrypt") {
			return nil, encryptedErr()
		}
		return nil, fault.E(fault.Corrupt, "%v", err)
	}
	d = &Doc{r: r, opt: opt, fonts: map[string]*font{}, forms: map[string][]byte{}}
	if err := d.walkPages(); err != nil {
		return nil, err
	}
	enc := r.Trailer().Key("Encrypt")
	d.aes = enc.Key("V").Int64() >= 4
	d.title = infoText(r.Trailer().Key("Info").Key("Title"), d.aes)
	return d, nil
}

// NumPages is the number of pages found in the page tree.
func (d *Doc) NumPages() int { return len(d.pages) }

// Title is the document title from the info dictionary, if any.
func (d *Doc) Title() string { return d.title }

// Rebuilt reports whether the document was read through a rebuilt
// cross-reference table.
func (d *Doc) Rebuilt() bool { return d.rebuilt }

// rawString returns the bytes of a string object of a document
// encrypted with AES when aes is set: ledongthuc/pdf leaves the AES
// padding on decrypted strings.
func rawString(v pdf.Value, aes bool) string {
	raw := v.RawString()
	if aes {
		if n := len(raw); n > 0 && int(raw[n-1]) >= 1 && int(raw[n-1]) <= 16 && int(raw[n-1]) <= n &&
			strings.Count(raw[n-int(raw[n-1]):], raw[n-1:]) == int(raw[n-1]) {
			raw = raw[:n-int(raw[n-1])]
		}
	}
	return raw
}

// infoText decodes a text string of the info dictionary (PDFDocEncoding,
// UTF-16 with BOM, or UTF-8 with BOM as PDF 2.0 allows).
func infoText(v pdf.Value, aes bool) string {
	raw := rawString(v, aes)
	var s string
	switch {
	case strings.HasPrefix(raw, "\xef\xbb\xbf"):
		s = raw[3:]
	case strings.HasPrefix(raw, "\xff\xfe") && len(raw)%2 == 0:
		u := make([]uint16, 0, len(raw)/2)
		for i := 2; i+1 < len(raw); i += 2 {
			u = append(u, uint16(raw[i])|uint16(raw[i+1])<<8)
		}
		s = string(utf16.Decode(u))
	default:
		s = textString([]byte(raw))
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimPrefix(s, "Microsoft Word - ")
	// A file name is not a title.
	lower := strings.ToLower(s)
	for _, ext := range []string{".doc", ".docx", ".pdf", ".odt", ".rtf", ".txt", ".html", ".htm", ".indd", ".pages"} {
		if strings.HasSuffix(lower, ext) {
			return ""
		}
	}
	if lower == "untitled" || lower == "untitled document" {
		return ""
	}
	return s
}

type inherited struct {
	res               pdf.Value
	media, crop       [4]float64
	hasMedia, hasCrop bool
	rotate            int
}

// walkPages collects the leaves of the page tree in order, with inherited
// resources, crop box and rotation. Cycles are cut: a Pages node is
// visited at most once (by content; the library hides object numbers).
func (d *Doc) walkPages() error {
	root := d.r.Trailer().Key("Root")
	top := root.Key("Pages")
	if top.Kind() != pdf.Dict {
		return fault.E(fault.Corrupt, "the document has no page tree")
	}
	// The page count comes from walking the tree, never from /Count,
	// which a damaged or forged file may set to anything.
	type item struct {
		v     pdf.Value
		inh   inherited
		depth int
	}
	seen := map[string]bool{}
	stack := []item{{v: top}}
	budget := 4*d.opt.MaxPages + 1000
	extra := 0 // pages found past MaxPages: counted, not kept
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if budget--; budget < 0 {
			if extra > 0 {
				return fault.E(fault.TooManyPages, "the PDF has more than %d pages; the limit is %d", len(d.pages)+extra, d.opt.MaxPages)
			}
			return fault.E(fault.Corrupt, "the page tree is too large")
		}
		v, inh := it.v, it.inh
		if res := v.Key("Resources"); res.Kind() == pdf.Dict {
			inh.res = res
		}
		if b, ok := rect(v.Key("MediaBox")); ok {
			inh.media, inh.hasMedia = b, true
		}
		if b, ok := rect(v.Key("CropBox")); ok {
			inh.crop, inh.hasCrop = b, true
		}
		if rv := v.Key("Rotate"); rv.Kind() == pdf.Integer {
			inh.rotate = int(((rv.Int64() % 360) + 360) % 360)
		}
		kids := v.Key("Kids")
		isNode := v.Key("Type").Name() == "Pages" || (v.Key("Type").Name() != "Page" && kids.Kind() == pdf.Array)
		if !isNode {
			if len(d.pages) >= d.opt.MaxPages {
				extra++
				continue
			}
			box := [4]float64{0, 0, 612, 792}
			switch {
			case inh.hasCrop:
				box = inh.crop
			case inh.hasMedia:
				box = inh.media
			}
			d.pages = append(d.pages, pageRef{v: v, res: inh.res, box: box, rotate: inh.rotate})
			continue
		}
		id := v.String()
		if seen[id] || it.depth > 64 {
			continue
		}
		seen[id] = true
		// Push kids in reverse so the first kid is visited first.
		for i := kids.Len() - 1; i >= 0; i-- {
			k := kids.Index(i)
			if k.Kind() != pdf.Dict {
				continue
			}
			stack = append(stack, item{v: k, inh: inh, depth: it.depth + 1})
		}
	}
	if extra > 0 {
		return fault.E(fault.TooManyPages, "the PDF has %d pages; the limit is %d", len(d.pages)+extra, d.opt.MaxPages)
	}
	return nil
}

// rect reads a rectangle array, normalised so that x0 < x1 and y0 < y1.
func rect(v pdf.Value) ([4]float64, bool) {
	var b [4]float64
	if v.Kind() != pdf.Array || v.Len() != 4 {
		return b, false
	}
	for i := range b {
		b[i] = v.Index(i).Float64()
		if math.IsNaN(b[i]) || math.IsInf(b[i], 0) {
			return b, false
		}
	}
	if b[0] > b[2] {
		b[0], b[2] = b[2], b[0]
	}
	if b[1] > b[3] {
		b[1], b[3] = b[3], b[1]
	}
	if b[2]-b[0] < 1 || b[3]-b[1] < 1 {
		return b, false
	}
	return b, true
}

// readStream decodes a stream, refusing more than MaxStream bytes. A
// damaged compressed stream yields what could be decoded before the damage.
func (d *Doc) readStream(v pdf.Value) ([]byte, error) {
	return d.readStreamPrefix(v, d.opt.MaxStream)
}

func (d *Doc) readStreamPrefix(v pdf.Value, max int64) (b []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			rethrowBug(r)
			b, err = nil, fault.E(fault.Corrupt, "unreadable stream: %v", r)
		}
	}()
	if v.Kind() != pdf.Stream {
		return nil, nil
	}
	rc := v.Reader()
	defer rc.Close()
	b, rerr := io.ReadAll(io.LimitReader(rc, max+1))
	if int64(len(b)) > max {
		if max < d.opt.MaxStream {
			return b[:max], nil // a prefix was asked for
		}
		return nil, fault.E(fault.TooComplex, "a stream inflates to more than %d MB", max>>20)
	}
	if rerr != nil && len(b) == 0 && !errors.Is(rerr, io.ErrUnexpectedEOF) && !errors.Is(rerr, io.EOF) {
		return nil, fault.E(fault.Corrupt, "unreadable stream: %v", rerr)
	}
	return b, nil
}
