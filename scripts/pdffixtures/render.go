package main

import (
	"fmt"
	"html"
	"strings"
)

// fodt renders p as a flat OpenDocument text file for LibreOffice: justified
// serif body, sans-serif bold headings, bulleted and numbered lists, a
// running header and a "Page N of M" footer.
func fodt(p *policy, header string) string {
	esc := func(s string) string { return html.EscapeString(softHyphenate(s, "\u00ad")) }
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>%s</dc:title></office:meta>
<office:font-face-decls>
 <style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" style:font-family-generic="roman"/>
 <style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'" style:font-family-generic="swiss"/>
</office:font-face-decls>
<office:styles>
 <style:style style:name="Standard" style:family="paragraph">
  <style:paragraph-properties fo:text-align="justify" fo:margin-top="0cm" fo:margin-bottom="0.21cm" fo:line-height="115%%"/>
  <style:text-properties style:font-name="Liberation Serif" fo:font-size="11pt" fo:language="en" fo:country="GB"/>
 </style:style>
 <style:style style:name="Title" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.3cm"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="20pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Subtitle" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center" fo:margin-bottom="0.5cm"/>
  <style:text-properties fo:font-style="italic"/>
 </style:style>
 <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="1">
  <style:paragraph-properties fo:text-align="start" fo:margin-top="0.42cm" fo:margin-bottom="0.21cm" fo:keep-with-next="always"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="14pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph" style:parent-style-name="Standard" style:default-outline-level="2">
  <style:paragraph-properties fo:text-align="start" fo:margin-top="0.3cm" fo:margin-bottom="0.15cm" fo:keep-with-next="always"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="12pt" fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Table_20_Contents" style:display-name="Table Contents" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="start" fo:margin-bottom="0cm"/>
  <style:text-properties fo:font-size="10pt"/>
 </style:style>
 <style:style style:name="Table_20_Heading" style:display-name="Table Heading" style:family="paragraph" style:parent-style-name="Table_20_Contents">
  <style:text-properties fo:font-weight="bold"/>
 </style:style>
 <style:style style:name="Header" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="end"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="9pt"/>
 </style:style>
 <style:style style:name="Footer" style:family="paragraph" style:parent-style-name="Standard">
  <style:paragraph-properties fo:text-align="center"/>
  <style:text-properties style:font-name="Liberation Sans" fo:font-size="9pt"/>
 </style:style>
 <text:list-style style:name="Bullets">
  <text:list-level-style-bullet text:level="1" text:bullet-char="•">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.9cm" fo:text-indent="-0.5cm" fo:margin-left="0.9cm"/>
   </style:list-level-properties>
  </text:list-level-style-bullet>
 </text:list-style>
 <text:list-style style:name="Numbers">
  <text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1">
   <style:list-level-properties text:list-level-position-and-space-mode="label-alignment">
    <style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.9cm" fo:text-indent="-0.6cm" fo:margin-left="0.9cm"/>
   </style:list-level-properties>
  </text:list-level-style-number>
 </text:list-style>
</office:styles>
<office:automatic-styles>
 <style:style style:name="Cell" style:family="table-cell">
  <style:table-cell-properties fo:padding="0.1cm" fo:border-bottom="0.5pt solid #999999"/>
 </style:style>
 <style:page-layout style:name="pm1">
  <style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="2.4cm" fo:margin-right="2.4cm"/>
  <style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.6cm"/></style:header-style>
  <style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.6cm"/></style:footer-style>
 </style:page-layout>
</office:automatic-styles>
<office:master-styles>
 <style:master-page style:name="Standard" style:page-layout-name="pm1">
  <style:header><text:p text:style-name="Header">%s</text:p></style:header>
  <style:footer><text:p text:style-name="Footer">Page <text:page-number text:select-page="current">1</text:page-number> of <text:page-count>1</text:page-count></text:p></style:footer>
 </style:master-page>
</office:master-styles>
<office:body><office:text>
<text:p text:style-name="Title">%s</text:p>
`, html.EscapeString(p.title), html.EscapeString(header), joinEscaped(p.titleLines(), html.EscapeString, "<text:line-break/>"))
	first := true
	for i := 0; i < len(p.nodes); i++ {
		n := p.nodes[i]
		switch n.kind {
		case nH1:
			fmt.Fprintf(&b, "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">%s</text:h>\n", esc(n.text))
		case nH2:
			fmt.Fprintf(&b, "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">%s</text:h>\n", esc(n.text))
		case nBullet, nNumber:
			style := "Bullets"
			if n.kind == nNumber {
				style = "Numbers"
			}
			fmt.Fprintf(&b, "<text:list text:style-name=%q>\n", style)
			for ; i < len(p.nodes) && p.nodes[i].kind == n.kind; i++ {
				fmt.Fprintf(&b, " <text:list-item><text:p text:style-name=\"Standard\">%s</text:p></text:list-item>\n", esc(p.nodes[i].text))
			}
			i--
			b.WriteString("</text:list>\n")
		case nLines:
			fmt.Fprintf(&b, "<text:p text:style-name=\"Standard\">%s</text:p>\n", joinEscaped(n.lines, esc, "<text:line-break/>"))
		case nRow:
			rows := tableRows(p.nodes, i)
			fmt.Fprintf(&b, "<table:table table:name=\"Table%d\">\n<table:table-column table:number-columns-repeated=\"%d\"/>\n", i, len(rows[0]))
			for r, cells := range rows {
				style := "Table_20_Contents"
				if r == 0 {
					style = "Table_20_Heading"
					b.WriteString("<table:table-header-rows>")
				}
				b.WriteString("<table:table-row>")
				for _, c := range cells {
					fmt.Fprintf(&b, "<table:table-cell table:style-name=\"Cell\" office:value-type=\"string\"><text:p text:style-name=%q>%s</text:p></table:table-cell>", style, esc(c))
				}
				b.WriteString("</table:table-row>")
				if r == 0 {
					b.WriteString("</table:table-header-rows>")
				}
				b.WriteString("\n")
			}
			b.WriteString("</table:table>\n")
			i += len(rows) - 1
		default:
			style := "Standard"
			if first {
				style = "Subtitle"
			}
			fmt.Fprintf(&b, "<text:p text:style-name=%q>%s</text:p>\n", style, esc(n.text))
		}
		first = false
	}
	b.WriteString("</office:text></office:body>\n</office:document>\n")
	return b.String()
}

// htmlPage renders p as a web page for headless Chromium.
func htmlPage(p *policy) string {
	esc := func(s string) string { return softHyphenate(html.EscapeString(s), "&shy;") }
	var b strings.Builder
	fmt.Fprintf(&b, `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>%s</title>
<style>
body { font-family: "DejaVu Serif", serif; font-size: 11pt; line-height: 1.45; margin: 0 1.5cm; }
h1 { font-family: "DejaVu Sans", sans-serif; font-size: 21pt; margin: 0.6em 0 0.2em; }
h2 { font-family: "DejaVu Sans", sans-serif; font-size: 15pt; margin: 1.1em 0 0.4em; }
h3 { font-family: "DejaVu Sans", sans-serif; font-size: 12.5pt; margin: 0.9em 0 0.3em; }
p { margin: 0 0 0.7em; }
p.meta { color: #555; font-style: italic; }
li { margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0 0 0.7em; }
th, td { text-align: left; vertical-align: top; padding: 2pt 8pt 2pt 0; border-bottom: 0.5pt solid #999; }
</style></head><body>
<h1>%s</h1>
`, html.EscapeString(p.title), joinEscaped(p.titleLines(), html.EscapeString, "<br>"))
	first := true
	for i := 0; i < len(p.nodes); i++ {
		n := p.nodes[i]
		switch n.kind {
		case nH1:
			fmt.Fprintf(&b, "<h2>%s</h2>\n", esc(n.text))
		case nH2:
			fmt.Fprintf(&b, "<h3>%s</h3>\n", esc(n.text))
		case nBullet, nNumber:
			tag := "ul"
			if n.kind == nNumber {
				tag = "ol"
			}
			fmt.Fprintf(&b, "<%s>\n", tag)
			for ; i < len(p.nodes) && p.nodes[i].kind == n.kind; i++ {
				fmt.Fprintf(&b, "<li>%s</li>\n", esc(p.nodes[i].text))
			}
			i--
			fmt.Fprintf(&b, "</%s>\n", tag)
		case nLines:
			fmt.Fprintf(&b, "<p>%s</p>\n", joinEscaped(n.lines, esc, "<br>"))
		case nRow:
			rows := tableRows(p.nodes, i)
			b.WriteString("<table>\n")
			for r, cells := range rows {
				tag := "td"
				if r == 0 {
					tag = "th"
				}
				b.WriteString("<tr>")
				for _, c := range cells {
					fmt.Fprintf(&b, "<%s>%s</%s>", tag, esc(c), tag)
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n")
			i += len(rows) - 1
		default:
			if first {
				fmt.Fprintf(&b, "<p class=\"meta\">%s</p>\n", esc(n.text))
			} else {
				fmt.Fprintf(&b, "<p>%s</p>\n", esc(n.text))
			}
		}
		first = false
	}
	b.WriteString("</body></html>\n")
	return b.String()
}

// texEscape escapes LaTeX special characters and uses typographic quotes.
func texEscape(s string) string {
	r := strings.NewReplacer(
		`\`, `\textbackslash{}`, `&`, `\&`, `%`, `\%`, `$`, `\$`, `#`, `\#`,
		`_`, `\_`, `{`, `\{`, `}`, `\}`, `~`, `\textasciitilde{}`, `^`, `\^{}`,
		"@", "@\\allowbreak{}",
	)
	s = r.Replace(s)
	// Opening double quotes after a space or bracket, closing otherwise.
	var b strings.Builder
	prev := ' '
	for _, c := range s {
		if c == '"' {
			if prev == ' ' || prev == '(' {
				b.WriteString("``")
			} else {
				b.WriteString("''")
			}
		} else {
			b.WriteRune(c)
		}
		prev = c
	}
	return b.String()
}

// texBody renders the policy body (without preamble) as LaTeX.
func texBody(p *policy, titleBlock bool) string {
	var b strings.Builder
	if titleBlock {
		fmt.Fprintf(&b, "\\begin{center}{\\LARGE\\bfseries %s\\par}\\end{center}\n", joinEscaped(p.titleLines(), texEscape, "\\\\ "))
	}
	first := true
	for i := 0; i < len(p.nodes); i++ {
		n := p.nodes[i]
		switch n.kind {
		case nH1:
			fmt.Fprintf(&b, "\\section*{%s}\n", texEscape(n.text))
		case nH2:
			fmt.Fprintf(&b, "\\subsection*{%s}\n", texEscape(n.text))
		case nBullet, nNumber:
			env := "itemize"
			if n.kind == nNumber {
				env = "enumerate"
			}
			fmt.Fprintf(&b, "\\begin{%s}\n", env)
			for ; i < len(p.nodes) && p.nodes[i].kind == n.kind; i++ {
				fmt.Fprintf(&b, "\\item %s\n", texEscape(p.nodes[i].text))
			}
			i--
			fmt.Fprintf(&b, "\\end{%s}\n", env)
		case nLines:
			// A gap sets the block apart, as the blank line around it does
			// in the text.
			fmt.Fprintf(&b, "\\noindent %s\\par\\smallskip\n\n", joinEscaped(n.lines, texEscape, "\\\\\n"))
		case nRow:
			rows := tableRows(p.nodes, i)
			cols := len(rows[0])
			col := fmt.Sprintf(">{\\raggedright\\arraybackslash}p{\\dimexpr(\\linewidth-%d\\tabcolsep)/%d\\relax}", 2*(cols-1), cols)
			fmt.Fprintf(&b, "\\par\\noindent{\\small\\begin{tabular}{@{}%s@{}}\n\\hline\n", strings.Repeat(col, cols))
			for r, cells := range rows {
				for k, c := range cells {
					if k > 0 {
						b.WriteString(" & ")
					}
					if r == 0 {
						fmt.Fprintf(&b, "\\textbf{%s}", texEscape(c))
					} else {
						b.WriteString(texEscape(c))
					}
				}
				b.WriteString(" \\\\")
				if r == 0 {
					b.WriteString(" \\hline")
				}
				b.WriteString("\n")
			}
			b.WriteString("\\hline\n\\end{tabular}}\\par\\medskip\n\n")
			i += len(rows) - 1
		default:
			if first && titleBlock {
				fmt.Fprintf(&b, "\\begin{center}\\itshape %s\\end{center}\n\n", texEscape(n.text))
			} else {
				fmt.Fprintf(&b, "%s\n\n", texEscape(n.text))
			}
		}
		first = false
	}
	return b.String()
}

// texFancy is a single-column article with fancyhdr running headers and
// "Page N" footers.
func texFancy(p *policy, left, right string) string {
	return fmt.Sprintf(`\documentclass[11pt,a4paper]{article}
\usepackage[margin=2.6cm]{geometry}
\usepackage{fancyhdr}
\pagestyle{fancy}
\fancyhf{}
\lhead{%s}
\rhead{%s}
\cfoot{Page \thepage}
\pdfinfo{/Title (%s)}
\begin{document}
\thispagestyle{fancy}
%s
\end{document}
`, texEscape(left), texEscape(right), p.title, texBody(p, true))
}

// texTwoColumn is a two-column article (10pt, Latin Modern, T1) with a
// title spanning both columns and bare page numbers in the footer.
func texTwoColumn(p *policy) string {
	return fmt.Sprintf(`\documentclass[10pt,twocolumn]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{array}
\usepackage[a5paper,margin=1.5cm]{geometry}
\DeclareUnicodeCharacter{2192}{\ensuremath{\rightarrow}}
\pagestyle{plain}
\pdfinfo{/Title (%s)}
\begin{document}
\twocolumn[\begin{center}{\LARGE\bfseries %s\par}\end{center}\vspace{1em}]
%s
\end{document}
`, p.title, joinEscaped(p.titleLines(), texEscape, "\\\\ "), texBody(p, false))
}

// texLong repeats the policies into a long, many-page document with a
// running header and "Page N of M" footer (M from a label on the last page).
func texLong(ps []*policy, parts int) string {
	var body strings.Builder
	for i := 0; i < parts; i++ {
		p := ps[i%len(ps)]
		fmt.Fprintf(&body, "\\section*{Part %d: %s}\n", i+1, texEscape(p.title))
		body.WriteString(texBody(p, false))
	}
	return fmt.Sprintf(`\documentclass[10pt,a4paper]{article}
\usepackage[margin=2.5cm]{geometry}
\usepackage{fancyhdr}
\pagestyle{fancy}
\fancyhf{}
\lhead{Consolidated Privacy Policies}
\rhead{Test Volume}
\cfoot{Page \thepage\ of \pageref{lastpage}}
\pdfinfo{/Title (Consolidated Privacy Policies)}
\begin{document}
%s
\label{lastpage}
\end{document}
`, body.String())
}

// titleLines are the lines of the title: the "= " lines of the source.
func (p *policy) titleLines() []string {
	if len(p.titles) == 0 {
		return []string{p.title}
	}
	return p.titles
}

// joinEscaped escapes each of lines and joins them with sep.
func joinEscaped(lines []string, esc func(string) string, sep string) string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = esc(l)
	}
	return strings.Join(out, sep)
}

// tableRows returns the cells of the table whose first row is nodes[i].
func tableRows(nodes []node, i int) [][]string {
	var rows [][]string
	for ; i < len(nodes) && nodes[i].kind == nRow; i++ {
		rows = append(rows, nodes[i].cells)
	}
	return rows
}
