package extract

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

// testdata is the repository's fixture directory.
var testdata = fixture.Path("testdata")

func TestDetect(t *testing.T) {
	tests := []struct {
		name string // file name passed to Detect
		file string // fixture, or "" to use data
		data string
		want policy.Format
	}{
		{name: "policy.txt", file: "policies/lumen-fitness.txt", want: policy.Text},
		{name: "policy.html", file: "policies/harbor-books.html", want: policy.HTML},
		{name: "policy.md", file: "policies/quillmate.md", want: policy.Markdown},
		{name: "cookies.markdown", file: "markdown/cookie-notice.markdown", want: policy.Markdown},
		{name: "signals.txt", file: "markdown/signals.txt", want: policy.Markdown},
		{name: "utf16.txt", file: "text/utf16le-bom.txt", want: policy.Text},
		{name: "utf16.html", file: "html/utf16le.html", want: policy.HTML},
		{name: "latin1.html", file: "html/latin1-declared.html", want: policy.HTML},
		{name: "cp1252.txt", file: "text/windows-1252.txt", want: policy.Text},
		// The bytes decide before the name.
		{name: "policy.txt", data: "<!DOCTYPE html><html><body><p>Hi</p></body></html>", want: policy.HTML},
		{name: "policy.pdf", data: "  \n<html><body><p>Error page saved as PDF</p></body></html>", want: policy.HTML},
		{name: "upload", data: "\ufeff<!-- saved page -->\n<HTML><BODY>Privacy</BODY></HTML>", want: policy.HTML},
		{name: "upload", data: "<p>Fragment of a policy.</p><p>Second paragraph.</p>", want: policy.HTML},
		{name: "upload", data: "<?xml version=\"1.0\"?>\n<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body><p>x</p></body></html>", want: policy.HTML},
		{name: "upload", data: "%PDF-1.7\n1 0 obj\n", want: policy.PDF},
		{name: "upload", data: "garbage before the header\r\n%PDF-2.0\n", want: policy.PDF},
		// The name decides when the bytes do not.
		{name: "notes.md", data: "Privacy notes\n\nWe collect nothing.", want: policy.Markdown},
		{name: "POLICY.MARKDOWN", data: "Privacy notes", want: policy.Markdown},
		{name: "page.htm", data: "Privacy Policy<br>We collect nothing.", want: policy.HTML},
		{name: "page.html", data: "Privacy Policy without any markup.", want: policy.Text},
		// Strong Markdown signals without the extension.
		{name: "policy.txt", data: "# Privacy\n\nIntro.\n\n## Data\n\nWe collect data.\n", want: policy.Markdown},
		{name: "upload", data: "Privacy\n=======\n\nIntro.\n\nData\n====\n\nText.\n", want: policy.Markdown},
		{name: "upload", data: "# Privacy\n\nSee [our terms](https://example.com/terms).\n", want: policy.Markdown},
		// A lone '#' line or prose mentioning HTML is still text.
		{name: "upload", data: "#1 priority: your privacy.\n\nWe collect nothing.", want: policy.Text},
		{name: "upload", data: "We never put <script> tags in e-mails.", want: policy.Text},
		{name: "upload", data: "Mention of %PDF- without a version is not a PDF.", want: policy.Text},
	}
	for _, tt := range tests {
		data := []byte(tt.data)
		if tt.file != "" {
			data = fixture.Read(t, "testdata", tt.file)
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
		{file: "text/bad/empty.txt", err: fault.Empty, message: "empty"},
		{file: "text/bad/whitespace.txt", err: fault.Empty, message: "white space"},
		{file: "text/bad/whitespace-utf16.txt", err: fault.Empty, message: "white space"},
		{file: "text/bad/pixel.png", err: fault.Unsupported, message: "detected a PNG image"},
		{file: "text/bad/policy.docx", err: fault.Unsupported, message: "Word document (DOCX"},
		{file: "text/bad/archive.zip", err: fault.Unsupported, message: "ZIP archive"},
		{file: "text/bad/legacy.doc", err: fault.Unsupported, message: "legacy Microsoft Office"},
		{file: "text/bad/policy.rtf", err: fault.Unsupported, message: "RTF"},
		{file: "text/bad/random.bin", err: fault.Unsupported, message: "binary data"},
		{file: "text/bad/records.dat", err: fault.Unsupported, message: "binary data"},
		{data: "\xff\xd8\xff\xe0\x00\x10JFIF", err: fault.Unsupported, message: "JPEG image"},
		{data: "GIF89a\x01\x00\x01\x00", err: fault.Unsupported, message: "GIF image"},
		{data: "\x1f\x8b\x08\x00\x00\x00", err: fault.Unsupported, message: "gzip"},
		{data: "\x7fELF\x02\x01\x01", err: fault.Unsupported, message: "executable"},
		{data: "RIFF\x24\x00\x00\x00WEBPVP8 ", err: fault.Unsupported, message: "WebP image"},
		{data: "<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>", err: fault.Unsupported, message: "SVG image"},
		{data: "<?xml version=\"1.0\"?><rss><channel/></rss>", err: fault.Unsupported, message: "XML document"},
		{data: `{"policy": "We collect nothing."}`, err: fault.Unsupported, message: "JSON"},
		{data: " \t\r\n \u00a0 ", err: fault.Empty, message: "white space"},
	}
	for _, tt := range tests {
		data := []byte(tt.data)
		name := "upload"
		if tt.file != "" {
			data, name = fixture.Read(t, "testdata", tt.file), filepath.Base(tt.file)
		}
		f, err := Detect(name, data)
		if !errors.Is(err, tt.err) || !fault.KindOf(err).Input() {
			t.Errorf("Detect(%q) = %q, %v; want %v", name, f, err, tt.err)
			continue
		}
		if !strings.Contains(err.Error(), tt.message) {
			t.Errorf("Detect(%q) error %q does not mention %q", name, err, tt.message)
		}
		if tt.err == fault.Unsupported && !strings.Contains(err.Error(), "policylens reads PDF, HTML, Markdown and plain text") {
			t.Errorf("Detect(%q) error %q does not say what is supported", name, err)
		}
	}
}
