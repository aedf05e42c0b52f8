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
	"os"
	"path/filepath"
	"slices"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	low := flag.Int("low", 12, "files to list from the low end")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/practicewords [--low N] DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	log.SetFlags(0)
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	files, err := filepath.Glob(filepath.Join(flag.Arg(0), "*.md"))
	if err != nil {
		log.Fatal(err)
	}
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	a := analyze.New(m, policy.Limits{})
	type row struct {
		file              string
		words, n, clauses int
	}
	var rows []row
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			log.Fatal(err)
		}
		res, err := a.Analyze(context.Background(), filepath.Base(f), data)
		if err != nil {
			log.Printf("%s: %v", filepath.Base(f), err)
			continue
		}
		if l := res.Policy.Language; l != language.English && l != "" {
			continue
		}
		words, n := analyze.PracticeWords(res.Clauses)
		rows = append(rows, row{filepath.Base(f), words, n, len(res.Clauses)})
	}
	slices.SortFunc(rows, func(x, y row) int { return x.words - y.words })
	under := 0
	for _, r := range rows {
		if r.words < analyze.MinPracticeWords {
			under++
		}
	}
	fmt.Printf("model %s, rules %s, %s\n", m.Version(), analyze.RulesVersion, flag.Arg(0))
	fmt.Printf("%d English files, %d under %d words in clauses that state a practice\n", len(rows), under, analyze.MinPracticeWords)
	fmt.Printf("%-40s %6s %8s %8s\n", "file", "words", "clauses", "of")
	for _, r := range rows[:min(*low, len(rows))] {
		fmt.Printf("%-40s %6d %8d %8d\n", r.file, r.words, r.n, r.clauses)
	}
}
