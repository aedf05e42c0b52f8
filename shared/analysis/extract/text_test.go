package extract

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

func extractFixture(t testing.TB, path string) *policy.Document {
	t.Helper()
	doc, err := Extract(context.Background(), path, fixture.Read(t, "testdata", path), policy.Limits{})
	if err != nil {
		t.Fatalf("Extract(%s): %v", path, err)
	}
	return doc
}

func TestTextEncodings(t *testing.T) {
	want := string(fixture.Read(t, "testdata", "text/encoding-source.txt"))
	tests := []struct {
		file     string
		encoding string
	}{
		{"text/encoding-source.txt", "utf-8"},
		{"text/utf8-bom.txt", "utf-8"},
		{"text/utf16le-bom.txt", "utf-16le"},
		{"text/utf16be-bom.txt", "utf-16be"},
		{"text/utf16le-nobom.txt", "utf-16le"},
		{"text/windows-1252.txt", "windows-1252"},
	}
	for _, tt := range tests {
		doc := extractFixture(t, tt.file)
		if doc.Format != policy.Text || doc.Encoding != tt.encoding {
			t.Errorf("%s: format %q encoding %q; want text %q", tt.file, doc.Format, doc.Encoding, tt.encoding)
		}
		got := doc.Text()
		// The blocks hold exactly the paragraphs of the source, whatever
		// its encoding: curly quotes, accents, the euro sign and the dash
		// survive, and no BOM or CR is left.
		if norm := strings.Join(strings.Fields(want), " "); strings.Join(strings.Fields(got), " ") != norm {
			t.Errorf("%s: text\n%q\nwant\n%q", tt.file, got, norm)
		}
		for _, s := range []string{"Café Crème", "“we”", "€5", "— nothing", "Résumé", "• your name"} {
			if !strings.Contains(got, s) {
				t.Errorf("%s: text lacks %q", tt.file, s)
			}
		}
		if strings.ContainsAny(got, "\r\ufeff") {
			t.Errorf("%s: text keeps a CR or BOM: %q", tt.file, got)
		}
		if len(doc.Blocks) != 5 {
			t.Errorf("%s: %d blocks, want 5 paragraphs", tt.file, len(doc.Blocks))
		}
	}
}

func TestTextLayout(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // block texts
	}{
		{"crlf", "Title\r\n\r\nLine one\r\nline two\r\n", []string{"Title", "Line one\nline two"}},
		{"cr", "Title\r\rLine one\rline two\r", []string{"Title", "Line one\nline two"}},
		{"blank lines with spaces", "A\n \t \nB\n\n\n\nC", []string{"A", "B", "C"}},
		{"trailing space trimmed, indent of continuation kept", "  - item one\n    continues\nNext  \n", []string{"- item one\n    continues\nNext"}},
		{"decoration lines separate", "TITLE\n=====\nText here.\n* * *\nMore text.", []string{"TITLE", "Text here.", "More text."}},
		{"form feed is a page break", "Page one.\fPage two.", []string{"Page one.", "Page two."}},
		{"unicode separators", "One\u2028two\u2029Three", []string{"One\ntwo", "Three"}},
		{"invisible characters removed", "Pri\u00advacy\u200b policy\ufeff", []string{"Privacy policy"}},
		{"a few stray NULs are dropped", "We collect\x00 nothing at all, not even your name or your email address.", []string{"We collect nothing at all, not even your name or your email address."}},
		{"latin-1 bytes", "Caf\xe9 \x93quoted\x94 \x80", []string{"Café “quoted” €"}},
	}
	for _, tt := range tests {
		doc, err := extractText([]byte(tt.in), 0)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		var got []string
		for _, b := range doc.Blocks {
			got = append(got, b.Text)
			if b.Kind != policy.Paragraph {
				t.Errorf("%s: block %q is %v, want paragraph", tt.name, b.Text, b.Kind)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("%s: blocks %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestTextRejectsBinary(t *testing.T) {
	tests := []string{
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08",
		strings.Repeat("text\x00\x00\x01\x02", 50),
		"short \x01\x02\x03\x04 binary \x05\x06 junk",
	}
	for _, in := range tests {
		if _, err := extractText([]byte(in), 0); !errors.Is(err, fault.Unsupported) {
			t.Errorf("extractText(%q) error %v, want fault.Unsupported", in, err)
		}
	}
}

func TestExtractErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Extract(ctx, "a.txt", []byte("Some policy text."), policy.Limits{MaxBytes: 5}); !errors.Is(err, fault.TooLarge) || !fault.KindOf(err).Input() {
		t.Errorf("over MaxBytes: %v, want fault.TooLarge", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Extract(cancelled, "a.txt", []byte("Some policy text."), policy.Limits{}); !errors.Is(err, context.Canceled) || fault.KindOf(err).Input() {
		t.Errorf("cancelled context: %v, want context.Canceled", err)
	}
	// HTML with no text at all is empty, not an error of another kind.
	for _, in := range []string{
		"<html><head><script>var x = 1;</script></head><body><style>p{}</style></body></html>",
		"<html><body><div hidden>secret</div><p>   </p></body></html>",
	} {
		if _, err := Extract(ctx, "a.html", []byte(in), policy.Limits{}); !errors.Is(err, fault.Empty) {
			t.Errorf("Extract(%q) = %v, want fault.Empty", in, err)
		}
	}
}

func TestExtractFixturesAreValid(t *testing.T) {
	// Every fixture a user could upload gives valid UTF-8 blocks with text.
	for _, path := range []string{
		"policies/lumen-fitness.txt", "policies/pebble-kids.txt", "policies/tidewater-dental.txt",
		"policies/harbor-books.html", "policies/quillmate.md", "text/single-line.txt",
		"text/sentence-per-line.txt", "text/sentence-per-paragraph.txt", "text/headings.txt",
		"text/lists.txt", "text/chrome.txt", "text/wrapped.txt", "text/crlf.txt", "text/cr.txt",
	} {
		doc := extractFixture(t, path)
		for i, b := range doc.Blocks {
			if strings.TrimSpace(b.Text) == "" || !utf8.ValidString(b.Text) || b.Text != strings.TrimSpace(b.Text) {
				t.Errorf("%s: block %d is empty, untrimmed or invalid: %q", path, i, b.Text)
			}
		}
	}
}

// A pipe table in a text file is read row by row under its headers, like
// a Markdown one.
func TestTextTable(t *testing.T) {
	in := "Why we process data:\n| Purpose | Legal basis |\n|---|---|\n| Billing | Contract |\n| Security | Legitimate interests |\nWe do not profile you.\n"
	doc, err := extractText([]byte(in), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "paragraph:Why we process data: / table-row:Purpose: Billing. Legal basis: Contract. / table-row:Purpose: Security. Legal basis: Legitimate interests. / paragraph:We do not profile you."
	if got := blocksString(doc.Blocks); got != want {
		t.Errorf("blocks\n got %q\nwant %q", got, want)
	}
}
