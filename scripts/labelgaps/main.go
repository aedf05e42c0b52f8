// Command labelgaps measures the clauses the classifier leaves unlabelled
// on a folder of Markdown policies (../shared/corpus/modern-policies, from
// the repository root), as analyze labels them. It prints figures only, no
// text:
//
//	go run ./scripts/labelgaps ../shared/corpus/modern-policies
//
// Per detected language: policies and clauses; and for the English
// policies, the clauses with no label, split into those that state
// something (classify.States: they end like a sentence or run to 20 words)
// and those that do not (navigation, bare headings), and those not in
// English.
package main

import (
	"context"
	"fmt"
	"log"
	"sort"
	"strings"

	"github.com/policylens/policylens/scripts/internal/analyzedir"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	dir := analyzedir.Dir("go run ./scripts/labelgaps DIR")
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	type tally struct{ policies, clauses, unlabelled, states, foreign int }
	byLang := map[string]*tally{}
	err = analyzedir.Each(context.Background(), m, dir, func(name string, res *policy.Analysis) {
		if strings.EqualFold(name, "README.md") {
			return
		}
		t := byLang[res.Policy.Language]
		if t == nil {
			t = &tally{}
			byLang[res.Policy.Language] = t
		}
		t.policies++
		for _, c := range res.Clauses {
			t.clauses++
			if len(c.Labels) > 0 {
				continue
			}
			t.unlabelled++
			switch {
			case !m.Reads(c.Text):
				t.foreign++
			case classify.States(c.Text):
				t.states++
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	langs := make([]string, 0, len(byLang))
	for l := range byLang {
		langs = append(langs, l)
	}
	sort.Strings(langs)
	fmt.Printf("model %s, %s\n", m.Version(), dir)
	fmt.Printf("%-8s %8s %8s %11s %8s %15s %11s\n", "language", "policies", "clauses", "unlabelled", "share", "stating a thing", "not English")
	for _, l := range langs {
		t := byLang[l]
		name := l
		if name == "" {
			name = "(none)"
		}
		fmt.Printf("%-8s %8d %8d %11d %7.1f%% %15d %11d\n", name, t.policies, t.clauses, t.unlabelled,
			100*float64(t.unlabelled)/float64(max(t.clauses, 1)), t.states, t.foreign)
	}
}
