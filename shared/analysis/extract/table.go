package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Tables are read row by row, each row a policy.TableRow block whose text
// gives every cell after its column's header, the way a reader takes a
// row in: "Category: Identifiers. Examples: name, e-mail address." The
// header row itself is not a block of its own (its words are in every
// row), unless the table has no other row.

// tableRowText returns the text of a table row: each non-empty cell after
// its column's header ("Header: cell") and ending like a sentence, the
// cells one after the other. A cell under an empty header, or equal to its
// header, stands alone.
func tableRowText(header, cells []string) string {
	var b strings.Builder
	for i, c := range cells {
		c = strings.Join(strings.Fields(c), " ")
		if c == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		h := ""
		if i < len(header) {
			h = strings.TrimRight(strings.Join(strings.Fields(header[i]), " "), ":")
		}
		if h != "" && !strings.EqualFold(h, c) {
			b.WriteString(h)
			if last, _ := utf8.DecodeLastRuneInString(h); strings.ContainsRune(".!?", last) {
				b.WriteByte(' ') // "Can you turn it off? No."
			} else {
				b.WriteString(": ")
			}
		}
		b.WriteString(c)
		if last, _ := utf8.DecodeLastRuneInString(c); !strings.ContainsRune(".!?;:", last) {
			b.WriteByte('.')
		}
	}
	return b.String()
}

// tableBlocks appends the rows of a table to blocks: a header (nil if
// none) and the body rows' cells. A header row of empty cells (as HTML
// converted to Markdown often has) gives way to the first row.
func tableBlocks(blocks []policy.Block, header []string, rows [][]string) []policy.Block {
	if header != nil && strings.Join(header, "") == "" {
		header = nil
		if len(rows) > 1 {
			header, rows = rows[0], rows[1:]
		}
	}
	if len(rows) == 0 && header != nil {
		rows, header = [][]string{header}, nil
	}
	for _, r := range rows {
		if t := tableRowText(header, r); t != "" {
			blocks = append(blocks, policy.Block{Kind: policy.TableRow, Text: t})
		}
	}
	return blocks
}

// pipeTable reads a pipe table (Markdown, or plain text) row by row,
// turning each row into a block as it comes, so that a table of a million
// rows takes no more memory than a million paragraphs: the first row is
// the header when a delimiter row ("|---|---|") follows it (when its cells
// are all empty, the next row is), and a table without a delimiter row
// has none.
type pipeTable struct {
	open    bool
	first   []string // the first row, until it is known to be the header or not
	header  []string
	headed  bool // the header is settled
	emitted int
}

// row reads the next row's cells and appends what it settles to blocks.
func (t *pipeTable) row(blocks []policy.Block, cells []string) []policy.Block {
	switch {
	case !t.open:
		t.open, t.first = true, cells
		return blocks
	case !t.headed:
		// No delimiter row after the first: no header.
		blocks = t.emit(blocks, t.first)
		t.first, t.headed = nil, true
	case t.emitted == 0 && t.header != nil && strings.Join(t.header, "") == "":
		t.header = cells
		return blocks
	}
	return t.emit(blocks, cells)
}

// delimiter reads a delimiter row.
func (t *pipeTable) delimiter() {
	if t.open && !t.headed {
		t.header, t.first, t.headed = t.first, nil, true
	}
}

// end ends the table, if one is open.
func (t *pipeTable) end(blocks []policy.Block) []policy.Block {
	switch {
	case !t.open:
	case t.first != nil:
		blocks = t.emit(blocks, t.first)
	case t.emitted == 0 && t.header != nil:
		// A header alone: its cells are the text.
		h := t.header
		t.header = nil
		blocks = t.emit(blocks, h)
	}
	*t = pipeTable{}
	return blocks
}

func (t *pipeTable) emit(blocks []policy.Block, cells []string) []policy.Block {
	if s := tableRowText(t.header, cells); s != "" {
		blocks = append(blocks, policy.Block{Kind: policy.TableRow, Text: s})
		t.emitted++
	}
	return blocks
}

// pipeCells splits a row of a pipe table ("| a | b |", or "a | b") into
// its cells, trimmed; an escaped "\|" stays in its cell.
func pipeCells(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	if !strings.Contains(t, `\|`) {
		cells := strings.Split(t, "|")
		for i, c := range cells {
			cells[i] = strings.TrimSpace(c)
		}
		return cells
	}
	var cells []string
	var cur strings.Builder
	for i := 0; i < len(t); i++ {
		switch {
		case t[i] == '\\' && i+1 < len(t) && t[i+1] == '|':
			cur.WriteByte('|')
			i++
		case t[i] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(t[i])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// isPipeRow reports whether a trimmed line reads as a row of a pipe table:
// it starts with '|' and has another.
func isPipeRow(t string) bool {
	return strings.HasPrefix(t, "|") && strings.Count(t, "|") >= 2
}

// joinCellParts joins the blocks of a table cell (paragraphs, list items)
// into one line: "; " between them, or a space after one that already
// ends a sentence or clause ("Age.", "Purposes:").
func joinCellParts(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			prev := parts[i-1]
			if last, _ := utf8.DecodeLastRuneInString(prev); strings.ContainsRune(".!?;:", last) {
				b.WriteByte(' ')
			} else {
				b.WriteString("; ")
			}
		}
		b.WriteString(p)
	}
	return b.String()
}

// cellLines joins the lines of a block of a table cell (broken by <br>)
// into one: "; " between lines that read as items of a list (the line
// before ends without punctuation and the next begins with a capital or a
// digit, or both are one word: "Identity data" / "Account data",
// "session_id" / "csrf"), else a space (a line broken inside a sentence).
func cellLines(text string) string {
	var b strings.Builder
	prev := ""
	for _, l := range strings.Split(text, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l == "" {
			continue
		}
		if prev != "" {
			last, _ := utf8.DecodeLastRuneInString(prev)
			first, _ := utf8.DecodeRuneInString(l)
			oneWords := !strings.Contains(prev, " ") && !strings.Contains(l, " ")
			if !unicode.IsPunct(last) && (unicode.IsUpper(first) || unicode.IsDigit(first) || oneWords) {
				b.WriteString("; ")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
		prev = l
	}
	return b.String()
}
