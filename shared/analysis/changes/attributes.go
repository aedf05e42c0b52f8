package changes

import (
	"cmp"
	"slices"

	"github.com/policylens/policylens/shared/analysis/denial"
	"github.com/policylens/policylens/shared/domain/policy"
)

// AttributeChange is an attribute value (an OPP-115 triple) or a mention
// (a value beyond the vocabulary, Kind set instead of Category and
// Attribute) whose number of clauses changed: "Third Party
// Sharing/Collection, Personal Information Type, Location: 0 → 2".
// With Denied, the counts are of the clauses that say the service does not
// do it ("we do not share your location"; see package denial): a practice
// given up moves from the stated count to the denied one.
type AttributeChange struct {
	Category  string `json:"category,omitempty"`
	Attribute string `json:"attribute,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Value     string `json:"value"`
	Denied    bool   `json:"denied,omitempty"`
	Before    int    `json:"before"`
	After     int    `json:"after"`
}

type attrKey struct {
	category, attribute, kind, value string
	denied                           bool
}

// attributeChanges counts, per attribute value and per mention, the
// clauses stating it in each version and those denying it, and lists
// those whose count changed: attributes first (by category, attribute and
// value), then mentions (by kind and value), the stated count before the
// denied. Denial is read from the clause's text by the same rule whatever
// the rules that analysed each version, so that versions stored before the
// rule marked denials compare with those after.
func attributeChanges(a, b []policy.Clause) []AttributeChange {
	count := func(cs []policy.Clause) map[attrKey]int {
		m := map[attrKey]int{}
		seen := map[attrKey]bool{}
		for _, c := range cs {
			clear(seen)
			for _, t := range c.Attributes {
				seen[attrKey{category: t.Category, attribute: t.Attribute, value: t.Value, denied: denial.Attribute(c.Text, t)}] = true
			}
			for _, x := range c.Mentions {
				seen[attrKey{kind: x.Kind, value: x.Value, denied: denial.Mention(c.Text, x)}] = true
			}
			for k := range seen {
				m[k]++
			}
		}
		return m
	}
	ca, cb := count(a), count(b)
	out := []AttributeChange{}
	add := func(k attrKey) {
		if ca[k] != cb[k] {
			out = append(out, AttributeChange{Category: k.category, Attribute: k.attribute, Kind: k.kind, Value: k.value, Denied: k.denied, Before: ca[k], After: cb[k]})
		}
	}
	for k := range ca {
		add(k)
	}
	for k := range cb {
		if _, ok := ca[k]; !ok {
			add(k)
		}
	}
	// Attributes (no kind) before mentions.
	isMention := func(c AttributeChange) int {
		if c.Kind != "" {
			return 1
		}
		return 0
	}
	slices.SortFunc(out, func(x, y AttributeChange) int {
		return cmp.Or(cmp.Compare(isMention(x), isMention(y)), cmp.Compare(x.Category, y.Category),
			cmp.Compare(x.Attribute, y.Attribute), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Value, y.Value), cmp.Compare(isDenied(x), isDenied(y)))
	})
	return out
}

func isDenied(c AttributeChange) int {
	if c.Denied {
		return 1
	}
	return 0
}
