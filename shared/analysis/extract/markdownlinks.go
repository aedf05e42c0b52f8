package extract

import (
	"regexp"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/domain/policy"
)

// The links of a Markdown policy: web links at their words in the blocks,
// a table's links in its rows, mail links' addresses.

// mdMailtoLink matches the target of a mailto link: inline
// ("[us](mailto:a@example.com)"), automatic ("<mailto:a@example.com>") or a
// reference definition ("[us]: mailto:a@example.com").
var mdMailtoLink = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?im)\]\(\s*<?(mailto:[^)\s>]+)|<(mailto:[^>\s]+)>|^[ \t]{0,3}\[[^\]\n]+\]:[ \t]*<?(mailto:[^\s>]+)`)
})

// mdMailto returns the addresses of the mailto links of a Markdown text
// (Document.LinkEmails).
func mdMailto(text string) []string {
	if !strings.Contains(text, "mailto:") && !strings.Contains(text, "MAILTO:") && !strings.Contains(text, "Mailto:") {
		return nil
	}
	var out []string
	for _, m := range mdMailtoLink().FindAllStringSubmatch(text, maxLinkEmails) {
		out = appendMailto(out, m[1]+m[2]+m[3])
		if len(out) >= maxLinkEmails {
			break
		}
	}
	return out
}

// links finds the web links of a block: each link of its source raw
// (rawLinks), at the words its text became in the block's text, looked
// for in order. A link whose words are not found is left out.
func (p *mdParser) links(raw, text string) []policy.Link {
	var out []policy.Link
	from := 0
	for _, l := range p.rawLinks(raw) {
		start, end := indexWords(text, from, l.words)
		if start < 0 {
			continue
		}
		out = append(out, policy.Link{Start: start, End: end, URL: l.url})
		from = end
	}
	return out
}

// rawLinks returns the links of Markdown source raw whose target is an
// absolute http or https address: inline, or by a reference whose label
// is defined; with their words as the text will read them, white space
// collapsed. At most maxLinks are kept of a document.
func (p *mdParser) rawLinks(raw string) []cellLink {
	if p.nlinks >= maxLinks || !strings.Contains(raw, "](") && (len(p.refs) == 0 || !strings.Contains(raw, "][")) {
		return nil
	}
	var out []cellLink
	for _, m := range mdLink().FindAllStringSubmatch(raw, -1) {
		if p.nlinks >= maxLinks {
			break
		}
		dest, words := m[2], m[1]
		if m[3] != "" { // by reference: [words][label], or [words][]
			label := m[4]
			if label == "" {
				label = m[3]
			}
			dest, words = p.refs[strings.ToLower(strings.Join(strings.Fields(label), " "))], m[3]
		}
		if dest == "" {
			continue
		}
		target, _, _ := strings.Cut(strings.TrimSpace(dest), " ") // a title may follow
		target = webLink(nil, strings.Trim(target, "<>"))
		words = strings.Join(strings.Fields(inlineMarkdown(words)), " ")
		if target == "" || words == "" {
			continue
		}
		out = append(out, cellLink{words: words, url: target})
		p.nlinks++
	}
	return out
}

// tableRow reads a row of a pipe table from its source line: its blocks
// as the table settles them, its links kept until the table ends
// (flushTable places them).
func (p *mdParser) tableRow(raw string) {
	if !p.table.open {
		p.tableStart, p.tableRows, p.tableLinks = len(p.blocks), 0, nil
	}
	for _, l := range p.rawLinks(raw) {
		l.row = p.tableRows // counting the header, if there is one (flushTable)
		p.tableLinks = append(p.tableLinks, l)
	}
	p.blocks = p.table.row(p.blocks, tableCells(raw))
	p.tableRows++
}

// mdRefs returns the reference definitions of a Markdown text, by label
// in lower case (white space collapsed); the first definition of a label
// counts.
func mdRefs(lines []string) map[string]string {
	var refs map[string]string
	for _, line := range lines {
		if !strings.Contains(line, "]:") {
			continue
		}
		m := mdRefDef().FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if refs == nil {
			refs = map[string]string{}
		}
		label := strings.ToLower(strings.Join(strings.Fields(m[1]), " "))
		if _, ok := refs[label]; !ok && len(refs) < maxLinks {
			refs[label] = m[2]
		}
	}
	return refs
}

// indexWords returns where words (separated by single spaces) first
// stand in text at or after byte from, a space matching any run of white
// space (a paragraph keeps its line breaks); -1, -1 when they do not.
func indexWords(text string, from int, words string) (int, int) {
	first, _, _ := strings.Cut(words, " ")
	for i := from; i < len(text); {
		j := strings.Index(text[i:], first)
		if j < 0 {
			break
		}
		start := i + j
		t, w := start, 0
		for w < len(words) && t < len(text) {
			if words[w] == ' ' {
				if !asciiSpaceByte(text[t]) {
					break
				}
				for t < len(text) && asciiSpaceByte(text[t]) {
					t++
				}
				w++
				continue
			}
			if text[t] != words[w] {
				break
			}
			t++
			w++
		}
		if w == len(words) {
			return start, t
		}
		i = start + 1
	}
	return -1, -1
}

func asciiSpaceByte(c byte) bool { return c == ' ' || c == '\n' || c == '\t' }
