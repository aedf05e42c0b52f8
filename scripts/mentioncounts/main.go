// Command mentioncounts counts the mentions analyze gives a folder of
// Markdown policies (../shared/corpus/modern-policies, from the
// repository root), English policies only: per kind, the mentions, the
// clauses with one and the policies with one. It prints counts only, no
// text:
//
//	go run ./scripts/mentioncounts ../shared/corpus/modern-policies
//
// with --values KIND, also how many mentions of each value of KIND there
// are. The last column counts the mentions marked denied (a recipient the
// policy says it does not share with), which the summary and the index
// leave out; the attributes marked denied are counted on a last line. It
// reads the rules of the checkout it runs in, so copied into an older
// checkout it counts that checkout's mentions.
package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"log"
	"maps"
	"slices"
	"strings"

	"github.com/policylens/policylens/scripts/internal/analyzedir"
	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	valuesOf := flag.String("values", "", "count the mentions of each value of this kind (region, opt-out, ...)")
	dir := analyzedir.Dir("go run ./scripts/mentioncounts [--values KIND] DIR")
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	mentions, clauses, policies := map[string]int{}, map[string]int{}, map[string]int{}
	values := map[string]int{}
	denied := map[string]int{}
	var attrs, deniedAttrs int
	files := 0
	err = analyzedir.Each(context.Background(), m, dir, func(name string, res *policy.Analysis) {
		if res.Policy.Language != "en" {
			return
		}
		files++
		inPolicy := map[string]bool{}
		for _, c := range res.Clauses {
			inClause := map[string]bool{}
			for _, mm := range c.Mentions {
				mentions[mm.Kind]++
				if mm.Denied {
					denied[mm.Kind]++
				}
				inClause[mm.Kind] = true
				inPolicy[mm.Kind] = true
				if mm.Kind == *valuesOf {
					values[mm.Value]++
				}
			}
			for _, a := range c.Attributes {
				attrs++
				if a.Denied {
					deniedAttrs++
				}
			}
			for k := range inClause {
				clauses[k]++
			}
		}
		for k := range inPolicy {
			policies[k]++
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("rules %s, %s: %d English policies\n", analyze.RulesVersion, dir, files)
	fmt.Printf("%-20s %9s %8s %9s %7s\n", "kind", "mentions", "clauses", "policies", "denied")
	kinds := slices.Collect(maps.Keys(mentions))
	slices.SortFunc(kinds, func(a, b string) int {
		return cmp.Compare(slices.Index(policy.MentionKinds, a), slices.Index(policy.MentionKinds, b))
	})
	for _, k := range kinds {
		fmt.Printf("%-20s %9d %8d %9d %7d\n", k, mentions[k], clauses[k], policies[k], denied[k])
	}
	fmt.Printf("attributes: %d, of which denied %d\n", attrs, deniedAttrs)
	if *valuesOf != "" {
		vs := slices.Collect(maps.Keys(values))
		slices.SortFunc(vs, func(a, b string) int { return cmp.Or(values[b]-values[a], strings.Compare(a, b)) })
		for _, v := range vs {
			fmt.Printf("%s: %-50s %6d\n", *valuesOf, v, values[v])
		}
	}
}
