package extract

import (
	"html"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// extractMarkdown reads a Markdown policy. ATX ("## Title") and setext
// (underlined) headings become Heading blocks with their level, list items
// ListItem blocks with a "• " or "1. " marker, and other text Paragraph
// blocks that keep their line breaks like plain text. Inline syntax is
// reduced to its text: emphasis and code markers are removed, links become
// their text, images and raw HTML tags are dropped, entities and backslash
// escapes are decoded. Tables become TableRow blocks, one per row, each
// cell after its column's header. A YAML front matter "title:" becomes
// Document.Title. It stops after maxBlocks+1 blocks when maxBlocks is
// positive.
func extractMarkdown(data []byte, maxBlocks int) (*policy.Document, error) {
	text, enc, err := decodeAll(data)
	if err != nil {
		return nil, err
	}
	doc := &policy.Document{Format: policy.Markdown, Encoding: enc}
	lines := strings.Split(text, "\n")
	lines, doc.Title = frontMatter(lines)
	p := mdParser{max: maxBlocks, refs: mdRefs(lines)}
	p.parse(lines)
	doc.Blocks = p.blocks
	doc.LinkEmails = mdMailto(text)
	return doc, nil
}

// frontMatter removes a leading YAML front matter block and returns its
// title.
func frontMatter(lines []string) ([]string, string) {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines, ""
	}
	for i := 1; i < len(lines) && i < 100; i++ {
		l := strings.TrimSpace(lines[i])
		if l == "---" || l == "..." {
			title := ""
			for _, fl := range lines[1:i] {
				if k, v, ok := strings.Cut(fl, ":"); ok && strings.EqualFold(strings.TrimSpace(k), "title") {
					title = strings.Trim(strings.TrimSpace(v), `"'`)
				}
			}
			return lines[i+1:], title
		}
		if l != "" && !strings.Contains(l, ":") && !strings.HasPrefix(l, "-") && !strings.HasPrefix(l, "#") {
			return lines, ""
		}
	}
	return lines, ""
}

// mdParser turns Markdown lines into blocks.
type mdParser struct {
	blocks []policy.Block
	// para holds the lines of the open paragraph or list item.
	para   []string
	kind   policy.Kind
	marker string
	// lead is the indentation of the open paragraph's first line: a list
	// item's content when it is indented.
	lead int
	// fence is the open code fence ("```" or "~~~"), or "".
	fence   string
	comment bool // inside a multi-line HTML comment
	table   pipeTable
	max     int               // stop after max+1 blocks (0: no limit)
	nlinks  int               // the web links kept so far
	refs    map[string]string // reference definitions: label (lower case) -> target
	// The open pipe table's first block, rows read and links.
	tableStart, tableRows int
	tableLinks            []cellLink
}

var (
	mdBullet   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s{0,12}([-*+])\s+(.*)$`) })
	mdOrdered  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s{0,12}(\d{1,9})[.)]\s+(.*)$`) })
	mdTableSep = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$`) })
	// mdRefDef matches a reference definition, "[label]: target" (label
	// in group 1, target in 2).
	mdRefDef = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\s{0,3}\[([^\]]+)\]:\s*(\S+)`) })
	mdImage  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)|!\[[^\]]*\]\[[^\]]*\]`) })
	// mdLink matches a link, inline (text in group 1, destination in 2)
	// or by reference (text in group 3, label in 4); its text may hold one level of
	// brackets ("[[email protected]](...)", "[a [at] b [dot] com](mailto:...)").
	mdLink = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\[((?:[^\[\]]|\[[^\[\]]*\])*)\]\(([^)]*)\)|\[((?:[^\[\]]|\[[^\[\]]*\])+)\]\[([^\]]*)\]`)
	})
	mdAutolink = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<((?:https?://|mailto:)[^>\s]+|[^>\s@]+@[^>\s]+)>`) })
	mdHTMLTag  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->`)
	})
	// boldJoints match where one bold span ends and the next begins,
	// "** **" or "****", by marker.
	boldJoints = map[string]func() *regexp.Regexp{
		"**": sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\*\*[ \t]*\*\*`) }),
		"__": sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`__[ \t]*__`) }),
	}
	mdTaskBox   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\[[ xX]\]\s+`) })
	mdBreakTags = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)<br\s*/?>`) })
)

func (p *mdParser) parse(lines []string) {
	for _, raw := range lines {
		if p.max > 0 && len(p.blocks) > p.max {
			return
		}
		line := strings.TrimRight(raw, " \t")
		if p.fence != "" {
			if strings.HasPrefix(strings.TrimSpace(line), p.fence) {
				p.flushRaw()
				p.fence = ""
				continue
			}
			p.para = append(p.para, strings.TrimSpace(line))
			continue
		}
		if p.comment {
			if i := strings.Index(line, "-->"); i >= 0 {
				p.comment = false
				line = line[i+3:]
				if strings.TrimSpace(line) == "" {
					continue
				}
			} else {
				continue
			}
		}
		t := strings.TrimSpace(line)
		lead := len(line) - len(strings.TrimLeft(line, " \t"))
		if p.table.open && (t == "" || !strings.Contains(t, "|")) {
			p.flushTable()
		}
		switch {
		case t == "":
			p.flush()
			continue
		case strings.HasPrefix(t, "<!--") && !strings.Contains(t, "-->"):
			p.flush()
			p.comment = true
			continue
		case strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~"):
			p.flush()
			p.fence = t[:3]
			p.kind = policy.Paragraph
			continue
		case atxLevel(t) > 0:
			// Indented too: HTML converted to Markdown indents the headings
			// inside a list item's content.
			p.flush()
			level, h := atxHeading(t)
			if h = inlineMarkdown(h); h != "" {
				p.blocks = append(p.blocks, policy.Block{Kind: policy.Heading, Level: level, Text: h})
			}
			continue
		case lead <= 3 && len(p.para) > 0 && p.kind == policy.Paragraph && isUnderline(t, '='):
			p.flushAs(policy.Heading, 1)
			continue
		case lead <= 3 && len(p.para) > 0 && p.kind == policy.Paragraph && isUnderline(t, '-'):
			p.flushAs(policy.Heading, 2)
			continue
		case lead <= 3 && isDecorationLine(t) && !strings.ContainsAny(t, "=#~+.") && strings.ContainsAny(t, "-*_"):
			// Thematic break.
			p.flush()
			continue
		case mdTableSep().MatchString(t) && strings.Contains(t, "-") && (strings.Contains(t, "|") || len(p.para) > 0 && strings.Contains(p.para[len(p.para)-1], "|")):
			// The delimiter row under a table's header row.
			switch {
			case p.table.open:
				p.table.delimiter()
			case len(p.para) > 0 && p.kind == policy.Paragraph:
				// A header row without a leading '|', read as a paragraph
				// line.
				h := p.para[len(p.para)-1]
				p.para = p.para[:len(p.para)-1]
				p.flush()
				p.tableRow(h)
				p.table.delimiter()
			default:
				p.flush()
			}
			continue
		case isPipeRow(t) || p.table.open:
			if !p.table.open {
				p.flush()
			}
			p.tableRow(t)
			continue
		case mdRefDef().MatchString(line):
			p.flush()
			continue
		}
		if m := mdBullet().FindStringSubmatch(line); m != nil && !isDecorationLine(t) {
			p.flush()
			p.kind, p.marker = policy.ListItem, "• "
			p.para = append(p.para, itemText(m[2]))
			continue
		}
		// An ordered item starts a list only after a blank line, unless it
		// follows another item or the indented content of one.
		if m := mdOrdered().FindStringSubmatch(line); m != nil && (p.kind == policy.ListItem || len(p.para) == 0 || lead < p.lead) {
			p.flush()
			p.kind, p.marker = policy.ListItem, strings.TrimLeft(m[1], "0")+". "
			if p.marker == ". " {
				p.marker = "0. "
			}
			p.para = append(p.para, itemText(m[2]))
			continue
		}
		if strings.HasPrefix(t, ">") {
			t = strings.TrimSpace(strings.TrimLeft(t, "> "))
			if t == "" {
				p.flush()
				continue
			}
		}
		if len(p.para) == 0 {
			p.kind, p.marker, p.lead = policy.Paragraph, "", lead
		}
		p.para = append(p.para, t)
	}
	if p.fence != "" {
		p.flushRaw()
	}
	p.flush()
	p.flushTable()
}

// itemText returns the text of a list item's first line s: without the
// bullets of lists nested in it with no text of their own ("*   *   text",
// "1.  *   text"), a heading's markers or a task box.
func itemText(s string) string {
	for n := mdBullet().FindStringSubmatch(s); n != nil && !isDecorationLine(s); n = mdBullet().FindStringSubmatch(s) {
		s = n[2]
	}
	return mdTaskBox().ReplaceAllString(atxText(s), "")
}

// atxHeading returns the level and text of an ATX heading line t ("##
// Title ##": 2, "Title"), or level 0 when t is none.
func atxHeading(t string) (int, string) {
	level := atxLevel(t)
	if level == 0 {
		return 0, ""
	}
	return level, strings.TrimSpace(strings.TrimRight(strings.TrimSpace(t[level:]), "#"))
}

// atxText returns s without the markers of an ATX heading, when it is one
// with text ("#### Your choices" in a list item: "Your choices"), else s.
func atxText(s string) string {
	if level, h := atxHeading(s); level > 0 && h != "" {
		return h
	}
	return s
}

// flushTable ends the open table, if any.
func (p *mdParser) flushTable() {
	if p.table.header != nil {
		for i := range p.tableLinks {
			p.tableLinks[i].row-- // the header row has no block of its own
		}
	}
	p.blocks = p.table.end(p.blocks)
	if p.tableLinks != nil {
		placeLinks(p.blocks[p.tableStart:], p.tableLinks)
		p.tableLinks = nil
	}
}

// isUnderline reports whether t is a setext underline of character c.
func isUnderline(t string, c byte) bool {
	if len(t) == 0 {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] != c {
			return false
		}
	}
	return true
}

func (p *mdParser) flush() {
	p.flushAs(p.kind, 0)
}

// flushAs ends the open paragraph or list item as a block of kind k.
func (p *mdParser) flushAs(k policy.Kind, level int) {
	if len(p.para) == 0 {
		return
	}
	raw := strings.Join(p.para, "\n")
	p.para = p.para[:0]
	if k == policy.Paragraph && boldLine(raw) {
		// A line that is all bold is a heading, as in HTML.
		k = policy.Heading
	}
	text := inlineMarkdown(raw)
	if k == policy.Heading {
		text = strings.Join(strings.Fields(text), " ")
	}
	marker := p.marker
	p.marker = ""
	p.kind = policy.Paragraph
	if text == "" {
		return
	}
	if k == policy.ListItem {
		text = marker + text
	}
	p.blocks = append(p.blocks, policy.Block{Kind: k, Level: level, Text: text, Links: p.links(raw, text)})
}

// boldLine reports whether a paragraph is one line of bold text
// ("**Cookies**", "__Your rights:__") that reads as a heading. Links are
// read as their text and bold spans side by side as one, so a line
// "**(2) When you join** [**https://example.org**](https://example.org)"
// is all bold too.
func boldLine(text string) bool {
	if strings.IndexByte(text, '\n') >= 0 || len(text) < 5 {
		return false
	}
	if strings.IndexByte(text, '[') >= 0 {
		text = mdLink().ReplaceAllString(text, "$1$3")
	}
	for _, m := range []string{"**", "__"} {
		if strings.HasPrefix(text, m) && strings.Count(text, m) > 2 {
			text = strings.TrimSpace(boldJoints[m]().ReplaceAllString(text, " "))
		}
	}
	for _, m := range []string{"**", "__"} {
		if strings.HasPrefix(text, m) {
			inner := strings.TrimSuffix(strings.TrimSuffix(text[2:], ":"), m)
			if len(inner) == len(text)-2 || strings.Contains(inner, m) {
				return false
			}
			return boldHeading(strings.TrimSpace(inner))
		}
	}
	return false
}

// flushRaw ends a fenced code block, kept verbatim as a paragraph.
func (p *mdParser) flushRaw() {
	var lines []string
	for _, l := range p.para {
		if l != "" {
			lines = append(lines, l)
		}
	}
	p.para = p.para[:0]
	if len(lines) > 0 {
		p.blocks = append(p.blocks, policy.Block{Kind: policy.Paragraph, Text: strings.Join(lines, "\n")})
	}
}

// tableCells returns the cells of a Markdown table row as text.
func tableCells(t string) []string {
	cells := pipeCells(t)
	for i, c := range cells {
		if strings.ContainsAny(c, "*_~`\\[<&\t#") || strings.Contains(c, "  ") || listItem(c) != "" {
			cells[i] = cellText(c)
		}
	}
	return cells
}

// cellText returns the text of a table cell, which HTML converted to
// Markdown often fills with blocks a pipe table cannot hold, one per line
// between <br> tags: list items, headings and paragraphs (a blank line,
// <br><br>, between them). Each block is read without its list or heading
// marker (or setext underline), a list item as one of a block is
// (itemText: without the bullets of lists nested in it, a heading's
// markers or a task box), and the blocks are joined as the cells of
// an HTML table are (joinCellParts): "*   Age<br>*   Gender" reads "Age;
// Gender". The lines of one block are joined by cellLines.
func cellText(c string) string {
	var parts, para []string
	end := func() {
		if t := cellLines(inlineMarkdown(strings.Join(para, "\n"))); t != "" {
			parts = append(parts, t)
		}
		para = para[:0]
	}
	for _, line := range strings.Split(mdBreakTags().ReplaceAllString(c, "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			end()
			continue
		}
		if len(para) > 0 && len(line) >= 3 && (isUnderline(line, '-') || isUnderline(line, '=')) {
			end() // the paragraph was a setext heading
			continue
		}
		if level, h := atxHeading(line); level > 0 {
			end()
			para = append(para, h)
			end() // a heading is a block of its own
			continue
		}
		if item := listItem(line); item != "" {
			end()
			line = itemText(item)
		}
		para = append(para, line)
	}
	end()
	return joinCellParts(parts)
}

// listItem returns the text of line when it is a list item ("*   Age",
// "2) Gender"), without its marker, else "".
func listItem(line string) string {
	if m := mdBullet().FindStringSubmatch(line); m != nil && !isDecorationLine(line) {
		return m[2]
	}
	if m := mdOrdered().FindStringSubmatch(line); m != nil {
		return m[2]
	}
	return ""
}

// linkText is the text of a Markdown link; the address, for a link that
// hides one behind Cloudflare's placeholder (cfemail.go). Lines without
// such a link take mdLink's plain replacement.
func linkText(link string) string {
	m := mdLink().FindStringSubmatch(link)
	if m[2] != "" && cfPlaceholder(m[1]) {
		if email, ok := cfLinkEmail(m[2]); ok {
			return email
		}
	}
	return m[1] + m[3]
}

// inlineMarkdown reduces inline Markdown to its text, keeping line breaks.
func inlineMarkdown(s string) string {
	if strings.ContainsAny(s, "![<") {
		s = mdImage().ReplaceAllString(s, "")
		if strings.Contains(s, cfProtectionPath) {
			s = mdLink().ReplaceAllStringFunc(s, linkText)
		} else {
			s = mdLink().ReplaceAllString(s, "$1$3")
		}
		s = mdAutolink().ReplaceAllString(s, "$1")
		s = mdBreakTags().ReplaceAllString(s, "\n")
		s = mdHTMLTag().ReplaceAllString(s, "")
	}
	s = stripEmphasis(s)
	if strings.ContainsRune(s, '&') {
		s = html.UnescapeString(s)
	}
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// stripEmphasis removes emphasis, strikethrough and code markers ('*',
// '_', '~' and '`' runs that open or close a span) and resolves backslash
// escapes. A marker opens when followed by a non-space and not preceded by
// a letter or digit, and closes when preceded by a non-space and not
// followed by a letter or digit, so "snake_case", "5 * 3" and "a*b" keep
// their characters. A '*' run inside a word ("I**KEA**", "Interest**s",
// "f****ulfill") is emphasis too when it pairs with another run as
// CommonMark pairs them (pairStars); then its paired stars go.
func stripEmphasis(s string) string {
	if !strings.ContainsAny(s, "*_~`\\") {
		return s
	}
	runs := markerRuns(s)
	var sb strings.Builder
	sb.Grow(len(s))
	next := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!|~<>", s[i+1]) >= 0 {
			sb.WriteByte(s[i+1])
			i += 2
			continue
		}
		if c != '*' && c != '_' && c != '~' && c != '`' {
			sb.WriteByte(c)
			i++
			continue
		}
		r := runs[next]
		next++
		if !r.opens && !r.closes && !r.joint {
			sb.WriteString(s[r.start : r.end-r.paired])
		}
		i = r.end
	}
	return sb.String()
}

// markerRun is a run of one marker character in stripEmphasis's input.
type markerRun struct {
	start, end int
	// opens and closes are the plain rule of stripEmphasis.
	opens, closes bool
	// leftFlank and rightFlank are CommonMark's flanking tests.
	leftFlank, rightFlank bool
	// left is the number of its stars not yet paired; paired those that are.
	left, paired int
	// joint is four stars between letters or digits, paired with nothing.
	joint bool
}

// markerRuns lists the runs of marker characters of s, in order, skipping
// the characters a backslash escapes (as stripEmphasis reads them), with
// their stars paired.
func markerRuns(s string) []markerRun {
	var runs []markerRun
	inner := false
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!|~<>", s[i+1]) >= 0 {
			i += 2
			continue
		}
		if c != '*' && c != '_' && c != '~' && c != '`' {
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[j:])
		if i == 0 {
			before = ' '
		}
		if j == len(s) {
			after = ' '
		}
		r := markerRun{start: i, end: j, left: j - i}
		r.opens = !unicode.IsSpace(after) && !isWordRune(before)
		r.closes = !unicode.IsSpace(before) && !isWordRune(after)
		if c == '~' && j-i < 2 {
			r.opens, r.closes = false, false
		}
		if c == '*' {
			r.leftFlank = !unicode.IsSpace(after) && (!isPunct(after) || unicode.IsSpace(before) || isPunct(before))
			r.rightFlank = !unicode.IsSpace(before) && (!isPunct(before) || unicode.IsSpace(after) || isPunct(after))
		}
		inner = inner || c == '*' && !r.opens && !r.closes
		runs = append(runs, r)
		i = j
	}
	if !inner {
		// Only stars inside a word depend on the pairing.
		return runs
	}
	pairStars(runs)
	for k := range runs {
		r := &runs[k]
		if s[r.start] == '*' && r.end-r.start == 4 && r.paired == 0 {
			before, _ := utf8.DecodeLastRuneInString(s[:r.start])
			after, _ := utf8.DecodeRuneInString(s[r.end:])
			r.joint = isWordRune(before) && isWordRune(after)
		}
	}
	return runs
}

// pairStars pairs the '*' runs of runs as CommonMark's emphasis does: each
// run that can close takes the nearest earlier run that can open, two stars
// at a time where both have two (one otherwise), leaving unpaired the runs
// between them; a run both sides of a word pairs only where the lengths
// allow (the rule of three). Other marker characters are left alone. As in
// CommonMark, a closer that finds no opener raises the floor below which
// closers of its kind stop looking, so the work stays linear in the runs;
// pairStars returns the openers it looked at.
func pairStars(runs []markerRun) (looked int) {
	var openers []int
	// floor holds, per kind of closer (whether it can open, its length
	// modulo 3), how far down the openers its kind still looks.
	var floor [6]int
	keep := func(n int) {
		openers = openers[:n]
		for i := range floor {
			floor[i] = min(floor[i], n)
		}
	}
	for k := range runs {
		r := &runs[k]
		if r.left == 0 || !r.leftFlank && !r.rightFlank {
			continue
		}
		m := r.end - r.start
		kind := m % 3
		if r.leftFlank {
			kind += 3
		}
		for r.rightFlank && r.left > 0 {
			o := -1
			for x := len(openers) - 1; x >= floor[kind]; x-- {
				looked++
				op := &runs[openers[x]]
				n := op.end - op.start
				if (r.leftFlank || op.rightFlank) && (n+m)%3 == 0 && (n%3 != 0 || m%3 != 0) {
					continue
				}
				o = x
				break
			}
			if o < 0 {
				floor[kind] = len(openers)
				break
			}
			op := &runs[openers[o]]
			use := 1
			if op.left >= 2 && r.left >= 2 {
				use = 2
			}
			op.left -= use
			op.paired += use
			r.left -= use
			r.paired += use
			if op.left == 0 {
				keep(o)
			} else {
				keep(o + 1)
			}
		}
		if r.leftFlank && r.left > 0 {
			openers = append(openers, k)
		}
	}
	return looked
}

// isPunct reports whether r counts as punctuation for CommonMark's
// flanking rules: a Unicode punctuation or symbol character.
func isPunct(r rune) bool {
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
