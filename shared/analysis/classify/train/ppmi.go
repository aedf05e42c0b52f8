package train

import (
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/policylens/policylens/shared/analysis/classify"
)

// PPMIVectors learns dim-dimensional word vectors from texts: positive
// pointwise mutual information of words within window words of each other
// (context counts smoothed by the power 0.75, co-occurrences weighted by
// 1/distance), factorised by a randomized truncated SVD (Halko, Martinsson
// and Tropp 2011) with two power iterations; a word's vector is its row of
// U times the square root of the singular values. Only words seen at least
// minCount times are kept. It is deterministic for a seed.
func PPMIVectors(texts []string, dim, window, minCount int, seed uint64) (map[string][]float32, map[string]int) {
	counts := map[string]int{}
	docs := make([][]string, len(texts))
	for i, t := range texts {
		docs[i] = classify.Words(t)
		for _, w := range docs[i] {
			counts[w]++
		}
	}
	var vocab []string
	for w, c := range counts {
		if c >= minCount {
			vocab = append(vocab, w)
		}
	}
	sort.Strings(vocab)
	id := make(map[string]int32, len(vocab))
	for i, w := range vocab {
		id[w] = int32(i)
	}
	n := len(vocab)
	// Co-occurrences, keyed by row<<32|col.
	co := map[uint64]float64{}
	for _, doc := range docs {
		ids := make([]int32, len(doc))
		for i, w := range doc {
			if k, ok := id[w]; ok {
				ids[i] = k
			} else {
				ids[i] = -1
			}
		}
		for i, a := range ids {
			if a < 0 {
				continue
			}
			for j := i + 1; j < len(ids) && j <= i+window; j++ {
				b := ids[j]
				if b < 0 {
					continue
				}
				f := 1 / float64(j-i)
				co[uint64(a)<<32|uint64(uint32(b))] += f
				co[uint64(b)<<32|uint64(uint32(a))] += f
			}
		}
	}
	// Sums in key order, so that the result does not depend on the map's.
	keys := make([]uint64, 0, len(co))
	for k := range co {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	rowSum := make([]float64, n)
	colSum := make([]float64, n)
	total := 0.0
	for _, k := range keys {
		v := co[k]
		r, c := int(k>>32), int(uint32(k))
		rowSum[r] += v
		colSum[c] += v
		total += v
	}
	ctx := make([]float64, n)
	ctxTotal := 0.0
	for c := range colSum {
		ctx[c] = math.Pow(colSum[c], 0.75)
		ctxTotal += ctx[c]
	}
	// Sparse PPMI matrix, CSR.
	type entry struct {
		c int32
		v float64
	}
	rows := make([][]entry, n)
	for _, k := range keys {
		v := co[k]
		r, c := int(k>>32), int(uint32(k))
		pmi := math.Log((v / total) / ((rowSum[r] / total) * (ctx[c] / ctxTotal)))
		if pmi > 0 {
			rows[r] = append(rows[r], entry{int32(c), pmi})
		}
	}
	// mul computes out = M x (x: n x k, column-major blocks as [][]float64
	// of k columns), or M^T x when t.
	mul := func(x [][]float64, t bool) [][]float64 {
		k := len(x)
		out := make([][]float64, k)
		for j := range out {
			out[j] = make([]float64, n)
		}
		for r, es := range rows {
			for _, e := range es {
				for j := range k {
					if t {
						out[j][e.c] += e.v * x[j][r]
					} else {
						out[j][r] += e.v * x[j][e.c]
					}
				}
			}
		}
		return out
	}
	orth := func(y [][]float64) {
		for j := range y {
			for i := range j {
				d := 0.0
				for r := range y[j] {
					d += y[j][r] * y[i][r]
				}
				for r := range y[j] {
					y[j][r] -= d * y[i][r]
				}
			}
			nrm := 0.0
			for _, v := range y[j] {
				nrm += v * v
			}
			nrm = math.Sqrt(nrm)
			if nrm > 0 {
				for r := range y[j] {
					y[j][r] /= nrm
				}
			}
		}
	}
	k := dim + 10
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	omega := make([][]float64, k)
	for j := range omega {
		omega[j] = make([]float64, n)
		for r := range omega[j] {
			omega[j][r] = rng.NormFloat64()
		}
	}
	y := mul(omega, false)
	orth(y)
	for range 2 {
		z := mul(y, true)
		orth(z)
		y = mul(z, false)
		orth(y)
	}
	// B = Q^T M is k x n; its rows are (M^T Q)^T.
	bt := mul(y, true) // k columns of length n: bt[j] = row j of B
	// B B^T (k x k), then its eigenvectors.
	g := make([][]float64, k)
	for i := range g {
		g[i] = make([]float64, k)
		for j := range k {
			if j < i {
				g[i][j] = g[j][i]
				continue
			}
			d := 0.0
			for r := range bt[i] {
				d += bt[i][r] * bt[j][r]
			}
			g[i][j] = d
		}
	}
	vals, vecs := jacobiEigen(g)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool { return vals[order[a]] > vals[order[b]] })
	out := make(map[string][]float32, n)
	for r, w := range vocab {
		v := make([]float32, dim)
		for d := range dim {
			e := order[d]
			sv := math.Sqrt(max(vals[e], 0))
			// U = Q Uhat; row r of U, column e, times sqrt(sigma).
			u := 0.0
			for j := range k {
				u += y[j][r] * vecs[j][e]
			}
			v[d] = float32(u * math.Sqrt(sv))
		}
		out[w] = v
	}
	return out, counts
}

// jacobiEigen returns the eigenvalues and eigenvectors (columns: vecs[i][e]
// is component i of eigenvector e) of the symmetric matrix a.
func jacobiEigen(a [][]float64) ([]float64, [][]float64) {
	n := len(a)
	m := make([][]float64, n)
	v := make([][]float64, n)
	for i := range m {
		m[i] = append([]float64(nil), a[i]...)
		v[i] = make([]float64, n)
		v[i][i] = 1
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += m[i][j] * m[i][j]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				if math.Abs(m[p][q]) < 1e-300 {
					continue
				}
				theta := (m[q][q] - m[p][p]) / (2 * m[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					mkp, mkq := m[k][p], m[k][q]
					m[k][p] = c*mkp - s*mkq
					m[k][q] = s*mkp + c*mkq
				}
				for k := range n {
					mpk, mqk := m[p][k], m[q][k]
					m[p][k] = c*mpk - s*mqk
					m[q][k] = s*mpk + c*mqk
				}
				for k := range n {
					vkp, vkq := v[k][p], v[k][q]
					v[k][p] = c*vkp - s*vkq
					v[k][q] = s*vkp + c*vkq
				}
			}
		}
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = m[i][i]
	}
	return vals, v
}
