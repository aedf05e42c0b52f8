// Command pdffixtures regenerates the PDF fixtures in testdata/pdf from the
// policy texts in testdata/pdf/src, using LibreOffice, headless Chromium,
// pdfLaTeX, qpdf and Ghostscript, plus hand-written hostile PDFs. Run it via
// scripts/make-pdf-fixtures.sh; tests only need the committed output.
package main

import (
	"bytes"
	"compress/zlib"
	"flag"
	"fmt"
	"log"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	src := flag.String("src", "testdata/pdf/src", "directory of policy sources")
	out := flag.String("out", "testdata/pdf", "output directory")
	work := flag.String("work", "", "scratch directory (default: a temporary one)")
	bombGB := flag.Float64("bomb-gb", 2.5, "inflated size of the decompression bomb, in GB")
	longParts := flag.Int("long-parts", 118, "policies repeated in many-pages.pdf")
	set := flag.String("set", "pdf", "what to write: pdf (the PDF fixtures, from -src into -out) or formats (each sample policy of -src as text, Markdown, HTML and three producers' PDFs, into -out)")
	flag.Parse()
	log.SetFlags(0)

	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "pdffixtures")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	switch *set {
	case "formats":
		writeFormats(*src, *out, dir)
		log.Printf("formats written to %s", *out)
		return
	case "pdf":
	default:
		log.Fatalf("unknown -set %q", *set)
	}
	load := func(name string) *policy {
		p, err := readPolicy(filepath.Join(*src, name+".txt"), name)
		check(err)
		return p
	}
	northwind, brightleaf, cobalt, harbor := load("northwind"), load("brightleaf"), load("cobalt"), load("harbor")
	o := func(name string) string { return filepath.Join(*out, name) }

	// Producers.
	lo := libreoffice(dir, northwind, "Northwind Outfitters · Privacy Policy")
	copyFile(lo, o("northwind-libreoffice.pdf"))
	ch := chromium(dir, brightleaf)
	copyFile(ch, o("brightleaf-chromium.pdf"))
	tx := pdflatex(dir, "cobalt", texFancy(cobalt, "Cobalt Analytics GmbH", "Privacy Statement"), 1)
	copyFile(tx, o("cobalt-pdflatex.pdf"))
	// With an empty font map pdfTeX embeds bitmap (Type 3) fonts whose
	// glyphs are named by code, as older TeX PDFs have them.
	t3 := pdflatex(dir, "cobalt-type3", `\pdfmapfile{}`+"\n"+texFancy(cobalt, "Cobalt Analytics GmbH", "Privacy Statement"), 1)
	copyFile(t3, o("cobalt-type3.pdf"))
	tc := pdflatex(dir, "harbor", texTwoColumn(harbor), 1)
	copyFile(tc, o("harbor-twocolumn.pdf"))
	long := pdflatex(dir, "long", texLong([]*policy{northwind, brightleaf, cobalt, harbor}, *longParts), 2)
	copyFile(long, o("many-pages.pdf"))

	// Variants made with qpdf and Ghostscript.
	run("qpdf", "--object-streams=generate", lo, o("northwind-objstm.pdf"))
	run("qpdf", "--encrypt", "secret", "owner", "256", "--", tx, o("encrypted.pdf"))
	run("qpdf", "--encrypt", "", "owner", "128", "--use-aes=y", "--", lo, o("encrypted-empty-password.pdf"))
	run("gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pdfimage8", "-r40",
		"-dFirstPage=1", "-dLastPage=2", "-sOutputFile="+o("scanned.pdf"), lo)

	// Byte-level variants of good files.
	loBytes := readFile(lo)
	writeFile(o("truncated.pdf"), loBytes[:len(loBytes)*55/100])
	rng := rand.New(rand.NewSource(2))
	garbage := make([]byte, 12000)
	rng.Read(garbage)
	writeFile(o("corrupt.pdf"), cat([]byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), garbage, []byte("\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")))
	txBytes := readFile(tx)
	writeFile(o("pdf20.pdf"), cat([]byte("%PDF-2.0"), txBytes[8:]))
	writeFile(o("junk-before-header.pdf"), cat([]byte("HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\nX-Served-By: cache-17\r\n\r\n"), readFile(ch)))
	trailer := strings.Repeat("<div>appended by a mail gateway; not part of the document</div>\n", 30)
	writeFile(o("trailing-data.pdf"), cat(readFile(tc), []byte(trailer)))
	// Bytes inserted after the header shift every object, so the xref
	// offsets and startxref all point to the wrong place.
	nl := bytes.IndexByte(loBytes, '\n') + 1
	writeFile(o("broken-xref.pdf"), cat(loBytes[:nl], []byte("% "+strings.Repeat("padding ", 12)+"\n"), loBytes[nl:]))

	// Hand-written PDFs.
	writeFile(o("base14.pdf"), base14PDF())
	writeFile(o("cyclic-pages.pdf"), cyclicPagesPDF())
	writeFile(o("objstm-loop.pdf"), objStmLoopPDF())
	writeFile(o("bomb.pdf"), bombPDF(int64(*bombGB*(1<<30))))
	writeFile(o("blank.pdf"), blankPDF())
	log.Printf("fixtures written to %s", *out)
}

func libreoffice(dir string, p *policy, header string) string {
	in := filepath.Join(dir, p.name+".fodt")
	writeFile(in, []byte(fodt(p, header)))
	// A private profile keeps the conversion independent of the user's settings.
	profile := "file://" + filepath.Join(dir, "lo-profile")
	run("soffice", "-env:UserInstallation="+profile, "--headless", "--convert-to", "pdf", "--outdir", dir, in)
	return filepath.Join(dir, p.name+".pdf")
}

func chromium(dir string, p *policy) string {
	in := filepath.Join(dir, p.name+".html")
	writeFile(in, []byte(htmlPage(p)))
	out := filepath.Join(dir, p.name+"-chromium.pdf")
	// The default print header and footer (date, title, URL, "1/3") stay on:
	// they are the running headers a user's browser adds.
	run("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run",
		"--user-data-dir="+filepath.Join(dir, "chromium-profile"),
		"--print-to-pdf="+out, "file://"+in)
	return out
}

func pdflatex(dir, name, src string, runs int) string {
	in := filepath.Join(dir, name+".tex")
	writeFile(in, []byte(src))
	for i := 0; i < runs; i++ {
		cmd := exec.Command("pdflatex", "-interaction=nonstopmode", "-halt-on-error", name+".tex")
		cmd.Dir = dir
		if b, err := cmd.CombinedOutput(); err != nil {
			log.Fatalf("pdflatex %s: %v\n%s", name, err, tail(b))
		}
	}
	return filepath.Join(dir, name+".pdf")
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, tail(b))
	}
}

func tail(b []byte) []byte {
	if len(b) > 3000 {
		return b[len(b)-3000:]
	}
	return b
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func readFile(path string) []byte {
	b, err := os.ReadFile(path)
	check(err)
	return b
}

func writeFile(path string, b []byte) { check(os.WriteFile(path, b, 0o644)) }

func copyFile(from, to string) { writeFile(to, readFile(from)) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// pdfWriter assembles a PDF from numbered object bodies with a classic
// cross-reference table.
type pdfWriter struct {
	buf  bytes.Buffer
	offs map[int]int
	max  int
}

func newPDF() *pdfWriter {
	w := &pdfWriter{offs: map[int]int{}}
	w.buf.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	return w
}

func (w *pdfWriter) obj(n int, body string) {
	w.offs[n] = w.buf.Len()
	if n > w.max {
		w.max = n
	}
	fmt.Fprintf(&w.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

func (w *pdfWriter) stream(n int, dict string, data []byte) {
	w.offs[n] = w.buf.Len()
	if n > w.max {
		w.max = n
	}
	fmt.Fprintf(&w.buf, "%d 0 obj\n<< %s /Length %d >>\nstream\n", n, dict, len(data))
	w.buf.Write(data)
	w.buf.WriteString("\nendstream\nendobj\n")
}

func (w *pdfWriter) finish(trailer string) []byte {
	x := w.buf.Len()
	fmt.Fprintf(&w.buf, "xref\n0 %d\n0000000000 65535 f \n", w.max+1)
	for i := 1; i <= w.max; i++ {
		if off, ok := w.offs[i]; ok {
			fmt.Fprintf(&w.buf, "%010d 00000 n \n", off)
		} else {
			w.buf.WriteString("0000000000 65535 f \n")
		}
	}
	fmt.Fprintf(&w.buf, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", w.max+1, trailer, x)
	return w.buf.Bytes()
}

// base14PDF uses the standard Helvetica font without a /Widths array, as
// simple generators do, and places some words with separate Td moves and no
// space characters.
func base14PDF() []byte {
	w := newPDF()
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> /Contents 4 0 R >>")
	content := `BT /F2 18 Tf 72 720 Td (Simple Generator Privacy Notice) Tj ET
BT /F1 11 Tf 72 690 Td 14 TL (We keep the email address you give us only to answer your message.) Tj
T* (We delete it after ninety days and never share it with anyone.) Tj ET
BT /F1 11 Tf 72 640 Td (Contact) Tj 44 0 Td (the) Tj 20 0 Td (office) Tj 34 0 Td (at) Tj 14 0 Td (privacy@simple.example.) Tj ET
`
	w.stream(4, "", []byte(content))
	w.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	w.obj(6, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	w.obj(7, "<< /Title (Simple Generator Privacy Notice) /Producer (pdffixtures) >>")
	return w.finish("/Root 1 0 R /Info 7 0 R")
}

// cyclicPagesPDF has a page tree whose first kid is a Pages node listing
// the root again: ledongthuc/pdf's Reader.Page descends into it forever.
// The second kid is a real page.
func cyclicPagesPDF() []byte {
	w := newPDF()
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [6 0 R 3 0 R] /Count 2 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	w.stream(4, "", []byte("BT /F1 12 Tf 72 700 Td (This page is reachable; the page tree also loops back on itself.) Tj ET\n"))
	w.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	w.obj(6, "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 5 >>")
	return w.finish("/Root 1 0 R")
}

// objStmLoopPDF stores the page tree root in an object stream whose
// /Extends chain points back to itself: resolving that object never
// finishes in ledongthuc/pdf, so only a hard timeout ends the work.
func objStmLoopPDF() []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
	off1 := b.Len()
	b.WriteString("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n")
	off3 := b.Len()
	data := []byte("9 0 ")
	fmt.Fprintf(&b, "3 0 obj\n<< /Type /ObjStm /N 0 /First 4 /Extends 3 0 R /Length %d >>\nstream\n", len(data))
	b.Write(data)
	b.WriteString("\nendstream\nendobj\n")
	offX := b.Len()
	// Cross-reference stream: W [1 4 2], objects 0..4.
	var x bytes.Buffer
	entry := func(t byte, f2 uint32, f3 uint16) {
		x.WriteByte(t)
		x.Write([]byte{byte(f2 >> 24), byte(f2 >> 16), byte(f2 >> 8), byte(f2)})
		x.Write([]byte{byte(f3 >> 8), byte(f3)})
	}
	entry(0, 0, 65535)
	entry(1, uint32(off1), 0)
	entry(2, 3, 0) // object 2 lives in object stream 3, index 0
	entry(1, uint32(off3), 0)
	entry(1, uint32(offX), 0)
	fmt.Fprintf(&b, "4 0 obj\n<< /Type /XRef /Size 5 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", x.Len())
	b.Write(x.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offX)
	return b.Bytes()
}

// bombPDF has a one-page content stream, compressed twice with Flate, that
// inflates to n bytes of unbalanced "q" operators.
func bombPDF(n int64) []byte {
	inner := deflate(func(w *zlib.Writer) {
		chunk := bytes.Repeat([]byte("q\n"), 1<<19)
		for left := n; left > 0; left -= int64(len(chunk)) {
			c := chunk
			if left < int64(len(c)) {
				c = c[:left]
			}
			if _, err := w.Write(c); err != nil {
				log.Fatal(err)
			}
		}
	})
	outer := deflate(func(w *zlib.Writer) { w.Write(inner) })
	w := newPDF()
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>")
	w.stream(4, "/Filter [/FlateDecode /FlateDecode]", outer)
	w.obj(5, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	return w.finish("/Root 1 0 R")
}

// blankPDF has two pages with drawings but no text at all.
func blankPDF() []byte {
	w := newPDF()
	w.obj(1, "<< /Type /Catalog /Pages 2 0 R >>")
	w.obj(2, "<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 >>")
	w.obj(3, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>")
	w.stream(4, "", []byte("0.5 g 72 72 468 648 re f\n"))
	w.obj(5, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>")
	return w.finish("/Root 1 0 R")
}

func deflate(write func(w *zlib.Writer)) []byte {
	var b bytes.Buffer
	w, err := zlib.NewWriterLevel(&b, zlib.BestCompression)
	check(err)
	write(w)
	check(w.Close())
	return b.Bytes()
}
