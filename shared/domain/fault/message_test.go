package fault_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/fault"
)

// checkMessage reports what makes msg unfit for a FAILED reason: more than
// one line, unprintable characters, more than MaxMessage characters, Go
// panic text.
func checkMessage(msg string) string {
	switch {
	case !utf8.ValidString(msg):
		return "invalid UTF-8"
	case utf8.RuneCountInString(msg) > fault.MaxMessage:
		return fmt.Sprintf("%d characters", utf8.RuneCountInString(msg))
	case strings.Contains(msg, "runtime error") || strings.Contains(msg, "goroutine "):
		return "Go panic text"
	}
	for _, r := range msg {
		if !unicode.IsPrint(r) {
			return fmt.Sprintf("unprintable %U", r)
		}
	}
	return ""
}

func TestMessagesAreOnePrintableLine(t *testing.T) {
	raw := "stream\r\n\x00\x01\x1b[31m\xff\xfe BT /F1 12 Tf\u2028(x) Tj\x7f\u0085 ET"
	long := strings.Repeat("objects ", 200)
	var idx []int
	panicErr := func() (err error) {
		defer func() { err = fault.E(fault.Corrupt, "the PDF is damaged (%v)", recover()) }()
		_ = idx[4101]
		return nil
	}()
	tests := []struct {
		name string
		err  error
		want string // a part the message keeps
	}{
		{"raw bytes in a detail", fault.E(fault.Corrupt, "unexpected token %s", raw), "unexpected token stream"},
		{"a long detail", fault.E(fault.Corrupt, "%s", long), "corrupt file: objects objects"},
		{"a wrapped error with line breaks", fault.Wrap(fault.Internal, errors.New("line one\nline two\ttabbed"), ""), "internal error: line one line two tabbed"},
		{"a detail set directly", &fault.Error{Kind: fault.Corrupt, Detail: "bad\x00name\n"}, "corrupt file: bad"},
		{"a Go runtime panic", panicErr, "the PDF is damaged (malformed data)"},
		{"a wrapped runtime panic", fault.E(fault.Corrupt, "page 3: %v", fmt.Errorf("read: %w", runtimeErr())), "page 3: malformed data"},
	}
	for _, tt := range tests {
		for _, msg := range []string{tt.err.Error(), fault.Message(fmt.Errorf("analyze p.pdf: %w", tt.err)), fault.Detail(tt.err)} {
			if bad := checkMessage(msg); bad != "" {
				t.Errorf("%s: message %q: %s", tt.name, msg, bad)
			}
		}
		if msg := tt.err.Error(); !strings.Contains(msg, tt.want) {
			t.Errorf("%s: message %q does not keep %q", tt.name, msg, tt.want)
		}
	}
	if msg := fault.E(fault.Corrupt, "%s", long).Error(); !strings.HasSuffix(msg, "…") {
		t.Errorf("a cut message does not say so: %q", msg)
	}
	if msg := fault.Message(errors.New("plain\nerror")); msg != "plain error" {
		t.Errorf("Message of a plain error = %q", msg)
	}
}

func runtimeErr() (err error) {
	defer func() { err = recover().(error) }()
	var m map[string]int
	m["x"]++
	return nil
}

func TestCleanKeepsGoodMessages(t *testing.T) {
	for _, s := range []string{
		"the PDF is password-protected; upload an unprotected copy",
		"détecté : données “binaires” — 12 €",
		"",
	} {
		if got := fault.Clean(s); got != s {
			t.Errorf("Clean(%q) = %q", s, got)
		}
	}
	if got := fault.Clean("  a  \n\n b \x00\x01 c\uFFFD\uFFFD\x7f "); got != "a b c\uFFFD" {
		t.Errorf("Clean collapsed to %q", got)
	}
}
