// Package summary builds a policy's privacy summary (policy.PrivacySummary)
// from its clauses' attributes and mentions: what data is collected, for
// which purposes, who receives it and what goes to them, how long it is
// kept, the choices and rights users have, the audiences addressed, the
// security measures, Do Not Track and the Global Privacy Control, and how
// changes are announced. Every
// item names the clauses that state it. A value marked denied
// (policy.Attribute.Denied, set by package denial) is no item.
package summary

import (
	"slices"
	"strings"

	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/policy"
)

// The OPP-115 categories and attributes the sections read.
const (
	firstParty = "First Party Collection/Use"
	thirdParty = "Third Party Sharing/Collection"
	retention  = "Data Retention"
	security   = "Data Security"
	access     = "User Access, Edit and Deletion"
	audiences  = "International and Specific Audiences"
	dnt        = "Do Not Track"
	change     = "Policy Change"
	infoType   = "Personal Information Type"
)

// section says which attributes and mentions fill a section; an empty
// category matches every category.
type section struct {
	attrs    []pick
	mentions []string
	// denied: the section gathers the values the clauses deny (and no
	// other), each under its category (in Details).
	denied bool
}

type pick struct{ category, attribute string }

func (s *section) wants(a policy.Attribute) bool {
	for _, p := range s.attrs {
		if (p.category == "" || p.category == a.Category) && p.attribute == a.Attribute {
			return true
		}
	}
	return false
}

// Build returns the privacy summary of clauses (in reading order). Every
// section is a non-nil slice, empty when nothing fills it; items are in
// the order their first clause comes. The clauses' denials are marked
// (denial.Mark), as analyze marks them.
func Build(clauses []policy.Clause) policy.PrivacySummary {
	out := policy.PrivacySummary{}
	for _, s := range []struct {
		dst *[]policy.SummaryItem
		sec section
	}{
		{&out.DataCollected, section{attrs: []pick{{firstParty, infoType}}, mentions: []string{policy.MentionDataType}}},
		{&out.Purposes, section{attrs: []pick{{firstParty, "Purpose"}, {thirdParty, "Purpose"}}}},
		{&out.ThirdParties, section{attrs: []pick{{thirdParty, "Third Party Entity"}}, mentions: []string{policy.MentionThirdParty, policy.MentionRecipient}}},
		{&out.Sale, section{mentions: []string{policy.MentionSale}}},
		{&out.Retention, section{attrs: []pick{{retention, "Retention Period"}}, mentions: []string{policy.MentionRetention}}},
		{&out.Choices, section{attrs: []pick{{"", "Choice Type"}}, mentions: []string{policy.MentionOptOut}}},
		{&out.Access, section{attrs: []pick{{access, "Access Type"}}, mentions: []string{policy.MentionRight}}},
		{&out.Audiences, section{attrs: []pick{{audiences, "Audience Type"}}, mentions: []string{policy.MentionAge, policy.MentionRegion}}},
		{&out.Security, section{attrs: []pick{{security, "Security Measure"}}, mentions: []string{policy.MentionSecurity}}},
		// Opt-out preference signals (the Global Privacy Control) are
		// today's Do Not Track: modern policies state them together.
		{&out.DoNotTrack, section{attrs: []pick{{dnt, "Do Not Track policy"}}, mentions: []string{policy.MentionSignal}}},
		{&out.Changes, section{attrs: []pick{{change, "Notification Type"}}, mentions: []string{policy.MentionChangeNotice}}},
		{&out.Denials, section{attrs: []pick{{firstParty, infoType}, {firstParty, "Purpose"}, {thirdParty, infoType}, {thirdParty, "Purpose"}, {thirdParty, "Third Party Entity"}},
			mentions: []string{policy.MentionThirdParty, policy.MentionRecipient}, denied: true}},
	} {
		*s.dst = collect(clauses, s.sec)
	}
	out.ThirdParties = dropNamedWhenListed(out.ThirdParties)
	// What goes to third parties: the information types the clauses that
	// name a recipient say are shared.
	for i := range out.ThirdParties {
		it := &out.ThirdParties[i]
		it.Details = sharedTypes(clauses, it.Clauses)
	}
	return out
}

// collect gathers the items of one section.
func collect(clauses []policy.Clause, sec section) []policy.SummaryItem {
	items := []policy.SummaryItem{}
	index := map[[3]string]int{}
	add := func(key [3]string, item policy.SummaryItem, ordinal int) {
		i, ok := index[key]
		if !ok {
			i = len(items)
			index[key] = i
			items = append(items, item)
		}
		it := &items[i]
		it.Score = max(it.Score, item.Score)
		if n := len(it.Clauses); n == 0 || it.Clauses[n-1] != ordinal {
			it.Clauses = append(it.Clauses, ordinal)
		}
	}
	for _, c := range clauses {
		for _, a := range c.Attributes {
			if !sec.wants(a) || a.Denied != sec.denied {
				continue
			}
			// Spellings that differ in case only across categories
			// ("Service operation and security") are one item; a denial
			// is one per category (not collected, not shared).
			key := [3]string{"attribute", a.Attribute, strings.ToLower(a.Value)}
			item := policy.SummaryItem{Value: a.Value, Source: "attribute", Attribute: a.Attribute, Score: a.Score}
			if sec.denied {
				key[1] = a.Category + " > " + a.Attribute
				item.Details, item.Denied = []string{a.Category}, true
			}
			add(key, item, c.Ordinal)
		}
		for _, m := range c.Mentions {
			if slices.Contains(sec.mentions, m.Kind) && m.Denied == sec.denied {
				add([3]string{"mention", m.Kind, mentionKey(m.Kind, m.Value)},
					policy.SummaryItem{Value: m.Value, Source: "mention", Kind: m.Kind, Score: 1, Denied: sec.denied}, c.Ordinal)
			}
		}
	}
	return sec.spelled(mergeSameValues(items))
}

// spelled gives a mention item whose value is one of the section's
// attribute values up to case the vocabulary's spelling: a policy whose
// "personal notice" was found in the words and one whose "Personal notice"
// the model predicted show the same value.
func (s *section) spelled(items []policy.SummaryItem) []policy.SummaryItem {
	names := map[string]string{}
	for _, a := range attributes.All() {
		if s.wants(policy.Attribute{Category: a.Category, Attribute: a.Name}) {
			for _, v := range a.Values {
				names[strings.ToLower(v.Name)] = v.Name
			}
		}
	}
	for i := range items {
		if items[i].Source != "mention" {
			continue
		}
		if name, ok := names[strings.ToLower(items[i].Value)]; ok {
			items[i].Value = name
		}
	}
	return items
}

// mentionKey is what mentions of one item share: the value, and for a
// recipient category the value in lower case without a plural s
// ("service provider" and "service providers" are one item, under the
// spelling seen first); for an opt-out mechanism its index key (a link
// with or without its scheme, "www." or trailing slash is one item).
func mentionKey(kind, value string) string {
	switch kind {
	case policy.MentionRecipient:
		return strings.TrimSuffix(strings.ToLower(value), "s")
	case policy.MentionOptOut:
		return attributes.MentionKey(kind, value)
	}
	return value
}

// States reports whether clause c states item it: it has the item's
// attribute value (up to case), or a mention the item gathers (of the
// item's own value, or one Build folds into it); for an item of Denials,
// whether it denies it (an attribute value in the item's category).
func States(c policy.Clause, it policy.SummaryItem) bool {
	for _, a := range c.Attributes {
		if it.Source == "attribute" && a.Attribute == it.Attribute && strings.EqualFold(a.Value, it.Value) && a.Denied == it.Denied &&
			(!it.Denied || slices.Contains(it.Details, a.Category)) {
			return true
		}
	}
	for _, m := range c.Mentions {
		if m.Denied != it.Denied {
			continue
		}
		switch it.Source {
		case "mention":
			if m.Kind == it.Kind && mentionKey(m.Kind, m.Value) == mentionKey(it.Kind, it.Value) {
				return true
			}
		case "attribute":
			v, want := strings.ToLower(m.Value), strings.ToLower(it.Value)
			if v == want || sameAs[v] == want {
				return true
			}
		}
	}
	return false
}

// sameAs maps a mention's value to the attribute value it stands for when
// the two are spelled differently (a region found in the words, the
// audience the attribute model predicts; the kind of data "health data",
// the Personal Information Type Health). The other kinds of data the
// words name are narrower than the type they fall under ("precise
// geolocation" and Location), or another thing ("contacts" in an address
// book, Contact details), and stay items of their own.
var sameAs = map[string]string{
	"california":  "californians",
	"eea/uk":      "europeans",
	"health data": "health",
}

// mergeSameValues folds a mention into the attribute item of the same value
// up to case ("opt-out link" found in the words, "Opt-out link" predicted)
// or of the value it stands for (sameAs: the region "California", the
// audience "Californians"): one item with the clauses of both, in the
// order of its first clause.
func mergeSameValues(items []policy.SummaryItem) []policy.SummaryItem {
	attr := map[string]int{}
	for i, it := range items {
		if it.Source == "attribute" {
			attr[strings.ToLower(it.Value)] = i
		}
	}
	out := items[:0:0]
	drop := make([]bool, len(items))
	for i, it := range items {
		v := strings.ToLower(it.Value)
		if alias, ok := sameAs[v]; ok && it.Source == "mention" {
			if _, found := attr[alias]; found {
				v = alias
			}
		}
		j, ok := attr[v]
		if it.Source != "mention" || !ok {
			continue
		}
		a := &items[j]
		a.Clauses = append(a.Clauses, it.Clauses...)
		slices.Sort(a.Clauses)
		a.Clauses = slices.Compact(a.Clauses)
		drop[i] = true
	}
	for i, it := range items {
		if !drop[i] {
			out = append(out, it)
		}
	}
	slices.SortStableFunc(out, func(a, b policy.SummaryItem) int { return a.Clauses[0] - b.Clauses[0] })
	return out
}

// namedThirdParty is the Third Party Entity value for a recipient the
// clause names or describes ("our payment processor", "Stripe").
const namedThirdParty = "Named third party"

// dropNamedWhenListed leaves out the item "Named third party" when every
// clause it comes from has a named party or recipient category among the
// items: the summary lists those names, and the bare value adds nothing.
// Where a clause's recipient was not found in its words, the item stays.
func dropNamedWhenListed(items []policy.SummaryItem) []policy.SummaryItem {
	listed := map[int]bool{}
	for _, it := range items {
		if it.Source == "mention" {
			for _, o := range it.Clauses {
				listed[o] = true
			}
		}
	}
	return slices.DeleteFunc(items, func(it policy.SummaryItem) bool {
		if it.Source != "attribute" || it.Value != namedThirdParty {
			return false
		}
		for _, o := range it.Clauses {
			if !listed[o] {
				return false
			}
		}
		return true
	})
}

// sharedTypes returns the information types that third-party sharing
// attributes of the clauses with the given ordinals name, in order of
// first appearance.
func sharedTypes(clauses []policy.Clause, ordinals []int) []string {
	var out []string
	for _, o := range ordinals {
		i, ok := slices.BinarySearchFunc(clauses, o, func(c policy.Clause, o int) int { return c.Ordinal - o })
		if !ok {
			continue
		}
		for _, a := range clauses[i].Attributes {
			if a.Category == thirdParty && a.Attribute == infoType && !slices.Contains(out, a.Value) && !a.Denied {
				out = append(out, a.Value)
			}
		}
	}
	return out
}

// Empty is the summary with every section empty (not absent): that of a
// policy whose clauses state nothing the summary reads, or that is not
// analysed for attributes (not in English).
func Empty() policy.PrivacySummary { return Build(nil) }
