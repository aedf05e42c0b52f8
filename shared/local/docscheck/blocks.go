package docscheck

import (
	"fmt"
	"regexp"
	"strings"
)

// Block is one fenced code block of a Markdown document.
type Block struct {
	// Line is the line of the opening fence, from 1.
	Line int
	// Lang is the fence's info string up to the first space ("sh").
	Lang string
	// Text is the block's content, ending in a newline.
	Text string
	// Skip is the reason given by a `<!-- docscheck: skip (reason) -->`
	// annotation on the line before the fence (blank lines allowed in
	// between); empty when the block is to be run.
	Skip string
}

// Shell reports whether the block holds shell commands for a reader to
// run.
func (b Block) Shell() bool {
	switch b.Lang {
	case "sh", "bash", "shell":
		return true
	}
	return false
}

var (
	annotation = regexp.MustCompile(`^<!--\s*docscheck:(.*?)-->\s*$`)
	skipReason = regexp.MustCompile(`^\s*skip\s*\((.+)\)\s*$`)
)

// Blocks returns the fenced code blocks of a Markdown document, with their
// annotations. An annotation that is malformed, or that is not followed by
// a shell block, is an error: a skip must name the block it skips and say
// why.
func Blocks(md string) ([]Block, error) {
	var (
		blocks  []Block
		pending string // reason of the annotation waiting for its block
		pendAt  int
		cur     *Block
		fence   string
		body    strings.Builder
	)
	lines := strings.Split(md, "\n")
	for i, line := range lines {
		n := i + 1
		if cur != nil {
			if strings.TrimSpace(line) == fence {
				cur.Text = body.String()
				blocks = append(blocks, *cur)
				cur = nil
				continue
			}
			body.WriteString(line)
			body.WriteByte('\n')
			continue
		}
		trimmed := strings.TrimSpace(line)
		if m := annotation.FindStringSubmatch(trimmed); m != nil {
			if pending != "" {
				return nil, fmt.Errorf("line %d: docscheck annotation not followed by a shell block", pendAt)
			}
			r := skipReason.FindStringSubmatch(m[1])
			if r == nil {
				return nil, fmt.Errorf("line %d: malformed docscheck annotation %q: want <!-- docscheck: skip (reason) -->", n, trimmed)
			}
			pending, pendAt = strings.TrimSpace(r[1]), n
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			for len(fence) < len(trimmed) && trimmed[len(fence)] == fence[0] {
				fence += fence[:1]
			}
			info := strings.TrimSpace(trimmed[len(fence):])
			lang, _, _ := strings.Cut(info, " ")
			cur = &Block{Line: n, Lang: strings.ToLower(lang)}
			body.Reset()
			if pending != "" {
				if !cur.Shell() {
					return nil, fmt.Errorf("line %d: docscheck annotation before a %q block, which is not run anyway", pendAt, cur.Lang)
				}
				cur.Skip, pending = pending, ""
			}
			continue
		}
		if trimmed != "" && pending != "" {
			return nil, fmt.Errorf("line %d: docscheck annotation not followed by a shell block", pendAt)
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: code block not closed", cur.Line)
	}
	if pending != "" {
		return nil, fmt.Errorf("line %d: docscheck annotation not followed by a shell block", pendAt)
	}
	return blocks, nil
}
