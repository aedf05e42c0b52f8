package extract

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

// FuzzExtract feeds arbitrary bytes, named as text, HTML and Markdown
// files, to Extract (the PDF reader has its own fuzz target): it never
// panics, every error is an input error (fault.Kind.Input), and a document has blocks of
// valid, trimmed, non-empty UTF-8 text.
func FuzzExtract(f *testing.F) {
	for _, path := range []string{
		"policies/harbor-books.html", "policies/quillmate.md", "policies/tidewater-dental.txt",
		"text/lists.txt", "text/utf16le-bom.txt", "text/windows-1252.txt", "html/latin1-declared.html",
	} {
		f.Add(fixture.Read(f, "testdata", path), "x")
	}
	f.Add([]byte("<p><b>Bold</b></p><ol start=-5><li>x<li value=99999999999>y</ol>"), "x.html")
	f.Add([]byte("<table><tr><td><table><tr><td>deep</td></tr></table></td></tr></table>"), "x.html")
	f.Add([]byte("# h\n\n- [x] a\n  b\n\n| a | b |\n|---|---|\n| c | d |\n```\ncode"), "x.md")
	f.Add([]byte("\xff\xfe\x00"), "x.txt")
	f.Add([]byte("\xef\xbb\xbf\x80\x81"), "x.txt")
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		for _, name := range []string{"upload.txt", "upload.html", "upload.md", "upload" + ext} {
			doc, err := Extract(context.Background(), name, data, policy.Limits{})
			if err != nil {
				if !fault.KindOf(err).Input() {
					t.Fatalf("Extract(%q) error %v is not an input error", name, err)
				}
				continue
			}
			if doc.Format == policy.PDF {
				continue
			}
			if len(doc.Blocks) == 0 {
				t.Fatalf("Extract(%q) returned no blocks and no error", name)
			}
			for _, b := range doc.Blocks {
				if b.Text == "" || b.Text != strings.TrimSpace(b.Text) || !utf8.ValidString(b.Text) {
					t.Fatalf("Extract(%q) block %q is empty, untrimmed or invalid UTF-8", name, b.Text)
				}
			}
			if !utf8.ValidString(doc.Title) {
				t.Fatalf("Extract(%q) title %q is invalid UTF-8", name, doc.Title)
			}
		}
	})
}

func benchmarkExtract(b *testing.B, path string) {
	data := fixture.Read(b, "testdata", path)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		if _, err := Extract(ctx, path, data, policy.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtractText extracts the 29 KB plain-text policy.
func BenchmarkExtractText(b *testing.B) { benchmarkExtract(b, "policies/lumen-fitness.txt") }

// BenchmarkExtractTextWindows1252 extracts a text that needs decoding.
func BenchmarkExtractTextWindows1252(b *testing.B) { benchmarkExtract(b, "text/windows-1252.txt") }

// BenchmarkExtractHTML extracts a policy page with its site chrome.
func BenchmarkExtractHTML(b *testing.B) { benchmarkExtract(b, "policies/harbor-books.html") }

// BenchmarkExtractMarkdown extracts a Markdown policy.
func BenchmarkExtractMarkdown(b *testing.B) { benchmarkExtract(b, "policies/quillmate.md") }
