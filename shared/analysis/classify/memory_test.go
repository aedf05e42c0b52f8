package classify

import (
	"math"
	"testing"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
)

// Three training clauses over four word rows; a clause's nearest are
// found by the words it shares with them, weighed.
func TestMemoryInputs(t *testing.T) {
	mem := &modelfile.ClauseMemory{
		K:      2,
		Labels: []uint16{1 << 0, 1 << 1, 1<<1 | 1<<4},
		// row 0: clauses 0 and 1; row 1: clause 1; row 2: clause 2; row 3: none
		Start:   []uint32{0, 2, 3, 4, 4},
		Clause:  []uint16{0, 1, 1, 2},
		Weights: []uint8{255, 51, 204, 255},
	}
	v, err := modelfile.ParseMemory(mem.Encode(), 4)
	if err != nil {
		t.Fatal(err)
	}
	in := func(kind, l int) int { return modelfile.MemoryInput(kind, l) }
	var s MemoryScratch
	var x [modelfile.CalibInputs]float64
	// Rows 0 and 1: clause 1 at 0.2*0.5+0.8*0.5 = 0.5, clause 0 at 0.5;
	// the tie goes to clause 0, stored first. Row 5 is no word row of
	// the memory.
	MemoryInputs(v, []int32{0, 1, 5}, []float32{0.5, 0.5, 0.7}, nil, &s, &x)
	near := func(l int) float64 { return x[in(modelfile.MemoryNearest, l)] }
	vote := func(l int) float64 { return x[in(modelfile.MemoryVote, l)] }
	if math.Abs(near(0)-0.25) > 1e-6 || math.Abs(near(1)+0.25) > 1e-6 {
		t.Errorf("nearest inputs %.3f, %.3f: want clause 0 first at similarity 0.5", near(0), near(1))
	}
	if math.Abs(vote(0)) > 1e-6 || math.Abs(vote(1)) > 1e-6 || math.Abs(vote(4)+0.5) > 1e-6 {
		t.Errorf("votes %.3f %.3f %.3f, want 0, 0, -0.5", vote(0), vote(1), vote(4))
	}
	if got := x[in(modelfile.MemoryVoteSim, 4)]; math.Abs(got+0.25) > 1e-6 {
		t.Errorf("vote times similarity %.3f, want -0.25", got)
	}
	// Leaving out clause 0 (as a fold would): clause 1 is nearest, and
	// the second is clause 2 through row 2.
	MemoryInputs(v, []int32{0, 1, 2}, []float32{0.5, 0.5, 0.1}, func(c int) bool { return c == 0 }, &s, &x)
	if near(0) >= 0 || near(1) <= 0 {
		t.Errorf("without clause 0: nearest inputs %.3f, %.3f, want clause 1's labels", near(0), near(1))
	}
	if vote(4) <= -0.5 || vote(4) >= 0 {
		t.Errorf("without clause 0: vote of label 4 %.3f, want clause 2's small share", vote(4))
	}
	// No shared word: every input 0, whatever the last call left.
	MemoryInputs(v, []int32{3}, []float32{1}, nil, &s, &x)
	for j := modelfile.CalibMemory; j < modelfile.CalibInputs; j++ {
		if x[j] != 0 {
			t.Fatalf("input %d is %v with no neighbour", j, x[j])
		}
	}
}
