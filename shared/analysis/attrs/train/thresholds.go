package train

// tuning chooses the pairs' thresholds on out-of-fold scores.
type tuning struct {
	targets []target
	members [][]int
	scores  [][]float64 // [target][segment]
	gold    []map[Key]bool
}

// count tallies pair p's decisions at threshold x on the segments use
// admits.
func (tn *tuning) count(p int, x float64, use func(int) bool) Counts {
	var c Counts
	for _, ti := range tn.members[p] {
		t := tn.targets[ti]
		if t.aux {
			continue
		}
		for k, s := range tn.scores[ti] {
			if !use(k) {
				continue
			}
			g := tn.gold[k][t.key]
			switch pr := s >= x; {
			case pr && g:
				c.TP++
			case pr:
				c.FP++
			case g:
				c.FN++
			}
		}
	}
	return c
}

// thresholds returns one threshold per pair: each pair's F1-best on a
// grid of 0.05 to 0.95, then, a pair at a time for a few rounds, the one
// with the best sum of micro- and macro-F1 over all pairs.
func (tn *tuning) thresholds(use func(int) bool) []float64 {
	np := len(tn.members)
	th := make([]float64, np)
	cur := make([]Counts, np)
	grid := func(p int, fn func(x float64, c Counts)) {
		for step := 5; step <= 95; step++ {
			x := float64(step) / 100
			fn(x, tn.count(p, x, use))
		}
	}
	for p := range np {
		best := -1.0
		grid(p, func(x float64, c Counts) {
			if f := c.F1(); f > best+1e-12 {
				best, th[p], cur[p] = f, x, c
			}
		})
	}
	objective := func() float64 {
		var tot Counts
		sum, n := 0.0, 0
		for _, c := range cur {
			tot = tot.Add(c)
			if c.TP+c.FP+c.FN > 0 {
				sum += c.F1()
				n++
			}
		}
		return tot.F1() + sum/float64(max(n, 1))
	}
	best := objective()
	for range 3 {
		changed := false
		for p := range np {
			old := cur[p]
			bestX, bestC := th[p], old
			grid(p, func(x float64, c Counts) {
				cur[p] = c
				if o := objective(); o > best+1e-9 {
					best, bestX, bestC = o, x, c
				}
			})
			changed = changed || bestX != th[p]
			th[p], cur[p] = bestX, bestC
		}
		if !changed {
			break
		}
	}
	return th
}

// decide returns segment k's predicted triples at thresholds th.
func (tn *tuning) decide(k int, th []float64) []Triple {
	var out []Triple
	for ti, t := range tn.targets {
		if !t.aux && tn.scores[ti][k] >= th[t.pair] {
			out = append(out, Triple{Category: t.key.Category, Attribute: t.key.Attribute, Value: t.key.Value, Score: tn.scores[ti][k]})
		}
	}
	return out
}
