package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// input is one generated file: its name (the extension decides nothing
// the bytes do not) and a function that writes it.
type input struct {
	name string
	gen  func(w *bufio.Writer)
}

const mb = 1 << 20

// repeat writes s until the file has n bytes (whole copies only).
func repeat(s string, n int) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		for i := 0; i+len(s) <= n; i += len(s) {
			w.WriteString(s)
		}
	}
}

// words is a small vocabulary of policy prose; rng picks from it.
var words = strings.Fields(`we collect use share store process your personal information data
	account email address device location cookies services partners providers advertising
	analytics security legal rights access delete request retain period consent law
	the of and to with for by when you our may in on from about this that`)

type rng uint64

func (r *rng) next() uint64 {
	*r = *r*6364136223846793005 + 1442695040888963407
	return uint64(*r >> 33)
}

// sentences writes sentences of 8 to 20 words, with a paragraph break
// (a blank line) every sep sentences, or a line break when lineBreaks.
func sentences(n, sep int, lineBreaks bool) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		r := rng(1)
		written, count := 0, 0
		for written < n-200 {
			k := 8 + int(r.next()%13)
			var sb strings.Builder
			for i := 0; i < k; i++ {
				word := words[r.next()%uint64(len(words))]
				if i == 0 {
					word = strings.ToUpper(word[:1]) + word[1:]
				} else {
					sb.WriteByte(' ')
				}
				sb.WriteString(word)
			}
			sb.WriteString(".")
			count++
			switch {
			case lineBreaks:
				sb.WriteString("\n")
			case sep > 0 && count%sep == 0:
				sb.WriteString("\n\n")
			default:
				sb.WriteString(" ")
			}
			written += sb.Len()
			w.WriteString(sb.String())
		}
	}
}

// maxClauses writes a Markdown policy of n sections, each a heading and
// one paragraph of about chars characters: as many clauses as the cap
// allows, each near the longest a clause may be, for the largest
// successful analysis.
func maxClauses(n, chars int) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		r := rng(2)
		for s := 1; s <= n; s++ {
			fmt.Fprintf(w, "## Section %d\n\n", s)
			size := 0
			for size < chars-30 {
				word := words[r.next()%uint64(len(words))]
				w.WriteString(word)
				w.WriteByte(' ')
				size += len(word) + 1
			}
			w.WriteString("end.\n\n")
		}
	}
}

// utf16 writes a UTF-16LE file with a byte-order mark: the code unit u
// (or units from unit(i)) n times.
func utf16(n int, unit func(i int) uint16) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		w.Write([]byte{0xFF, 0xFE})
		for i := 0; i < n; i++ {
			u := unit(i)
			w.WriteByte(byte(u))
			w.WriteByte(byte(u >> 8))
		}
	}
}

// deepHTML writes n nested elements of tag around a sentence.
func deepHTML(tag string, n int) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		w.WriteString("<html><body>")
		for i := 0; i < n; i++ {
			w.WriteString("<" + tag + ">")
		}
		w.WriteString("We collect your e-mail address.")
	}
}

func fixture(path string) func(w *bufio.Writer) {
	return func(w *bufio.Writer) {
		b, err := os.ReadFile(path)
		check(err)
		w.Write(b)
	}
}

// inputs are the files measured, the ones of issue 9 first.
var inputs = []input{
	{"md-headings-4MB.md", repeat("# h\n", 4_000_000)},
	{"md-headings-8MB.md", repeat("# h\n", 8_000_000)},
	{"html-h1-8.8MB.html", repeat("<h1>h</h1>", 8_800_000)},
	{"sentences-49MB.txt", sentences(49*mb, 6, false)},
	{"max-clauses.md", maxClauses(19_900, 1990)},
	{"max-clauses-short.md", maxClauses(19_900, 200)},
	{"sentences-one-line.txt", sentences(49*mb, 0, false)},
	{"sentence-per-line.txt", sentences(49*mb, 0, true)},
	{"one-word.txt", repeat("abcdefghij", 49*mb)},
	{"list-items.md", repeat("- a\n", 49*mb)},
	{"list-items.html", repeat("<li>a", 49*mb)},
	{"paragraphs.txt", repeat("a\n\n", 49*mb)},
	{"lines.txt", repeat("a\n", 49*mb)},
	{"nested-quotes.md", repeat(">", 49*mb)},
	{"nested-lists.md", func(w *bufio.Writer) {
		for i := 0; i < 3000; i++ {
			w.WriteString(strings.Repeat("  ", i) + "- item\n")
		}
	}},
	{"deep-div-190k.html", deepHTML("div", 190_000)},
	{"deep-div-49MB.html", deepHTML("div", 49*mb/5)},
	{"deep-b-190k.html", deepHTML("b", 190_000)},
	{"table-rows.md", func(w *bufio.Writer) {
		w.WriteString("| a | b |\n|---|---|\n")
		repeat("| a | b |\n", 49*mb)(w)
	}},
	{"table-rows-190k.html", func(w *bufio.Writer) {
		w.WriteString("<table>")
		repeat("<tr><td>We collect data</td></tr>", 190_000/3*33)(w)
	}},
	{"table-cell-49MB.html", func(w *bufio.Writer) {
		w.WriteString("<table><tr><td>")
		sentences(49*mb, 0, false)(w)
	}},
	{"attribute-49MB.html", func(w *bufio.Writer) {
		w.WriteString(`<p title="`)
		repeat("x", 49*mb)(w)
		w.WriteString(`">We collect data.</p>`)
	}},
	{"comment-49MB.html", func(w *bufio.Writer) {
		w.WriteString(`<p>We collect data.</p><!--`)
		repeat("x", 49*mb)(w)
	}},
	{"links.md", repeat("To opt out, use [our choices page](https://kestrel.example/choices) or [mail us](mailto:privacy@kestrel.example).\n\n", 49*mb)},
	{"links.html", repeat(`<p>To opt out, use <a href="https://kestrel.example/choices">our choices page</a> or <a href="mailto:privacy@kestrel.example">mail us</a>.</p>`, 49*mb)},
	{"links-max-clauses.md", func(w *bufio.Writer) {
		for range 19_900 {
			w.WriteString(strings.Repeat("We share data with partners. ", 60) + "To opt out, use [our choices page](https://kestrel.example/choices).\n\n")
		}
	}},
	// As many mentions as words: 19,900 sections of security measures,
	// rights and kinds of data named over and over.
	{"mentions-max-clauses.md", func(w *bufio.Writer) {
		for s := range 19_900 {
			fmt.Fprintf(w, "## Section %d\n\nYou have the right to access, rectification and erasure; we collect your SSN, date of birth and passport and use ", s+1)
			w.WriteString(strings.Repeat("TLS, SSL, 2FA, MFA, HTTPS, ", 60) + "end.\n\n")
		}
	}},
	{"utf16-surrogates.txt", utf16(24*mb, func(int) uint16 { return 0xD800 })},
	{"utf16-cjk.txt", utf16(24*mb, func(i int) uint16 {
		switch {
		case i%40 == 39:
			return 0x3002 // 。
		case i%400 == 399:
			return '\n'
		}
		return 0x4E00 + uint16(i%2000)
	})},
	{"cp1252-euro.txt", repeat("\x80 ", 49*mb)},
	{"bomb.pdf", fixture("testdata/pdf/bomb.pdf")},
	{"many-pages.pdf", fixture("testdata/pdf/many-pages.pdf")},
}
