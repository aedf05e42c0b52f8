package extract

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode/utf32"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"

	xunicode "golang.org/x/text/encoding/unicode"
)

// Encoding names as reported in Document.Encoding.
const (
	encUTF8        = "utf-8"
	encUTF16LE     = "utf-16le"
	encUTF16BE     = "utf-16be"
	encUTF32LE     = "utf-32le"
	encUTF32BE     = "utf-32be"
	encWindows1252 = "windows-1252"
)

// textEncoding says how the bytes of a text file are encoded and how many
// bytes of byte-order mark precede the text.
type textEncoding struct {
	name string
	bom  int
}

// sniffEncoding decides the encoding of a text file: a byte-order mark
// wins; without one, UTF-16 is recognised by its pattern of zero bytes,
// valid UTF-8 is UTF-8, and anything else is read as Windows-1252 (a
// superset of the printable part of Latin-1).
func sniffEncoding(data []byte) textEncoding {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return textEncoding{encUTF8, 3}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE, 0, 0}):
		return textEncoding{encUTF32LE, 4}
	case bytes.HasPrefix(data, []byte{0, 0, 0xFE, 0xFF}):
		return textEncoding{encUTF32BE, 4}
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}):
		return textEncoding{encUTF16LE, 2}
	case bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return textEncoding{encUTF16BE, 2}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		if name := sniffUTF16(data); name != "" {
			return textEncoding{name, 0}
		}
	}
	if utf8.Valid(data) {
		return textEncoding{encUTF8, 0}
	}
	return textEncoding{encWindows1252, 0}
}

// sniffUTF16 recognises UTF-16 without a byte-order mark: text in a Latin
// script has a zero high byte in most code units, so one byte position is
// mostly zero and the other almost never.
func sniffUTF16(data []byte) string {
	n := min(len(data), 4096) &^ 1
	if n < 4 {
		return ""
	}
	var even, odd int
	for i := 0; i < n; i += 2 {
		if data[i] == 0 {
			even++
		}
		if data[i+1] == 0 {
			odd++
		}
	}
	units := n / 2
	switch {
	case odd*10 >= units*4 && even*20 < units:
		return encUTF16LE
	case even*10 >= units*4 && odd*20 < units:
		return encUTF16BE
	}
	return ""
}

// decodeBytes converts data (after its byte-order mark) from enc to UTF-8.
// Bytes that cannot be decoded become U+FFFD (or, for the five bytes
// Windows-1252 leaves undefined, the C1 control of the same value), which
// cleanText counts as signs of binary data.
func decodeBytes(data []byte, enc textEncoding) string {
	data = data[enc.bom:]
	switch enc.name {
	case encUTF8:
		return string(data)
	case encWindows1252:
		var sb strings.Builder
		sb.Grow(len(data) + len(data)/8)
		for _, b := range data {
			if b < utf8.RuneSelf {
				sb.WriteByte(b)
				continue
			}
			r := charmap.Windows1252.DecodeByte(b)
			if r == utf8.RuneError {
				r = rune(b)
			}
			sb.WriteRune(r)
		}
		return sb.String()
	}
	var dec *encoding.Decoder
	switch enc.name {
	case encUTF16LE:
		dec = xunicode.UTF16(xunicode.LittleEndian, xunicode.IgnoreBOM).NewDecoder()
	case encUTF16BE:
		dec = xunicode.UTF16(xunicode.BigEndian, xunicode.IgnoreBOM).NewDecoder()
	case encUTF32LE:
		dec = utf32.UTF32(utf32.LittleEndian, utf32.IgnoreBOM).NewDecoder()
	default:
		dec = utf32.UTF32(utf32.BigEndian, utf32.IgnoreBOM).NewDecoder()
	}
	// The x/text Unicode decoders replace malformed input with U+FFFD
	// rather than fail; whatever came out is the text.
	out, _ := dec.Bytes(data)
	return string(out)
}

// cleanText normalises decoded text: CRLF and CR become LF, Unicode line
// and paragraph separators and form feeds become line or paragraph breaks,
// invisible format characters (zero-width space, soft hyphen, stray BOMs)
// are removed, and control characters are removed and counted. It returns
// the cleaned text, the number of runes and the number of suspicious runes
// (controls, undecodable bytes), from which callers judge whether the input
// is text at all.
func cleanText(s string) (out string, runes, bad int) {
	if fast, n := cleanASCIIish(s); fast {
		return s, n, 0
	}
	var sb strings.Builder
	sb.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		runes++
		switch {
		case r == '\r':
			sb.WriteByte('\n')
			if i < len(s) && s[i] == '\n' {
				i++
			}
		case r == '\n' || r == '\t':
			sb.WriteRune(r)
		case r == '\f' || r == '\u2029':
			sb.WriteString("\n\n")
		case r == '\v' || r == '\u2028' || r == '\u0085':
			sb.WriteByte('\n')
		case r == utf8.RuneError && size == 1, r == '\uFFFD':
			bad++
			sb.WriteRune('\uFFFD')
		case r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == '\u2060':
			// Invisible: soft hyphen, zero-width space, BOM/ZWNBSP, word joiner.
		case r < 0x20 || (r >= 0x7F && r < 0xA0):
			bad++
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String(), runes, bad
}

// cleanASCIIish reports whether s needs no cleaning (no CR, no controls
// other than tab and LF, none of the special code points cleanText
// rewrites), and if so its rune count. It is the fast path for ordinary
// UTF-8 text.
func cleanASCIIish(s string) (bool, int) {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch byteClass[c] {
		case plainByte:
			n++
		case continuationByte:
		case leadByte:
			n++
			// Look for the few multi-byte sequences cleanText rewrites.
			switch c {
			case 0xC2: // U+0080..U+00BF: C1 controls, soft hyphen
				if i+1 < len(s) && (s[i+1] < 0xA0 || s[i+1] == 0xAD) {
					return false, 0
				}
			case 0xE2: // U+2028, U+2029, U+200B, U+2060
				if i+2 < len(s) && (s[i+1] == 0x80 && (s[i+2] == 0xA8 || s[i+2] == 0xA9 || s[i+2] == 0x8B) || s[i+1] == 0x81 && s[i+2] == 0xA0) {
					return false, 0
				}
			case 0xEF: // U+FEFF, U+FFFD
				if i+2 < len(s) && (s[i+1] == 0xBB && s[i+2] == 0xBF || s[i+1] == 0xBF && s[i+2] == 0xBD) {
					return false, 0
				}
			}
		default:
			return false, 0
		}
	}
	if !utf8.ValidString(s) {
		return false, 0
	}
	return true, n
}

// Byte classes for cleanASCIIish.
const (
	controlByte      = iota // a control character other than tab and LF, or an invalid byte
	plainByte               // printable ASCII, tab, LF
	leadByte                // the first byte of a multi-byte sequence
	continuationByte        // a later byte of one
)

var byteClass = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		switch {
		case c >= 0x20 && c < 0x7F, c == '\n', c == '\t':
			t[c] = plainByte
		case c >= 0x80 && c < 0xC0:
			t[c] = continuationByte
		case c >= 0xC2 && c < 0xF5:
			t[c] = leadByte
		default:
			t[c] = controlByte
		}
	}
	return t
}()

// binaryText reports whether a decoded text with this many runes and
// suspicious runes is really binary data: more than 2% of it controls or
// undecodable bytes (text files have none; random bytes have about 12%).
func binaryText(runes, bad int) bool {
	return bad > 0 && bad*50 > runes
}

// utf16Damage counts the U+FFFD that decoding UTF-16 data (after its
// byte-order mark) gives for damage other readers forgive: a lone
// surrogate, or one trailing odd byte. A few of them are not a sign of
// binary data; random bytes read as UTF-16 have a lone surrogate in about
// 3% of their code units.
func utf16Damage(data []byte, te textEncoding) int {
	var hi, lo int
	switch te.name {
	case encUTF16LE:
		hi, lo = 1, 0
	case encUTF16BE:
		hi, lo = 0, 1
	default:
		return 0
	}
	data = data[te.bom:]
	n := len(data) % 2
	pending := false // a high surrogate waits for its low half
	for i := 0; i+1 < len(data); i += 2 {
		u := uint16(data[i+hi])<<8 | uint16(data[i+lo])
		switch {
		case u >= 0xD800 && u < 0xDC00:
			if pending {
				n++
			}
			pending = true
		case u >= 0xDC00 && u < 0xE000:
			if !pending {
				n++
			}
			pending = false
		default:
			if pending {
				n++
			}
			pending = false
		}
	}
	if pending {
		n++
	}
	return n
}

// forgivenDamage is how many of damage U+FFFD in a text of this many runes
// do not count as signs of binary data: up to 2, and 1 in 1000 runes.
func forgivenDamage(damage, runes int) int {
	return min(damage, 2+runes/1000)
}

// decodeAll decodes and cleans a whole text file. It returns an error when
// the data is not text.
func decodeAll(data []byte) (text, enc string, err error) {
	te := sniffEncoding(data)
	text, runes, bad := cleanText(decodeBytes(data, te))
	if binaryText(runes, bad-forgivenDamage(utf16Damage(data, te), runes)) {
		return "", "", notTextErr()
	}
	return text, te.name, nil
}

func notTextErr() error {
	return fault.E(fault.Unsupported, "detected binary data, not text; %s", readsWhat)
}

// readsWhat ends every unsupported-format message.
const readsWhat = "policylens reads PDF, HTML, Markdown and plain text"

// extractText reads a plain-text policy. Paragraphs are separated by blank
// lines; each becomes a Paragraph block that keeps its line breaks and the
// indentation of its second and later lines (which tells a list item's
// continuation from the next paragraph), with trailing white space
// removed. Lines made only of decoration ("=====", "-----", "* * *")
// separate paragraphs and are dropped. A pipe table ("| a | b |" rows, a
// "|---|---|" row under the header) becomes TableRow blocks, as in
// Markdown.
//
// It stops after maxBlocks+1 blocks when maxBlocks is positive.
func extractText(data []byte, maxBlocks int) (*policy.Document, error) {
	text, enc, err := decodeAll(data)
	if err != nil {
		return nil, err
	}
	doc := &policy.Document{Format: policy.Text, Encoding: enc}
	doc.Blocks = textBlocks(text, doc.Blocks, maxBlocks)
	return doc, nil
}

// textBlocks appends the paragraphs and tables of text to blocks,
// stopping after maxBlocks+1 blocks when maxBlocks is positive.
func textBlocks(text string, blocks []policy.Block, maxBlocks int) []policy.Block {
	var para strings.Builder
	var table pipeTable
	flush := func() {
		if para.Len() > 0 {
			blocks = append(blocks, policy.Block{Kind: policy.Paragraph, Text: para.String()})
			para.Reset()
		}
		blocks = table.end(blocks)
	}
	for len(text) > 0 && (maxBlocks <= 0 || len(blocks) <= maxBlocks) {
		var line string
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			line, text = text, ""
		}
		line = strings.TrimRightFunc(line, unicode.IsSpace)
		t := strings.TrimLeftFunc(line, unicode.IsSpace)
		switch {
		case isPipeRow(t):
			if !table.open {
				flush()
			}
			if mdTableSep().MatchString(t) {
				table.delimiter()
				continue
			}
			blocks = table.row(blocks, pipeCells(t))
			continue
		case table.open:
			flush()
		}
		if t == "" || isDecorationLine(t) {
			flush()
			continue
		} else if para.Len() == 0 {
			line = t
		}
		if para.Len() > 0 {
			para.WriteByte('\n')
		}
		para.WriteString(line)
	}
	flush()
	return blocks
}

// isDecorationLine reports whether a trimmed line is a rule drawn with
// punctuation: at least three of one character from "=-_*~#+." with
// optional spaces between them.
func isDecorationLine(line string) bool {
	if len(line) < 3 {
		return false
	}
	var mark byte
	n := 0
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case ' ', '\t':
			continue
		case '=', '-', '_', '*', '~', '#', '+', '.':
			if mark == 0 {
				mark = c
			} else if c != mark {
				return false
			}
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// isBlank reports whether s has nothing but white space.
func isBlank(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsSpace(r) }) < 0
}
