package mentions

import (
	"regexp"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/domain/attributes"
)

// How a clause says readers learn that the policy changed, in a sentence
// about changing it: a personal notice ("we will notify you by e-mail"), a
// notice on the website ("a prominent notice on our services"), the new
// version posted with its date ("we will post the updated policy on this
// page and revise the date above"), none but the reader's own checks
// ("review this policy periodically"), consent asked for, and how long
// before a change takes effect ("at least 30 days before").
var changeGroups = [...]group{
	{around(map[string][2]int{"notify": {0, 4}, "notifying": {0, 4}, "inform": {0, 4}, "informing": {0, 4}, "alert": {0, 3}, "contact": {0, 4}}),
		`(?:notify(?:ing)?|inform(?:ing)?|alert)\s+(?:you|users|our\s+users|affected\s+users|account\s+holders|customers)\b|contact\s+you\s+(?:directly|personally|individually|by\s+e-?mail)`},
	{around(map[string][2]int{"send": {0, 5}, "sending": {0, 5}, "email": {1, 2}, "mail": {2, 2}, "push": {0, 1}, "app": {2, 1}}),
		`(?:send(?:ing)?|provid(?:e|ing))\s+you\s+(?:an?\s+)?(?:e-?mail|notice|notification|message)|(?:by|via|through)\s+e-?mail|(?:e-?mail|in-app|push)\s+notifications?`},
	{around(map[string][2]int{"post": {0, 12}, "posting": {0, 12}, "posted": {6, 6}, "publish": {0, 12}, "publishing": {0, 12}, "published": {6, 6}, "available": {6, 6}, "version": {4, 8}}),
		`(?:find|see|view|read|access)\s+the\s+(?:most\s+recent|latest|current|updated|new)\s+version\s+(?:[\w-]+\s+){0,4}?(?:on|at)\s+(?:this\s+(?:page|website|site)|(?:our|the)\s+(?:website|web\s+site|site|services?|platform|apps?|homepage))|(?:(?:post|publish)(?:ing|ed|es|s)?\s+(?:(?:the|an?|any|such|all|our|these|those|this)\s+)?(?:[\w-]+\s+){0,2}?(?:changes?|updates?|versions?|polic(?:y|ies)|notice|statement|revisions?|amendments?|modifications?|it|them)|(?:versions?|polic(?:y|ies)|notice|statement|it|they|changes)\s+(?:[\w-]+\s+){0,3}?(?:available|published|posted))\s+(?:[\w-]+\s+){0,4}?(?:on|at|to)\s+(?:this\s+(?:page|website|site|web\s+page)|(?:our|the)\s+(?:website|web\s+site|site|services?|platform|apps?|homepage|privacy\s+(?:page|center|centre)))`},
	{around(map[string][2]int{"prominent": {0, 3}, "prominently": {0, 3}, "banner": {0, 0}}),
		`prominent(?:ly)?\s+(?:\w+\s+){0,2}?(?:notice|posting|banner|display(?:ed)?)|banner`},
	{around(map[string][2]int{"date": {6, 4}}),
		`(?:updat|revis|chang|modif|amend)\w*\s+(?:the\s+)?(?:["“]?(?:last\s+(?:updated|revised|modified)|effective|revision|version)["”]?\s+)?date|date\s+(?:at|on)\s+the\s+(?:top|bottom|beginning|end)`},
	{around(map[string][2]int{"periodically": {6, 0}, "regularly": {6, 0}, "frequently": {6, 0}, "intervals": {8, 0}, "back": {6, 0}, "often": {6, 0}}),
		`(?:review|check|consult|visit|read|look\s+at)\s+(?:[\w-]+\s+){0,5}?(?:periodically|regularly|frequently|at\s+regular\s+intervals|back|often)`},
	{around(map[string][2]int{"consent": {5, 0}}),
		`(?:ask(?:ing)?|obtain(?:ing)?|seek(?:ing)?|request(?:ing)?|get(?:ting)?)\s+(?:for\s+)?your\s+(?:prior\s+|express\s+|explicit\s+|affirmative\s+|opt-in\s+)?consent`},
	{around(map[string][2]int{"days": {2, 5}, "day": {2, 5}, "weeks": {2, 5}, "week": {2, 5}}),
		`(?:\d{1,3}|[a-z]+(?:-[a-z]+)?)\s+(?:\(\d{1,3}\)\s+)?(?:days?|weeks?)['’]?\s+(?:(?:prior|advance|written)\s+)?(?:before|prior\s+to|in\s+advance|notice|after\s+(?:we\s+)?(?:post|notify)|following)`},
}

// changeRes are the expressions of changeGroups.
var changeRes = sync.OnceValue(func() []*regexp.Regexp { return compile(changeGroups[:]) })

// changeWordRe and policyWordRe find a change and the policy in a
// sentence; reviewPolicyRe finds a sentence about reading the policy
// again.
var (
	changeWordRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:chang|updat|amend|modif|revis)\w*|\bversions?\b`)
	})
	policyWordRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:polic(?:y|ies)|notices?|statements?|declaration|terms|this\s+(?:page|document))\b`)
	})
	reviewPolicyRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:review|check|consult)\s+(?:[\w-]+\s+){0,4}?(?:polic(?:y|ies)|notice|statement|page)\b`)
	})
)

// followsChange reports whether a sentence that does not name the policy
// speaks of its changes all the same: the sentence before it is about
// changing the policy, and it speaks of changes or of reading it again
// ("We may update this policy. If we make material changes, we will
// notify you by e-mail." "... We encourage you to review it regularly.").
func followsChange(sentence, previous string) bool {
	if strings.HasSuffix(strings.TrimSpace(sentence), "?") || breachRe().MatchString(sentence) || stopMessagesRe().MatchString(sentence) {
		return false
	}
	return (changeWordRe().MatchString(sentence) || againRe().MatchString(sentence)) &&
		changeWordRe().MatchString(previous) && policyWordRe().MatchString(previous) &&
		!breachRe().MatchString(previous) && !stopMessagesRe().MatchString(previous)
}

// againRe finds a sentence about reading something again.
var againRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:review|check|consult|revisit)\b`)
})

// stopMessagesRe finds a sentence about stopping messages, whose
// notifications are not notices of a change ("notifications of changes
// to our services that you may not opt out of").
var stopMessagesRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:opt[- ]?out|unsubscrib\w*|stop\s+receiving)\b`)
})

// breachRe finds a sentence about a breach or incident, whose notices are
// not about the policy.
var breachRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:breach\w*|incident|unauthori[sz]ed|compromis\w*)\b`)
})

// changeSentence reports whether a sentence's ways of learning of changes
// count: it speaks of changes, not of a breach.
func changeSentence(s string) bool {
	if strings.HasSuffix(strings.TrimSpace(s), "?") {
		return false // a heading's question: "How do we notify you of changes?"
	}
	return (changeWordRe().MatchString(s) && policyWordRe().MatchString(s) || reviewPolicyRe().MatchString(s)) && !breachRe().MatchString(s)
}

// mailToRe finds an address to write to, which "via e-mail" introduces
// rather than a notice.
var mailToRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\be-?mail\s+(?:us\s+)?(?:at|to)\s+\S+@`)
})

// The values of change-notice mentions.
const (
	changePersonal = "personal notice"
	changeWebsite  = "general notice on website"
	changePolicy   = "general notice in privacy policy"
	changeCheck    = "check for changes"
	changeConsent  = "consent sought for changes"
)

// noticeByPostRe finds, in a sentence that says "we will notify you",
// that the notice is a posting, not a message to the reader.
var noticeByPostRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:notify(?:ing)?|inform(?:ing)?)\s+you\s+(?:of\s+(?:\w+\s+){0,4}?)?by\s+(?:post(?:ing)?|publish(?:ing)?|updat\w*|revis\w*|changing|placing|displaying|means\s+of\s+a\s+notice\s+on)`)
})

// changeNotice is the value of a match's words in their sentence.
func changeNotice(words, sentence string) string {
	w := strings.ToLower(strings.Join(strings.Fields(words), " "))
	if strings.Contains(w, " day") || strings.Contains(w, " week") {
		if v := noticePeriod(w); v != "" {
			return v
		}
	}
	switch {
	case strings.HasSuffix(w, "consent"):
		return changeConsent
	case strings.HasPrefix(w, "contact"):
		return changePersonal
	case strings.HasPrefix(w, "notify") || strings.HasPrefix(w, "inform") || strings.HasPrefix(w, "alert"):
		if noticeByPostRe().MatchString(sentence) {
			return "" // the posting itself is found on its own words
		}
		return changePersonal
	case strings.Contains(w, "mail") || strings.Contains(w, "notification") || strings.Contains(w, "message") || strings.HasPrefix(w, "send") || strings.HasPrefix(w, "provid"):
		if mailToRe().MatchString(sentence) {
			return ""
		}
		return changePersonal
	case strings.HasPrefix(w, "prominent") || w == "banner":
		return changeWebsite
	case strings.Contains(w, "date"):
		return changePolicy
	case strings.Contains(w, "post") || strings.Contains(w, "publish") || strings.Contains(w, "available") || strings.Contains(w, "version"):
		if strings.Contains(w, "a notice") || strings.Contains(w, "notice on") {
			return changeWebsite // a notice of the change, not the new text
		}
		if strings.Contains(w, "this page") || strings.Contains(w, "this web") || strings.Contains(w, "this site") || strings.Contains(w, "privacy") {
			return changePolicy // the policy's own page
		}
		return changeWebsite
	case strings.Contains(w, "periodically") || strings.Contains(w, "regular") || strings.Contains(w, "frequently") ||
		strings.HasSuffix(w, "back") || strings.HasSuffix(w, "often"):
		return changeCheck
	}
	return ""
}

// noticePeriod is "30 days' notice" for words that give how long before a
// change takes effect, "" when they do not open with a number in range.
func noticePeriod(w string) string {
	fields := strings.Fields(w)
	unit := "day"
	if strings.Contains(w, "week") {
		unit = "week"
	}
	v, _ := attributes.NoticePeriod(fields[0] + " " + unit)
	return v
}
