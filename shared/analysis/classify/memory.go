package classify

import (
	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/domain/labels"
)

// MemoryScratch holds what finding a clause's nearest training clauses
// needs between calls; the zero value is ready.
type MemoryScratch struct {
	acc     []float32 // per memory clause, its similarity so far (0 between calls)
	touched []int32
	best    []neighbour
}

type neighbour struct {
	sim    float32
	clause int32
}

// MemoryInputs sets the memory inputs (modelfile.MemoryInput) of x, the
// calibration inputs of a clause whose feature vector is rows, vals (as
// FeatureVector gives it), from the mem.K training clauses nearest it:
// its word rows' values times the clauses' stored weights, summed per
// clause. Clauses skip reports (nil: none) are no neighbours: while
// training, a clause's own and those of its fold. Ties go to the clause
// stored first, so training and scoring find the same neighbours.
func MemoryInputs(mem *modelfile.MemoryView, rows []int32, vals []float32, skip func(clause int) bool, s *MemoryScratch, x *[modelfile.CalibInputs]float64) {
	if len(s.acc) != mem.N {
		s.acc = make([]float32, mem.N)
	}
	s.touched = s.touched[:0]
	acc := s.acc
	for k, r := range rows {
		clauses, codes := mem.RowEntries(int(r))
		v := vals[k]
		for i, code := range codes {
			c := int(clauses[2*i]) | int(clauses[2*i+1])<<8
			if c >= len(acc) || code == 0 || (skip != nil && skip(c)) {
				continue // a damaged entry, or one left out
			}
			if acc[c] == 0 {
				s.touched = append(s.touched, int32(c))
			}
			acc[c] += v * float32(code)
		}
	}
	s.best = s.best[:0]
	for _, c := range s.touched {
		nb := neighbour{s.acc[c] / 255, c}
		s.acc[c] = 0
		if nb.sim <= 0 {
			continue
		}
		// Insert in order, best first; equal similarities by clause.
		i := len(s.best)
		for i > 0 && (s.best[i-1].sim < nb.sim || s.best[i-1].sim == nb.sim && s.best[i-1].clause > nb.clause) {
			i--
		}
		if i >= mem.K {
			continue
		}
		if len(s.best) < mem.K {
			s.best = append(s.best, neighbour{})
		}
		copy(s.best[i+1:], s.best[i:len(s.best)-1])
		s.best[i] = nb
	}
	for l := range labels.Count {
		x[modelfile.MemoryInput(modelfile.MemoryVote, l)] = 0
		x[modelfile.MemoryInput(modelfile.MemoryVoteSim, l)] = 0
		x[modelfile.MemoryInput(modelfile.MemoryNearest, l)] = 0
	}
	if len(s.best) == 0 {
		return
	}
	var total float64
	var vote [labels.Count]float64
	for _, nb := range s.best {
		w := float64(nb.sim)
		total += w
		set := mem.Labels(int(nb.clause))
		for l := range labels.Count {
			if set&(1<<l) != 0 {
				vote[l] += w
			}
		}
	}
	s1 := float64(s.best[0].sim)
	first := mem.Labels(int(s.best[0].clause))
	for l := range labels.Count {
		v := vote[l]/total - 0.5
		x[modelfile.MemoryInput(modelfile.MemoryVote, l)] = v
		x[modelfile.MemoryInput(modelfile.MemoryVoteSim, l)] = v * s1
		near := -0.5
		if first&(1<<l) != 0 {
			near = 0.5
		}
		x[modelfile.MemoryInput(modelfile.MemoryNearest, l)] = near * s1
	}
}
