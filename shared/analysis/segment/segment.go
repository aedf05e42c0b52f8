// Package segment splits an extracted document into clauses: paragraph-sized
// units of text, each with the path of section headings above it.
//
// Headings come from the extractor (HTML h1-h6 and bold-only lines,
// Markdown '#', PDF headings) and, in plain text, from the lines
// themselves: numbered ("4. Sharing", "4.2 Service providers", "IV.
// Rights", "Section 3 - Contact"), ALL CAPS, and short title-case or
// sentence-case lines without a final period (a final ':' only when the
// line is title case). Heading paths nest by explicit level or numbering
// depth; headings of another style nest under the open ones and replace a
// heading of their own style. The document's title (its first heading when
// it names the document) and tables of contents stay out of the paths.
// A table of contents is a heading such as "Contents" with its list, or
// any run of short lines most of which repeat later headings; it is
// dropped from the clauses, and a line it names is a heading.
//
// Clauses follow the document's paragraphs; a paragraph that stops in the
// middle of a sentence goes on in the next one when that one goes on in
// lower case. A sentence ending in ':' keeps the list (or table, whose
// rows come read under their headers) that follows it when the whole is at
// most ListChars. Layouts without paragraphs fall back to sentence boundaries
// (abbreviations such as "e.g.", "Inc." and "U.S.", decimals, URLs and
// e-mail addresses do not end sentences): a paragraph longer than
// Options.MaxChars is cut into groups of sentences of about TargetChars,
// one-sentence-per-line and one-sentence-per-paragraph text is grouped into
// paragraphs of about that size, and no clause is ever longer than
// Options.MaxChars (a sentence longer than that is cut at word boundaries,
// after a ';' or ',' where possible). Page furniture ("Back to top", lone
// bullets) is dropped; fragments of one or two words join a neighbour.
package segment

import (
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Options tune segmentation. Zero fields take defaults.
type Options struct {
	// MaxChars bounds a clause's length in code points; longer paragraphs are
	// split at sentence boundaries, and a sentence longer than this at word
	// boundaries.
	MaxChars int
	// MaxClauses, when positive, is the most clauses SplitBounded returns:
	// it stops with a fault.TooLarge error as soon as it finds one more,
	// or when the document has more than policy.UnitsPerClause times as
	// many paragraphs, lines, headings and list items, so that its work
	// and memory stay proportional to the cap. Split ignores it.
	MaxClauses int
}

// DefaultMaxChars is the default bound on clause length.
const DefaultMaxChars = 2000

// Sizes that shape clauses, in code points of collapsed text. OPP-115
// segments have a median length of about 400 and a mean of about 460.
const (
	// TargetChars is the size sentence groups aim for when a paragraph
	// must be cut or sentences must be grouped.
	TargetChars = 600
	// ListChars bounds an introduction ending in ':' together with the list
	// it introduces; longer lists are cut into groups of about TargetChars.
	ListChars = 1500
	// shortItemChars bounds a paragraph that may act as an item of a list
	// introduced by ':'.
	shortItemChars = 250
	// singleSentenceChars bounds a one-sentence paragraph that may be
	// grouped with its neighbours in one-sentence-per-paragraph layouts.
	singleSentenceChars = 250
	// maxDepth bounds the heading path.
	maxDepth = 6
	// maxHeadingChars bounds a heading block; longer ones are paragraphs.
	maxHeadingChars = 200
)

// Split splits doc into clauses.
func Split(doc *policy.Document, opt Options) []policy.Clause {
	opt.MaxClauses = 0
	out, _ := SplitBounded(doc, opt)
	return out
}

// SplitBounded splits doc into clauses, as Split does, within
// opt.MaxClauses. An error is of kind fault.TooLarge and names the cap.
func SplitBounded(doc *policy.Document, opt Options) ([]policy.Clause, error) {
	if doc == nil || len(doc.Blocks) == 0 {
		return nil, nil
	}
	sp := newSplitter(doc, opt)
	sp.buildUnits()
	if sp.over {
		return nil, tooManyUnits(opt.MaxClauses)
	}
	sp.joinCutSentences()
	sp.markContents()
	sp.markSentenceLayout()
	sp.markTitle()
	sp.keepHeadingText()
	sp.promoteLoneHeadings()
	sp.scanHeadings()
	out := sp.emit()
	if len(out) == 0 && !sp.over {
		// Nothing but headings (a one-line file that reads like a title):
		// the lines are the content.
		for i := range sp.units {
			if u := &sp.units[i]; u.kind == uHeading {
				u.kind = uPara
				u.n, u.words = collapsedLen(sp.text[u.s:u.e])
			}
		}
		out = sp.emit()
	}
	if sp.over {
		return nil, tooManyClauses(opt.MaxClauses)
	}
	return out, nil
}

func tooManyClauses(max int) error {
	return fault.E(fault.TooLarge, "the policy has more than %d clauses, the most policylens keeps for one policy; split it into smaller files", max)
}

func tooManyUnits(max int) error {
	return fault.E(fault.TooLarge, "the policy has more than %d paragraphs, lines, headings and list items (%d per clause of the %d-clause limit); split it into smaller files",
		max*policy.UnitsPerClause, policy.UnitsPerClause, max)
}

type unitKind uint8

const (
	uPara    unitKind = iota
	uList             // a list item
	uHeading          // a heading
	uBreak            // dropped furniture; clauses never span it
)

// unit is a paragraph, list item or heading found in the text.
type unit struct {
	kind  unitKind
	s, e  int // byte span in the document text, without surrounding space
	n     int // length in code points after collapsing white space
	words int
	page  int
	// colon: the text ends with ':' (it may introduce a list).
	colon bool
	// merge: a sentence of a one-sentence-per-line layout, to be grouped
	// with its neighbours.
	merge bool
	// row: a table row, grouped with the rows around it.
	row bool
	// enum is the enumerator of a numbered list item ("3", "b", "2.1").
	enum  string
	head  heading
	title bool // the document title: not part of heading paths
}

// piece is a span of text that becomes a clause.
type piece struct {
	s, e, n, words, page int
	// glued: no white space separates the piece from the one before it
	// (the second half of a word cut in two).
	glued bool
}

type splitter struct {
	doc     *policy.Document
	text    string
	max     int
	target  int
	listMax int
	mode    headingMode
	units   []unit
	lines   []line
	// firstIdx and lastIdx are the unit indexes of the first and last
	// heading of each family; numRestarts says whether top-level decimal
	// numbering starts again somewhere ("1." under each of several
	// sections).
	firstIdx, lastIdx map[family]int
	numRestarts       bool
	spans             [][2]int
	pieces            []piece
	out               []policy.Clause
	cursor            runeCursor
	// maxOut and maxUnits bound the clauses and the units (0: no bound);
	// over says that one of them was reached and the work stopped.
	maxOut, maxUnits int
	over             bool
}

func newSplitter(doc *policy.Document, opt Options) *splitter {
	sp := &splitter{doc: doc, text: doc.Text(), max: opt.MaxChars}
	if opt.MaxClauses > 0 {
		sp.maxOut, sp.maxUnits = opt.MaxClauses, opt.MaxClauses*policy.UnitsPerClause
	}
	if sp.max <= 0 {
		sp.max = DefaultMaxChars
	}
	sp.target = min(TargetChars, sp.max)
	sp.listMax = min(ListChars, sp.max)
	sp.cursor.text = sp.text
	marked := 0
	for _, b := range doc.Blocks {
		if b.Kind == policy.Heading {
			marked++
		}
	}
	switch {
	case marked < 2:
		sp.mode = headingsAll
	case doc.Format == policy.PDF:
		sp.mode = headingsStrong
	default:
		sp.mode = headingsNone
	}
	return sp
}
