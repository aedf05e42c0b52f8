// Package fault classifies errors by kind, so that what happens next is
// decided by one switch on the kind, not by matching messages or sentinel
// values scattered over packages: ingest decides from the kind whether a
// policy is marked FAILED, the message acknowledged or retried, and lookup
// maps kinds to HTTP statuses with one table.
//
// An *Error carries a Kind and a detail a person can act on. Code that
// wraps an *Error with fmt.Errorf("...: %w", err) keeps its kind; KindOf
// finds it. errors.Is(err, fault.Encrypted) works too: a Kind is an error.
package fault

import (
	"errors"
	"fmt"
)

// Kind is the class of an error.
type Kind uint8

// The kinds. The input kinds (Empty through TooComplex) are properties of
// the file: analysing the same bytes again fails the same way.
const (
	Other Kind = iota // not classified: treated as internal

	Invalid      // a malformed request, parameter or event
	Empty        // the file holds no text
	Unsupported  // a format policylens does not read
	Encrypted    // a password-protected or encrypted PDF
	NoText       // no extractable text (a scanned document)
	Corrupt      // a damaged or truncated file
	TooLarge     // over a size limit
	TooManyPages // over the page limit
	Timeout      // the work on the file took too long
	TooComplex   // the work on the file needed too much memory

	NotFound  // the thing asked for does not exist
	Conflict  // a newer version won, or the data changed under a reader
	Throttled // an AWS service asked us to slow down: retry later
	Internal  // a bug or an environment failure
)

var kindText = [...]string{
	Other:        "internal error",
	Invalid:      "invalid input",
	Empty:        "empty file",
	Unsupported:  "unsupported format",
	Encrypted:    "encrypted pdf",
	NoText:       "no extractable text",
	Corrupt:      "corrupt file",
	TooLarge:     "file too large",
	TooManyPages: "too many pages",
	Timeout:      "extraction took too long",
	TooComplex:   "file needs too much memory",
	NotFound:     "not found",
	Conflict:     "conflict",
	Throttled:    "throttled",
	Internal:     "internal error",
}

// String returns the kind as the first words of an error message, such as
// "encrypted pdf".
func (k Kind) String() string {
	if int(k) < len(kindText) {
		return kindText[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error makes a Kind an error, so that errors.Is(err, fault.Encrypted)
// reports whether err is of that kind.
func (k Kind) Error() string { return k.String() }

// Input reports whether the kind is a property of the input file: a
// policy whose file fails so is marked FAILED and not retried.
func (k Kind) Input() bool { return k >= Empty && k <= TooComplex }

// Valid reports whether k is one of the kinds above.
func (k Kind) Valid() bool { return int(k) < len(kindText) }

// Error is an error of a kind, with a detail for people.
type Error struct {
	Kind Kind
	// Detail explains the error to the person who can act on it, such as
	// "the PDF is password-protected; upload an unprotected copy".
	Detail string
	// Err is the underlying error, if any.
	Err error
}

// Error returns "<kind>: <detail>", or the underlying error's message
// after the kind when there is no detail.
func (e *Error) Error() string {
	switch {
	case e.Detail != "":
		return e.Kind.String() + ": " + e.Detail
	case e.Err != nil:
		return e.Kind.String() + ": " + e.Err.Error()
	}
	return e.Kind.String()
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is e's kind.
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// E returns an error of kind k whose detail is formatted from format and
// args, as fmt.Sprintf does.
func E(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Detail: fmt.Sprintf(format, args...)}
}

// Wrap returns err classified as kind k, keeping err as the cause. The
// message is err's unless detail is given.
func Wrap(k Kind, err error, detail string) error {
	return &Error{Kind: k, Detail: detail, Err: err}
}

// KindOf returns the kind of the first *Error in err's chain, Other when
// there is none (or err is nil).
func KindOf(err error) Kind {
	var e *Error
	for err != nil {
		if !errors.As(err, &e) {
			return Other
		}
		if e.Kind != Other {
			return e.Kind
		}
		err = e.Err
	}
	return Other
}

// Is reports whether err is of kind k.
func Is(k Kind, err error) bool { return err != nil && KindOf(err) == k }

// Detail returns the detail of the first *Error in err's chain, or err's
// message when it has none.
func Detail(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Detail != "" {
		return e.Detail
	}
	if err == nil {
		return ""
	}
	return err.Error()
}

// Message returns the message of the first *Error in err's chain (its kind
// and detail, without the context that wrapping added in front), or err's
// whole message when it holds no *Error.
func Message(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	if err == nil {
		return ""
	}
	return err.Error()
}
