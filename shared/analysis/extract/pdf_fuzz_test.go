package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// FuzzExtractPDF checks that any input gives either a well-formed document
// or an input error (fault.Kind.Input), and never a panic in our own code (panics inside the
// PDF library are expected and recovered). It runs in-process, so that the
// fuzzer sees our code; an input that makes the library loop forever ends
// in fault.Timeout and leaves a goroutine behind.
func FuzzExtractPDF(f *testing.F) {
	for _, name := range []string{"base14.pdf", "cyclic-pages.pdf", "blank.pdf", "harbor-twocolumn.pdf", "corrupt.pdf", "truncated.pdf", "brightleaf-chromium.pdf"} {
		f.Add(readPDF(f, name))
	}
	f.Add([]byte("%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj trailer<</Root 1 0 R>>\n%%EOF"))
	// Links over words, on an upright and on a rotated page.
	links := []string{uriLink(178, 696, 278, 712, "https://kestrel.example/choices"), uriLink(0, 0, 600, 800, "http://x.example/")}
	f.Add(onePagePDF("", "BT /F1 12 Tf 72 700 Td (To opt out, visit our choices page.) Tj ET", links...))
	f.Add(onePagePDF("/Rotate 270", "BT /F1 12 Tf 72 700 Td (To opt out, visit our choices page.) Tj ET", links...))
	f.Fuzz(func(t *testing.T, data []byte) {
		var bug string
		bugHook = func(msg string) { bug = msg }
		defer func() { bugHook = nil }()
		lim := policy.Limits{Timeout: 5 * time.Second, MaxPages: 50, MaxMemory: 256 << 20}
		doc, err := extractPDFInProcess(context.Background(), data, lim)
		if bug != "" {
			t.Fatalf("panic in our code: %s", bug)
		}
		if err != nil {
			if !fault.KindOf(err).Input() {
				t.Fatalf("err = %v, want an input error (fault.Kind.Input)", err)
			}
			if errors.Is(err, fault.Timeout) {
				t.Skip("library loops on this input; the worker process would be killed")
			}
			return
		}
		if doc.Format != policy.PDF || len(doc.Blocks) == 0 || doc.Pages < 1 || doc.Pages > lim.MaxPages {
			t.Fatalf("bad document: format %q, %d blocks, %d pages", doc.Format, len(doc.Blocks), doc.Pages)
		}
		// A paragraph keeps the line breaks the writer made (the lines of
		// an address), one at a time, inside its text.
		for _, b := range doc.Blocks {
			if b.Text == "" || !utf8.ValidString(b.Text) || strings.Contains(b.Text, "\r") || strings.Contains(b.Text, "\n\n") ||
				strings.TrimSpace(b.Text) != b.Text || b.Page < 1 || b.Page > doc.Pages {
				t.Fatalf("bad block %+v", b)
			}
			// Links are at words of the block, in order, apart.
			for i, l := range b.Links {
				if l.Start < 0 || l.End > len(b.Text) || l.Start >= l.End || i > 0 && l.Start < b.Links[i-1].End ||
					!strings.HasPrefix(l.URL, "http") {
					t.Fatalf("bad link %+v of block %q", l, b.Text)
				}
			}
		}
	})
}
