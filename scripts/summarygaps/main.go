// Command summarygaps measures how often a policy's privacy summary leaves
// a section empty although clauses of the policy carry the section's
// label (a Data Retention clause, and no retention period in the
// summary), over a folder of Markdown policies
// (../shared/corpus/modern-policies, from the repository root), English
// policies only. It prints counts and file names only, no text:
//
//	go run ./scripts/summarygaps ../shared/corpus/modern-policies
//
// then, with --missing retention (or another section), the files where
// that section was empty, to read them by hand; with --values access (or
// another section), in how many policies each of its values stands.
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

// section is a part of the privacy summary and the label whose clauses
// state it.
type section struct {
	name, label string
	items       func(p *policy.PrivacySummary) []policy.SummaryItem
}

var sections = []section{
	{"dataCollected", "First Party Collection/Use", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.DataCollected }},
	{"purposes", "First Party Collection/Use", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Purposes }},
	{"thirdParties", "Third Party Sharing/Collection", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.ThirdParties }},
	{"retention", "Data Retention", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Retention }},
	{"choices", "User Choice/Control", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Choices }},
	{"access", "User Access, Edit and Deletion", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Access }},
	{"audiences", "International and Specific Audiences", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Audiences }},
	{"security", "Data Security", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Security }},
	{"doNotTrack", "Do Not Track", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.DoNotTrack }},
	{"changes", "Policy Change", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Changes }},
}

func main() {
	missing := flag.String("missing", "", "list the files where this section (retention, security, ...) was empty though a clause carries its label")
	valuesOf := flag.String("values", "", "count the policies each value of this section (access, security, ...) stands in")
	dir := analyzedir.Dir("go run ./scripts/summarygaps [--missing SECTION] [--values SECTION] DIR")
	var want *section
	for i := range sections {
		if sections[i].name == *missing {
			want = &sections[i]
		}
	}
	if *missing != "" && want == nil {
		log.Fatalf("--missing %q: not a section this script counts", *missing)
	}
	count := -1
	for i := range sections {
		if sections[i].name == *valuesOf {
			count = i
		}
	}
	if *valuesOf != "" && count < 0 {
		log.Fatalf("--values %q: not a section this script counts", *valuesOf)
	}
	policies := map[string]int{}
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	labelled := make([]int, len(sections))
	empty := make([]int, len(sections))
	values := make([]map[string]bool, len(sections))
	for i := range values {
		values[i] = map[string]bool{}
	}
	files := 0
	var without []string
	err = analyzedir.Each(context.Background(), m, dir, func(name string, res *policy.Analysis) {
		if res.Policy.Language != "en" {
			return
		}
		files++
		for i, s := range sections {
			items := s.items(&res.Privacy)
			for _, it := range items {
				values[i][it.Value] = true
				if i == count {
					policies[it.Value]++
				}
			}
			if !carries(res.Clauses, s.label) {
				continue
			}
			labelled[i]++
			if len(items) == 0 {
				empty[i]++
				if want != nil && want.name == s.name {
					without = append(without, name)
				}
			}
		}
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("rules %s, %s: %d English policies\n", analyze.RulesVersion, dir, files)
	fmt.Printf("%-13s %-38s %9s %6s %7s\n", "section", "label", "labelled", "empty", "values")
	for i, s := range sections {
		fmt.Printf("%-13s %-38s %9d %6d %7d\n", s.name, s.label, labelled[i], empty[i], len(values[i]))
	}
	for _, name := range without {
		fmt.Printf("%s empty: %s\n", *missing, name)
	}
	if count >= 0 {
		vs := slices.Collect(maps.Keys(policies))
		slices.SortFunc(vs, func(a, b string) int { return cmp.Or(policies[b]-policies[a], strings.Compare(a, b)) })
		for _, v := range vs {
			fmt.Printf("%s: %-40s in %4d policies\n", *valuesOf, v, policies[v])
		}
	}
}

// carries reports whether a clause carries label.
func carries(clauses []policy.Clause, label string) bool {
	for _, c := range clauses {
		for _, l := range c.Labels {
			if l.Label == label {
				return true
			}
		}
	}
	return false
}
