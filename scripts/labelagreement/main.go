// Command labelagreement measures how well the second labelling pass
// (shared/analysis/corpus/modern-more.jsonl) agrees with the first: the
// labellers of the second pass also labelled, blind, 120 clauses of the
// modern training file, mixed in among their own clauses; their labels of
// those are keyed in shared/analysis/corpus/modern-more-check.jsonl.
// From the repository root, with the corpus beside it:
//
//	go run ./scripts/labelagreement ../shared/corpus
//
// It prints figures only, no text: the clauses found, those labelled
// exactly alike, and micro-F1 and per-label F1 of the second pass against
// the first.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
)

func main() {
	log.SetFlags(0)
	if len(os.Args) != 2 {
		log.Fatal("usage: go run ./scripts/labelagreement CORPUS_DIR")
	}
	first, err := corpus.Load(filepath.Join(os.Args[1], "modern-opp115", "train.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Open(filepath.Join("shared", "analysis", "corpus", "modern-more-check.jsonl"))
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	second, err := corpus.ReadKeyed(f)
	if err != nil {
		log.Fatal(err)
	}
	gold := map[string]corpus.LabelSet{}
	for _, ex := range first {
		gold[ex.Source+"\x00"+corpus.ClauseKey(ex.Text)] = ex.Labels
	}
	var tp, fp, fn [labels.Count]int
	found, exact := 0, 0
	for _, k := range second {
		g, ok := gold[k.Source+"\x00"+k.Key]
		if !ok {
			continue
		}
		found++
		if g == k.Labels {
			exact++
		}
		for l := range labels.Count {
			switch {
			case g.Has(l) && k.Labels.Has(l):
				tp[l]++
			case k.Labels.Has(l):
				fp[l]++
			case g.Has(l):
				fn[l]++
			}
		}
	}
	if found == 0 {
		log.Fatal("no clause of the check is in the modern training file")
	}
	fmt.Printf("%-38s %5s %5s %5s %6s\n", "label", "both", "2nd", "1st", "F1")
	var T, P, N int
	for l := range labels.Count {
		T, P, N = T+tp[l], P+fp[l], N+fn[l]
		f1 := 0.0
		if d := 2*tp[l] + fp[l] + fn[l]; d > 0 {
			f1 = float64(2*tp[l]) / float64(d)
		}
		fmt.Printf("%-38s %5d %5d %5d %6.3f\n", labels.Names()[l], tp[l], fp[l], fn[l], f1)
	}
	fmt.Printf("\n%d of %d check clauses found; labelled alike: %d; micro-F1 of the second pass against the first %.3f\n",
		found, len(second), exact, float64(2*T)/float64(2*T+P+N))
}
