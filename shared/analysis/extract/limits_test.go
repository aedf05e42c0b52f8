package extract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// A "%PDF-" header is a PDF anywhere in the first 1024 bytes, including
// one that starts at byte 1019..1023 and runs past them.
func TestDetectPDFHeaderWindow(t *testing.T) {
	pdf := readPDF(t, "base14.pdf")
	for _, at := range []int{0, 512, 1018, 1019, 1020, 1023} {
		data := append(bytes.Repeat([]byte{'\n'}, at), pdf...)
		if f, err := Detect("upload", data); err != nil || f != policy.PDF {
			t.Errorf("header at byte %d: Detect = %q, %v; want pdf", at, f, err)
		}
		if _, err := Extract(context.Background(), "upload", data, policy.Limits{}); err != nil {
			t.Errorf("header at byte %d: Extract: %v", at, err)
		}
	}
	data := append(bytes.Repeat([]byte{'\n'}, 1024), pdf...)
	if f, _ := Detect("upload", data); f == policy.PDF {
		t.Error("header at byte 1024: detected as PDF")
	}
}

func utf16Bytes(s string, bigEndian bool) []byte {
	b := []byte{0xFF, 0xFE}
	if bigEndian {
		b = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

// UTF-16 with a trailing odd byte or a lone surrogate is text with a
// U+FFFD where the damage is, as other readers show it, not binary data.
func TestUTF16Damage(t *testing.T) {
	const text = "We collect your e-mail address."
	le := append(utf16Bytes(text, false), 'x')
	be := utf16Bytes(text, true)
	be = append(be[:8], append([]byte{0xD8, 0x3D}, be[8:]...)...) // a high surrogate alone
	lowLE := utf16Bytes(text, false)
	lowLE = append(lowLE[:12], append([]byte{0x00, 0xDC}, lowLE[12:]...)...) // a low surrogate alone
	for _, tt := range []struct {
		name string
		data []byte
		enc  string
	}{
		{"utf-16le, odd byte", le, "utf-16le"},
		{"utf-16be, lone high surrogate", be, "utf-16be"},
		{"utf-16le, lone low surrogate", lowLE, "utf-16le"},
	} {
		doc, err := Extract(context.Background(), "policy.txt", tt.data, policy.Limits{})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		got := doc.Text()
		if doc.Encoding != tt.enc || !strings.Contains(got, "\uFFFD") || !strings.Contains(got, "e-mail address") {
			t.Errorf("%s: %s text %q; want the text with a U+FFFD", tt.name, doc.Encoding, got)
		}
	}
	// Many lone surrogates are still binary data.
	junk := []byte{0xFF, 0xFE}
	for i := 0; i < 200; i++ {
		junk = append(junk, 'a', 0, 0x00, 0xD8)
	}
	if _, err := Extract(context.Background(), "policy.txt", junk, policy.Limits{}); !errors.Is(err, fault.Unsupported) {
		t.Errorf("half lone surrogates: err = %v, want binary data", err)
	}
}

// Files made of more blocks than Limits.MaxUnits are refused as they are
// read, naming the limit, before they are held in memory.
func TestBlockLimit(t *testing.T) {
	lim := policy.Limits{MaxClauses: 100} // 1000 blocks
	tests := []struct {
		name, data, want string
	}{
		{"headings.md", strings.Repeat("# h\n", 5000), "more than 1000 paragraphs"},
		{"items.md", strings.Repeat("- a\n", 5000), "more than 1000 paragraphs"},
		{"paragraphs.txt", strings.Repeat("We collect data.\n\n", 5000), "more than 1000 paragraphs"},
		{"headings.html", strings.Repeat("<h1>h</h1>", 5000), "more than 1000 elements"},
	}
	for _, tt := range tests {
		_, err := Extract(context.Background(), tt.name, []byte(tt.data), lim)
		if !errors.Is(err, fault.TooLarge) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want fault.TooLarge saying %q", tt.name, err, tt.want)
		}
		if _, err := Extract(context.Background(), tt.name, []byte(tt.data), policy.Limits{MaxClauses: 1000}); err != nil {
			t.Errorf("%s within the limit: %v", tt.name, err)
		}
	}
}

// checkMessage reports what makes an error message unfit for a FAILED
// reason: more than one line, unprintable characters or raw bytes, more
// than fault.MaxMessage characters, Go panic text.
func checkMessage(msg string) string {
	switch {
	case !utf8.ValidString(msg):
		return "invalid UTF-8"
	case utf8.RuneCountInString(msg) > fault.MaxMessage:
		return fmt.Sprintf("%d characters", utf8.RuneCountInString(msg))
	case strings.Contains(msg, "runtime error") || strings.Contains(msg, "goroutine ") || strings.Contains(msg, "panic"):
		return "Go panic text"
	}
	for _, r := range msg {
		if !unicode.IsPrint(r) {
			return fmt.Sprintf("unprintable %U", r)
		}
	}
	return ""
}

// TestPDFMutationMessages reads 600 damaged copies of the fixtures in this
// process (as the worker does) and checks that every error message is one
// printable, bounded line without panic text.
func TestPDFMutationMessages(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	files := []string{"northwind-libreoffice.pdf", "brightleaf-chromium.pdf", "cobalt-pdflatex.pdf", "harbor-twocolumn.pdf", "northwind-objstm.pdf", "base14.pdf", "cobalt-type3.pdf", "pdf20.pdf"}
	var srcs [][]byte
	for _, f := range files {
		srcs = append(srcs, readPDF(t, f))
	}
	rng := rand.New(rand.NewSource(9))
	lim := policy.Limits{Timeout: 5 * time.Second, MaxMemory: 256 << 20}.WithDefaults()
	kinds := map[fault.Kind]int{}
	for i := 0; i < 600; i++ {
		data := mutate(rng, srcs[i%len(srcs)])
		_, err := extractPDFInProcess(context.Background(), data, lim)
		if err == nil {
			continue
		}
		kinds[fault.KindOf(err)]++
		for _, msg := range []string{err.Error(), fault.Message(err)} {
			if bad := checkMessage(msg); bad != "" {
				t.Errorf("mutation %d of %s: %s in %q", i, files[i%len(files)], bad, msg)
			}
		}
	}
	t.Logf("errors of 600 mutations: %v", kinds)
}
