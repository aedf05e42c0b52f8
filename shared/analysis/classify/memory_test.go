package classify

import (
	"math"
	"math/rand/v2"
	"sort"
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
	MemoryInputs(NewMemory(v), []int32{0, 1, 5}, []float32{0.5, 0.5, 0.7}, nil, &s, &x)
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
	MemoryInputs(NewMemory(v), []int32{0, 1, 2}, []float32{0.5, 0.5, 0.1}, func(c int) bool { return c == 0 }, &s, &x)
	if near(0) >= 0 || near(1) <= 0 {
		t.Errorf("without clause 0: nearest inputs %.3f, %.3f, want clause 1's labels", near(0), near(1))
	}
	if vote(4) <= -0.5 || vote(4) >= 0 {
		t.Errorf("without clause 0: vote of label 4 %.3f, want clause 2's small share", vote(4))
	}
	// No shared word: every input 0, whatever the last call left.
	MemoryInputs(NewMemory(v), []int32{3}, []float32{1}, nil, &s, &x)
	for j := modelfile.CalibMemory; j < modelfile.CalibInputs; j++ {
		if x[j] != 0 {
			t.Fatalf("input %d is %v with no neighbour", j, x[j])
		}
	}
}

// The neighbours MemoryInputs finds, reading the common rows only for
// the clauses that can still be among the nearest, are those of the
// whole sum over every row, left-out clauses and ties included.
func TestMemoryFindsTheNearestOfTheWholeSum(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	for trial := range 40 {
		n, rows := 50+rng.IntN(400), 40
		// Some memories look a clause up by its 5 or 10 heaviest rows.
		mem := &modelfile.ClauseMemory{K: 1 + rng.IntN(12), Q: rng.IntN(3) * 5, Labels: make([]uint16, n), Start: []uint32{0}}
		for c := range mem.Labels {
			mem.Labels[c] = uint16(rng.IntN(1 << 12))
		}
		for r := range rows {
			// Row r is held by a share of the clauses falling with r:
			// the first rows by most, so that some are read clause by
			// clause. Weights repeat, so that sums tie.
			share := 1 / float64(1+r)
			for c := range n {
				if rng.Float64() < share {
					mem.Clause = append(mem.Clause, uint16(c))
					mem.Weights = append(mem.Weights, uint8(1+rng.IntN(4)*60))
				}
			}
			mem.Start = append(mem.Start, uint32(len(mem.Clause)))
		}
		v, err := modelfile.ParseMemory(mem.Encode(), rows)
		if err != nil {
			t.Fatal(err)
		}
		index := NewMemory(v)
		if trial == 0 && len(index.maxCode) == 0 {
			t.Fatal("no row is read clause by clause: the test reads none of that path")
		}
		var s MemoryScratch
		for range 20 {
			var qRows []int32
			var qVals []float32
			// Half the clauses hold none of the common rows, so that
			// only the clauses the rare rows touch are read.
			first := rng.IntN(2) * rows / 4
			for r := first; r < rows+2; r++ { // rows past the memory's are passed over
				if rng.IntN(3) == 0 {
					qRows = append(qRows, int32(r))
					// Values that repeat (ties), or any, so that the
					// heaviest row is sometimes a rare one of few clauses.
					val := float32(rng.IntN(5)) / 8
					if rng.IntN(2) == 0 {
						val = rng.Float32()
					}
					qVals = append(qVals, val)
				}
			}
			fold := rng.IntN(5)
			skip := func(c int) bool { return c%5 == fold }
			// The whole sum, in the same fixed point, over the Q
			// heaviest rows the memory holds (equal values by row).
			type row struct {
				r int32
				v float32
			}
			var use []row
			for k, r := range qRows {
				if lo, hi := v.Row(int(r)); hi > lo && qVals[k] > 0 {
					use = append(use, row{r, qVals[k]})
				}
			}
			sort.SliceStable(use, func(a, b int) bool { return use[a].v > use[b].v })
			if mem.Q > 0 && len(use) > mem.Q {
				use = use[:mem.Q]
			}
			sum := make([]uint64, n)
			for _, u := range use {
				q := uint64(math.Round(float64(u.v) * memoryUnit))
				lo, hi := v.Row(int(u.r))
				for e := lo; e < hi; e++ {
					sum[mem.Clause[e]] += q * uint64(mem.Weights[e])
				}
			}
			var best []neighbour
			for c := range n {
				if sum[c] > 0 && !skip(c) {
					best = insertNeighbour(best, neighbour{sum[c], int32(c)}, mem.K)
				}
			}
			var want, got [modelfile.CalibInputs]float64
			memoryLabels(v, best, &want)
			MemoryInputs(index, qRows, qVals, skip, &s, &got)
			if got != want {
				t.Fatalf("trial %d: the memory inputs differ from those of the nearest by the whole sum (%d clauses, K %d)", trial, n, mem.K)
			}
		}
	}
}
