package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// The formats set: each policy of testdata/formats/src (the sample
// policies of testdata/policies in the markup of markup.go) is written as
// plain text (its text version, the reference), Markdown and HTML, and
// printed to PDF by the three producers policylens users send: pdfTeX
// (two columns, hyphenated), headless Chromium and LibreOffice.

// formatSources are the stems of testdata/formats/src/*.txt.
var formatSources = []string{"lumen-fitness", "pebble-kids", "tidewater-dental", "harbor-books", "quillmate"}

func writeFormats(src, out, work string) {
	for _, name := range formatSources {
		p, err := readPolicy(filepath.Join(src, name+".txt"), name)
		check(err)
		o := func(suffix string) string { return filepath.Join(out, name+suffix) }
		writeFile(o(".txt"), []byte(textVersion(p)))
		writeFile(o(".md"), []byte(markdownVersion(p)))
		writeFile(o(".html"), []byte(htmlPage(p)))
		copyFile(pdflatex(work, name, texTwoColumn(p), 2), o("-pdftex.pdf"))
		copyFile(chromium(work, p), o("-chromium.pdf"))
		copyFile(libreoffice(work, p, p.titleLines()[0]), o("-libreoffice.pdf"))
	}
}

// textVersion writes p as a plain-text policy: the title lines, then
// paragraphs wrapped at 76 columns with blank lines between them, headings
// on lines of their own, "- " and "1. " list items with hanging indents,
// line blocks as they are and tables as pipe tables.
func textVersion(p *policy) string {
	var b strings.Builder
	for _, t := range p.titleLines() {
		b.WriteString(t + "\n")
	}
	num := 0
	for i := 0; i < len(p.nodes); i++ {
		n := p.nodes[i]
		prev := nPara
		if i > 0 {
			prev = p.nodes[i-1].kind
		}
		// List items follow each other, and their introduction, without a
		// blank line.
		tight := (n.kind == nBullet || n.kind == nNumber) && (prev == n.kind || prev == nPara && strings.HasSuffix(p.nodes[i-1].text, ":"))
		if !tight {
			b.WriteString("\n")
		}
		if n.kind != nNumber {
			num = 0
		}
		switch n.kind {
		case nH1, nH2:
			b.WriteString(n.text + "\n")
		case nBullet:
			b.WriteString(wrap(n.text, "- ", "  ", 76))
		case nNumber:
			num++
			m := fmt.Sprintf("%d. ", num)
			b.WriteString(wrap(n.text, m, strings.Repeat(" ", len(m)), 76))
		case nLines:
			b.WriteString(strings.Join(n.lines, "\n") + "\n")
		case nRow:
			rows := tableRows(p.nodes, i)
			for r, cells := range rows {
				b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
				if r == 0 {
					b.WriteString(strings.Repeat("|---", len(cells)) + "|\n")
				}
			}
			i += len(rows) - 1
		default:
			b.WriteString(wrap(n.text, "", "", 76))
		}
	}
	return b.String()
}

// wrap fills text into lines of at most width columns (a longer word
// stands alone), the first line prefixed by first and the others by rest.
func wrap(text, first, rest string, width int) string {
	var b strings.Builder
	line := first
	empty := true
	for _, w := range strings.Fields(text) {
		if !empty && utf8.RuneCountInString(line)+1+utf8.RuneCountInString(w) > width {
			b.WriteString(line + "\n")
			line, empty = rest, true
		}
		if !empty {
			line += " "
		}
		line += w
		empty = false
	}
	b.WriteString(line + "\n")
	return b.String()
}

// markdownVersion writes p as Markdown: the title as a level-one heading
// (a setext heading when it has several lines), sections as "##" and
// subsections as "###", lists, line blocks as lines of one paragraph and
// tables as pipe tables.
func markdownVersion(p *policy) string {
	var b strings.Builder
	if t := p.titleLines(); len(t) == 1 {
		b.WriteString("# " + t[0] + "\n")
	} else {
		long := 0
		for _, l := range t {
			b.WriteString(l + "\n")
			long = max(long, utf8.RuneCountInString(l))
		}
		b.WriteString(strings.Repeat("=", long) + "\n")
	}
	num := 0
	for i := 0; i < len(p.nodes); i++ {
		n := p.nodes[i]
		prev := nPara
		if i > 0 {
			prev = p.nodes[i-1].kind
		}
		if !((n.kind == nBullet || n.kind == nNumber) && prev == n.kind) {
			b.WriteString("\n")
		}
		if n.kind != nNumber {
			num = 0
		}
		switch n.kind {
		case nH1:
			b.WriteString("## " + n.text + "\n")
		case nH2:
			b.WriteString("### " + n.text + "\n")
		case nBullet:
			b.WriteString("- " + n.text + "\n")
		case nNumber:
			num++
			fmt.Fprintf(&b, "%d. %s\n", num, n.text)
		case nLines:
			b.WriteString(strings.Join(n.lines, "  \n") + "\n")
		case nRow:
			rows := tableRows(p.nodes, i)
			for r, cells := range rows {
				b.WriteString("| " + strings.Join(cells, " | ") + " |\n")
				if r == 0 {
					b.WriteString(strings.Repeat("| --- ", len(cells)) + "|\n")
				}
			}
			i += len(rows) - 1
		default:
			b.WriteString(n.text + "\n")
		}
	}
	return b.String()
}
