package modelfile

import (
	"slices"
	"testing"
)

func TestMemoryRoundTrip(t *testing.T) {
	m := &ClauseMemory{
		K:       3,
		Q:       5,
		Labels:  []uint16{1, 6, 1 << 11},
		Start:   []uint32{0, 2, 2, 3, 4},
		Clause:  []uint16{0, 2, 1, 0},
		Weights: []uint8{200, 10, 255, 1},
	}
	b := m.Encode()
	v, err := ParseMemory(b, 6)
	if err != nil {
		t.Fatal(err)
	}
	if v.K != 3 || v.N != 3 || v.R != 4 || v.E != 4 || v.Q != 5 {
		t.Fatalf("K %d N %d R %d E %d Q %d", v.K, v.N, v.R, v.E, v.Q)
	}
	for i, want := range m.Labels {
		if got := v.Labels(i); got != want {
			t.Errorf("labels of clause %d: %b, want %b", i, got, want)
		}
	}
	var got [][2]int
	for r := range 6 {
		clauses, codes := v.RowEntries(r)
		for i, code := range codes {
			c := int(clauses[2*i]) | int(clauses[2*i+1])<<8
			got = append(got, [2]int{r, c*1000 + int(code)})
		}
	}
	want := [][2]int{{0, 200}, {0, 2010}, {2, 1255}, {3, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("entries %v, want %v", got, want)
	}
	// A damaged section is refused whole, or its damaged entries are
	// passed over; never read out of bounds.
	if _, err := ParseMemory(b[:len(b)-1], 6); err == nil {
		t.Error("a truncated memory was read")
	}
	if _, err := ParseMemory(b, 3); err == nil {
		t.Error("a memory of more rows than the model's word rows was read")
	}
	if _, err := ParseMemory(b, 4); err == nil {
		t.Error("a memory looking clauses up by more rows than the model's word rows was read")
	}
	// A damaged row start: the rows it bounds have no entries.
	bad := slices.Clone(b)
	bad[20+8+4] = 9 // row 0 ends at 9, past the 4 entries
	if v, err := ParseMemory(bad, 6); err != nil {
		t.Errorf("a damaged row start refused the memory: %v", err)
	} else if c, _ := v.RowEntries(0); len(c) != 0 {
		t.Errorf("a damaged row gave %d bytes of entries", len(c))
	}
}
