package main

import (
	"fmt"
	"os"
	"strings"
	"unicode"
)

// The policy sources in testdata/pdf/src use a tiny line-based markup:
//
//	= Title                    document title (first line; more "= " lines
//	                           right after it continue the title)
//	# Heading                  section heading
//	## Heading                 subsection heading
//	- item                     bulleted list item
//	+ item                     numbered list item (the renderer numbers it)
//	> line                     a line of a block set line by line (an
//	                           address, a table of contents); consecutive
//	                           "> " lines are one block
//	| cell | cell              a table row; consecutive rows are one table,
//	                           the first row its header
//	anything else              paragraph text; blank lines separate paragraphs
type nodeKind int

const (
	nPara nodeKind = iota
	nH1
	nH2
	nBullet
	nNumber
	nLines
	nRow
)

type node struct {
	kind nodeKind
	text string
	// lines are the lines of an nLines block, cells the cells of an nRow.
	lines []string
	cells []string
}

type policy struct {
	name   string // file stem
	title  string
	titles []string // the title's lines: title, then any continuation
	nodes  []node
}

func readPolicy(path, name string) (*policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &policy{name: name}
	prevBlank := true
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		blank := line == ""
		last := len(p.nodes) - 1
		switch {
		case line == "":
		case strings.HasPrefix(line, "= ") && i == len(p.titles):
			p.titles = append(p.titles, line[2:])
			p.title = strings.Join(p.titles, " ")
		case strings.HasPrefix(line, "> "):
			if !prevBlank && last >= 0 && p.nodes[last].kind == nLines {
				p.nodes[last].lines = append(p.nodes[last].lines, line[2:])
			} else {
				p.nodes = append(p.nodes, node{kind: nLines, lines: []string{line[2:]}})
			}
		case strings.HasPrefix(line, "| "):
			var cells []string
			for _, c := range strings.Split(line[2:], " | ") {
				cells = append(cells, strings.TrimSpace(c))
			}
			p.nodes = append(p.nodes, node{kind: nRow, cells: cells})
		case strings.HasPrefix(line, "## "):
			p.nodes = append(p.nodes, node{kind: nH2, text: line[3:]})
		case strings.HasPrefix(line, "# "):
			p.nodes = append(p.nodes, node{kind: nH1, text: line[2:]})
		case strings.HasPrefix(line, "- "):
			p.nodes = append(p.nodes, node{kind: nBullet, text: line[2:]})
		case strings.HasPrefix(line, "+ "):
			p.nodes = append(p.nodes, node{kind: nNumber, text: line[2:]})
		default:
			p.nodes = append(p.nodes, node{kind: nPara, text: line})
		}
		prevBlank = blank
	}
	if p.title == "" {
		return nil, fmt.Errorf("%s: first line must be '= Title'", path)
	}
	return p, nil
}

// softHyphenate inserts shy (a soft hyphen in the target syntax) into the
// middle of long words, so that HTML and ODF renderers, which have no
// hyphenation dictionaries here, can still break words at line ends.
func softHyphenate(s, shy string) string {
	var out strings.Builder
	word := []rune{}
	flush := func() {
		if len(word) >= 10 {
			cut := len(word) / 2
			// Break before a consonant that follows a vowel, near the middle.
			for d := 0; d < 3; d++ {
				if c := cut + d; c < len(word)-3 && isVowel(word[c-1]) && !isVowel(word[c]) {
					cut = c
					break
				}
			}
			out.WriteString(string(word[:cut]))
			out.WriteString(shy)
			out.WriteString(string(word[cut:]))
		} else {
			out.WriteString(string(word))
		}
		word = word[:0]
	}
	for _, r := range s {
		if unicode.IsLetter(r) {
			word = append(word, r)
			continue
		}
		flush()
		out.WriteRune(r)
	}
	flush()
	return out.String()
}

func isVowel(r rune) bool { return strings.ContainsRune("aeiouyAEIOUY", r) }
