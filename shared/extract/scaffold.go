package extract

// SCAFFOLDING: replaced by the real detector, decoders and HTML/PDF readers.

import (
	"bytes"

	"strings"
)

// Detect returns the format of data.
func Detect(name string, data []byte) (Format, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return "", inputErr(ErrEmpty, "the file is empty")
	}
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		return PDF, nil
	}
	return Text, nil
}

func extractText(data []byte) (*Document, error) {
	doc := &Document{Format: Text, Encoding: "utf-8"}
	for _, p := range strings.Split(string(data), "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			doc.Blocks = append(doc.Blocks, Block{Text: p})
		}
	}
	return doc, nil
}

func extractMarkdown(data []byte) (*Document, error) { return extractText(data) }

func extractHTML(data []byte) (*Document, error) { return extractText(data) }
