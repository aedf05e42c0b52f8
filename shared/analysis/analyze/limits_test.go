package analyze

import (
	"context"
	"errors"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

func limited(t *testing.T, lim policy.Limits) *Analyzer {
	t.Helper()
	m, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	return New(m, lim)
}

// Every format runs under the limits, with a typed error for each: the
// ingest function marks the policy FAILED with the message.
func TestAnalyzeLimits(t *testing.T) {
	lumen := fixture.Read(t, "testdata", "policies", "lumen-fitness.txt")
	res, err := limited(t, policy.Limits{}).Analyze(context.Background(), "lumen-fitness.txt", lumen)
	if err != nil {
		t.Fatal(err)
	}
	lumenClauses := len(res.Clauses)
	sentences := []byte(strings.Repeat("We collect your e-mail address when you sign up. ", 600_000)) // 30 MB
	tests := []struct {
		name string
		data []byte
		lim  policy.Limits
		kind fault.Kind
		says string
	}{
		{"a million headings.md", []byte(strings.Repeat("# h\n", 1_000_000)), policy.Limits{}, fault.TooLarge, "more than 200000 paragraphs"},
		{"many headings.html", []byte(strings.Repeat("<h1>h</h1>", 300_000)), policy.Limits{}, fault.TooLarge, "more than 200000 elements"},
		{"lumen-fitness.txt", lumen, policy.Limits{MaxClauses: lumenClauses - 1}, fault.TooLarge, fmt.Sprintf("more than %d clauses", lumenClauses-1)},
		{"sentences.txt", sentences, policy.Limits{MaxMemory: 40 << 20}, fault.TooComplex, "analysing the file needed more than 40 MB of memory"},
		{"slow.txt", sentences, policy.Limits{Timeout: time.Millisecond}, fault.Timeout, "analysing the file took longer than 1ms"},
		{"bomb.pdf", fixture.Read(t, "testdata", "pdf", "bomb.pdf"), policy.Limits{MaxMemory: 64 << 20}, fault.TooComplex, "MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, err := limited(t, tt.lim).Analyze(context.Background(), tt.name, tt.data)
			if !errors.Is(err, tt.kind) || !fault.KindOf(err).Input() {
				t.Fatalf("err = %v, want %v as an input error", err, tt.kind)
			}
			if msg := fault.Message(err); !strings.Contains(msg, tt.says) || len(msg) > 2*fault.MaxMessage {
				t.Errorf("message %q does not say %q", msg, tt.says)
			}
			if !strings.HasPrefix(err.Error(), "analyze "+tt.name+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}

// In-process analysis (POLICYLENS_ISOLATION=off) gives the same result as
// the worker's.
func TestAnalyzeInProcess(t *testing.T) {
	files := []string{
		fixture.Path("testdata", "policies", "harbor-books.html"),
		fixture.Path("testdata", "policies", "quillmate.md"),
		fixture.Path("testdata", "pdf", "northwind-libreoffice.pdf"),
	}
	a := limited(t, policy.Limits{})
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		isolated, err := a.Analyze(context.Background(), "p", data)
		if err != nil {
			t.Fatal(err)
		}
		t.Setenv(envIsolation, "off")
		inProcess, err := a.Analyze(context.Background(), "p", data)
		os.Unsetenv(envIsolation)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(isolated, inProcess) {
			t.Errorf("%s: the worker's analysis differs from the in-process one", f)
		}
	}
}
