package train

import (
	"cmp"
	"context"
	"slices"
	"sync"

	"github.com/policylens/policylens/shared/analysis/corpus"
)

// assignFolds gives every example a cross-validation fold. Examples with no
// source (OPP-115, which lists one policy's segments together) fall in
// contiguous blocks, so that a fold mostly holds policies the others have
// not seen; examples with a source (the modern corpus names the company)
// keep their source's clauses in one fold, sources dealt, largest first,
// to the fold with the fewest such examples so far.
func assignFolds(examples []corpus.Example, folds int) []int {
	fold := make([]int, len(examples))
	var plain []int
	bySource := map[string][]int{}
	for k, ex := range examples {
		if ex.Source == "" {
			plain = append(plain, k)
		} else {
			bySource[ex.Source] = append(bySource[ex.Source], k)
		}
	}
	for i, k := range plain {
		fold[k] = i * folds / len(plain)
	}
	sources := make([]string, 0, len(bySource))
	for s := range bySource {
		sources = append(sources, s)
	}
	slices.SortFunc(sources, func(a, b string) int {
		if c := cmp.Compare(len(bySource[b]), len(bySource[a])); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	size := make([]int, folds)
	for _, s := range sources {
		f := 0
		for i := range size {
			if size[i] < size[f] {
				f = i
			}
		}
		for _, k := range bySource[s] {
			fold[k] = f
		}
		size[f] += len(bySource[s])
	}
	return fold
}

// outside returns the examples of n that are not in fold f.
func outside(fold []int, f int) []int {
	var idx []int
	for k, g := range fold {
		if g != f {
			idx = append(idx, k)
		}
	}
	return idx
}

// runJobs calls do(0..n-1) on up to workers goroutines, stopping early when
// ctx is done.
func runJobs(ctx context.Context, n, workers int, do func(int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(workers, n) {
		wg.Go(func() {
			for j := range next {
				do(j)
			}
		})
	}
	for j := range n {
		if ctx.Err() != nil {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
}
