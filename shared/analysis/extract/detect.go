package extract

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// sniffLen is how much of the decoded text Detect inspects to tell HTML,
// Markdown and plain text apart.
const sniffLen = 16 << 10

// Detect returns the format of data. The bytes decide first: a PDF header
// anywhere in the first 1024 bytes (readers accept junk before it), known
// signatures of images, archives, office files and executables (rejected
// with ErrUnsupportedFormat naming the type), HTML markup at the start of
// the text, strong Markdown signals. The file name decides second: ".md"
// and ".markdown" mean Markdown, ".html" and ".htm" mean HTML when the text
// has tags. Everything else that decodes as text is plain text. Empty or
// white-space-only data is ErrEmpty; data that is not text is
// ErrUnsupportedFormat.
func Detect(name string, data []byte) (policy.Format, error) {
	if len(data) == 0 {
		return "", fault.E(fault.Empty, "the file is empty (0 bytes)")
	}
	if isPDF(data) {
		return policy.PDF, nil
	}
	if what := binarySignature(data); what != "" {
		return "", unsupported(what)
	}
	te := sniffEncoding(data)
	sample := data
	if len(sample) > te.bom+sniffLen {
		sample = trimPartialRune(data[:te.bom+sniffLen], te.name)
	}
	text, runes, bad := cleanText(decodeBytes(sample, te))
	if binaryText(runes, bad-forgivenDamage(utf16Damage(sample, te), runes)) {
		return "", notTextErr()
	}
	if isBlank(text) && (len(sample) == len(data) || isBlankEncoded(data, te)) {
		return "", fault.E(fault.Empty, "the file contains only white space")
	}
	head := strings.TrimLeft(text, " \t\r\n\f\v\u00a0\ufeff")
	if what := textSignature(head, text, len(sample) == len(data)); what != "" {
		return "", unsupported(what)
	}
	if looksHTML(head) {
		return policy.HTML, nil
	}
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".md", ".markdown", ".mdown", ".mkd", ".mkdn":
		return policy.Markdown, nil
	case ".html", ".htm", ".xhtml":
		if hasTag(text) {
			return policy.HTML, nil
		}
	}
	if looksMarkdown(text) {
		return policy.Markdown, nil
	}
	return policy.Text, nil
}

// unsupported reports an input of a type policylens does not read.
func unsupported(what string) error {
	return fault.E(fault.Unsupported, "detected %s; %s (save or export the policy as one of these)", what, readsWhat)
}

// LooksPDF reports whether data starts like a PDF file, as Detect decides.
func LooksPDF(data []byte) bool { return isPDF(data) }

// isPDF reports whether a PDF header ("%PDF-" and a version digit) starts
// within the first 1024 bytes (the header itself may run past them).
func isPDF(data []byte) bool {
	return pdfHeader(data) >= 0
}

// pdfHeader returns the offset of the PDF header that starts within the
// first 1024 bytes of data, or -1.
func pdfHeader(data []byte) int {
	const window, magic = 1024, "%PDF-"
	head := data[:min(len(data), window+len(magic)-1)]
	for off := 0; off < window; {
		i := bytes.Index(head[off:], []byte(magic))
		if i < 0 || off+i >= window {
			return -1
		}
		j := off + i + len(magic)
		if j < len(data) && data[j] >= '0' && data[j] <= '9' || j == len(data) {
			return off + i
		}
		off = j
	}
	return -1
}

// trimPartialRune cuts a trailing incomplete character off a sample of a
// UTF-8 file, so that the sample is valid when the whole file is.
func trimPartialRune(b []byte, enc string) []byte {
	if enc != encUTF8 {
		return b
	}
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if utf8.RuneStart(b[i]) {
			if !utf8.FullRune(b[i:]) {
				return b[:i]
			}
			break
		}
	}
	return b
}

// isBlankEncoded reports whether a whole file is white space, checking
// beyond the sample Detect decoded.
func isBlankEncoded(data []byte, te textEncoding) bool {
	text, _, _ := cleanText(decodeBytes(data, te))
	return isBlank(text)
}

// signature is a magic number at a fixed offset and the type it reveals.
type signature struct {
	off   int
	magic string
	what  string
}

var signatures = []signature{
	{0, "\x89PNG\r\n\x1a\n", "a PNG image"},
	{0, "\xff\xd8\xff", "a JPEG image"},
	{0, "GIF87a", "a GIF image"},
	{0, "GIF89a", "a GIF image"},
	{0, "II*\x00", "a TIFF image"},
	{0, "MM\x00*", "a TIFF image"},
	{0, "8BPS", "a Photoshop image"},
	{0, "\x00\x00\x01\x00", "an icon image"},
	{0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Microsoft Office file (DOC, XLS or PPT)"},
	{0, "{\\rtf", "an RTF document"},
	{0, "\x1f\x8b", "a gzip archive"},
	{0, "\xfd7zXZ\x00", "an xz archive"},
	{0, "7z\xbc\xaf\x27\x1c", "a 7-Zip archive"},
	{0, "Rar!\x1a\x07", "a RAR archive"},
	{0, "\x28\xb5\x2f\xfd", "a Zstandard archive"},
	{0, "\x7fELF", "an executable (ELF)"},
	{0, "\xcf\xfa\xed\xfe", "an executable (Mach-O)"},
	{0, "\xfe\xed\xfa\xcf", "an executable (Mach-O)"},
	{0, "\xca\xfe\xba\xbe", "a Java class or Mach-O binary"},
	{0, "\x00asm", "a WebAssembly module"},
	{0, "SQLite format 3\x00", "an SQLite database"},
	{0, "%!PS", "a PostScript file"},
	{0, "ID3\x02", "an MP3 audio file"},
	{0, "ID3\x03", "an MP3 audio file"},
	{0, "ID3\x04", "an MP3 audio file"},
	{0, "OggS", "an Ogg media file"},
	{0, "fLaC", "a FLAC audio file"},
	{0, "\x1a\x45\xdf\xa3", "a Matroska/WebM video"},
	{0, "wOFF", "a web font"},
	{0, "wOF2", "a web font"},
	{4, "ftypheic", "a HEIC image"},
	{4, "ftypavif", "an AVIF image"},
	{4, "ftyp", "an MP4/QuickTime media file"},
}

// binarySignature names the type of data when it starts with the magic
// number of a format policylens does not read, or returns "".
func binarySignature(data []byte) string {
	for _, s := range signatures {
		if len(data) >= s.off+len(s.magic) && string(data[s.off:s.off+len(s.magic)]) == s.magic {
			return s.what
		}
	}
	switch {
	case len(data) >= 12 && string(data[:4]) == "RIFF":
		switch string(data[8:12]) {
		case "WEBP":
			return "a WebP image"
		case "WAVE":
			return "a WAV audio file"
		case "AVI ":
			return "an AVI video"
		}
		return "a RIFF media file"
	case len(data) >= 10 && data[0] == 'B' && data[1] == 'M' && data[6] == 0 && data[7] == 0 && data[8] == 0 && data[9] == 0:
		return "a BMP image"
	case len(data) >= 4 && data[0] == 'P' && data[1] == 'K' && (data[2] == 3 && data[3] == 4 || data[2] == 5 && data[3] == 6 || data[2] == 7 && data[3] == 8):
		return zipKind(data)
	}
	return ""
}

// zipKind names a ZIP-based format from the names of its first entries.
func zipKind(data []byte) string {
	head := data[:min(len(data), 64<<10)]
	switch {
	case bytes.Contains(head, []byte("mimetypeapplication/vnd.oasis.opendocument.text")):
		return "an OpenDocument text (ODT, a ZIP archive)"
	case bytes.Contains(head, []byte("mimetypeapplication/vnd.oasis.opendocument")):
		return "an OpenDocument file (a ZIP archive)"
	case bytes.Contains(head, []byte("mimetypeapplication/epub+zip")):
		return "an EPUB e-book (a ZIP archive)"
	case bytes.Contains(head, []byte("word/")):
		return "a Word document (DOCX, a ZIP archive)"
	case bytes.Contains(head, []byte("xl/")):
		return "an Excel workbook (XLSX, a ZIP archive)"
	case bytes.Contains(head, []byte("ppt/")):
		return "a PowerPoint presentation (PPTX, a ZIP archive)"
	case bytes.Contains(head, []byte("[Content_Types].xml")):
		return "an Office document (a ZIP archive; DOCX?)"
	}
	return "a ZIP archive (DOCX?)"
}

// textSignature names text-based formats policylens does not read: XML
// other than XHTML, SVG, JSON. complete says whether text is the whole file.
func textSignature(head, text string, complete bool) string {
	if hasPrefixFold(head, "<?xml") || hasPrefixFold(head, "<svg") {
		h := strings.ToLower(head[:min(len(head), 2048)])
		if strings.Contains(h, "<svg") {
			return "an SVG image"
		}
		if !strings.Contains(h, "<html") && !strings.Contains(h, "<!doctype html") {
			return "an XML document"
		}
		return ""
	}
	if complete && len(head) > 0 && (head[0] == '{' || head[0] == '[') && json.Valid([]byte(text)) {
		return "JSON data"
	}
	return ""
}

// htmlStarts are the tags an HTML document typically starts with, checked
// case-insensitively after white space; each must be followed by white
// space, '>' or '/'.
var htmlStarts = []string{
	"<!doctype html", "<html", "<head", "<body", "<title", "<meta", "<link",
	"<p", "<div", "<h1", "<h2", "<h3", "<h4", "<h5", "<h6", "<table", "<br",
	"<a", "<b", "<font", "<script", "<style", "<iframe", "<section", "<article",
	"<main", "<ul", "<ol", "<span", "<header", "<nav", "<center", "<strong",
	"<em", "<i", "<blockquote", "<pre", "<dl", "<base",
}

// looksHTML reports whether text (with leading white space removed) starts
// like an HTML document, after any comments.
func looksHTML(head string) bool {
	for i := 0; i < 8 && strings.HasPrefix(head, "<!--"); i++ {
		end := strings.Index(head, "-->")
		if end < 0 {
			return false
		}
		head = strings.TrimLeft(head[end+3:], " \t\r\n\f")
	}
	if hasPrefixFold(head, "<?xml") {
		h := strings.ToLower(head[:min(len(head), 2048)])
		return strings.Contains(h, "<html") || strings.Contains(h, "<!doctype html")
	}
	for _, t := range htmlStarts {
		if !hasPrefixFold(head, t) {
			continue
		}
		if len(head) == len(t) {
			return true
		}
		switch head[len(t)] {
		case ' ', '\t', '\n', '\r', '\f', '>', '/':
			return true
		}
	}
	return false
}

// hasTag reports whether text contains something like an HTML tag.
func hasTag(text string) bool {
	for i := strings.IndexByte(text, '<'); i >= 0 && i+1 < len(text); {
		c := text[i+1]
		if c == '/' || c == '!' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			return true
		}
		j := strings.IndexByte(text[i+1:], '<')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}

// looksMarkdown reports whether text carries strong Markdown signals: two
// or more ATX headings ("## Title") or setext underlines, or one with other
// Markdown syntax (links, bold, fences), or several inline links.
func looksMarkdown(text string) bool {
	var atx, setext, fences int
	prevText := false
	all := text
	for len(text) > 0 {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		t := strings.TrimLeft(line, " ")
		if len(line)-len(t) <= 3 && len(t) > 0 {
			switch t[0] {
			case '#':
				if atxLevel(strings.TrimRight(t, " \t")) > 0 {
					atx++
				}
			case '`', '~':
				if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
					fences++
				}
			case '=':
				if prevText && len(strings.TrimRight(t, " \t")) >= 3 && strings.Trim(t, "= \t") == "" {
					setext++
				}
			}
		}
		prevText = strings.TrimSpace(line) != ""
	}
	if atx >= 2 || setext >= 2 {
		return true
	}
	links := strings.Count(all, "](http") + strings.Count(all, "](mailto:") + strings.Count(all, "](#") + strings.Count(all, "](/")
	bold := strings.Count(all, "**") / 2
	if atx == 1 || setext == 1 {
		return links > 0 || bold > 0 || fences > 0
	}
	return links >= 3 || links >= 1 && bold >= 2
}

// atxLevel returns the level of an ATX heading line ("# Title" is 1), or 0.
func atxLevel(line string) int {
	n := 0
	for n < len(line) && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 {
		return 0
	}
	if n == len(line) {
		return n
	}
	if line[n] == ' ' || line[n] == '\t' {
		return n
	}
	return 0
}

// hasPrefixFold is strings.HasPrefix ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
