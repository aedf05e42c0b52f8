// Package fault classifies errors by kind, so that what happens next is
// decided by one switch on the kind, not by matching messages or sentinel
// values scattered over packages: ingest decides from the kind whether a
// policy is marked FAILED, the message acknowledged or retried, and lookup
// maps kinds to HTTP statuses with one table.
//
// An *Error carries a Kind and a detail a person can act on. Code that
// wraps an *Error with fmt.Errorf("...: %w", err) keeps its kind; KindOf
// finds it. errors.Is(err, fault.Encrypted) works too: a Kind is an error.
//
// Every message an *Error gives (Error, Detail, Message) is one printable
// line of at most MaxMessage characters: details are often made from what
// a damaged file contains, and they end up in a policy's FAILED reason and
// in API answers. Control characters, line breaks and invalid UTF-8 are
// replaced, and a Go runtime panic (a runtime.Error) passed to E is not
// shown: it is logged, and the message says the data is malformed.
package fault

import (
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"unicode"
	"unicode/utf8"
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
		return Clean(e.Kind.String() + ": " + e.Detail)
	case e.Err != nil:
		return Clean(e.Kind.String() + ": " + e.Err.Error())
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
//
// An argument that is a Go runtime panic (a runtime.Error, such as "index
// out of range", recovered from a reader) is logged and shown as
// "malformed data": its text means nothing to the user.
func E(k Kind, format string, args ...any) error {
	copied := false
	for i, a := range args {
		var re runtime.Error
		if err, ok := a.(error); ok && errors.As(err, &re) {
			slog.Warn("runtime error in an error detail", "kind", k.String(), "panic", re.Error())
			if !copied {
				args, copied = append([]any(nil), args...), true
			}
			args[i] = "malformed data"
		}
	}
	return &Error{Kind: k, Detail: Clean(fmt.Sprintf(format, args...))}
}

// Wrap returns err classified as kind k, keeping err as the cause. The
// message is err's unless detail is given.
func Wrap(k Kind, err error, detail string) error {
	return &Error{Kind: k, Detail: Clean(detail), Err: err}
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
		return Clean(e.Detail)
	}
	if err == nil {
		return ""
	}
	return Clean(err.Error())
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
	return Clean(err.Error())
}

// MaxMessage bounds the length of a message, in characters.
const MaxMessage = 300

// Clean makes s fit to show as one line of an error message: white space,
// line breaks and control characters become single spaces, invalid UTF-8
// and other unprintable characters become one U+FFFD per run, and the
// result is cut at a word boundary to at most MaxMessage characters, an
// ellipsis marking the cut.
func Clean(s string) string {
	if isClean(s) {
		return s
	}
	var sb strings.Builder
	sb.Grow(min(len(s), 4*MaxMessage))
	n := 0
	var last rune = ' ' // drops leading space
	lastSpace := -1     // byte offset in sb of the last space written
	cut := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size <= 1:
			r = utf8.RuneError
		case unicode.IsSpace(r) || unicode.IsControl(r) && r < 0x20:
			r = ' '
		case !unicode.IsPrint(r):
			r = utf8.RuneError
		}
		if r == last && (r == ' ' || r == utf8.RuneError) {
			continue
		}
		if n == MaxMessage-1 {
			cut = true
			break
		}
		if r == ' ' {
			lastSpace = sb.Len()
		}
		sb.WriteRune(r)
		last = r
		n++
	}
	out := sb.String()
	if cut {
		if lastSpace > len(out)/2 {
			out = out[:lastSpace]
		}
		out = strings.TrimRight(out, " ") + "…"
	}
	return strings.TrimRight(out, " ")
}

// isClean reports whether s is already a clean message: short, printable
// ASCII or valid printable UTF-8, single spaces, no leading or trailing
// space.
func isClean(s string) bool {
	if len(s) > MaxMessage || s != "" && (s[0] == ' ' || s[len(s)-1] == ' ') {
		return false
	}
	prevSpace := false
	for _, r := range s {
		switch {
		case r == ' ':
			if prevSpace {
				return false
			}
			prevSpace = true
			continue
		case r == utf8.RuneError, !unicode.IsPrint(r):
			return false
		}
		prevSpace = false
	}
	return true
}
