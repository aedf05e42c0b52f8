package main

import (
	"fmt"
	"os"
	"strings"
	"unicode"
)

// The policy sources in testdata/pdf/src use a tiny line-based markup:
//
//	= Title                    document title (first line)
//	# Heading                  section heading
//	## Heading                 subsection heading
//	- item                     bulleted list item
//	+ item                     numbered list item (the renderer numbers it)
//	anything else              paragraph text; blank lines separate paragraphs
type nodeKind int

const (
	nPara nodeKind = iota
	nH1
	nH2
	nBullet
	nNumber
)

type node struct {
	kind nodeKind
	text string
}

type policy struct {
	name  string // file stem
	title string
	nodes []node
}

func readPolicy(path, name string) (*policy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := &policy{name: name}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case i == 0 && strings.HasPrefix(line, "= "):
			p.title = line[2:]
		case strings.HasPrefix(line, "## "):
			p.nodes = append(p.nodes, node{nH2, line[3:]})
		case strings.HasPrefix(line, "# "):
			p.nodes = append(p.nodes, node{nH1, line[2:]})
		case strings.HasPrefix(line, "- "):
			p.nodes = append(p.nodes, node{nBullet, line[2:]})
		case strings.HasPrefix(line, "+ "):
			p.nodes = append(p.nodes, node{nNumber, line[2:]})
		default:
			p.nodes = append(p.nodes, node{nPara, line})
		}
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
