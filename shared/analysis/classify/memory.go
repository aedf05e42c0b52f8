package classify

import (
	"cmp"
	"math"
	"slices"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Memory finds a clause's nearest training clauses in a model's memory
// of them (modelfile.MemoryView). A clause's similarity to a training
// clause is the sum, over the word rows both hold, of the clause's value
// times the training clause's weight, in fixed point (whole numbers, so
// that the sum does not depend on its order).
//
// Most of that sum's terms come from the few words most clauses hold.
// Their rows are read clause by clause instead of row by row: the rare
// rows are summed for every clause, and the common rows only for the
// clauses whose bound on their share (the norms of the two vectors'
// common parts, or each common row's largest weight) can still lift
// them among the nearest. The neighbours found are exactly those of
// the whole sum.
type Memory struct {
	view *modelfile.MemoryView
	// commonID gives each indexed row its index among the common rows;
	// -1 for a rare row.
	commonID []int32
	maxCode  []uint8 // per common row, its largest weight code
	// The rare rows' entries, a clause index and its weight code in each
	// (index<<8 | code): row r's are [rareStart[r], rareStart[r+1]).
	rareStart []uint32
	rare      []uint32
	// A clause's entries in the common rows: [start[c], start[c+1]).
	start []uint32
	row   []int32 // common row index
	code  []uint8
	norm  []float64 // per clause, the norm of its common entries' codes
}

// A row held by more than one in commonShare of the memory's clauses is
// read clause by clause. It sets the speed only, not the neighbours
// found.
const commonShare = 3

// NewMemory indexes a memory for MemoryInputs. Entries of a damaged
// memory naming no clause of it are passed over.
func NewMemory(v *modelfile.MemoryView) *Memory {
	m := &Memory{view: v, commonID: make([]int32, v.R), start: make([]uint32, v.N+1), norm: make([]float64, v.N)}
	above := max(8, v.N/commonShare)
	for r := range v.R {
		m.commonID[r] = -1
		if lo, hi := v.Row(r); hi-lo > above {
			m.commonID[r] = int32(len(m.maxCode))
			m.maxCode = append(m.maxCode, 0)
		}
	}
	m.rareStart = make([]uint32, v.R+1)
	for r, id := range m.commonID {
		if id < 0 {
			clauses, codes := v.RowEntries(r)
			for i, code := range codes {
				if c := int(clauses[2*i]) | int(clauses[2*i+1])<<8; c < v.N {
					m.rare = append(m.rare, uint32(c)<<8|uint32(code))
				}
			}
		}
		m.rareStart[r+1] = uint32(len(m.rare))
	}
	each := func(f func(id int32, c int, code uint8)) {
		for r, id := range m.commonID {
			if id < 0 {
				continue
			}
			clauses, codes := v.RowEntries(r)
			for i, code := range codes {
				if c := int(clauses[2*i]) | int(clauses[2*i+1])<<8; c < v.N {
					f(id, c, code)
				}
			}
		}
	}
	each(func(id int32, c int, code uint8) {
		m.start[c+1]++
		m.maxCode[id] = max(m.maxCode[id], code)
		m.norm[c] += float64(code) * float64(code)
	})
	for c := range v.N {
		m.start[c+1] += m.start[c]
		m.norm[c] = math.Sqrt(m.norm[c])
	}
	m.row = make([]int32, m.start[v.N])
	m.code = make([]uint8, m.start[v.N])
	next := append([]uint32(nil), m.start[:v.N]...)
	each(func(id int32, c int, code uint8) {
		m.row[next[c]], m.code[next[c]] = id, code
		next[c]++
	})
	return m
}

// MemoryScratch holds what finding a clause's nearest training clauses
// needs between calls; the zero value is ready.
type MemoryScratch struct {
	acc      []uint32 // per clause, its rare rows' sum (0 between calls)
	common   []uint32 // per common row, the clause's value (0 between calls)
	set      []int32  // the common rows set
	rareRows []rareRow
	pick     []picked
	rows     []int32
	vals     []float32
	best     []neighbour
}

type neighbour struct {
	sim    uint64
	clause int32
}

// memoryUnit is the fixed-point unit of a clause's values, and the
// weight codes' is 255: a similarity of memoryUnit*255 is 1.
const memoryUnit = 1 << 16

// MemoryInputs sets the memory inputs (modelfile.MemoryInput) of x, the
// calibration inputs of a clause whose feature vector is rows, vals (as
// FeatureVector gives it), from the K training clauses nearest it: by
// all its word rows, or by its Q heaviest when the memory has a Q. A
// value above 4 (a word group weighs 1) counts as 4, so that no sum
// overflows. Clauses skip reports (nil: none) are no neighbours: while
// training, a clause's own and those of its fold. Ties go to the clause
// stored first, so training and scoring find the same neighbours.
func MemoryInputs(mem *Memory, rows []int32, vals []float32, skip func(clause int) bool, s *MemoryScratch, x *[modelfile.CalibInputs]float64) {
	v := mem.view
	n := v.N
	if len(s.acc) != n {
		s.acc = make([]uint32, n)
	}
	if len(s.common) != len(mem.maxCode) {
		s.common = make([]uint32, len(mem.maxCode))
	}
	if v.Q > 0 {
		rows, vals = mem.heaviest(rows, vals, s)
	}
	s.set, s.rareRows = s.set[:0], s.rareRows[:0]
	f := search{mem: mem, s: s, acc: s.acc[:n], skip: skip, k: v.K}
	heaviest := -1 // the rare row of the largest value
	entries := 0   // the rare rows' entries read
	for k, r := range rows {
		val := vals[k]
		if r < 0 || int(r) >= len(mem.commonID) || !(val > 0) {
			continue
		}
		q := uint32(math.Round(float64(min(val, 4)) * memoryUnit))
		if id := mem.commonID[r]; id >= 0 {
			if s.common[id] == 0 {
				s.set = append(s.set, id)
			}
			s.common[id] += q
			continue
		}
		if mem.rareStart[r+1] == mem.rareStart[r] {
			continue
		}
		if heaviest < 0 || q > s.rareRows[heaviest].q {
			heaviest = len(s.rareRows)
		}
		s.rareRows = append(s.rareRows, rareRow{r, q})
		entries += int(mem.rareStart[r+1] - mem.rareStart[r])
		for _, e := range mem.rare[mem.rareStart[r]:mem.rareStart[r+1]] {
			f.acc[e>>8] += q * (e & 0xff)
		}
	}
	f.find(heaviest, entries < n)
	for _, id := range s.set {
		s.common[id] = 0
	}
	memoryLabels(v, s.best, x)
}

type rareRow struct {
	row int32
	q   uint32
}

// search finds the K nearest clauses once the rare rows are summed.
type search struct {
	mem  *Memory
	s    *MemoryScratch
	acc  []uint32 // per clause, its rare rows' sum
	skip func(int) bool
	k    int

	kth           uint32  // while seeding: the K-th most of the rare sums
	fBound, qNorm float64 // the most the common rows add; their norm in the clause
	limit         uint64  // the whole sum the K nearest reach at least
	fLimit        float64 // limit, less the room for rounding
}

// find finds the K nearest in s.best and leaves acc 0; heaviest is the
// index in s.rareRows of the rare row of the largest value (-1: none);
// few says the rare rows hold fewer entries than there are clauses.
func (f *search) find(heaviest int, few bool) {
	s, mem := f.s, f.mem
	// The most the common rows can add to any clause's sum.
	var bound uint64
	var sq float64
	for _, id := range s.set {
		q := s.common[id]
		bound += uint64(q) * uint64(mem.maxCode[id])
		sq += float64(q) * float64(q)
	}
	f.fBound, f.qNorm = float64(bound), math.Sqrt(sq)
	// First a floor the nearest K reach: the whole sums of K clauses,
	// those of the heaviest rare row its rare sums rank first (any K
	// would do; these are likely near), else the K of the most.
	s.best = s.best[:0]
	if heaviest >= 0 {
		r := s.rareRows[heaviest].row
		for _, e := range mem.rare[mem.rareStart[r]:mem.rareStart[r+1]] {
			f.seed(int(e >> 8))
		}
	}
	if len(s.best) < f.k {
		for c, a := range f.acc {
			if a > f.kth || len(s.best) < f.k {
				f.seed(c)
			}
		}
	}
	if len(s.best) == f.k {
		f.limit = math.MaxUint64
		for _, nb := range s.best {
			f.limit = min(f.limit, f.exact(int(nb.clause)))
		}
	}
	// Then every clause whose bound reaches the floor, or the K-th of
	// those found so far.
	s.best = s.best[:0]
	f.fLimit = float64(f.limit) - 1
	if few && f.fBound < f.fLimit {
		// No clause the rare rows miss can reach the floor, and they
		// touch few: those are read from their entries, each once (its
		// sum is cleared once read).
		for _, rr := range s.rareRows {
			for _, e := range mem.rare[mem.rareStart[rr.row]:mem.rareStart[rr.row+1]] {
				c := int(e >> 8)
				if a := f.acc[c]; a != 0 {
					if float64(a)+min(f.fBound, f.qNorm*mem.norm[c]) >= f.fLimit {
						f.visit(c)
					}
					f.acc[c] = 0
				}
			}
		}
		return
	}
	for c, a := range f.acc {
		if float64(a)+min(f.fBound, f.qNorm*mem.norm[c]) >= f.fLimit {
			f.visit(c)
		}
	}
	clear(f.acc)
}

// seed offers clause c to the K most by the rare rows alone.
func (f *search) seed(c int) {
	s := f.s
	a := f.acc[c]
	if a <= f.kth && len(s.best) == f.k || f.skip != nil && f.skip(c) {
		return
	}
	for _, nb := range s.best {
		if int(nb.clause) == c {
			return // a damaged memory's row may name a clause twice
		}
	}
	s.best = insertNeighbour(s.best, neighbour{uint64(a), int32(c)}, f.k)
	if len(s.best) == f.k {
		f.kth = uint32(s.best[f.k-1].sim)
	}
}

// visit offers clause c to the K nearest, if its bound reaches the limit.
func (f *search) visit(c int) {
	// The bound, with room for rounding (fLimit).
	if float64(f.acc[c])+min(f.fBound, f.qNorm*f.mem.norm[c]) < f.fLimit || f.skip != nil && f.skip(c) {
		return
	}
	s := f.s
	if sim := f.exact(c); sim > 0 {
		s.best = insertNeighbour(s.best, neighbour{sim, int32(c)}, f.k)
		if len(s.best) == f.k && s.best[f.k-1].sim > f.limit {
			f.limit = s.best[f.k-1].sim
			f.fLimit = float64(f.limit) - 1
		}
	}
}

// exact returns clause c's whole sum.
func (f *search) exact(c int) uint64 {
	mem := f.mem
	sum := uint64(f.acc[c])
	for e := mem.start[c]; e < mem.start[c+1]; e++ {
		sum += uint64(f.s.common[mem.row[e]]) * uint64(mem.code[e])
	}
	return sum
}

type picked struct {
	val float32
	row int32
}

// heaviest returns the Q heaviest of a clause's word rows that the
// memory holds entries of (equal values by row).
func (m *Memory) heaviest(rows []int32, vals []float32, s *MemoryScratch) ([]int32, []float32) {
	s.pick = s.pick[:0]
	for k, r := range rows {
		if r < 0 || int(r) >= len(m.commonID) || !(vals[k] > 0) {
			continue
		}
		if m.commonID[r] >= 0 || m.rareStart[r+1] > m.rareStart[r] {
			s.pick = append(s.pick, picked{vals[k], r})
		}
	}
	if q := m.view.Q; len(s.pick) > q {
		slices.SortFunc(s.pick, func(a, b picked) int {
			if c := cmp.Compare(b.val, a.val); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row)
		})
		s.pick = s.pick[:q]
	}
	s.rows, s.vals = s.rows[:0], s.vals[:0]
	for _, p := range s.pick {
		s.rows = append(s.rows, p.row)
		s.vals = append(s.vals, p.val)
	}
	return s.rows, s.vals
}

// insertNeighbour inserts nb into best, kept in order (most similar
// first, equal similarities by clause) and at most k long.
func insertNeighbour(best []neighbour, nb neighbour, k int) []neighbour {
	i := len(best)
	for i > 0 && (best[i-1].sim < nb.sim || best[i-1].sim == nb.sim && best[i-1].clause > nb.clause) {
		i--
	}
	if i >= k {
		return best
	}
	if len(best) < k {
		best = append(best, neighbour{})
	}
	copy(best[i+1:], best[i:len(best)-1])
	best[i] = nb
	return best
}

// memoryLabels sets the memory inputs of x from the neighbours found.
func memoryLabels(v *modelfile.MemoryView, best []neighbour, x *[modelfile.CalibInputs]float64) {
	for l := range labels.Count {
		x[modelfile.MemoryInput(modelfile.MemoryVote, l)] = 0
		x[modelfile.MemoryInput(modelfile.MemoryVoteSim, l)] = 0
		x[modelfile.MemoryInput(modelfile.MemoryNearest, l)] = 0
	}
	if len(best) == 0 {
		return
	}
	sim := func(nb neighbour) float64 { return float64(nb.sim) / (memoryUnit * 255) }
	var total float64
	var vote [labels.Count]float64
	for _, nb := range best {
		w := sim(nb)
		total += w
		set := v.Labels(int(nb.clause))
		for l := range labels.Count {
			if set&(1<<l) != 0 {
				vote[l] += w
			}
		}
	}
	s1 := sim(best[0])
	first := v.Labels(int(best[0].clause))
	for l := range labels.Count {
		share := vote[l]/total - 0.5
		x[modelfile.MemoryInput(modelfile.MemoryVote, l)] = share
		x[modelfile.MemoryInput(modelfile.MemoryVoteSim, l)] = share * s1
		near := -0.5
		if first&(1<<l) != 0 {
			near = 0.5
		}
		x[modelfile.MemoryInput(modelfile.MemoryNearest, l)] = near * s1
	}
}
