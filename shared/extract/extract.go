package extract

import (
	"context"
	"fmt"
)

// Extract detects the format of data (from its bytes first and the file name
// second) and extracts its text. Errors caused by the input are *InputError;
// a cancelled or expired ctx is returned as ctx.Err(), wrapped.
func Extract(ctx context.Context, name string, data []byte, lim Limits) (*Document, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, inputErr(ErrTooLarge, "%d bytes is over the limit of %d bytes", len(data), lim.MaxBytes)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("extract %s: %w", name, err)
	}
	f, err := Detect(name, data)
	if err != nil {
		return nil, err
	}
	var doc *Document
	switch f {
	case PDF:
		doc, err = extractPDF(ctx, data, lim)
	case HTML:
		doc, err = extractHTML(data)
	case Markdown:
		doc, err = extractMarkdown(data)
	default:
		doc, err = extractText(data)
	}
	if err != nil {
		return nil, err
	}
	if len(doc.Blocks) == 0 {
		return nil, inputErr(ErrEmpty, "the %s file contains no text", f)
	}
	return doc, nil
}
