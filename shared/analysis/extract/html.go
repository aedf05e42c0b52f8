package extract

import (
	"bytes"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// extractHTML reads an HTML policy. Headings (h1-h6, and paragraphs whose
// only text is bold) become Heading blocks, list items ListItem blocks with
// a "• " or "1. " marker, paragraphs and other block elements Paragraph
// blocks, reflowed into single lines (a <br> keeps a line break, two end
// the paragraph). A data table becomes TableRow blocks, one per row, each
// cell after its column's header (the cells of a row of <th> elements at
// the top); tables used for page layout (a cell holding a heading, a
// nested table or a long text) are read like the rest of the page. Page chrome is dropped: scripts,
// styles, templates, navigation, site headers and footers (those outside
// article, main and section; a header holding the page's h1 is kept),
// asides, form controls, dialogs, hidden
// elements (the hidden attribute, aria-hidden, inline display:none or
// visibility:hidden) and screen-reader-only or cookie-banner elements
// marked by common class names. The <title> becomes Document.Title.
//
// A page with more than maxElements start tags (when positive) is refused
// before it is parsed: the parsed tree takes about 100 bytes a node.
func extractHTML(data []byte, maxElements int) (*policy.Document, error) {
	text, enc, err := decodeHTML(data)
	if err != nil {
		return nil, err
	}
	if maxElements > 0 && startTags(text, maxElements) > maxElements {
		return nil, fault.E(fault.TooLarge, "the HTML has more than %d elements (%d per clause of the %d-clause limit); split the policy into smaller files",
			maxElements, policy.UnitsPerClause, maxElements/policy.UnitsPerClause)
	}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return nil, fault.E(fault.Corrupt, "cannot parse HTML: %v", err)
	}
	doc := &policy.Document{Format: policy.HTML, Encoding: enc, Title: htmlTitle(root)}
	base := htmlBase(root)
	w := htmlWalker{base: base}
	w.walk(root)
	w.flush()
	if len(w.blocks) == 0 {
		// Everything was inside what looked like chrome (a page that puts
		// its text in a <header> or <nav>): read it anyway rather than
		// report an empty file.
		w = htmlWalker{lenient: true, base: base}
		w.walk(root)
		w.flush()
	}
	doc.Blocks, doc.LinkEmails = w.blocks, w.mailto
	return doc, nil
}

// startTags counts what looks like a start tag ('<' and a letter) in
// text, stopping once the count is over max.
func startTags(text string, max int) int {
	n := 0
	for i := strings.IndexByte(text, '<'); i >= 0 && n <= max; {
		if i+1 < len(text) && (text[i+1]|0x20 >= 'a' && text[i+1]|0x20 <= 'z') {
			n++
		}
		j := strings.IndexByte(text[i+1:], '<')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return n
}

// decodeHTML converts an HTML file to UTF-8. A byte-order mark wins; then
// bytes that are valid UTF-8 are UTF-8 whatever the page declares (a
// declared legacy charset on UTF-8 bytes is a common mistake); then the
// charset the page declares in a <meta> element, if it is one the WHATWG
// encoding standard knows; otherwise Windows-1252, which is what browsers
// use for undeclared legacy pages.
func decodeHTML(data []byte) (text, enc string, err error) {
	te := sniffEncoding(data)
	var s string
	switch {
	case te.bom > 0 || te.name != encUTF8 && te.name != encWindows1252:
		s, enc = decodeBytes(data, te), te.name
	case te.name == encUTF8:
		s, enc = string(data), encUTF8
	default:
		s, enc = "", ""
		if label := metaCharset(data); label != "" {
			if e, name := charset.Lookup(label); e != nil && name != encUTF8 && name != "replacement" && !strings.HasPrefix(name, "utf-16") {
				if out, err := e.NewDecoder().Bytes(data); err == nil {
					s, enc = string(out), name
				}
			}
		}
		if enc == "" {
			s, enc = decodeBytes(data, te), encWindows1252
		}
	}
	s, runes, bad := cleanText(s)
	if binaryText(runes, bad-forgivenDamage(utf16Damage(data, te), runes)) {
		return "", "", notTextErr()
	}
	return s, enc, nil
}

// metaCharset returns the charset an HTML file declares in the <meta
// charset> or <meta http-equiv="Content-Type"> element within its first
// 1024 bytes, or "".
func metaCharset(data []byte) string {
	z := html.NewTokenizer(bytes.NewReader(data[:min(len(data), 1024)]))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, more := z.TagName()
			if string(name) != "meta" {
				continue
			}
			var content, cs string
			var httpEquiv bool
			for more {
				var k, v []byte
				k, v, more = z.TagAttr()
				switch string(k) {
				case "charset":
					cs = string(v)
				case "content":
					content = string(v)
				case "http-equiv":
					httpEquiv = strings.EqualFold(string(v), "content-type")
				}
			}
			if cs != "" {
				return strings.TrimSpace(cs)
			}
			if httpEquiv {
				if cs := charsetParam(content); cs != "" {
					return cs
				}
			}
		}
	}
}

// charsetParam extracts the charset from a Content-Type value such as
// "text/html; charset=ISO-8859-1".
func charsetParam(content string) string {
	i := strings.Index(strings.ToLower(content), "charset")
	if i < 0 {
		return ""
	}
	s := strings.TrimLeft(content[i+len("charset"):], " \t")
	if !strings.HasPrefix(s, "=") {
		return ""
	}
	s = strings.TrimLeft(s[1:], " \t")
	if s != "" && (s[0] == '"' || s[0] == '\'') {
		if j := strings.IndexByte(s[1:], s[0]); j >= 0 {
			return s[1 : 1+j]
		}
		return ""
	}
	if j := strings.IndexAny(s, "; \t"); j >= 0 {
		s = s[:j]
	}
	return s
}

// htmlBase returns the address relative links of the page resolve
// against: its <base href>, else its canonical address (<link
// rel="canonical">, which a saved page keeps), when absolute; nil when it
// has neither.
func htmlBase(n *html.Node) *url.URL {
	var base, canonical string
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch {
			case n.DataAtom == atom.Base && base == "":
				base = attr(n, "href")
			case n.DataAtom == atom.Link && canonical == "" && strings.EqualFold(attr(n, "rel"), "canonical"):
				canonical = attr(n, "href")
			case n.DataAtom == atom.Body:
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			find(c)
		}
	}
	find(n)
	for _, s := range []string{base, canonical} {
		if u, err := url.Parse(strings.TrimSpace(s)); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			return u
		}
	}
	return nil
}

// htmlTitle returns the collapsed text of the document's first <title>.
func htmlTitle(n *html.Node) string {
	if n.Type == html.ElementNode && n.DataAtom == atom.Title {
		var sb strings.Builder
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.TextNode {
				sb.WriteString(c.Data)
			}
		}
		return strings.Join(strings.Fields(sb.String()), " ")
	}
	if n.Type == html.ElementNode && n.DataAtom == atom.Body {
		return ""
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if t := htmlTitle(c); t != "" {
			return t
		}
	}
	return ""
}

// htmlCtx is an open block element: what its text becomes.
type htmlCtx struct {
	kind  policy.Kind
	level int
}

// htmlList is an open <ul> or <ol>.
type htmlList struct {
	ordered bool
	style   byte // '1', 'a', 'A', 'i', 'I'
	next    int
}

// htmlWalker turns a parsed HTML tree into blocks.
type htmlWalker struct {
	// lenient keeps page chrome (navigation, headers, footers, asides);
	// only invisible and non-text elements are dropped.
	lenient bool
	// cell collects the text of a table cell: no list markers, and the
	// caller joins the blocks.
	cell bool

	blocks []policy.Block
	mailto []string // Document.LinkEmails
	// base resolves relative links (the page's <base> or canonical
	// address); links are those of the current block, nlinks those of the
	// document so far.
	base   *url.URL
	links  []policy.Link
	nlinks int
	buf    []byte
	space  bool // a space is due before the next text
	ctx    []htmlCtx
	lists  []htmlList
	// marker is the list marker due before the next text of a list item.
	marker string
	// bold counts open bold elements; boldRunes and plainRunes count the
	// visible runes of the current block written inside and outside them.
	bold                  int
	boldRunes, plainRunes int
	pre                   int
	inList                int // open <li>
	inCell                int // open <td>/<th> of a layout table
	sectioning            int // open <article>, <main>, <section>
}

func (w *htmlWalker) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		w.text(n.Data)
	case html.ElementNode:
		w.element(n)
	case html.DocumentNode:
		w.children(n)
	}
}

func (w *htmlWalker) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c)
	}
}

func (w *htmlWalker) element(n *html.Node) {
	if w.dropped(n) {
		return
	}
	if email, ok := cfElementEmail(n); ok {
		w.text(email)
		return
	}
	a := n.DataAtom
	switch a {
	case atom.Br:
		w.lineBreak()
		return
	case atom.Hr:
		w.flush()
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		w.block(n, htmlCtx{policy.Heading, int(n.Data[1] - '0')})
		return
	case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
		l := htmlList{ordered: a == atom.Ol, style: '1', next: 1}
		if l.ordered {
			if v, err := strconv.Atoi(attr(n, "start")); err == nil {
				l.next = v
			}
			if t := attr(n, "type"); len(t) == 1 && strings.Contains("1aAiI", t) {
				l.style = t[0]
			}
		}
		w.flush()
		w.lists = append(w.lists, l)
		w.children(n)
		w.flush()
		w.lists = w.lists[:len(w.lists)-1]
		return
	case atom.Li:
		w.flush()
		w.marker = w.listMarker(n)
		w.inList++
		w.block(n, htmlCtx{kind: policy.ListItem})
		w.inList--
		w.marker = ""
		return
	case atom.Table:
		if rows := tableRowNodes(n, nil); !w.cell && len(rows) > 0 && !w.layoutTable(rows) {
			w.flush()
			w.table(rows)
			return
		}
	case atom.Td, atom.Th:
		w.inCell++
		w.block(n, htmlCtx{kind: policy.Paragraph})
		w.inCell--
		return
	case atom.Pre, atom.Listing, atom.Xmp, atom.Plaintext:
		w.pre++
		w.block(n, htmlCtx{kind: policy.Paragraph})
		w.pre--
		return
	case atom.Article, atom.Main, atom.Section:
		w.sectioning++
		w.block(n, htmlCtx{kind: policy.Paragraph})
		w.sectioning--
		return
	}
	if isInline(n) {
		b := a == atom.B || a == atom.Strong || boldStyle(attr(n, "style"))
		if b {
			w.bold++
		}
		var link string
		if a == atom.A {
			href := attr(n, "href")
			w.mailto = appendMailto(w.mailto, href)
			link = webLink(w.base, href)
		}
		from, marker, blocks := len(w.buf), len(w.marker), len(w.blocks)
		w.children(n)
		if b {
			w.bold--
		}
		if link != "" && len(w.blocks) == blocks {
			w.addLink(from, marker, link)
		}
		return
	}
	w.block(n, htmlCtx{kind: policy.Paragraph})
}

// block reads a block element: the text before it, its own text and the
// text after it end up in separate blocks. A paragraph or division that
// opens a list item carries the item's kind.
func (w *htmlWalker) block(n *html.Node, c htmlCtx) {
	w.flush()
	if c.kind == policy.Paragraph && w.marker != "" {
		c.kind = policy.ListItem
	}
	if c.kind == policy.Paragraph && len(w.ctx) > 0 && w.ctx[len(w.ctx)-1].kind == policy.Heading {
		c = w.ctx[len(w.ctx)-1]
	}
	w.ctx = append(w.ctx, c)
	w.children(n)
	w.flush()
	w.ctx = w.ctx[:len(w.ctx)-1]
}

// dropped reports whether n and everything in it is not policy text.
func (w *htmlWalker) dropped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Head,
		atom.Title, atom.Iframe, atom.Frame, atom.Frameset, atom.Object,
		atom.Embed, atom.Svg, atom.Math, atom.Canvas, atom.Audio, atom.Video,
		atom.Map, atom.Input, atom.Button, atom.Select, atom.Textarea,
		atom.Option, atom.Optgroup, atom.Datalist, atom.Meter, atom.Progress,
		atom.Img, atom.Picture, atom.Source, atom.Track, atom.Param, atom.Link,
		atom.Meta, atom.Base:
		return true
	}
	var role, style string
	for _, a := range n.Attr {
		switch a.Key {
		case "hidden":
			return true
		case "aria-hidden":
			if strings.EqualFold(strings.TrimSpace(a.Val), "true") {
				return true
			}
		case "type":
			if n.DataAtom == atom.Input && strings.EqualFold(a.Val, "hidden") {
				return true
			}
		case "style":
			style = a.Val
		case "role":
			role = strings.ToLower(strings.TrimSpace(a.Val))
		}
	}
	if style != "" && hiddenStyle(style) {
		return true
	}
	if w.lenient {
		return false
	}
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Dialog, atom.Label:
		return true
	case atom.Header:
		// A site header, unless it is the page's own header: one holding
		// the page's h1 (often with the policy's date).
		if w.sectioning == 0 && !hasDescendant(n, atom.H1) {
			return true
		}
	case atom.Footer:
		if w.sectioning == 0 {
			return true
		}
	}
	switch role {
	case "navigation", "banner", "contentinfo", "complementary", "search",
		"menu", "menubar", "toolbar", "dialog", "alertdialog":
		return true
	}
	return chromeClass(attr(n, "class")) || chromeClass(attr(n, "id"))
}

// chromeTokens are class or id tokens of elements that are page chrome
// rather than policy text: screen-reader-only helper text ("opens in a new
// window"), skip links, breadcrumbs and cookie banners.
var chromeTokens = map[string]bool{
	"sr-only": true, "visually-hidden": true, "visuallyhidden": true,
	"screen-reader-text": true, "screen-reader-only": true, "skip-link": true,
	"skip-to-content": true, "skiplink": true, "breadcrumb": true,
	"breadcrumbs": true, "cookie-banner": true, "cookie-consent": true,
	"cookieconsent": true, "cookie-notice": true, "onetrust-consent-sdk": true,
	"cc-banner": true, "cc-window": true,
}

func chromeClass(v string) bool {
	if v == "" {
		return false
	}
	for _, t := range strings.Fields(v) {
		if chromeTokens[strings.ToLower(t)] {
			return true
		}
	}
	return false
}

// hiddenStyle reports whether an inline style hides its element.
func hiddenStyle(style string) bool {
	s := strings.ToLower(style)
	if !strings.Contains(s, "none") && !strings.Contains(s, "hidden") {
		return false
	}
	for _, decl := range strings.Split(s, ";") {
		k, v, ok := strings.Cut(decl, ":")
		if !ok {
			continue
		}
		k = strings.TrimSpace(k)
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
		if k == "display" && v == "none" || k == "visibility" && (v == "hidden" || v == "collapse") {
			return true
		}
	}
	return false
}

// boldStyle reports whether an inline style sets bold text.
func boldStyle(style string) bool {
	if style == "" {
		return false
	}
	for _, decl := range strings.Split(strings.ToLower(style), ";") {
		k, v, ok := strings.Cut(decl, ":")
		if !ok || strings.TrimSpace(k) != "font-weight" {
			continue
		}
		switch strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important")) {
		case "bold", "bolder", "600", "700", "800", "900":
			return true
		}
	}
	return false
}

// inlineAtoms are the elements that do not break the flow of text.
var inlineAtoms = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.Acronym: true, atom.B: true,
	atom.Bdi: true, atom.Bdo: true, atom.Big: true, atom.Cite: true,
	atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true,
	atom.Em: true, atom.Font: true, atom.I: true, atom.Ins: true,
	atom.Kbd: true, atom.Mark: true, atom.Nobr: true, atom.Q: true,
	atom.Rp: true, atom.Rt: true, atom.Ruby: true, atom.S: true,
	atom.Samp: true, atom.Small: true, atom.Span: true, atom.Strike: true,
	atom.Strong: true, atom.Sub: true, atom.Sup: true, atom.Time: true,
	atom.Tt: true, atom.U: true, atom.Var: true, atom.Wbr: true,
	atom.Label: true, atom.Output: true,
}

// isInline reports whether n is an inline element. Unknown elements are
// inline, except custom elements (names with a hyphen), which are usually
// blocks; namespaced ones from word processors ("o:p", "st1:place") are
// inline.
func isInline(n *html.Node) bool {
	if n.DataAtom != 0 {
		return inlineAtoms[n.DataAtom]
	}
	return !strings.Contains(n.Data, "-")
}

// hasDescendant reports whether an element a is inside n.
func hasDescendant(n *html.Node, a atom.Atom) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (c.DataAtom == a || hasDescendant(c, a)) {
			return true
		}
	}
	return false
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// listMarker returns the marker written before the text of list item li.
func (w *htmlWalker) listMarker(li *html.Node) string {
	if w.cell {
		return ""
	}
	if len(w.lists) == 0 {
		return "• "
	}
	l := &w.lists[len(w.lists)-1]
	if !l.ordered {
		return "• "
	}
	if v, err := strconv.Atoi(attr(li, "value")); err == nil {
		l.next = v
	}
	n := l.next
	l.next++
	switch l.style {
	case 'a', 'A':
		if n >= 1 && n <= 26 {
			c := byte('a' + n - 1)
			if l.style == 'A' {
				c -= 'a' - 'A'
			}
			return string(c) + ". "
		}
	case 'i', 'I':
		if r := roman(n); r != "" {
			if l.style == 'I' {
				r = strings.ToUpper(r)
			}
			return r + ". "
		}
	}
	return strconv.Itoa(n) + ". "
}

// roman returns n in lower-case Roman numerals, for 1 to 39.
func roman(n int) string {
	if n < 1 || n > 39 {
		return ""
	}
	units := []string{"", "i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix"}
	return strings.Repeat("x", n/10) + units[n%10]
}

// text adds the text of a text node to the current block, collapsing
// white space outside <pre>.
func (w *htmlWalker) text(s string) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == '\n' && w.pre > 0 {
			w.lineBreak()
			continue
		}
		if unicode.IsSpace(r) {
			if len(w.buf) > 0 && w.buf[len(w.buf)-1] != '\n' {
				w.space = true
			}
			continue
		}
		if r == '\u00AD' || r == '\u200B' || r == '\uFEFF' || r == '\u2060' {
			continue
		}
		if w.marker != "" {
			w.buf = append(w.buf, w.marker...)
			w.marker = ""
			w.space = false
		}
		if w.space {
			w.buf = append(w.buf, ' ')
			w.space = false
		}
		w.buf = utf8.AppendRune(w.buf, r)
		if w.bold > 0 {
			w.boldRunes++
		} else {
			w.plainRunes++
		}
	}
}

// lineBreak handles <br>: a line break inside the block, or the end of
// the paragraph when the line is already empty (<br><br>).
func (w *htmlWalker) lineBreak() {
	w.space = false
	if len(w.buf) == 0 {
		return
	}
	if w.buf[len(w.buf)-1] == '\n' {
		w.flush()
		return
	}
	w.buf = append(w.buf, '\n')
}

// addLink records that the text written to the block since byte from
// (after a list marker of that many bytes, if one was due) carries a link
// to target.
func (w *htmlWalker) addLink(from, marker int, target string) {
	if marker > 0 && w.marker == "" {
		from += marker // the marker was written before the link's words
	}
	end := len(w.buf)
	for from < end && w.buf[from] == ' ' {
		from++
	}
	for end > from && w.buf[end-1] == '\n' {
		end--
	}
	if from < end && w.nlinks < maxLinks {
		w.links = append(w.links, policy.Link{Start: from, End: end, URL: target})
		w.nlinks++
	}
}

// flush ends the current block.
func (w *htmlWalker) flush() {
	text := strings.TrimSpace(string(w.buf))
	bold, plain := w.boldRunes, w.plainRunes
	links := w.links
	w.buf, w.space, w.boldRunes, w.plainRunes, w.links = w.buf[:0], false, 0, 0, nil
	if text == "" {
		return
	}
	c := htmlCtx{kind: policy.Paragraph}
	if len(w.ctx) > 0 {
		c = w.ctx[len(w.ctx)-1]
	}
	if strings.IndexByte(text, '\n') >= 0 {
		switch {
		case w.cell:
			text = cellLines(text)
			links = nil // the offsets were of the lines before
		case c.kind == policy.Heading:
			text = strings.Join(strings.Fields(text), " ")
			links = nil
		}
	}
	links = slices.DeleteFunc(links, func(l policy.Link) bool { return l.End > len(text) })
	if c.kind == policy.Paragraph && bold > 0 && plain == 0 && w.inList == 0 && w.inCell == 0 && !w.cell && boldHeading(text) {
		c = htmlCtx{kind: policy.Heading}
	}
	w.blocks = append(w.blocks, policy.Block{Kind: c.kind, Level: c.level, Text: text, Links: links})
}

// boldHeading reports whether the text of a bold-only paragraph reads as a
// heading: one short line that does not end like a sentence.
func boldHeading(text string) bool {
	if strings.IndexByte(text, '\n') >= 0 || utf8.RuneCountInString(text) > 150 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(text)
	return !strings.ContainsRune(".!;,", last)
}
