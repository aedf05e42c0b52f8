package extract

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/analysis/internal/wire"
	"github.com/policylens/policylens/shared/analysis/isolate"
	"github.com/policylens/policylens/shared/analysis/pdflayout"
	"github.com/policylens/policylens/shared/analysis/pdftext"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// PDF extraction runs in a child process (see shared/isolate): the PDF
// library can panic, loop forever or inflate a small file into gigabytes,
// and only a process can be killed at the time and memory limits.
//
// Setting POLICYLENS_PDF_ISOLATION=off runs it in-process instead, for
// platforms that cannot start processes; panics are still recovered, but an
// endless loop then leaks a goroutine and memory is not bounded.
const (
	pdfWorker       = "policylens-pdf"
	envPDFIsolation = "POLICYLENS_PDF_ISOLATION"
)

func init() {
	isolate.Worker(pdfWorker, servePDF)
}

type pdfRequest struct {
	Data      []byte
	MaxPages  int
	MaxMemory int64
}

func (r pdfRequest) encode() []byte {
	e := wire.NewEncoder(make([]byte, 0, len(r.Data)+32))
	e.Data(r.Data)
	e.Int(int64(r.MaxPages))
	e.Int(r.MaxMemory)
	return e.Bytes()
}

func decodePDFRequest(b []byte) (pdfRequest, error) {
	d := wire.NewDecoder(b)
	r := pdfRequest{Data: d.Data(), MaxPages: int(d.Int()), MaxMemory: d.Int()}
	return r, d.Err()
}

type pdfResponse struct {
	Doc *policy.Document
	// Kind and Detail describe the input error, if any (Kind is
	// fault.Other on success).
	Kind   fault.Kind
	Detail string
	Bug    string // a panic in our own code, with its stack
}

func (r *pdfResponse) encode() []byte {
	n := 64 + len(r.Detail) + len(r.Bug)
	if r.Doc != nil {
		for _, b := range r.Doc.Blocks {
			n += len(b.Text) + 8
		}
	}
	e := wire.NewEncoder(make([]byte, 0, n))
	e.Bool(r.Doc != nil)
	if doc := r.Doc; doc != nil {
		e.String(string(doc.Format))
		e.String(doc.Encoding)
		e.String(doc.Title)
		e.Int(int64(doc.Pages))
		e.Count(len(doc.Blocks), doc.Blocks == nil)
		for _, b := range doc.Blocks {
			e.Int(int64(b.Kind))
			e.Int(int64(b.Level))
			e.String(b.Text)
			e.Int(int64(b.Page))
			e.Links(b.Links)
		}
		e.Strings(doc.LinkEmails)
	}
	e.Int(int64(r.Kind))
	e.String(r.Detail)
	e.String(r.Bug)
	return e.Bytes()
}

func decodePDFResponse(b []byte) (*pdfResponse, error) {
	d := wire.NewDecoder(b)
	r := &pdfResponse{}
	if d.Bool() {
		doc := &policy.Document{Format: policy.Format(d.String()), Encoding: d.String(), Title: d.String(), Pages: int(d.Int())}
		if n, isNil := d.Count(4); !isNil {
			doc.Blocks = make([]policy.Block, n)
			for i := range doc.Blocks {
				doc.Blocks[i] = policy.Block{Kind: policy.Kind(d.Int()), Level: int(d.Int()), Text: d.String(), Page: int(d.Int()), Links: d.Links()}
			}
		}
		doc.LinkEmails = d.Strings()
		r.Doc = doc
	}
	r.Kind = fault.Kind(d.Int())
	r.Detail = d.String()
	r.Bug = d.String()
	if err := d.Err(); err != nil {
		return nil, err
	}
	return r, nil
}

// bugError is the error for a panic in our own code (not in the PDF
// library): the user gets a fault.Corrupt error, and the panic is logged as
// a bug.
type bugError struct {
	err   *fault.Error
	value any
	stack []byte
}

func (e *bugError) Error() string { return e.err.Error() }
func (e *bugError) Unwrap() error { return e.err }

// bugHook, when set (by tests), is called for every bug reported.
var bugHook func(msg string)

func reportBug(msg string) {
	slog.Error("bug in pdf extraction", "panic", msg)
	if bugHook != nil {
		bugHook(msg)
	}
}

// reportedBug reports a bug carried by err and returns the plain error.
func reportedBug(err error) error {
	var be *bugError
	if errors.As(err, &be) {
		reportBug(fmt.Sprintf("%v\n%s", be.value, be.stack))
		return be.err
	}
	return err
}

// servePDF is the worker: it runs in the child process. Extraction runs
// on one thread: one P spares the CPU time of idle threads and parallel
// collection, and a heap let to grow to five times what is live (within
// the memory limit the parent sets) spares most collections. Together they
// cut the worker's CPU time by about a fifth (scripts/bench-pdf.sh). A
// worker serves one file after another; each gets the same settings.
func servePDF(in []byte) ([]byte, error) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	req, err := decodePDFRequest(in)
	if err != nil {
		return nil, fmt.Errorf("decode request: %w", err)
	}
	lim := policy.Limits{MaxPages: req.MaxPages, MaxMemory: req.MaxMemory}
	doc, err := pdfDocument(context.Background(), req.Data, lim)
	var resp pdfResponse
	if err != nil {
		k := fault.KindOf(err)
		if !k.Input() {
			return nil, err
		}
		resp.Kind, resp.Detail = k, fault.Detail(err)
		var be *bugError
		if errors.As(err, &be) {
			resp.Bug = fmt.Sprintf("%v\n%s", be.value, be.stack)
		}
	} else {
		resp.Doc = doc
	}
	return resp.encode(), nil
}

func extractPDF(ctx context.Context, data []byte, lim policy.Limits) (*policy.Document, error) {
	if os.Getenv(envPDFIsolation) == "off" || isolate.IsWorker() {
		return extractPDFInProcess(ctx, data, lim)
	}
	req := pdfRequest{Data: data, MaxPages: lim.MaxPages, MaxMemory: lim.MaxMemory}
	out, err := isolate.Run(ctx, pdfWorker, req.encode(), isolate.Limits{Timeout: lim.Timeout, MaxMemory: lim.MaxMemory})
	var crash *isolate.CrashError
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, fmt.Errorf("extract pdf: %w", ctx.Err())
	case errors.Is(err, isolate.ErrTimeout):
		return nil, fault.E(fault.Timeout, "reading the PDF took longer than %v; the file may be damaged or too complex", lim.Timeout)
	case errors.Is(err, isolate.ErrMemory):
		return nil, fault.E(fault.TooComplex, "reading the PDF needed more than %d MB of memory", lim.MaxMemory>>20)
	case errors.As(err, &crash):
		// What a crashed process printed is Go runtime text: the log gets
		// it, the user a sentence.
		slog.Error("pdf worker crashed", "exit", crash.ExitCode, "stderr", crash.Stderr)
		return nil, fault.E(fault.Corrupt, "the PDF could not be read (the reader crashed on it); the file may be damaged")
	case errors.Is(err, isolate.ErrUnavailable):
		slog.Warn("pdf extraction runs in-process: no worker process", "err", err)
		return extractPDFInProcess(ctx, data, lim)
	default:
		return nil, fmt.Errorf("extract pdf: %w", err)
	}
	resp, err := decodePDFResponse(out)
	if err != nil {
		return nil, fmt.Errorf("extract pdf: decode response: %w", err)
	}
	if resp.Bug != "" {
		reportBug(resp.Bug)
	}
	if resp.Kind != fault.Other {
		if !resp.Kind.Input() {
			return nil, fmt.Errorf("extract pdf: the worker reported %v: %s", resp.Kind, resp.Detail)
		}
		return nil, &fault.Error{Kind: resp.Kind, Detail: resp.Detail}
	}
	if resp.Doc == nil {
		return nil, errors.New("extract pdf: empty response")
	}
	return resp.Doc, nil
}

// extractPDFInProcess extracts in this process, with the time limit
// enforced by abandoning the work (the goroutine may go on running).
func extractPDFInProcess(ctx context.Context, data []byte, lim policy.Limits) (*policy.Document, error) {
	if lim.Timeout <= 0 {
		doc, err := pdfDocument(ctx, data, lim)
		return doc, reportedBug(err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		doc *policy.Document
		err error
	}
	ch := make(chan result, 1)
	go func() {
		doc, err := pdfDocument(ctx, data, lim)
		ch <- result{doc, err}
	}()
	t := time.NewTimer(lim.Timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.doc, reportedBug(r.err)
	case <-ctx.Done():
		return nil, fmt.Errorf("extract pdf: %w", ctx.Err())
	case <-t.C:
		return nil, fault.E(fault.Timeout, "reading the PDF took longer than %v; the file may be damaged or too complex", lim.Timeout)
	}
}

// streamLimit is the largest decoded stream accepted for a memory limit.
func streamLimit(maxMemory int64) int64 {
	return min(64<<20, max(maxMemory/4, 1<<20))
}

// pdfDocument reads a PDF into a Document. It recovers from panics in the
// PDF library and checks ctx between pages.
func pdfDocument(ctx context.Context, data []byte, lim policy.Limits) (doc *policy.Document, err error) {
	lim = lim.WithDefaults()
	defer func() {
		if r := recover(); r != nil {
			var stack []byte
			if b, ok := r.(*pdftext.Bug); ok {
				r, stack = b.Value, b.Stack
			} else if st := debug.Stack(); !pdftext.PanickedInLibrary(st) {
				stack = st
			}
			fe := fault.E(fault.Corrupt, "the PDF is damaged and cannot be read (%v)", r).(*fault.Error)
			doc, err = nil, fe
			if stack != nil {
				err = &bugError{err: fe, value: r, stack: stack}
			}
		}
	}()
	opt := pdftext.Options{MaxPages: lim.MaxPages, MaxStream: streamLimit(lim.MaxMemory)}
	d, err := pdftext.Open(data, opt)
	if err != nil {
		return nil, pdfInputError(err)
	}
	pages, st, err := readPDFPages(ctx, d)
	if err == nil && st.failed > 0 {
		// Read the file the other way: through its own cross-reference
		// table if we rebuilt it, through a rebuilt one otherwise.
		open := pdftext.OpenRebuilt
		if d.Rebuilt() {
			open = pdftext.OpenOriginal
		}
		if alt, aerr := open(data, opt); aerr == nil {
			if pages2, st2, err2 := readPDFPages(ctx, alt); err2 == nil && st2.failed < st.failed {
				d, pages, st = alt, pages2, st2
			}
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("extract pdf: %w", ctx.Err())
		}
		return nil, pdfInputError(err)
	}
	if st.failed > 0 && (st.failed*4 > d.NumPages() || st.failed == d.NumPages()) {
		return nil, fault.E(fault.Corrupt, "the PDF is damaged: %d of its %d pages cannot be read (%v)", st.failed, d.NumPages(), st.firstErr)
	}
	if st.glyphs == 0 {
		if st.unmapped > 0 {
			return nil, fault.E(fault.NoText, "the PDF's fonts do not say which characters they draw, so no text can be extracted; OCR is not supported")
		}
		return nil, fault.E(fault.NoText, "the PDF contains no text, only images (a scanned document?); OCR is not supported")
	}
	blocks := pdflayout.Blocks(pages)
	doc = &policy.Document{Format: policy.PDF, Title: d.Title(), Pages: d.NumPages()}
	doc.Blocks = make([]policy.Block, 0, len(blocks))
	for _, b := range blocks {
		k, text := policy.Paragraph, b.Text
		switch b.Kind {
		case pdflayout.Heading:
			k = policy.Heading
		case pdflayout.ListItem:
			k = policy.ListItem
		case pdflayout.TableRow:
			k, text = policy.TableRow, tableRowText(b.Header, b.Cells)
			if text == "" {
				continue
			}
		}
		doc.Blocks = append(doc.Blocks, policy.Block{Kind: k, Level: b.Level, Text: text, Page: b.Page})
	}
	if len(doc.Blocks) == 0 {
		return nil, fault.E(fault.NoText, "the PDF contains no readable text; OCR is not supported")
	}
	// The web links and the addresses of mail links, while time is left:
	// they are an extra.
	pdfLinks(ctx, d, pages, doc.Blocks)
	for i := 0; i < d.NumPages() && len(doc.LinkEmails) < maxLinkEmails && ctx.Err() == nil; i++ {
		for _, u := range d.LinkURIs(i, maxLinkEmails) {
			doc.LinkEmails = appendMailto(doc.LinkEmails, u)
		}
	}
	return doc, nil
}

type pageStats struct {
	glyphs, unmapped, failed int
	firstErr                 error
}

func readPDFPages(ctx context.Context, d *pdftext.Doc) ([]*pdflayout.PageRows, pageStats, error) {
	var st pageStats
	pages := make([]*pdflayout.PageRows, 0, d.NumPages())
	for i := 0; i < d.NumPages(); i++ {
		if err := ctx.Err(); err != nil {
			return nil, st, err
		}
		p, err := d.Page(i)
		if err != nil {
			if fault.Is(fault.TooComplex, err) {
				return nil, st, err
			}
			if st.firstErr == nil {
				st.firstErr = err
			}
			st.failed++
			continue
		}
		st.glyphs += len(p.Glyphs)
		st.unmapped += p.Unmapped
		pages = append(pages, pdflayout.Page(p))
	}
	return pages, st, nil
}

// pdfInputError gives a pdftext error the detail a user reads.
func pdfInputError(err error) error {
	switch k := fault.KindOf(err); k {
	case fault.Encrypted, fault.TooManyPages, fault.TooComplex:
		return &fault.Error{Kind: k, Detail: fault.Detail(err)}
	case fault.Corrupt:
		return fault.E(fault.Corrupt, "the PDF is damaged or truncated and cannot be read (%s)", fault.Detail(err))
	}
	return fault.E(fault.Corrupt, "the PDF cannot be read (%v)", err)
}

// pdfLinks puts the web links of the pages' link annotations at their
// words in the blocks of their page (Block.Links): the words a link's
// rectangle covers (pdflayout.WordsIn), in their order on the page, each
// at its first place in the page's blocks that no other link holds, else
// in the paragraph that runs on from the page before. A link whose words are not
// found there (a word hyphenated across lines, a link over an image) is
// left out, as are targets that are no absolute http or https address.
func pdfLinks(ctx context.Context, d *pdftext.Doc, pages []*pdflayout.PageRows, blocks []policy.Block) {
	byNumber := make(map[int]*pdflayout.PageRows, len(pages))
	for _, p := range pages {
		byNumber[p.Number] = p
	}
	n, first := 0, 0
	for i := 0; i < d.NumPages() && n < maxLinks && ctx.Err() == nil; i++ {
		number := i + 1
		for first < len(blocks) && blocks[first].Page < number {
			first++
		}
		last := first
		for last < len(blocks) && blocks[last].Page == number {
			last++
		}
		pr := byNumber[number]
		if pr == nil {
			continue
		}
		// The links in the order of their words on the page, which the
		// order of the annotations need not be.
		type pageLink struct {
			words, url string
			at         int
		}
		var links []pageLink
		for _, l := range d.Links(i, maxLinks-n) {
			url := webLink(nil, l.URI)
			words, at := pr.WordsIn(l.X0, l.Y0, l.X1, l.Y1)
			// A link's rectangle takes in the punctuation that ends its
			// last word: "see our page."
			words = strings.TrimRight(words, ".,;:!?")
			if url != "" && words != "" && len(words) <= maxLinkChars {
				links = append(links, pageLink{words, url, at})
			}
		}
		slices.SortStableFunc(links, func(a, b pageLink) int { return a.at - b.at })
		for _, l := range links {
			if placeLink(blocks[first:last], l.words, l.url) || first > 0 && placeLink(blocks[first-1:first], l.words, l.url) {
				n++
			}
		}
	}
	for i := range blocks {
		slices.SortFunc(blocks[i].Links, func(a, b policy.Link) int { return a.Start - b.Start })
	}
}

// placeLink adds a link to the first block of blocks whose text holds its
// words where no other link is, and reports whether it found one.
func placeLink(blocks []policy.Block, words, url string) bool {
	for k := range blocks {
		for from := 0; ; {
			start, end := indexWords(blocks[k].Text, from, words)
			if start < 0 {
				break
			}
			if !slices.ContainsFunc(blocks[k].Links, func(l policy.Link) bool { return l.Start < end && start < l.End }) {
				blocks[k].Links = append(blocks[k].Links, policy.Link{Start: start, End: end, URL: url})
				return true
			}
			from = start + 1
		}
	}
	return false
}
