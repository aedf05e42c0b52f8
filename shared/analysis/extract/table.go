package extract

import (
	"strings"
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

// pipeCells splits a row of a pipe table ("| a | b |", or "a | b") into
// its cells, trimmed; an escaped "\|" stays in its cell.
func pipeCells(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
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
