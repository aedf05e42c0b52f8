// Package labels defines the twelve OPP-115 privacy-practice categories that
// policylens assigns to clauses, with URL-friendly slugs and descriptions.
package labels

import "strings"

// Count is the number of labels.
const Count = 12

// Label is one OPP-115 category.
type Label struct {
	// Name is the exact OPP-115 name, as in the corpus.
	Name string `json:"name"`
	// Slug is a lower-case, URL-friendly form of Name.
	Slug string `json:"slug"`
	// Description says in one sentence what clauses with this label are about.
	Description string `json:"description"`
}

// All lists the labels in a fixed order; a label's index in All is its id
// everywhere in policylens (model weights, score vectors).
var All = [Count]Label{
	{"First Party Collection/Use", "first-party-collection-use",
		"What data the service itself collects, how, and what it uses the data for."},
	{"Third Party Sharing/Collection", "third-party-sharing-collection",
		"When data is shared with, sold to, or collected by third parties such as partners, advertisers or processors."},
	{"User Choice/Control", "user-choice-control",
		"Choices users have about collection and use: opt-in, opt-out, consent, cookie settings."},
	{"User Access, Edit and Deletion", "user-access-edit-and-deletion",
		"Whether and how users can see, correct, export or delete their data or account."},
	{"Data Retention", "data-retention",
		"How long data is kept and what happens to it afterwards."},
	{"Data Security", "data-security",
		"How data is protected: encryption, access controls, safeguards."},
	{"Policy Change", "policy-change",
		"Whether and how users are told when the policy changes."},
	{"Do Not Track", "do-not-track",
		"How the service responds to browser Do Not Track signals."},
	{"International and Specific Audiences", "international-and-specific-audiences",
		"Practices for particular groups: children, residents of California, the EU or other regions."},
	{"Introductory/Generic", "introductory-generic",
		"Introductions, scope and general statements that describe no specific practice."},
	{"Practice not covered", "practice-not-covered",
		"Practices outside the other categories."},
	{"Privacy contact information", "privacy-contact-information",
		"How to contact the company about privacy: addresses, e-mail, data protection officer."},
}

// Index returns the position in All of the label named by s, which may be the
// exact name, the name in any letter case, or the slug. It reports false when
// s names no label.
func Index(s string) (int, bool) {
	s = strings.TrimSpace(s)
	for i, l := range All {
		if s == l.Name || s == l.Slug || strings.EqualFold(s, l.Name) || strings.EqualFold(s, l.Slug) {
			return i, true
		}
	}
	return 0, false
}

// Names returns the label names in the order of All.
func Names() []string {
	out := make([]string, Count)
	for i, l := range All {
		out[i] = l.Name
	}
	return out
}
