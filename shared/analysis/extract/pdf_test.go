package extract

import (
	"bytes"
	"context"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/hyphen"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

var pdfDir = fixture.Path("testdata", "pdf")

func readPDF(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pdfDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// srcNode is one element of a policy source in testdata/pdf/src (see
// scripts/pdffixtures for the markup).
type srcNode struct {
	kind policy.Kind
	text string
}

type srcPolicy struct {
	title string
	nodes []srcNode
}

func readSource(t testing.TB, name string) srcPolicy {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(pdfDir, "src", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	var p srcPolicy
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case i == 0:
			p.title = strings.TrimPrefix(line, "= ")
		case strings.HasPrefix(line, "## "):
			p.nodes = append(p.nodes, srcNode{policy.Heading, line[3:]})
		case strings.HasPrefix(line, "# "):
			p.nodes = append(p.nodes, srcNode{policy.Heading, line[2:]})
		case strings.HasPrefix(line, "- "), strings.HasPrefix(line, "+ "):
			p.nodes = append(p.nodes, srcNode{policy.ListItem, line[2:]})
		default:
			p.nodes = append(p.nodes, srcNode{policy.Paragraph, line})
		}
	}
	return p
}

var (
	quotes      = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "``", `"`, "''", `"`)
	enumerator  = regexp.MustCompile(`^(\d{1,3}[.)]|\(?[a-z][.)])\s+`)
	wordTrimmer = func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
)

// norm makes texts from different producers comparable: straight quotes,
// single spaces.
func norm(s string) string {
	return strings.Join(strings.Fields(quotes.Replace(s)), " ")
}

// sourceWords is the set of words of a policy source, lower-cased and
// without surrounding punctuation.
func sourceWords(p srcPolicy) map[string]bool {
	w := map[string]bool{}
	add := func(s string) {
		for _, f := range strings.Fields(norm(s)) {
			w[strings.ToLower(strings.TrimFunc(f, wordTrimmer))] = true
		}
	}
	add(p.title)
	for _, n := range p.nodes {
		add(n.text)
	}
	return w
}

// checkAgainstSource asserts what a reader of the PDF would check: every
// heading, paragraph and list item of the source comes out as one block of
// the right kind, whole, in the source's order; and no block has a word the
// source does not have (running headers, page numbers, glued or split
// words).
func checkAgainstSource(t *testing.T, doc *policy.Document, src srcPolicy) {
	t.Helper()
	if doc.Format != policy.PDF {
		t.Errorf("Format = %q, want pdf", doc.Format)
	}
	if doc.Title != src.title {
		t.Errorf("Title = %q, want %q", doc.Title, src.title)
	}
	want := append([]srcNode{{policy.Heading, src.title}}, src.nodes...)
	at := 0
	for _, n := range want {
		found := -1
		for i := at; i < len(doc.Blocks); i++ {
			got := norm(doc.Blocks[i].Text)
			if n.kind == policy.ListItem {
				got = enumerator.ReplaceAllString(got, "")
			}
			if got == norm(n.text) {
				found = i
				break
			}
			// Known limitation: a compound broken at its own hyphen at a
			// line end ("member-/owned") loses the hyphen unless the
			// document uses the compound or both halves elsewhere.
			if strings.ReplaceAll(got, "-", "") == strings.ReplaceAll(norm(n.text), "-", "") {
				t.Logf("hyphen lost in a compound: %q", got)
				found = i
				break
			}
		}
		if found < 0 {
			t.Errorf("%s %q is not a block of its own after block %d", n.kind, n.text, at)
			continue
		}
		if b := doc.Blocks[found]; b.Kind != n.kind {
			t.Errorf("block %q: kind %s, want %s", n.text, b.Kind, n.kind)
		}
		at = found + 1
	}
	if len(doc.Blocks) != len(want) {
		t.Errorf("%d blocks, want %d", len(doc.Blocks), len(want))
	}
	words := sourceWords(src)
	for w := range words {
		if strings.Contains(w, "-") {
			words[strings.ReplaceAll(w, "-", "")] = true // see above
		}
	}
	for _, b := range doc.Blocks {
		for _, f := range strings.Fields(norm(enumerator.ReplaceAllString(b.Text, ""))) {
			if w := strings.ToLower(strings.TrimFunc(f, wordTrimmer)); w != "" && !words[w] {
				t.Errorf("page %d: word %q is not in the source (block %q)", b.Page, f, b.Text)
			}
		}
	}
	prev := 1
	for _, b := range doc.Blocks {
		if b.Page < prev || b.Page > doc.Pages {
			t.Errorf("block %q on page %d after page %d of %d", b.Text, b.Page, prev, doc.Pages)
		}
		prev = b.Page
		if !utf8.ValidString(b.Text) || strings.TrimSpace(b.Text) != b.Text || strings.Contains(b.Text, "\n") {
			t.Errorf("block text not a clean single line: %q", b.Text)
		}
	}
}

func TestPDFProducers(t *testing.T) {
	tests := []struct {
		file, source string
		pages        int
		// Page of the first block that starts with each text.
		onPage map[string]int
		// Heading levels.
		levels map[string]int
	}{
		{file: "northwind-libreoffice.pdf", source: "northwind", pages: 3,
			onPage: map[string]int{"3. Sharing of Information": 2, "9. Children": 3},
			levels: map[string]int{"Northwind Outfitters Privacy Policy": 1, "1. Information We Collect": 2, "1.1 Information you provide": 3}},
		{file: "northwind-objstm.pdf", source: "northwind", pages: 3},
		{file: "encrypted-empty-password.pdf", source: "northwind", pages: 3},
		{file: "broken-xref.pdf", source: "northwind", pages: 3},
		{file: "brightleaf-chromium.pdf", source: "brightleaf", pages: 3,
			onPage: map[string]int{"keep your account secure": 2, "Changes and Contact": 3},
			levels: map[string]int{"Brightleaf Health App Privacy Notice": 1, "Summary": 2, "Information you enter": 3}},
		{file: "cobalt-pdflatex.pdf", source: "cobalt", pages: 2,
			onPage: map[string]int{"4. Legal Bases": 1, "5. Recipients": 2},
			levels: map[string]int{"Cobalt Analytics Privacy Statement": 1, "1. Scope and Roles": 2, "2.1 Account and billing data": 3}},
		{file: "pdf20.pdf", source: "cobalt", pages: 2},
		// pdfTeX with bitmap (Type 3) fonts: glyphs named by TeX code.
		{file: "cobalt-type3.pdf", source: "cobalt", pages: 2,
			levels: map[string]int{"Cobalt Analytics Privacy Statement": 1, "1. Scope and Roles": 2}},
		{file: "harbor-twocolumn.pdf", source: "harbor", pages: 2,
			onPage: map[string]int{"Limiting Our Sharing": 1, "How We Protect Information": 2},
			levels: map[string]int{"Harbor Credit Union Privacy Notice": 1, "What We Collect": 2}},
		{file: "trailing-data.pdf", source: "harbor", pages: 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			doc, err := Extract(context.Background(), tt.file, readPDF(t, tt.file), policy.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if doc.Pages != tt.pages {
				t.Errorf("Pages = %d, want %d", doc.Pages, tt.pages)
			}
			checkAgainstSource(t, doc, readSource(t, tt.source))
			for prefix, page := range tt.onPage {
				if b := findBlock(doc, prefix); b == nil || b.Page != page {
					t.Errorf("block %q: %+v, want it on page %d", prefix, b, page)
				}
			}
			for text, level := range tt.levels {
				if b := findBlock(doc, text); b == nil || b.Kind != policy.Heading || b.Level != level {
					t.Errorf("heading %q: %+v, want level %d", text, b, level)
				}
			}
		})
	}
}

func findBlock(doc *policy.Document, prefix string) *policy.Block {
	for i := range doc.Blocks {
		if strings.HasPrefix(norm(doc.Blocks[i].Text), prefix) {
			return &doc.Blocks[i]
		}
	}
	return nil
}

// TestPDFJunkBeforeHeader reads a PDF with an HTTP response header in
// front of it. (Detecting such a file as PDF is Detect's job.)
func TestPDFJunkBeforeHeader(t *testing.T) {
	doc, err := extractPDF(context.Background(), readPDF(t, "junk-before-header.pdf"), policy.DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	hyphen.Repair(doc, lexicon(context.Background())) // as Extract does
	checkAgainstSource(t, doc, readSource(t, "brightleaf"))
}

func TestPDFTextDetails(t *testing.T) {
	tests := []struct {
		file string
		want []string // each must be inside one block
	}{
		// pdfTeX breaks words at line ends with a hyphen; they are joined,
		// and a compound broken at its own hyphen keeps it.
		{"harbor-twocolumn.pdf", []string{"and recordings are kept", "about your transactions and experiences", "toll-free at 800-555-0142", "privacy@harborcu.example"}},
		{"cobalt-pdflatex.pdf", []string{"helps website operators understand how visitors", "no cookies are set"}},
		// Ligatures (pdfTeX fi/ff glyphs, Chromium ActualText) unfolded;
		// Chromium's soft hyphens dropped.
		{"cobalt-pdflatex.pdf", []string{"the form of our payment processor", "support office", "financial statements", "identifiers"}},
		{"brightleaf-chromium.pdf", []string{"identifier rather than your name", "a prompt to take a medication;", "the reliability and performance"}},
		{"northwind-libreoffice.pdf", []string{"customer service office", "financial reporting obligations", "two years afterwards"}},
		// Standard 14 fonts without widths, words placed one by one.
		{"base14.pdf", []string{"We keep the email address you give us only to answer your message. We delete it after ninety days", "Contact the office at privacy@simple.example."}},
	}
	for _, tt := range tests {
		doc, err := Extract(context.Background(), tt.file, readPDF(t, tt.file), policy.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		for _, w := range tt.want {
			if findContaining(doc, w) == nil {
				t.Errorf("%s: no block contains %q", tt.file, w)
			}
		}
		for _, b := range doc.Blocks {
			if strings.ContainsFunc(b.Text, func(r rune) bool { return r >= 0xfb00 && r <= 0xfb06 || r == 0xad }) {
				t.Errorf("%s: ligature or soft hyphen left in %q", tt.file, b.Text)
			}
		}
	}
}

func findContaining(doc *policy.Document, s string) *policy.Block {
	for i := range doc.Blocks {
		if strings.Contains(norm(doc.Blocks[i].Text), s) {
			return &doc.Blocks[i]
		}
	}
	return nil
}

func TestPDFRunningHeadersRemoved(t *testing.T) {
	tests := []struct {
		file   string
		absent *regexp.Regexp
	}{
		{"northwind-libreoffice.pdf", regexp.MustCompile(`Northwind Outfitters · Privacy Policy|Page \d of \d`)},
		{"brightleaf-chromium.pdf", regexp.MustCompile(`file://|\d+/\d+/\d+|\b\d/3\b|AM|PM`)},
		{"cobalt-pdflatex.pdf", regexp.MustCompile(`Cobalt Analytics GmbH Privacy Statement|^Page \d$`)},
		{"harbor-twocolumn.pdf", regexp.MustCompile(`^\d+$`)},
		{"many-pages.pdf", regexp.MustCompile(`Consolidated Privacy Policies|Test Volume|Page \d+ of 200`)},
	}
	for _, tt := range tests {
		doc, err := Extract(context.Background(), tt.file, readPDF(t, tt.file), policy.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		for _, b := range doc.Blocks {
			if tt.absent.MatchString(b.Text) {
				t.Errorf("%s page %d: running header or footer in block %q", tt.file, b.Page, b.Text)
			}
		}
	}
}

func TestPDFManyPages(t *testing.T) {
	data := readPDF(t, "many-pages.pdf")
	doc, err := Extract(context.Background(), "many-pages.pdf", data, policy.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages != 200 {
		t.Errorf("Pages = %d, want 200", doc.Pages)
	}
	parts := 0
	for _, b := range doc.Blocks {
		if b.Kind == policy.Heading && strings.HasPrefix(b.Text, "Part ") {
			parts++
		}
	}
	if parts != 118 {
		t.Errorf("%d part headings, want 118", parts)
	}
	if last := doc.Blocks[len(doc.Blocks)-1]; last.Page != 200 {
		t.Errorf("last block on page %d, want 200", last.Page)
	}
	_, err = Extract(context.Background(), "many-pages.pdf", data, policy.Limits{MaxPages: 50})
	if !errors.Is(err, fault.TooManyPages) || !fault.KindOf(err).Input() || !strings.Contains(err.Error(), "200") {
		t.Errorf("MaxPages 50: err = %v, want fault.TooManyPages naming 200 pages", err)
	}
}

func TestPDFBadInput(t *testing.T) {
	tests := []struct {
		file   string
		lim    policy.Limits
		want   error
		detail string
		within time.Duration
	}{
		{file: "encrypted.pdf", want: fault.Encrypted, detail: "upload an unprotected copy"},
		{file: "scanned.pdf", want: fault.NoText, detail: "OCR is not supported"},
		{file: "blank.pdf", want: fault.NoText, detail: "OCR is not supported"},
		{file: "truncated.pdf", want: fault.Corrupt, detail: "damaged or truncated"},
		{file: "corrupt.pdf", want: fault.Corrupt, detail: "damaged"},
		{file: "bomb.pdf", want: fault.TooComplex, detail: "MB", within: 20 * time.Second},
		{file: "objstm-loop.pdf", lim: policy.Limits{Timeout: 2 * time.Second}, want: fault.Timeout, within: 10 * time.Second},
		{file: "bomb.pdf", lim: policy.Limits{MaxMemory: 64 << 20}, want: fault.TooComplex, within: 20 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			start := time.Now()
			doc, err := Extract(context.Background(), tt.file, readPDF(t, tt.file), tt.lim)
			if !errors.Is(err, tt.want) || !fault.KindOf(err).Input() {
				t.Fatalf("got %v, %v; want %v as an input error (fault.Kind.Input)", doc, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.detail) {
				t.Errorf("error %q does not say %q", err, tt.detail)
			}
			if tt.within > 0 && time.Since(start) > tt.within {
				t.Errorf("took %v, want under %v", time.Since(start), tt.within)
			}
		})
	}
}

func TestPDFCyclicPageTree(t *testing.T) {
	doc, err := Extract(context.Background(), "cyclic-pages.pdf", readPDF(t, "cyclic-pages.pdf"), policy.Limits{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pages != 1 || len(doc.Blocks) != 1 || !strings.HasPrefix(doc.Blocks[0].Text, "This page is reachable") {
		t.Errorf("got %d pages, blocks %+v; want the one reachable page", doc.Pages, doc.Blocks)
	}
}

func TestPDFContext(t *testing.T) {
	data := readPDF(t, "objstm-loop.pdf")
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(300*time.Millisecond, cancel)
		_, err := Extract(ctx, "objstm-loop.pdf", data, policy.Limits{Timeout: time.Minute})
		if !errors.Is(err, context.Canceled) || fault.KindOf(err).Input() {
			t.Fatalf("err = %v, want a wrapped context.Canceled, not an input error", err)
		}
	})
	t.Run("deadline before timeout", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		_, err := Extract(ctx, "objstm-loop.pdf", data, policy.Limits{Timeout: time.Minute})
		if !errors.Is(err, context.DeadlineExceeded) || fault.KindOf(err).Input() {
			t.Fatalf("err = %v, want a wrapped context.DeadlineExceeded, not an input error", err)
		}
	})
}

// TestPDFInProcess runs the same extraction without a child process, as
// with POLICYLENS_PDF_ISOLATION=off, and compares.
func TestPDFInProcess(t *testing.T) {
	for _, f := range []string{"northwind-libreoffice.pdf", "harbor-twocolumn.pdf", "encrypted.pdf"} {
		data := readPDF(t, f)
		a, errA := Extract(context.Background(), f, data, policy.Limits{})
		b, errB := extractPDFInProcess(context.Background(), data, policy.DefaultLimits())
		if errB == nil {
			hyphen.Repair(b, lexicon(context.Background())) // as Extract does
		}
		if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
			t.Errorf("%s: errors differ: %v / %v", f, errA, errB)
			continue
		}
		if errA == nil && (a.Text() != b.Text() || a.Title != b.Title || a.Pages != b.Pages) {
			t.Errorf("%s: child and in-process documents differ", f)
		}
	}
	_, err := extractPDFInProcess(context.Background(), readPDF(t, "objstm-loop.pdf"), policy.Limits{Timeout: 500 * time.Millisecond})
	if !errors.Is(err, fault.Timeout) {
		t.Errorf("in-process endless loop: err = %v, want fault.Timeout", err)
	}
}

// mutate returns a damaged copy of data: flipped bytes, a cut, a deleted
// or duplicated range, or garbage overwriting a range.
func mutate(rng *rand.Rand, data []byte) []byte {
	b := bytes.Clone(data)
	switch rng.Intn(6) {
	case 0:
		for i := 0; i < 1+rng.Intn(20); i++ {
			b[rng.Intn(len(b))] ^= byte(1 + rng.Intn(255))
		}
	case 1:
		b = b[:rng.Intn(len(b))]
	case 2:
		i := rng.Intn(len(b))
		j := min(len(b), i+rng.Intn(2000))
		b = append(b[:i], b[j:]...)
	case 3:
		i := rng.Intn(len(b))
		j := min(len(b), i+rng.Intn(2000))
		b = append(b[:j], append(bytes.Clone(b[i:j]), b[j:]...)...)
	case 4:
		i := rng.Intn(len(b))
		for k := i; k < min(len(b), i+rng.Intn(500)); k++ {
			b[k] = byte(rng.Intn(256))
		}
	case 5:
		// Digits changed: offsets, lengths, counts, object numbers.
		for i := 0; i < 1+rng.Intn(10); i++ {
			k := rng.Intn(len(b))
			for k < len(b) && (b[k] < '0' || b[k] > '9') {
				k++
			}
			if k < len(b) {
				b[k] = byte('0' + rng.Intn(10))
			}
		}
	}
	return b
}

// TestPDFMutations feeds 150 damaged copies of the good fixtures through
// Extract: each must give a document or an input error (fault.Kind.Input), within the limit.
func TestPDFMutations(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	files := []string{"northwind-libreoffice.pdf", "brightleaf-chromium.pdf", "cobalt-pdflatex.pdf", "harbor-twocolumn.pdf", "northwind-objstm.pdf", "base14.pdf"}
	var srcs [][]byte
	for _, f := range files {
		srcs = append(srcs, readPDF(t, f))
	}
	rng := rand.New(rand.NewSource(1))
	lim := policy.Limits{Timeout: 8 * time.Second}
	outcomes := map[string]int{}
	bugHook = func(msg string) { t.Errorf("bug: %s", msg) }
	defer func() { bugHook = nil }()
	for i := 0; i < 150; i++ {
		data := mutate(rng, srcs[i%len(srcs)])
		start := time.Now()
		doc, err := extractPDF(context.Background(), data, lim.WithDefaults())
		if elapsed := time.Since(start); elapsed > lim.Timeout+5*time.Second {
			t.Errorf("mutation %d of %s: took %v", i, files[i%len(files)], elapsed)
		}
		switch {
		case err == nil:
			if doc == nil || len(doc.Blocks) == 0 {
				t.Errorf("mutation %d: no error and no blocks", i)
			}
			outcomes["document"]++
		case fault.KindOf(err).Input():
			var ie *fault.Error
			errors.As(err, &ie)
			outcomes[ie.Kind.String()]++
			if bad := checkMessage(err.Error()); bad != "" {
				t.Errorf("mutation %d of %s: %s in %q", i, files[i%len(files)], bad, err)
			}
		default:
			t.Errorf("mutation %d of %s: err = %v, want a document or an input error (fault.Kind.Input)", i, files[i%len(files)], err)
		}
	}
	t.Logf("outcomes of 150 mutations: %v", outcomes)
}
