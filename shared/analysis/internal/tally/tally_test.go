package tally

import "testing"

func TestCounts(t *testing.T) {
	c := Counts{TP: 3, FP: 1}.Add(Counts{TP: 1, FN: 4})
	if c != (Counts{TP: 4, FP: 1, FN: 4}) {
		t.Fatalf("sum %+v", c)
	}
	for _, tc := range []struct {
		name      string
		got, want float64
	}{
		{"precision", c.Precision(), 0.8},
		{"recall", c.Recall(), 0.5},
		{"F1", c.F1(), 8.0 / 13},
		{"F1 of nothing", Counts{}.F1(), 0},
		{"precision without predictions", Counts{FN: 2}.Precision(), 0},
	} {
		if d := tc.got - tc.want; d > 1e-12 || d < -1e-12 {
			t.Errorf("%s = %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if c.Support() != 8 {
		t.Errorf("support %d, want 8", c.Support())
	}
}
