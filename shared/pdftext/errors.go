package pdftext

import "errors"

// Errors for PDFs that cannot be read. Functions return them wrapped with a
// detail a user can act on; use errors.Is.
var (
	ErrEncrypted    = errors.New("encrypted pdf")
	ErrCorrupt      = errors.New("corrupt pdf")
	ErrTooManyPages = errors.New("too many pages")
	ErrTooComplex   = errors.New("pdf needs too much memory")
)
