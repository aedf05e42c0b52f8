package train

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// pairCorpus builds clauses whose label depends on which two words they
// hold together, not on either word: alpha with beta or gamma with delta
// is Introductory/Generic, alpha with delta or gamma with beta is Practice
// not covered. No single word tells the labels apart, so a linear model
// over words cannot; the clauses of the training set that hold the same
// two words can.
func pairCorpus(n int, seed uint64) []corpus.Example {
	intro, _ := labels.Index("Introductory/Generic")
	other, _ := labels.Index("Practice not covered")
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]corpus.Example, 0, n)
	for k := range n {
		a, b := rng.IntN(2), rng.IntN(2)
		words := []string{[]string{"alpha", "gamma"}[a], []string{"beta", "delta"}[b]}
		for range 10 {
			words = append(words, filler[rng.IntN(len(filler))])
		}
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		ex := corpus.Example{Text: fmt.Sprintf("%s (q%d).", strings.Join(words, " "), k)}
		if a == b {
			ex.Labels = ex.Labels.With(intro)
		} else {
			ex.Labels = ex.Labels.With(other)
		}
		out = append(out, ex)
	}
	return out
}

// The memory labels the clauses a linear model cannot; without it, the
// same settings do no better than chance.
func TestMemoryLearnsWhatWordsAloneCannot(t *testing.T) {
	train, test := pairCorpus(400, 1), pairCorpus(200, 2)
	accuracy := func(memory int, share float64) (float64, *classify.Model) {
		opt := Options{Seed: 1, C: []float64{0.3}, Folds: 3, Workers: 2, Stack: DefaultStack, Features: classify.Features{WordMin: 1, WordMax: 1}, Memory: memory, MemoryMaxShare: share}
		b, _ := trainBytes(t, train, opt)
		m, err := classify.LoadBytes(b)
		if err != nil {
			t.Fatal(err)
		}
		right := 0
		for _, ex := range test {
			s := m.Scores(ex.Text)
			best := 0
			for l := range s {
				if s[l] > s[best] {
					best = l
				}
			}
			if ex.Labels.Has(best) {
				right++
			}
		}
		return float64(right) / float64(len(test)), m
	}
	without, m0 := accuracy(0, 0)
	with, m := accuracy(5, 0)
	if n, k := m.MemoryClauses(); n != len(train) || k != 5 {
		t.Errorf("memory of %d clauses reading %d, want %d and 5", n, k, len(train))
	}
	if n, _ := m0.MemoryClauses(); n != 0 {
		t.Errorf("a model trained without a memory has one of %d clauses", n)
	}
	if with < 0.9 || with < without+0.2 {
		t.Errorf("best label right for %.2f of the test clauses with the memory, %.2f without", with, without)
	}
	// With words that half the clauses keep left out of the memory, it
	// has nothing to go by.
	if capped, _ := accuracy(5, 0.02); capped > without+0.1 {
		t.Errorf("best label right for %.2f with the common words left out of the memory, %.2f without one", capped, without)
	}
}
