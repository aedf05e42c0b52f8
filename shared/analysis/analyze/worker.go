package analyze

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/internal/wire"
	"github.com/policylens/policylens/shared/analysis/isolate"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// The work that depends on the shape of the input (extraction,
// segmentation, key facts) runs in a child process, for every format: a
// file of a million headings or a deflate bomb can then use at most
// Limits.MaxMemory and Limits.Timeout before the process is killed, and the
// caller gets a fault.TooComplex or fault.Timeout error instead of running
// out of memory itself. The child sends back at most Limits.MaxClauses
// clauses; the caller classifies them.
//
// POLICYLENS_ISOLATION=off (or POLICYLENS_PDF_ISOLATION=off) does the work
// in-process instead, for platforms that cannot start processes: limits on
// sizes and counts still hold, but time and memory are not bounded.
const (
	worker       = "policylens-analyze"
	envIsolation = "POLICYLENS_ISOLATION"
	envPDF       = "POLICYLENS_PDF_ISOLATION"
)

func init() {
	isolate.Worker(worker, serve)
}

// request is the header of a worker request; the file's bytes follow it.
type request struct {
	Name     string
	Limits   policy.Limits
	MaxChars int
	// Lexicon is the classifier's lexicon (classify.Lexicon), for mending
	// words broken at line ends; empty when the caller classifies with the
	// embedded model, whose lexicon the worker reads from its own copy
	// (extract's default) instead of 330 KB through the pipe.
	Lexicon []byte
}

// split is what the worker sends back: the document's summary and its
// clauses, not yet classified.
type split struct {
	Format   string
	Encoding string
	Pages    int
	Facts    policy.Facts
	// Paths are the distinct heading paths; each clause names its own by
	// index, so that a path shared by a hundred clauses is sent once.
	Paths   [][]string
	Clauses []wireClause
	// Kind and Detail describe an input error (Kind is fault.Other on
	// success).
	Kind   fault.Kind
	Detail string
}

type wireClause struct {
	Path             int
	Text             string
	Start, End, Page int
	// Links are the clause's web links, in bytes of Text.
	Links []policy.Link
}

// serve is the worker: it runs in the child process.
func serve(in []byte) ([]byte, error) {
	req, data, err := decodeRequest(in)
	if err != nil {
		return nil, err
	}
	if extract.LooksPDF(data) {
		// Reading a PDF runs on one thread and its heap grows a little at
		// a time, well under the memory limit (a PDF of 1,000 pages, the
		// page limit, peaks at about 150 MB): one P spares the CPU time of
		// idle threads and parallel collection, and a heap let to grow to
		// five times what is live spares most collections of a heap that
		// starts empty. Together they cut the worker's CPU time by about a
		// fifth (scripts/bench-pdf.sh). Not for text, whose large files
		// come near the limit, where a single P collects too slowly.
		// The worker serves one file after another: the next file gets
		// the settings back.
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	ctx := context.Background()
	if len(req.Lexicon) > 0 {
		lex, err := classify.UnmarshalLexicon(req.Lexicon)
		if err != nil {
			return nil, fmt.Errorf("decode lexicon: %w", err)
		}
		ctx = extract.WithLexicon(ctx, lex)
	}
	sp, err := splitDocument(ctx, req, data)
	if err != nil {
		k := fault.KindOf(err)
		if !k.Input() {
			return nil, err
		}
		sp = &split{Kind: k, Detail: fault.Detail(err)}
	}
	out := sp.encode()
	// Give back what the analysis used before the caller allocates the
	// response: the two processes' peaks then do not add up. (Not worth a
	// collection, about a millisecond, for the few megabytes of a usual
	// policy.)
	sp = nil
	if heapBytes() > freeAbove {
		debug.FreeOSMemory()
	}
	return out, nil
}

// encodeRequest returns the header part of a request: its length as 4
// bytes big-endian, then the encoded request.
func encodeRequest(req request) ([]byte, error) {
	e := wire.NewEncoder(make([]byte, 4, 64+len(req.Name)+len(req.Lexicon)))
	e.String(req.Name)
	lim := req.Limits
	for _, v := range []int64{lim.MaxBytes, int64(lim.MaxPages), int64(lim.MaxClauses), int64(lim.Timeout), lim.MaxMemory, int64(req.MaxChars)} {
		e.Int(v)
	}
	e.Data(req.Lexicon)
	hdr := e.Bytes()
	if len(hdr)-4 > math.MaxUint32 {
		return nil, errors.New("request header too large")
	}
	binary.BigEndian.PutUint32(hdr, uint32(len(hdr)-4))
	return hdr, nil
}

func decodeRequest(in []byte) (request, []byte, error) {
	var req request
	if len(in) < 4 {
		return req, nil, errors.New("short request")
	}
	n := binary.BigEndian.Uint32(in)
	if uint64(n) > uint64(len(in)-4) {
		return req, nil, errors.New("bad request header")
	}
	d := wire.NewDecoder(in[4 : 4+n])
	req.Name = d.String()
	req.Limits = policy.Limits{MaxBytes: d.Int(), MaxPages: int(d.Int()), MaxClauses: int(d.Int()), Timeout: time.Duration(d.Int()), MaxMemory: d.Int()}
	req.MaxChars = int(d.Int())
	req.Lexicon = d.Data()
	if err := d.Err(); err != nil {
		return req, nil, fmt.Errorf("decode request: %w", err)
	}
	return req, in[4+n:], nil
}

// splitDocument extracts, segments and finds the key facts of data.
func splitDocument(ctx context.Context, req request, data []byte) (*split, error) {
	lim := req.Limits.WithDefaults()
	doc, err := extract.Extract(ctx, req.Name, data, lim)
	if err != nil {
		return nil, err
	}
	// Facts first: what they allocate is garbage before segmentation
	// allocates its own copies of the text.
	sp := &split{
		Format:   string(doc.Format),
		Encoding: doc.Encoding,
		Pages:    doc.Pages,
		Facts:    facts.Find(doc),
	}
	clauses, err := segment.SplitBounded(doc, segment.Options{MaxChars: req.MaxChars, MaxClauses: lim.MaxClauses})
	if err != nil {
		return nil, err
	}
	sp.Clauses = make([]wireClause, len(clauses))
	paths := map[string]int{}
	var key []byte
	for i, c := range clauses {
		key = key[:0]
		for _, h := range c.Heading {
			key = append(append(key, h...), 0)
		}
		p, ok := paths[string(key)]
		if !ok {
			p = len(sp.Paths)
			paths[string(key)] = p
			sp.Paths = append(sp.Paths, c.Heading)
		}
		sp.Clauses[i] = wireClause{Path: p, Text: c.Text, Start: c.Start, End: c.End, Page: c.Page}
	}
	clauseLinks(doc, sp.Clauses)
	return sp, nil
}

// clauseLinks gives each clause the links of the document's blocks that
// lie inside it, at the same words of its text (which has its white space
// collapsed).
func clauseLinks(doc *policy.Document, clauses []wireClause) {
	type docLink struct {
		start, end int // bytes of the document's text
		url        string
	}
	var links []docLink
	off := 0
	for i, b := range doc.Blocks {
		if i > 0 {
			off += len(policy.BlockSeparator)
		}
		for _, l := range b.Links {
			links = append(links, docLink{off + l.Start, off + l.End, l.URL})
		}
		off += len(b.Text)
	}
	if len(links) == 0 {
		return
	}
	text := doc.Text()
	// Code points to bytes, in one pass: clauses come in order.
	pos, runes := 0, 0
	at := func(r int) int {
		for pos < len(text) && runes < r {
			_, n := utf8.DecodeRuneInString(text[pos:])
			pos += n
			runes++
		}
		return pos
	}
	k := 0
	for i := range clauses {
		c := &clauses[i]
		from, to := at(c.Start), at(c.End)
		for k < len(links) && links[k].start < from {
			k++
		}
		for j := k; j < len(links) && links[j].end <= to; j++ {
			l := links[j]
			end := len(strings.Join(strings.Fields(text[from:l.end]), " "))
			words := strings.Join(strings.Fields(text[l.start:l.end]), " ")
			start := end - len(words)
			if start < 0 || end > len(c.Text) || c.Text[start:end] != words {
				continue // the clause's text is not the document's here
			}
			c.Links = append(c.Links, policy.Link{Start: start, End: end, URL: l.url})
		}
	}
}

// encode returns the worker's answer, allocated once at about its size.
func (sp *split) encode() []byte {
	n := 256 + len(sp.Detail) + len(sp.Facts.Title) + len(sp.Facts.Company)
	for _, l := range [][]string{sp.Facts.Emails, sp.Facts.URLs, sp.Facts.Regulations} {
		for _, s := range l {
			n += len(s) + 2
		}
	}
	for _, p := range sp.Paths {
		for _, h := range p {
			n += len(h) + 2
		}
	}
	for _, c := range sp.Clauses {
		n += len(c.Text) + 16
	}
	e := wire.NewEncoder(make([]byte, 0, n))
	e.String(sp.Format)
	e.String(sp.Encoding)
	e.Int(int64(sp.Pages))
	f := &sp.Facts
	e.String(f.Title)
	e.String(f.Company)
	e.Bool(f.Updated != nil)
	if f.Updated != nil {
		e.String(f.Updated.AsWritten)
		e.String(f.Updated.ISO)
	}
	e.Strings(f.Emails)
	e.Strings(f.URLs)
	e.Strings(f.Regulations)
	e.Count(len(sp.Paths), false)
	for _, p := range sp.Paths {
		e.Strings(p)
	}
	e.Count(len(sp.Clauses), false)
	for _, c := range sp.Clauses {
		e.Int(int64(c.Path))
		e.String(c.Text)
		e.Int(int64(c.Start))
		e.Int(int64(c.End))
		e.Int(int64(c.Page))
		e.Links(c.Links)
	}
	e.Int(int64(sp.Kind))
	e.String(sp.Detail)
	return e.Bytes()
}

// decodeSplit reads what encode wrote. The lists of facts are never nil.
func decodeSplit(b []byte) (*split, error) {
	d := wire.NewDecoder(b)
	sp := &split{Format: d.String(), Encoding: d.String(), Pages: int(d.Int())}
	f := &sp.Facts
	f.Title = d.String()
	f.Company = d.String()
	if d.Bool() {
		f.Updated = &policy.Date{AsWritten: d.String(), ISO: d.String()}
	}
	f.Emails, f.URLs, f.Regulations = d.Strings(), d.Strings(), d.Strings()
	for _, l := range []*[]string{&f.Emails, &f.URLs, &f.Regulations} {
		if *l == nil {
			*l = []string{}
		}
	}
	n, _ := d.Count(1)
	sp.Paths = make([][]string, n)
	for i := range sp.Paths {
		sp.Paths[i] = d.Strings()
	}
	n, _ = d.Count(6)
	sp.Clauses = make([]wireClause, n)
	for i := range sp.Clauses {
		sp.Clauses[i] = wireClause{Path: int(d.Int()), Text: d.String(), Start: int(d.Int()), End: int(d.Int()), Page: int(d.Int()), Links: d.Links()}
	}
	sp.Kind = fault.Kind(d.Int())
	sp.Detail = d.String()
	if err := d.Err(); err != nil {
		return nil, err
	}
	return sp, nil
}

// isolated reports whether the analysis runs in a worker process.
func isolated() bool {
	return os.Getenv(envIsolation) != "off" && os.Getenv(envPDF) != "off" && !isolate.IsWorker()
}

// splitIsolated runs splitDocument in a worker process within the limits.
func (a *Analyzer) splitIsolated(ctx context.Context, name string, data []byte) (*split, error) {
	lim := a.limits
	if !isolated() {
		return splitDocument(extract.WithLexicon(ctx, a.lexicon()), request{Name: name, Limits: lim, MaxChars: a.segment.MaxChars}, data)
	}
	req := request{Name: name, Limits: lim, MaxChars: a.segment.MaxChars}
	if m, err := classify.Default(); err != nil || m != a.model {
		req.Lexicon = a.model.LexiconBytes()
	}
	hdr, err := encodeRequest(req)
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	out, err := isolate.RunParts(ctx, worker, isolate.Limits{Timeout: lim.Timeout, MaxMemory: lim.MaxMemory, Stderr: os.Stderr}, hdr, data)
	var crash *isolate.CrashError
	what := "analysing the file"
	if extract.LooksPDF(data) {
		what = "reading the PDF"
	}
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, isolate.ErrTimeout):
		return nil, fault.E(fault.Timeout, "%s took longer than %v; the file may be damaged or too complex", what, lim.Timeout)
	case errors.Is(err, isolate.ErrMemory):
		return nil, fault.E(fault.TooComplex, "%s needed more than %d MB of memory; the file may be damaged or too complex", what, lim.MaxMemory>>20)
	case errors.As(err, &crash):
		slog.Error("analysis worker crashed", "file", name, "exit", crash.ExitCode, "stderr", crash.Stderr)
		return nil, fault.E(fault.Corrupt, "%s failed: the reader crashed on this file; it may be damaged", what)
	case errors.Is(err, isolate.ErrUnavailable):
		slog.Warn("analysis runs in-process: no worker process", "err", err)
		return splitDocument(extract.WithLexicon(ctx, a.lexicon()), request{Name: name, Limits: lim, MaxChars: a.segment.MaxChars}, data)
	default:
		return nil, err
	}
	sp, err := decodeSplit(out)
	if err != nil {
		return nil, fmt.Errorf("decode worker response: %w", err)
	}
	if sp.Kind != fault.Other {
		if !sp.Kind.Input() {
			return nil, fmt.Errorf("the worker reported %v: %s", sp.Kind, sp.Detail)
		}
		return nil, &fault.Error{Kind: sp.Kind, Detail: sp.Detail}
	}
	for _, c := range sp.Clauses {
		if c.Path < 0 || c.Path >= len(sp.Paths) {
			return nil, errors.New("worker response: bad heading path")
		}
	}
	return sp, nil
}

// freeAbove is the heap size above which the worker gives its memory back
// before answering.
const freeAbove = 32 << 20

// heapBytes is the memory of the worker's heap, live or not yet collected.
func heapBytes() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
