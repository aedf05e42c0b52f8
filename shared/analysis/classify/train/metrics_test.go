package train

import (
	"bytes"
	"math"
	"regexp"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

func index(t testing.TB, name string) int {
	t.Helper()
	i, ok := labels.Index(name)
	if !ok {
		t.Fatalf("no label %q", name)
	}
	return i
}

func TestMetrics(t *testing.T) {
	// Four examples, hand-checked:
	//   gold {A}    pred {A}      A: TP
	//   gold {A,B}  pred {B}      A: FN, B: TP
	//   gold {B}    pred {A,B}    A: FP, B: TP
	//   gold {C}    pred {}       C: FN
	// A: TP1 FP1 FN1 -> P .5 R .5 F1 .5
	// B: TP2 FP0 FN0 -> F1 1
	// C: TP0 FP0 FN1 -> F1 0
	// micro: TP3 FP1 FN2 -> F1 6/9
	// macro: (0.5+1+0)/3 = 0.5 (the 9 labels absent everywhere are left out)
	a, b, c := index(t, "Data Security"), index(t, "Policy Change"), index(t, "Do Not Track")
	var s corpus.LabelSet
	gold := []corpus.LabelSet{s.With(a), s.With(a).With(b), s.With(b), s.With(c)}
	pred := []corpus.LabelSet{s.With(a), s.With(b), s.With(a).With(b), 0}
	m := Compare(gold, pred)
	if got := m.Labels[a]; got != (Counts{TP: 1, FP: 1, FN: 1}) {
		t.Errorf("counts of A = %+v", got)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"precision A", m.Labels[a].Precision(), 0.5},
		{"recall A", m.Labels[a].Recall(), 0.5},
		{"F1 B", m.Labels[b].F1(), 1},
		{"F1 C", m.Labels[c].F1(), 0},
		{"micro-F1", m.MicroF1(), 6.0 / 9},
		{"macro-F1", m.MacroF1(), 0.5},
	}
	for _, ch := range checks {
		if math.Abs(ch.got-ch.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	var out bytes.Buffer
	if err := m.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; last != "micro-F1 0.667 macro-F1 0.500" {
		t.Errorf("last line %q", last)
	}
	for _, l := range labels.All {
		if !strings.Contains(out.String(), l.Name) {
			t.Errorf("table lacks %q:\n%s", l.Name, out.String())
		}
	}
	if !regexp.MustCompile(`(?m)^\s*Data Security\s+0\.500\s+0\.500\s+0\.500\s+2\s+2\s*$`).MatchString(out.String()) {
		t.Errorf("row for Data Security not as expected:\n%s", out.String())
	}
}
