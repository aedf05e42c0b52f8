package changes

import (
	"strings"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// labelChanges returns the labels whose clause counts differ, in the order
// of labels.All, then any other label by name order of appearance.
func labelChanges(a, b []policy.Clause) []LabelChange {
	count := func(cs []policy.Clause) map[string]int {
		m := map[string]int{}
		for _, c := range cs {
			for _, l := range c.Labels {
				m[l.Label]++
			}
		}
		return m
	}
	ca, cb := count(a), count(b)
	out := []LabelChange{}
	known := map[string]bool{}
	for _, l := range labels.All {
		known[l.Name] = true
		if ca[l.Name] != cb[l.Name] {
			out = append(out, LabelChange{Label: l.Name, Before: ca[l.Name], After: cb[l.Name]})
		}
	}
	// Labels outside the 12 (a model with other labels) in order of
	// appearance.
	for _, cs := range [][]policy.Clause{a, b} {
		for _, c := range cs {
			for _, l := range c.Labels {
				if !known[l.Label] {
					known[l.Label] = true
					if ca[l.Label] != cb[l.Label] {
						out = append(out, LabelChange{Label: l.Label, Before: ca[l.Label], After: cb[l.Label]})
					}
				}
			}
		}
	}
	return out
}

// factChanges returns the key facts that differ other than cosmetically:
// titles by Key, companies by Key when both versions name one, dates by
// their ISO form (as written when they do not parse), the language (ISO
// 639-1, when both versions have one), e-mail addresses in any letter
// case, URLs by CanonicalURL and regulations by name.
func factChanges(prev, next *policy.Analysis) []FactChange {
	var fa, fb policy.Facts
	if prev != nil {
		fa = prev.Policy.Facts
	}
	if next != nil {
		fb = next.Policy.Facts
	}
	out := []FactChange{}
	if Key(fa.Title) != Key(fb.Title) {
		out = append(out, FactChange{Fact: FactTitle, Before: fa.Title, After: fb.Title})
	}
	// A policy now in another company's name: an acquisition, a rebrand.
	// A version that does not say (a translation that defines "nosotros",
	// not "we") changes nothing.
	if fa.Company != "" && fb.Company != "" && Key(fa.Company) != Key(fb.Company) {
		out = append(out, FactChange{Fact: FactCompany, Before: fa.Company, After: fb.Company})
	}
	if da, db := dateString(fa.Updated), dateString(fb.Updated); da != db {
		out = append(out, FactChange{Fact: FactUpdated, Before: da, After: db})
	}
	// A version in another language (an archive that alternates between a
	// policy and its translation) changes every clause; the report says why.
	if prev != nil && next != nil {
		la, lb := prev.Policy.Language, next.Policy.Language
		if la != "" && lb != "" && la != lb {
			out = append(out, FactChange{Fact: FactLanguage, Before: la, After: lb})
		}
	}
	lists := []struct {
		fact string
		a, b []string
		key  func(string) string
	}{
		{FactEmails, fa.Emails, fb.Emails, strings.ToLower},
		{FactURLs, fa.URLs, fb.URLs, CanonicalURL},
		{FactRegulations, fa.Regulations, fb.Regulations, func(s string) string { return s }},
	}
	for _, l := range lists {
		added, removed := setDiff(l.a, l.b, l.key)
		if len(added) > 0 || len(removed) > 0 {
			out = append(out, FactChange{Fact: l.fact, Added: added, Removed: removed})
		}
	}
	return out
}

func dateString(d *policy.Date) string {
	switch {
	case d == nil:
		return ""
	case d.ISO != "":
		return d.ISO
	default:
		return d.AsWritten
	}
}

// setDiff returns the elements of b whose keys are not among a's, and
// those of a not among b's, each in its list's order without repeats.
func setDiff(a, b []string, key func(string) string) (added, removed []string) {
	keys := func(l []string) map[string]bool {
		m := make(map[string]bool, len(l))
		for _, s := range l {
			m[key(s)] = true
		}
		return m
	}
	ka, kb := keys(a), keys(b)
	pick := func(l []string, other map[string]bool) []string {
		var out []string
		seen := map[string]bool{}
		for _, s := range l {
			k := key(s)
			if !other[k] && !seen[k] {
				seen[k] = true
				out = append(out, s)
			}
		}
		return out
	}
	return pick(b, ka), pick(a, kb)
}
