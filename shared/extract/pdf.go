package extract

// SCAFFOLDING: replaced by the real PDF reader.

import "context"

func extractPDF(ctx context.Context, data []byte, lim Limits) (*Document, error) {
	return nil, inputErr(ErrUnsupportedFormat, "PDF not implemented yet")
}
