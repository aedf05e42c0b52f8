package mentions

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// The rights a clause says users have over their data (access, deletion,
// portability, ...), each found by the words that name it in a sentence
// that speaks of a right or of what the reader can ask for: "you have the
// right to erasure", "you can request a copy of your data", "you may
// object to processing". The OPP-115 Access Type values are the 2015
// vocabulary; these are today's rights as GDPR- and CCPA-era policies list
// them.
var rightGroups = [...]group{
	// access
	{around(map[string][2]int{"access": {2, 0}, "know": {2, 0}}), `right\s+(?:of|to)\s+access|right\s+to\s+know`},
	{around(map[string][2]int{"access": {0, 6}}), `access\s+(?:to\s+)?(?:a\s+copy|your\s+(?:personal\s+)?(?:data|information)|the\s+personal|personal\s+(?:data|information))|access\s+to\s+(?:the\s+|any\s+)?(?:personal\s+)?(?:information|data)\s+(?:that\s+)?we\s+(?:hold|have|keep|maintain|store)`},
	{around(map[string][2]int{"copy": {2, 5}, "copies": {2, 5}, "what": {3, 7}, "see": {0, 5}, "review": {0, 5}, "view": {0, 5}, "inspect": {0, 5}}),
		`(?:obtain|request|receive|get)\s+(?:a\s+)?cop(?:y|ies)\s+of(?:\s*,\s+|\s+(?:(?:any|all)\s+(?:of\s+)?)?(?:your|his|her|their|such|that\s+(?:personal\s+)?(?:data|information)|personal|(?:the\s+)?(?:personal\s+)?(?:information|data)))|(?:know|informed(?:\s+(?:of|about|as\s+to))?|learn|find\s+out|ask(?:\s+us)?|request|confirm(?:ation)?(?:\s+(?:of|as\s+to))?)\s+what\s+(?:personal\s+)?(?:data|information)\s+(?:about\s+you\s+)?(?:that\s+)?we\s+(?:hold|have|keep|maintain|store|process)|(?:see|review|view|inspect)\s+your\s+(?:own\s+)?(?:personal(?:ly\s+identifiable)?\s+)?(?:data|information)`},
	// correction
	{around(map[string][2]int{"rectify": {0, 0}, "rectification": {0, 0}, "correct": {2, 3}, "correction": {2, 3}, "amend": {0, 3}, "corrected": {2, 0}, "rectified": {2, 0}}),
		`rectif(?:y|ication)|right\s+to\s+correct(?:ion)?|correct(?:ion\s+of)?\s+(?:your|inaccurate|incorrect|any\s+inaccurate|the\s+personal)|(?:be|is|are|being|been)\s+(?:\w+\s+)?(?:corrected|rectified)|amend(?:\s+(?:or|and)\s+(?:delete|update|correct))?\s+(?:your|inaccurate)|(?:updat(?:e|ing)|amend(?:ing)?|edit(?:ing)?)\s+(?:and|or)\s+correct(?:ing)?|correct(?:ing)?\s+(?:and|or)\s+(?:updat(?:e|ing)|amend(?:ing)?|edit(?:ing)?)`},
	// deletion
	{around(map[string][2]int{"erasure": {0, 0}, "erase": {0, 2}, "erasing": {0, 2}, "forgotten": {3, 0}}),
		`erasure|eras(?:e|ing)\s+(?:of\s+)?(?:your|all|personal)|right\s+to\s+be\s+forgotten`},
	{around(map[string][2]int{"delete": {2, 7}, "deletion": {3, 4}, "deleting": {0, 7}, "deleted": {0, 5}, "removed": {0, 5}, "erased": {0, 5}, "remove": {0, 5}, "removal": {0, 5}}),
		`right\s+to\s+delet(?:e|ion)|delet(?:e|ion\s+of|ing)\s+(?:your|all\s+(?:of\s+)?your|the\s+personal|personal|certain|some\s+or\s+all\s+(?:of\s+)?(?:your|the\s+personal|personal)|any\s+(?:of\s+your|personal))|request\s+(?:the\s+|its\s+|their\s+)?deletion|(?:deleted|removed|erased)\s+from\s+(?:our|the|its)\s+(?:\w+\s+)?(?:systems?|records|databases?|servers?)|remov(?:e|al\s+of)\s+(?:your|all\s+(?:of\s+)?your|the\s+personal|personal)\s+(?:personal\s+)?(?:data|information)`},
	// asking the service to act: "ask us to correct it", "request that
	// we delete the identifiers we hold"
	{around(map[string][2]int{"ask": {0, 5}, "request": {0, 5}, "require": {0, 5}, "demand": {0, 5}}),
		`(?:ask|request|require|demand)\s+(?:that\s+)?(?:us|we)\s+(?:to\s+)?(?:correct|rectify|amend|delete|erase|remove|restrict)`},
	// portability
	{around(map[string][2]int{"portability": {0, 0}, "export": {0, 8}, "download": {0, 8}, "machine": {0, 1}}),
		`portability|(?:export|download)\s+(?:a\s+copy\s+of\s+)?(?:your|all\s+(?:of\s+)?your)\s+(?:personal\s+)?(?:data|information|content)|machine[\s-]readable`},
	// restriction
	{around(map[string][2]int{"restrict": {2, 2}, "restriction": {2, 3}, "limit": {0, 5}}),
		`right\s+to\s+restrict(?:ion)?|restrict(?:ion\s+of)?\s+(?:the\s+|our\s+)?processing|limit\s+(?:the\s+)?(?:use|processing|disclosure)\s+of\s+(?:your\s+)?sensitive`},
	// objection
	{around(map[string][2]int{"object": {2, 7}}),
		`right\s+to\s+object|object\s+to\s+(?:the\s+|our\s+|such\s+|this\s+|certain\s+|any\s+)?(?:[\w'’]+\s+(?:or|and)\s+our\s+)?(?:processing|use\s+of)`},
	// consent
	{around(map[string][2]int{"withdraw": {0, 2}, "revoke": {0, 2}}), `(?:withdraw|revoke)\s+(?:your\s+|any\s+|the\s+)?consent`},
	// sale and sharing
	{around(map[string][2]int{"opt": {0, 5}}), `opt[\s-]?out\s+of\s+(?:the\s+)?[“"']?(?:sale|sell|selling|shar(?:e|ing))`},
	// complaint, appeal
	{around(map[string][2]int{"complaint": {2, 0}, "complain": {2, 1}, "appeal": {2, 3}}),
		`(?:lodge|file|make|submit|bring)\s+a\s+complaint|right\s+to\s+complain|complain\s+to|right\s+to\s+appeal|appeal\s+(?:our|the|a|any|that)\s+(?:decision|denial|refusal)`},
	// a list of what the reader can do with their data: "access, edit,
	// delete or export your personal data" (listedRights gives each)
	{around(listVerbBounds()), rightVerb + `(?:` + rightListSep + rightVerb + `){1,3}\s+` + rightListObject},
	// non-discrimination, automated decisions
	{around(map[string][2]int{"non": {0, 1}, "nondiscrimination": {0, 0}, "nondiscriminatory": {0, 0}, "discriminate": {1, 0}, "automated": {0, 3}}),
		`non[\s-]?discriminat\w*|(?:not|never)\s+discriminate|automated\s+(?:individual\s+)?decision(?:s|[\s-]making)?`},
}

// The parts of a list of rights: its verbs, what stands between two of
// them, and what the list is of (the reader's data, not "all cookies").
const (
	rightVerb       = `(?:access|view|review|see|obtain|edit|update|correct|amend|modify|alter|rectify|delete|erase|remove|export|download)`
	rightListSep    = `(?:\s*,\s*(?:(?:and|or)\s*,?\s*)?(?:in\s+(?:some|certain)\s+cases\s*,\s*)?|\s+(?:and|or|and/or)\s+)`
	rightListObject = `(?:your\s+(?:own\s+)?(?:[\w-]+\s+){0,2}?(?:data|information|details|profile)|(?:the\s+)?personal(?:ly\s+identifiable)?\s+(?:data|information)|(?:the\s+)?(?:following\s+)?information\s+(?:you|we|that\s+(?:you|we))|(?:certain|some|much|most|any)\s+(?:of\s+)?(?:your|the)\s+(?:personal\s+)?(?:data|information))`
)

// listVerbBounds lets a list of rights through at its first verb. A list
// holds at most four verbs and three separators of at most four words each
// ("and, in certain cases,"), so its verbs span at most 16 words, and its
// object adds at most 7 ("your own third-party app data"): a match lies
// within the 23 words from its first verb.
func listVerbBounds() map[string][2]int {
	out := map[string][2]int{}
	for _, v := range strings.Split(strings.Trim(rightVerb, "(?:)"), "|") {
		out[v] = [2]int{0, 23}
	}
	return out
}

// rightListRe matches the whole of a list of rights, as listedRights reads
// a match.
var rightListRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^` + rightVerb + `(?:` + rightListSep + rightVerb + `){1,3}\s+` + rightListObject + `$`)
})

// listVerbRight is the right each verb of a list names.
var listVerbRight = map[string]string{
	"access": rightAccess, "view": rightAccess, "review": rightAccess, "see": rightAccess, "obtain": rightAccess,
	"edit": rightCorrection, "update": rightCorrection, "correct": rightCorrection, "amend": rightCorrection,
	"modify": rightCorrection, "alter": rightCorrection, "rectify": rightCorrection,
	"delete": rightDeletion, "erase": rightDeletion, "remove": rightDeletion,
	"export": rightPortability, "download": rightPortability,
}

// listedRights returns the rights a list of them names, in the order of
// their first verbs ("access, update or delete your data": access,
// correction, deletion); nil when words are no such list.
func listedRights(words string) []string {
	if !rightListRe().MatchString(words) {
		return nil
	}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(words), func(r rune) bool { return r < 'a' || r > 'z' }) {
		if r, ok := listVerbRight[w]; ok && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// rightsHeadingRe finds a heading about the reader's rights: "Your
// rights", "Data subject rights", "What are my rights?", "Right to
// rectification" (not "All rights reserved", nor "copyright").
var rightsHeadingRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\brights?\b(?:\s+(?:to|of)\b|\s*$|\s*[?:>)]|\s+(?:and|&|regarding|over|under|related|relating|in|for|with|at)\b)`)
})

// serviceActsRe finds a sentence about what the service does with data
// ("We delete inactive accounts after two years"), which a rights heading
// does not make a right unless it speaks of a request.
var serviceActsRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\W*(?:we|our|the\s+company)\b`)
})

// rightRequestRe finds, in a sentence about what the service does, that
// it does it on the reader's request ("we will erase it on request").
var rightRequestRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:request|ask|asks|asked|contact\s+us|you\s+(?:can|may))\b`)
})

// underRights reports whether a sentence under heading, which names no
// right itself, counts as one of a list of rights: the heading (innermost
// levels first) is about rights, and the sentence does not say what the
// service does of its own accord.
func underRights(sentence string, heading []string) bool {
	// The two innermost levels: "Your rights > Erasure", not a rights
	// heading far above a section of its own.
	levels := heading[max(0, len(heading)-2):]
	if !slices.ContainsFunc(levels, func(h string) bool { return rightsHeadingRe().MatchString(h) }) {
		return false
	}
	return !serviceActsRe().MatchString(sentence) || rightRequestRe().MatchString(sentence)
}

// rightRes are the expressions of rightGroups.
var rightRes = sync.OnceValue(func() []*regexp.Regexp { return compile(rightGroups[:]) })

// rightCueRe finds that a sentence speaks of a right or of what the
// reader can ask for, not of what the service does ("we delete your data
// after 30 days").
var rightCueRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\bright(?:s)?\s+(?:to|of)\b|\byour\s+(?:\w+\s+)?rights?\b|\b(?:following|these|those|certain|privacy|data\s+protection)\s+rights\b|\byou\s+(?:\w+\s+){0,2}?(?:have|has|can|could|may|might|are\s+entitled|are\s+able|request|ask|choose|wish|want|would\s+like)\b|\brequests?\s+(?:to|that|for)\b|\bentitled\s+to\b|\b(?:enable|allow|permit)s?\s+you\s+to\b|\blets?\s+you\s+(?:\w+\s+)?(?:access|correct|delete|remove|download|export|update|edit|see|view|review|object|opt|withdraw|request|ask|choose|exercise)\b|\b(?:may|can|could)\s+(?:also\s+)?(?:ask|request)\b`)
})

// complaintToRe finds, in a sentence about a complaint, whom to: an
// authority, not the service's own support.
var complaintToRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:authorit(?:y|ies)|regulators?|commissioner|supervisory|ICO|CNIL|attorney\s+general|data\s+protection\s+(?:board|office|agency))\b`)
})

// automatedRightRe finds, in a sentence about automated decisions, a right
// about them: to object, not to be subject to them, to a human review.
var automatedRightRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:right|object|opt[\s-]?out|not\s+(?:to\s+)?be\s+subject|human\s+(?:intervention|review))\b`)
})

// The values of user-right mentions.
const (
	rightAccess      = "access"
	rightCorrection  = "correction"
	rightDeletion    = "deletion"
	rightPortability = "portability"
	rightRestriction = "restriction of processing"
	rightObjection   = "objection to processing"
	rightConsent     = "withdrawal of consent"
	rightOptOutSale  = "opt out of sale or sharing"
	rightComplaint   = "complaint to an authority"
	rightAppeal      = "appeal"
	rightNoDiscrim   = "non-discrimination"
	rightAutomated   = "automated decisions"
)

// userRight is the right that words, a match of rightRes, name in their
// sentence (one rightCueRe accepts), "" when they name none there.
func userRight(words, sentence string) string {
	w := strings.ToLower(strings.Join(strings.Fields(words), " "))
	has := func(subs ...string) bool { return containsAny(w, subs...) }
	switch {
	case has("cop") && has("of,"):
		// "receive a copy of, update or delete": the list's next right
		// is in the words, not what the copy is of.
		return rightAccess
	case has("portab", "export", "download", "machine"):
		return rightPortability
	case has("rectif", "correct", "amend"):
		return rightCorrection
	case has("eras", "forgotten", "delet", "remov"):
		return rightDeletion
	case has("restrict", "limit"):
		return rightRestriction
	case has("object"):
		return rightObjection
	case has("consent"):
		return rightConsent
	case has("opt"):
		return rightOptOutSale
	case has("complain"):
		if !complaintToRe().MatchString(sentence) {
			return ""
		}
		return rightComplaint
	case has("appeal"):
		return rightAppeal
	case has("discriminat"):
		return rightNoDiscrim
	case has("automated"):
		// A right about such decisions, not a use of them.
		if !automatedRightRe().MatchString(sentence) {
			return ""
		}
		return rightAutomated
	case has("access", "know", "cop", "what", "see", "view", "inspect"):
		return rightAccess
	}
	return ""
}
