// Command labelagreement measures how well the second labelling pass
// (shared/analysis/corpus/modern-more.jsonl) agrees with the first: the
// labellers of the second pass also labelled, blind, 120 clauses of the
// modern training file, mixed in among their own clauses; their labels of
// those are keyed in shared/analysis/corpus/modern-more-check.jsonl.
// From the repository root, with the corpus beside it:
//
//	go run ./scripts/labelagreement ../shared/corpus
//
// It prints figures only, no text: the per-label table of the second pass
// against the first (as policylens eval prints a model's), the clauses
// found, those labelled exactly alike, and micro-F1.
package main

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/policylens/policylens/shared/analysis/classify/train"
	"github.com/policylens/policylens/shared/analysis/corpus"
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
	var golds, seconds []corpus.LabelSet
	exact := 0
	for _, k := range second {
		g, ok := gold[k.Source+"\x00"+k.Key]
		if !ok {
			continue
		}
		golds, seconds = append(golds, g), append(seconds, k.Labels)
		if g == k.Labels {
			exact++
		}
	}
	if len(golds) == 0 {
		log.Fatal("no clause of the check is in the modern training file")
	}
	// The first pass as the gold labels, the second as the predictions.
	m := train.Compare(golds, seconds)
	if err := m.WriteTable(os.Stdout); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("\n%d of %d check clauses found; labelled alike: %d; micro-F1 of the second pass against the first %.3f\n",
		len(golds), len(second), exact, m.MicroF1())
}
