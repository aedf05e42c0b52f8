package train

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

// cues are words that mark each label in the synthetic corpora.
var cues = [labels.Count][]string{
	{"collect", "gather", "record", "usage"},
	{"share", "partners", "advertisers", "sell"},
	{"optout", "choose", "preferences", "consent"},
	{"access", "correct", "erase", "export"},
	{"retain", "keep", "period", "archive"},
	{"encrypt", "secure", "firewall", "safeguard"},
	{"update", "revise", "notify", "amend"},
	{"donottrack", "signal", "browser", "header"},
	{"children", "california", "europe", "minors"},
	{"welcome", "overview", "scope", "applies"},
	{"misc", "other", "unrelated", "beyond"},
	{"contact", "email", "address", "officer"},
}

var filler = []string{"the", "we", "our", "your", "information", "may", "and", "service", "this", "policy"}

// syntheticCorpus builds a labelled corpus from word lists that mark each
// label, with shared filler words, so Train has something to learn. With
// modern set, examples come with a heading path that names a label's cue
// and a source, as the modern corpus does.
func syntheticCorpus(n int, seed uint64, modern bool) []corpus.Example {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]corpus.Example, 0, n)
	for k := range n {
		var set corpus.LabelSet
		var words []string
		first := -1
		for range 1 + rng.IntN(2) {
			l := rng.IntN(labels.Count)
			if first < 0 {
				first = l
			}
			set = set.With(l)
			for range 3 {
				words = append(words, cues[l][rng.IntN(len(cues[l]))])
			}
		}
		for range 8 {
			words = append(words, filler[rng.IntN(len(filler))])
		}
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		ex := corpus.Example{Text: fmt.Sprintf("%s (%d).", strings.Join(words, " "), k), Labels: set}
		if modern {
			ex.Modern = true
			ex.Source = fmt.Sprintf("company%d", rng.IntN(20))
			ex.Heading = []string{"Privacy", "About " + cues[first][rng.IntN(4)]}
		}
		out = append(out, ex)
	}
	return out
}

// syntheticVectors gives every cue and filler word a vector: the cue words
// of one label point the same way.
func syntheticVectors() *Vectors {
	all := map[string][]float32{}
	counts := map[string]int{}
	for l, ws := range cues {
		for i, w := range ws {
			v := make([]float32, 16)
			v[l] = 1
			v[12+i] = 0.3
			all[w], counts[w] = v, 50
		}
	}
	for i, w := range filler {
		v := make([]float32, 16)
		v[i%16] = 0.2
		all[w], counts[w] = v, 500
	}
	return NewVectors(all, counts, 1, 1e-3)
}

func trainBytes(t *testing.T, ex []corpus.Example, opt Options) ([]byte, *Report) {
	t.Helper()
	b, rep, err := Train(context.Background(), ex, opt)
	if err != nil {
		t.Fatal(err)
	}
	return b, rep
}

func TestTrainDeterministic(t *testing.T) {
	ex := syntheticCorpus(300, 1, false)
	opt := Options{Seed: 42, C: []float64{0.3, 1}, Folds: 3, Workers: 2}
	a, _ := trainBytes(t, ex, opt)
	b, _ := trainBytes(t, ex, opt)
	if !bytes.Equal(a, b) {
		t.Error("two trainings with the same seed wrote different weights")
	}
	opt.Workers = 1
	if c, _ := trainBytes(t, ex, opt); !bytes.Equal(a, c) {
		t.Error("training on one goroutine wrote different weights than on two")
	}
	// The model learned the cues: it does well on fresh synthetic examples.
	m, err := classify.LoadBytes(a)
	if err != nil {
		t.Fatal(err)
	}
	if mt := Evaluate(m, syntheticCorpus(200, 2, false)); mt.MicroF1() < 0.9 {
		t.Errorf("micro-F1 %.3f on held-out synthetic examples, want >= 0.9", mt.MicroF1())
	}
}

// The shipped settings (headings, copies, sentences and gates, network,
// fallbacks, language check) on a corpus of both kinds: deterministic, and
// the model learns.
func TestTrainShippedSettings(t *testing.T) {
	ex := append(syntheticCorpus(240, 3, false), syntheticCorpus(240, 4, true)...)
	opt := Shipped()
	opt.Folds, opt.Seed, opt.Vectors = 3, 1, syntheticVectors()
	opt.Network = &NetworkOptions{Hidden: 8, Epochs: 5}
	a, rep := trainBytes(t, ex, opt)
	opt.Workers = 1
	if b, _ := trainBytes(t, ex, opt); !bytes.Equal(a, b) {
		t.Error("training on one goroutine wrote different weights than on two")
	}
	m, err := classify.LoadBytes(a)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Words == 0 || rep.CVByCorpus["modern"] == ([2]float64{}) {
		t.Errorf("report lacks the network or the modern figures: %+v", rep)
	}
	test := append(syntheticCorpus(100, 5, false), syntheticCorpus(100, 6, true)...)
	if mt := Evaluate(m, test); mt.MicroF1() < 0.9 {
		t.Errorf("micro-F1 %.3f on held-out synthetic examples, want >= 0.9", mt.MicroF1())
	}
}

func TestTrainRejects(t *testing.T) {
	ctx := context.Background()
	if _, _, err := Train(ctx, syntheticCorpus(5, 1, false), Options{}); err == nil {
		t.Error("Train accepted 5 examples for 10 folds")
	}
	if _, _, err := Train(ctx, syntheticCorpus(50, 1, false), Options{Model: "forest"}); err == nil {
		t.Error("Train accepted an unknown model")
	}
	if _, _, err := Train(ctx, syntheticCorpus(50, 1, false), Options{Network: &NetworkOptions{}}); err == nil {
		t.Error("Train accepted a network without word vectors")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Train(cancelled, syntheticCorpus(50, 1, false), Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a cancelled context: %v", err)
	}
}

// With Place, the calibration learns where in a document a label sits: in
// a synthetic corpus whose Introductory/Generic examples open their
// documents and whose Practice not covered examples close them, with the
// same words, an ambiguous clause leans to the first at the start and to
// the second at the end; without a place it is scored between the two.
func TestTrainReadsPlaces(t *testing.T) {
	intro, _ := labels.Index("Introductory/Generic")
	other, _ := labels.Index("Practice not covered")
	shared := []string{"welcome", "overview", "misc", "beyond"}
	rng := rand.New(rand.NewPCG(9, 9))
	ex := syntheticCorpus(300, 8, false)
	for k := range ex {
		ex[k].Index, ex[k].Count = 5+rng.IntN(10), 20
	}
	for k := range 200 {
		words := []string{shared[rng.IntN(4)], shared[rng.IntN(4)]}
		for range 6 {
			words = append(words, filler[rng.IntN(len(filler))])
		}
		e := corpus.Example{Text: fmt.Sprintf("%s (p%d).", strings.Join(words, " "), k), Count: 20}
		if k%2 == 0 {
			e.Labels, e.Index = e.Labels.With(intro), rng.IntN(3)
		} else {
			e.Labels, e.Index = e.Labels.With(other), 17+rng.IntN(3)
		}
		ex = append(ex, e)
	}
	opt := Options{Seed: 1, C: []float64{0.3}, Folds: 3, Workers: 2, Stack: DefaultStack, Place: true}
	b, _ := trainBytes(t, ex, opt)
	m, err := classify.LoadBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if !m.ReadsPlace() {
		t.Fatal("a model trained with places does not read them")
	}
	text := "welcome misc the our policy information (new)."
	start := m.ScoresInput(classify.Input{Text: text, Index: 0, Count: 20})
	end := m.ScoresInput(classify.Input{Text: text, Index: 19, Count: 20})
	none := m.ScoresInput(classify.Input{Text: text})
	if !(start[intro] > start[other] && end[other] > end[intro]) {
		t.Errorf("at the start %.2f / %.2f, at the end %.2f / %.2f (Introductory/Generic / Practice not covered)",
			start[intro], start[other], end[intro], end[other])
	}
	if !(none[intro] < start[intro] && none[intro] > end[intro]) {
		t.Errorf("without a place Introductory/Generic scores %.2f, not between %.2f (start) and %.2f (end)", none[intro], start[intro], end[intro])
	}
	opt.Place = false
	b, _ = trainBytes(t, ex, opt)
	if m, _ := classify.LoadBytes(b); m.ReadsPlace() {
		t.Error("a model trained without places reads them")
	}
}
