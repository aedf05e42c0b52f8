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
//
// The first table also counts the section's items over all policies and
// the clauses they cite (an item's clauses summed).
//
// A second table counts, per section that mentions feed, the clauses
// carrying the section's label and how many of them carry a mention of
// the section's kinds (a User Access clause and a user-right mention): how
// far the mentions reach clause by clause, where a query by value finds
// them.
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
	// kinds are the mention kinds that feed the section.
	kinds []string
}

var sections = []section{
	{"dataCollected", "First Party Collection/Use", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.DataCollected }, []string{policy.MentionDataType}},
	{"purposes", "First Party Collection/Use", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Purposes }, nil},
	{"thirdParties", "Third Party Sharing/Collection", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.ThirdParties }, []string{policy.MentionThirdParty, policy.MentionRecipient}},
	{"sale", "Third Party Sharing/Collection", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Sale }, []string{policy.MentionSale}},
	{"retention", "Data Retention", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Retention }, []string{policy.MentionRetention}},
	{"choices", "User Choice/Control", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Choices }, []string{policy.MentionOptOut}},
	{"access", "User Access, Edit and Deletion", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Access }, []string{policy.MentionRight}},
	{"audiences", "International and Specific Audiences", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Audiences }, nil},
	{"security", "Data Security", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Security }, []string{policy.MentionSecurity}},
	{"doNotTrack", "Do Not Track", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.DoNotTrack }, []string{policy.MentionSignal}},
	{"changes", "Policy Change", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Changes }, []string{policy.MentionChangeNotice}},
	// What a policy says is not done: counted against the sharing label,
	// where most denials are ("we do not sell or share ...").
	{"denials", "Third Party Sharing/Collection", func(p *policy.PrivacySummary) []policy.SummaryItem { return p.Denials }, nil},
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
	clauses := make([]int, len(sections))
	itemCount := make([]int, len(sections))
	itemClauseCount := make([]int, len(sections))
	mentioned := make([]int, len(sections))
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
			if s.kinds != nil {
				n, m := clausesWith(res.Clauses, s.label, s.kinds)
				clauses[i] += n
				mentioned[i] += m
			}
			items := s.items(&res.Privacy)
			for _, it := range items {
				values[i][it.Value] = true
				itemCount[i]++
				itemClauseCount[i] += len(it.Clauses)
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
	fmt.Printf("%-13s %-38s %9s %6s %7s %6s %8s\n", "section", "label", "labelled", "empty", "values", "items", "clauses")
	for i, s := range sections {
		fmt.Printf("%-13s %-38s %9d %6d %7d %6d %8d\n", s.name, s.label, labelled[i], empty[i], len(values[i]), itemCount[i], itemClauseCount[i])
	}
	fmt.Printf("\n%-13s %-38s %-37s %8s %10s\n", "section", "label", "mention kinds", "clauses", "mentioned")
	for i, s := range sections {
		if s.kinds != nil {
			fmt.Printf("%-13s %-38s %-37s %8d %10d\n", s.name, s.label, strings.Join(s.kinds, ", "), clauses[i], mentioned[i])
		}
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

// carries reports whether one of clauses carries label.
func carries(clauses []policy.Clause, label string) bool {
	return slices.ContainsFunc(clauses, func(c policy.Clause) bool { return hasLabel(c, label) })
}

// hasLabel reports whether clause c carries label.
func hasLabel(c policy.Clause, label string) bool {
	return slices.ContainsFunc(c.Labels, func(l policy.LabelScore) bool { return l.Label == label })
}

// clausesWith counts the clauses that carry label, and of those the ones
// with a mention of one of kinds.
func clausesWith(clauses []policy.Clause, label string, kinds []string) (n, with int) {
	for _, c := range clauses {
		if !hasLabel(c, label) {
			continue
		}
		n++
		if slices.ContainsFunc(c.Mentions, func(m policy.Mention) bool { return slices.Contains(kinds, m.Kind) }) {
			with++
		}
	}
	return n, with
}
