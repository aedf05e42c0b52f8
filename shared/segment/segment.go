// Package segment splits an extracted document into clauses: paragraph-sized
// units of text, each with the path of section headings above it.
package segment

import "github.com/policylens/policylens/shared/extract"

// Clause is one paragraph-level unit of a policy.
type Clause struct {
	// Ordinal numbers the clauses of a document from 1 in reading order.
	Ordinal int
	// Heading is the path of section headings the clause sits under, outermost
	// first, e.g. ["4. Sharing", "Service providers"]; empty before the first
	// heading.
	Heading []string
	// Text is the clause's text with runs of white space collapsed to one space.
	Text string
	// Start and End are the clause's offsets in doc.Text(), counted in Unicode
	// code points, End exclusive. Collapsing white space in
	// []rune(doc.Text())[Start:End] gives Text.
	Start, End int
	// Page is the PDF page the clause starts on; 0 for formats without pages.
	Page int
}

// Options tune segmentation. Zero fields take defaults.
type Options struct {
	// MaxChars bounds a clause's length in code points; longer paragraphs are
	// split at sentence boundaries, and a sentence longer than this at word
	// boundaries.
	MaxChars int
}

// DefaultMaxChars is the default bound on clause length.
const DefaultMaxChars = 2000

// SCAFFOLDING: replaced by the real segmenter.
func Split(doc *extract.Document, opt Options) []Clause {
	var out []Clause
	var heading []string
	pos := 0
	for i, b := range doc.Blocks {
		if i > 0 {
			pos += len([]rune(extract.BlockSeparator))
		}
		n := len([]rune(b.Text))
		if b.Kind == extract.Heading {
			heading = []string{b.Text}
		} else {
			out = append(out, Clause{Ordinal: len(out) + 1, Heading: heading, Text: b.Text, Start: pos, End: pos + n, Page: b.Page})
		}
		pos += n
	}
	return out
}
