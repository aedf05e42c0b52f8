package extract

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testdata is the repository's fixture directory.
const testdata = "../../testdata"

func fixture(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, path))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string // file name passed to Detect
		file string // fixture, or "" to use data
		data string
		want Format
	}{
		{name: "policy.txt", file: "policies/lumen-fitness.txt", want: Text},
		{name: "policy.html", file: "policies/harbor-books.html", want: HTML},
		{name: "policy.md", file: "policies/quillmate.md", want: Markdown},
		{name: "cookies.markdown", file: "markdown/cookie-notice.markdown", want: Markdown},
		{name: "signals.txt", file: "markdown/signals.txt", want: Markdown},
		{name: "utf16.txt", file: "text/utf16le-bom.txt", want: Text},
		{name: "utf16.html", file: "html/utf16le.html", want: HTML},
		{name: "latin1.html", file: "html/latin1-declared.html", want: HTML},
		{name: "cp1252.txt", file: "text/windows-1252.txt", want: Text},
		// The bytes decide before the name.
		{name: "policy.txt", data: "<!DOCTYPE html><html><body><p>Hi</p></body></html>", want: HTML},
		{name: "policy.pdf", data: "  \n<html><body><p>Error page saved as PDF</p></body></html>", want: HTML},
		{name: "upload", data: "\ufeff<!-- saved page -->\n<HTML><BODY>Privacy</BODY></HTML>", want: HTML},
		{name: "upload", data: "<p>Fragment of a policy.</p><p>Second paragraph.</p>", want: HTML},
		{name: "upload", data: "<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>", want: HTML},
		{name: "upload", data: "%PDF-1.7\n1 0 obj\n", want: PDF},
		{name: "upload", data: "garbage before the header\r\n%PDF-2.0\n", want: PDF},
		// The name decides when the bytes do not.
		{name: "notes.md", data: "Privacy notes\n\nWe collect nothing.", want: Markdown},
		{name: "POLICY.MARKDOWN", data: "Privacy notes", want: Markdown},
		{name: "page.htm", data: "Privacy Policy<br>We collect nothing.", want: HTML},
		{name: "page.html", data: "Privacy Policy without any markup.", want: Text},
		// Strong Markdown signals without the extension.
		{name: "policy.txt", data: "# Privacy\n\nIntro.\n\n## Data\n\nWe collect data.\n", want: Markdown},
		{name: "upload", data: "Privacy\n=======\n\nIntro.\n\nData\n====\n\nText.\n", want: Markdown},
		{name: "upload", data: "# Privacy\n\nSee [our terms](https://example.com/terms).\n", want: Markdown},
		// A lone '#' line or prose mentioning HTML is still text.
		{name: "upload", data: "#1 priority: your privacy.\n\nWe collect nothing.", want: Text},
		{name: "upload", data: "We never put <script> tags in e-mails.", want: Text},
		{name: "upload", data: "Mention of %PDF- without a version is not a PDF.", want: Text},
	}
	for _, tt := range tests {
		data := []byte(tt.data)
		if tt.file != "" {
			data = fixture(t, tt.file)
		}
		got, err := Detect(tt.name, data)
		if err != nil || got != tt.want {
			t.Errorf("Detect(%q, %.40q) = %q, %v; want %q", tt.name, data, got, err, tt.want)
		}
	}
}

func TestDetectRejects(t *testing.T) {
	tests := []struct {
		file    string
		data    string
		err     error
		message string // must appear in the error
	}{
		{file: "text/bad/empty.txt", err: ErrEmpty, message: "empty"},
		{file: "text/bad/whitespace.txt", err: ErrEmpty, message: "white space"},
		{file: "text/bad/whitespace-utf16.txt", err: ErrEmpty, message: "white space"},
		{file: "text/bad/pixel.png", err: ErrUnsupportedFormat, message: "detected a PNG image"},
		{file: "text/bad/policy.docx", err: ErrUnsupportedFormat, message: "Word document (DOCX"},
		{file: "text/bad/archive.zip", err: ErrUnsupportedFormat, message: "ZIP archive"},
		{file: "text/bad/legacy.doc", err: ErrUnsupportedFormat, message: "legacy Microsoft Office"},
		{file: "text/bad/policy.rtf", err: ErrUnsupportedFormat, message: "RTF"},
		{file: "text/bad/random.bin", err: ErrUnsupportedFormat, message: "binary data"},
		{file: "text/bad/records.dat", err: ErrUnsupportedFormat, message: "binary data"},
		{data: "\xff\xd8\xff\xe0\x00\x10JFIF", err: ErrUnsupportedFormat, message: "JPEG image"},
		{data: "GIF89a\x01\x00\x01\x00", err: ErrUnsupportedFormat, message: "GIF image"},
		{data: "\x1f\x8b\x08\x00\x00\x00", err: ErrUnsupportedFormat, message: "gzip"},
		{data: "\x7fELF\x02\x01\x01", err: ErrUnsupportedFormat, message: "executable"},
		{data: "RIFF\x24\x00\x00\x00WEBPVP8 ", err: ErrUnsupportedFormat, message: "WebP image"},
		{data: "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", err: ErrUnsupportedFormat, message: "SVG image"},
		{data: "<?xml version=\"1.0\"?><rss><channel/></rss>", err: ErrUnsupportedFormat, message: "XML document"},
		{data: `{"policy": "We collect nothing."}`, err: ErrUnsupportedFormat, message: "JSON"},
		{data: " \t\r\n \u00a0 ", err: ErrEmpty, message: "white space"},
	}
	for _, tt := range tests {
		data := []byte(tt.data)
		name := "upload"
		if tt.file != "" {
			data, name = fixture(t, tt.file), filepath.Base(tt.file)
		}
		f, err := Detect(name, data)
		if !errors.Is(err, tt.err) || !IsInputError(err) {
			t.Errorf("Detect(%q) = %q, %v; want %v", name, f, err, tt.err)
			continue
		}
		if !strings.Contains(err.Error(), tt.message) {
			t.Errorf("Detect(%q) error %q does not mention %q", name, err, tt.message)
		}
		if tt.err == ErrUnsupportedFormat && !strings.Contains(err.Error(), "policylens reads PDF, HTML, Markdown and plain text") {
			t.Errorf("Detect(%q) error %q does not say what is supported", name, err)
		}
	}
}
