package extract

import (
	"errors"
	"fmt"
)

// Sentinel errors for the ways an input can be unusable. Every error that
// Extract returns because of the input itself wraps exactly one of them inside
// an *InputError; errors.Is works with both.
var (
	ErrEmpty             = errors.New("empty file")
	ErrUnsupportedFormat = errors.New("unsupported format")
	ErrTooLarge          = errors.New("file too large")
	ErrTooManyPages      = errors.New("too many pages")
	ErrEncrypted         = errors.New("encrypted pdf")
	ErrNoText            = errors.New("no extractable text")
	ErrCorrupt           = errors.New("corrupt file")
	ErrTimeout           = errors.New("extraction took too long")
	ErrTooComplex        = errors.New("file needs too much memory")
)

// InputError reports an input that cannot be extracted. It is a property of
// the file, not a transient failure: retrying the same bytes fails again.
type InputError struct {
	// Err is one of the sentinel errors above.
	Err error
	// Detail is a human-readable explanation a user can act on, such as
	// "PDF is password-protected; upload an unprotected copy".
	Detail string
}

func (e *InputError) Error() string {
	if e.Detail == "" {
		return e.Err.Error()
	}
	return fmt.Sprintf("%v: %s", e.Err, e.Detail)
}

func (e *InputError) Unwrap() error { return e.Err }

// inputErr builds an *InputError.
func inputErr(kind error, format string, args ...any) error {
	return &InputError{Err: kind, Detail: fmt.Sprintf(format, args...)}
}

// IsInputError reports whether err is caused by the input (as opposed to a
// cancelled context or an environment failure).
func IsInputError(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}
