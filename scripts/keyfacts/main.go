// Command keyfacts measures how often analyze finds each key fact of a
// policy in a folder of Markdown policies (../shared/corpus/modern-policies,
// from the repository root): a title, the company, the date, e-mail
// addresses, the laws named. It prints counts and file names only, no
// text:
//
//	go run ./scripts/keyfacts ../shared/corpus/modern-policies
//
// then, with --missing company (or title, updated), the files where that
// fact was not found, to read them by hand.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"

	"github.com/policylens/policylens/scripts/internal/analyzedir"
	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

// fact is one key fact and whether an analysis found it.
type fact struct {
	name  string
	found func(f policy.Facts) bool
}

var facts = []fact{
	{"title", func(f policy.Facts) bool { return f.Title != "" }},
	{"company", func(f policy.Facts) bool { return f.Company != "" }},
	{"updated", func(f policy.Facts) bool { return f.Updated != nil }},
	{"emails", func(f policy.Facts) bool { return len(f.Emails) > 0 }},
	{"regulations", func(f policy.Facts) bool { return len(f.Regulations) > 0 }},
}

func main() {
	missing := flag.String("missing", "", "list the files where this fact (title, company, updated, emails, regulations) was not found")
	dir := analyzedir.Dir("go run ./scripts/keyfacts [--missing FACT] DIR")
	var want *fact
	for i := range facts {
		if facts[i].name == *missing {
			want = &facts[i]
		}
	}
	if *missing != "" && want == nil {
		log.Fatalf("--missing %q: not a fact this script counts", *missing)
	}
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	counts := make([]int, len(facts))
	files := 0
	var without []string
	err = analyzedir.Each(context.Background(), m, dir, func(name string, res *policy.Analysis) {
		files++
		for i, f := range facts {
			if f.found(res.Policy.Facts) {
				counts[i]++
			}
		}
		if want != nil && !want.found(res.Policy.Facts) {
			without = append(without, name)
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("rules %s, %s: %d files\n", analyze.RulesVersion, dir, files)
	for i, f := range facts {
		fmt.Printf("%-12s found in %4d of %d\n", f.name, counts[i], files)
	}
	for _, name := range without {
		fmt.Printf("no %s: %s\n", *missing, name)
	}
}
