// Command gen writes the fixtures of testdata/text, testdata/html and
// testdata/text/bad that are derived from hand-written sources or are
// binary: other encodings of encoding-source.txt, a policy flattened into
// one 26,000-character line, a one-sentence-per-paragraph layout, and bad
// inputs. Run it from the repository root: go run ./testdata/text/gen
package main

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"log"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

func main() {
	src := read("testdata/text/encoding-source.txt")
	write("testdata/text/utf8-bom.txt", append([]byte("\xEF\xBB\xBF"), src...))
	write("testdata/text/utf16le-bom.txt", utf16Bytes(string(src), binary.LittleEndian, true))
	write("testdata/text/utf16be-bom.txt", utf16Bytes(string(src), binary.BigEndian, true))
	write("testdata/text/utf16le-nobom.txt", utf16Bytes(string(src), binary.LittleEndian, false))
	write("testdata/text/windows-1252.txt", cp1252(strings.ReplaceAll(string(src), "\n", "\r\n")))

	page := string(read("testdata/html/charset-source.html"))
	write("testdata/html/latin1-declared.html", cp1252(strings.Replace(page, "<head>", `<head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`, 1)))
	write("testdata/html/unknown-charset.html", cp1252(strings.Replace(page, "<head>", `<head><meta charset="x-no-such-charset">`, 1)))
	write("testdata/html/mislabeled-utf8.html", []byte(strings.Replace(page, "<head>", `<head><meta charset="windows-1252">`, 1)))
	write("testdata/html/utf16le.html", utf16Bytes(page, binary.LittleEndian, true))

	flat := strings.Join(strings.Fields(string(read("testdata/policies/lumen-fitness.txt"))), " ")
	// Cut after the first sentence end past 26,000 characters.
	r := []rune(flat)
	end := 26000
	for end < len(r) && !(r[end-1] == '.' && r[end] == ' ') {
		end++
	}
	write("testdata/text/single-line.txt", []byte(string(r[:end])))

	lines := strings.Split(strings.TrimSpace(string(read("testdata/text/sentence-per-line.txt"))), "\n")
	write("testdata/text/sentence-per-paragraph.txt", []byte(strings.Join(lines, "\n\n")+"\n"))

	bad := "testdata/text/bad"
	write(filepath.Join(bad, "empty.txt"), nil)
	write(filepath.Join(bad, "whitespace.txt"), []byte("  \n\t\n   \r\n\n"))
	write(filepath.Join(bad, "whitespace-utf16.txt"), utf16Bytes(" \n \t \n", binary.LittleEndian, true))
	write(filepath.Join(bad, "pixel.png"), png1x1)
	write(filepath.Join(bad, "policy.docx"), zipped(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   `<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Privacy Policy</w:t></w:r></w:p></w:body></w:document>`,
	}))
	write(filepath.Join(bad, "archive.zip"), zipped(map[string]string{"policy.txt": "Privacy Policy\n\nWe collect nothing.\n"}))
	write(filepath.Join(bad, "legacy.doc"), append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 504)...))
	write(filepath.Join(bad, "policy.rtf"), []byte(`{\rtf1\ansi{\fonttbl\f0\fswiss Helvetica;}\f0\pard Privacy Policy\par We collect nothing.\par}`+"\n"))
	rnd := rand.New(rand.NewSource(115))
	noise := make([]byte, 4096)
	rnd.Read(noise)
	write(filepath.Join(bad, "random.bin"), noise)
	var rec bytes.Buffer
	for i := 0; i < 64; i++ {
		rec.WriteString("user")
		binary.Write(&rec, binary.LittleEndian, uint32(i*7919))
		rec.Write([]byte{0, 0, 0, 0, 0xff, 0x10, 0x02})
		rec.WriteString("active\x00\x00")
	}
	write(filepath.Join(bad, "records.dat"), rec.Bytes())
}

// png1x1 is a valid 1x1 transparent PNG.
var png1x1 = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

func read(name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func write(name string, data []byte) {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		log.Fatal(err)
	}
}

func utf16Bytes(s string, order binary.ByteOrder, bom bool) []byte {
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	out := make([]byte, 2*len(units))
	for i, u := range units {
		order.PutUint16(out[2*i:], u)
	}
	return out
}

func cp1252(s string) []byte {
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		log.Fatal(err)
	}
	return b
}

func zipped(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "policy.txt"} {
		body, ok := files[name]
		if !ok {
			continue
		}
		w, err := zw.Create(name)
		if err != nil {
			log.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		log.Fatal(err)
	}
	return buf.Bytes()
}
