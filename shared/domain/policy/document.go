package policy

import "strings"

// Format is a detected input format.
type Format string

// The formats policylens reads.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	HTML     Format = "html"
	PDF      Format = "pdf"
)

// Kind says what a block is, as far as the extractor can tell.
type Kind uint8

const (
	// Paragraph is running text. For plain text and Markdown a paragraph's
	// Text keeps the source line breaks ('\n'), because the segmenter uses
	// them to find headings and sentence-per-line layouts; HTML and PDF
	// paragraphs are reflowed into single lines, keeping only the breaks
	// the writer made (an HTML <br>, the lines of an address in a PDF).
	Paragraph Kind = iota
	// Heading is a block the source marks as a heading (HTML h1-h6 or a
	// bold-only line, Markdown '#', a PDF line set larger or bolder than the
	// body text).
	Heading
	// ListItem is one item of a bulleted or numbered list.
	ListItem
	// TableRow is one row of a table, read as text: each cell after its
	// column's header, "Category: Identifiers. Examples: name, e-mail
	// address." (cells joined by "; " when the table has no header row).
	TableRow
)

func (k Kind) String() string {
	switch k {
	case Heading:
		return "heading"
	case ListItem:
		return "list-item"
	case TableRow:
		return "table-row"
	default:
		return "paragraph"
	}
}

// Block is one unit of extracted text.
type Block struct {
	Kind Kind
	// Level is the heading level (1 is the top) when the source says it,
	// 0 when unknown or not a heading.
	Level int
	Text  string
	// Page is the 1-based page of a PDF block; 0 for formats without pages.
	Page int
	// Links are the block's links to web pages (HTML and Markdown): the
	// words that carry each and where it points, absolute http or https.
	Links []Link
}

// Link is a link of a text: the bytes [Start, End) of the text carry it,
// and URL is its target.
type Link struct {
	Start, End int
	URL        string
}

// Document is the extracted text of one policy.
type Document struct {
	Format Format
	// Encoding is the character encoding the text was decoded from
	// ("utf-8", "utf-16le", "utf-16be", "windows-1252"); empty for PDF.
	Encoding string
	// Title is the document's own title (HTML <title>, PDF metadata), if any.
	Title string
	// Pages is the page count of a PDF, 0 for other formats.
	Pages  int
	Blocks []Block
	// LinkEmails are the e-mail addresses of the document's mailto links
	// (HTML and Markdown), in order, as the links write them: "contact us"
	// may link to an address its text does not show. Candidates only: the
	// key facts keep those that read as addresses.
	LinkEmails []string
}

// BlockSeparator joins blocks in Document.Text.
const BlockSeparator = "\n\n"

// Text returns the document's extracted text: the blocks' texts joined by
// BlockSeparator. Clause offsets refer to this string.
func (d *Document) Text() string {
	var n int
	for _, b := range d.Blocks {
		n += len(b.Text) + len(BlockSeparator)
	}
	var sb strings.Builder
	sb.Grow(n)
	for i, b := range d.Blocks {
		if i > 0 {
			sb.WriteString(BlockSeparator)
		}
		sb.WriteString(b.Text)
	}
	return sb.String()
}

// Extensions are the file-name suffixes of the formats policylens reads, in
// lower and upper case (S3 notification filters are case-sensitive). Content
// is still detected from the bytes; the suffix only decides which uploads
// trigger ingestion.
var Extensions = []string{
	".pdf", ".PDF",
	".html", ".HTML", ".htm", ".HTM",
	".txt", ".TXT", ".text", ".TEXT",
	".md", ".MD", ".markdown",
}
