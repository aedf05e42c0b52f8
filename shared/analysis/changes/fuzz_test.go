package changes

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// fromText makes an analysis of text: clauses at blank lines, a line
// starting with '#' a heading.
func fromText(text string) *policy.Analysis {
	a := &policy.Analysis{}
	var heading []string
	for _, block := range strings.Split(text, "\n\n") {
		if strings.HasPrefix(block, "#") {
			heading = []string{strings.TrimLeft(block, "# ")}
			continue
		}
		a.Clauses = append(a.Clauses, policy.Clause{Ordinal: len(a.Clauses) + 1, Heading: heading, Text: block})
	}
	return a
}

// Compare never panics, its counts add up, and it gives the same report
// every time (the service pages through recomputed reports).
func FuzzCompare(f *testing.F) {
	f.Add("We collect data. We share it.\n\n# Retention\n\nWe keep it 30 days.", "We collect data.\n\nWe share it.\n\n# Keeping\n\nWe keep it 60 days.")
	f.Add("Last updated: May 1, 2025\n\nA. B. C.", "Updated today\n\nC. B. A.")
	f.Add("", "• • •\n\n| a | b |")
	f.Add("x\n\nx\n\nx\n\ny", "y\n\nx\n\nx")
	f.Add("See https://ex.example/?utm_source=1 now.", "See http://www.ex.example now!")
	f.Fuzz(func(t *testing.T, prev, next string) {
		a, b := fromText(prev), fromText(next)
		r := Compare(a, b)
		s := r.Summary
		if s.Added+s.Modified+s.Moved+s.Unchanged != len(b.Clauses) {
			t.Fatalf("counts %+v do not add up to %d clauses", s, len(b.Clauses))
		}
		if s.Added+s.Removed+s.Modified+s.Moved != len(r.Clauses) {
			t.Fatalf("counts %+v, %d listed", s, len(r.Clauses))
		}
		for _, c := range r.Clauses {
			if c.Change == Modified {
				var sb strings.Builder
				for _, op := range c.Diff {
					if op.Op != OpDelete {
						sb.WriteString(op.Text)
					}
				}
				if sb.String() != c.After.Text {
					t.Fatalf("diff rebuilds %q, the clause is %q", sb.String(), c.After.Text)
				}
			}
		}
		if prev == next && !r.Quiet() {
			t.Fatalf("identical texts are not quiet: %+v", s)
		}
		j1, _ := json.Marshal(r)
		j2, _ := json.Marshal(Compare(a, b))
		if string(j1) != string(j2) {
			t.Fatalf("two comparisons differ:\n%s\n%s", j1, j2)
		}
	})
}
