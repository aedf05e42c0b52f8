package pdftext

import (
	"bytes"
	"fmt"
	"runtime/debug"
)

// ledongthuc/pdf reports malformed input by panicking, so this package
// recovers from its panics. A panic anywhere else is a bug: it is passed on
// as a *Bug, with the stack where it happened, for the caller to report.

// Bug is a panic in this module's own code.
type Bug struct {
	Value any
	Stack []byte
}

func (b *Bug) Error() string { return fmt.Sprintf("bug: %v", b.Value) }

const libraryPkg = "github.com/ledongthuc/pdf."

// PanickedInLibrary reports whether the panic whose recovery produced
// stack (from debug.Stack in a deferred function) was raised inside
// ledongthuc/pdf: the first function below the panic call that is not part
// of the Go runtime belongs to the library.
func PanickedInLibrary(stack []byte) bool {
	lines := bytes.Split(stack, []byte("\n"))
	for i := len(lines) - 1; i >= 0; i-- {
		if !bytes.HasPrefix(lines[i], []byte("panic(")) {
			continue
		}
		for _, l := range lines[i+1:] {
			if len(l) == 0 || l[0] == '\t' || bytes.HasPrefix(l, []byte("runtime.")) || bytes.HasPrefix(l, []byte("panic(")) {
				continue
			}
			return bytes.HasPrefix(l, []byte(libraryPkg))
		}
		return false
	}
	return false
}

// rethrowBug re-panics r unless it came from the library.
func rethrowBug(r any) {
	if b, ok := r.(*Bug); ok {
		panic(b)
	}
	stack := debug.Stack()
	if !PanickedInLibrary(stack) {
		panic(&Bug{Value: r, Stack: stack})
	}
}
