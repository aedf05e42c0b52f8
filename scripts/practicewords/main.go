// Command practicewords measures what analyze.MinPracticeWords is set
// from: for each English policy of a folder of Markdown policies
// (../shared/corpus/modern-policies, from the repository root), the words
// of its clauses that carry a practice label, as analyze labels them. It
// prints figures and file names only, no text:
//
//	go run ./scripts/practicewords ../shared/corpus/modern-policies
//
// The distribution's low end, file by file, and how many files fall under
// the threshold (they get the note that they may not be privacy policies).
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"slices"

	"github.com/policylens/policylens/scripts/internal/analyzedir"
	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	low := flag.Int("low", 12, "files to list from the low end")
	dir := analyzedir.Dir("go run ./scripts/practicewords [--low N] DIR")
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	type row struct {
		file              string
		words, n, clauses int
	}
	var rows []row
	err = analyzedir.Each(context.Background(), m, dir, func(name string, res *policy.Analysis) {
		if l := res.Policy.Language; l != language.English && l != "" {
			return
		}
		words, n := analyze.PracticeWords(res.Clauses)
		rows = append(rows, row{name, words, n, len(res.Clauses)})
	})
	if err != nil {
		log.Fatal(err)
	}
	slices.SortFunc(rows, func(x, y row) int { return x.words - y.words })
	under := 0
	for _, r := range rows {
		if r.words < analyze.MinPracticeWords {
			under++
		}
	}
	fmt.Printf("model %s, rules %s, %s\n", m.Version(), analyze.RulesVersion, dir)
	fmt.Printf("%d English files, %d under %d words in clauses that state a practice\n", len(rows), under, analyze.MinPracticeWords)
	fmt.Printf("%-40s %6s %8s %8s\n", "file", "words", "clauses", "of")
	for _, r := range rows[:min(*low, len(rows))] {
		fmt.Printf("%-40s %6d %8d %8d\n", r.file, r.words, r.n, r.clauses)
	}
}
