package mentions

import (
	"regexp"
	"strings"
	"sync"
)

// Open-ended periods: the conditions attributes.RetentionCondition
// reads, by the word each holds (conditionWords: its prefilter bounds
// where around that word a match lies). Small expressions, each run
// where its word is, cost far less than one that holds them all.
var conditionRes = sync.OnceValue(func() []condition {
	const (
		need    = `(?:reasonably\s+|strictly\s+|legally\s+)?(?:necessary|needed|required|permitted)`
		law     = `(?:by|under|in)\s+(?:\w+\s+){0,3}?(?:laws?|regulations?|legislation)`
		account = `(?:user\s+|\w+(?:[/-]\w+)?\s+)?(?:account|membership|subscription|profile)`
		ended   = `(?:deleted|closed|cancell?ed|terminated|deactivated|removed)`
		asLong  = `\b(?:for\s+)?(?:as|so)\s+long\s+as\s+`
	)
	re := func(branches ...string) *regexp.Regexp {
		return regexp.MustCompile(`(?i)` + strings.Join(branches, "|"))
	}
	return []condition{
		{&conditionWords[0], []*regexp.Regexp{
			// as long as (it is) necessary / required by law
			re(asLong+`(?:(?:it\s+is|is|they\s+are|are|we\s+are|this\s+is)\s+)?`+need+`(?:\s+`+law+`)?`,
				asLong+`(?:the\s+)?(?:law|laws|legislation)\s+(?:requires?|permits?|allows?)`),
			// as long as we need it / have a (legitimate business) need
			re(asLong + `we\s+(?:need|have\s+an?\s+(?:(?:ongoing|legitimate|valid|genuine)\s+){0,2}(?:business\s+)?need)\b`),
			// as long as your account is active / you have an account / you use
			re(asLong + `(?:your|the)\s+` + account + `\s+(?:is|remains)\s+(?:active|open|valid)`),
			re(asLong + `you\s+(?:(?:have|maintain|hold|keep)\s+(?:an?\s+)?(?:active\s+|registered\s+)?(?:account|membership|subscription)|(?:continue\s+to\s+)?(?:use|subscribe)|are\s+an?\s+(?:registered\s+|active\s+)?(?:member|user|subscriber))\b`),
			// the relationship
			re(asLong + `(?:we\s+have\s+an?\s+(?:(?:active|ongoing|business|contractual|customer)\s+){0,2}relationship|(?:the|our|your)\s+(?:(?:customer|business|contractual)\s+)?relationship\s+(?:is\s+active|exists|lasts|continues|remains\s+active))`),
		}},
		{&conditionWords[1], []*regexp.Regexp{
			// until the account is deleted, consent withdrawn, no longer needed
			re(`\buntil\s+(?:you\s+(?:delete|close|cancel|terminate|deactivate)\s+your\s+` + account + `|(?:your|the)\s+` + account + `\s+(?:is|has\s+been|gets)\s+` + ended + `|the\s+(?:deletion|closure|termination|cancell?ation)\s+of\s+(?:your|the)\s+` + account + `|you\s+(?:request|ask\s+(?:us\s+)?for)\s+(?:the\s+|its\s+|their\s+)?(?:deletion|erasure))\b`),
			re(`\buntil\s+(?:you\s+(?:withdraw|revoke)\s+(?:your\s+)?consent|(?:your\s+)?consent\s+is\s+(?:withdrawn|revoked)|you\s+(?:object|unsubscribe|opt\s+out)|you\s+ask\s+(?:us\s+)?to\s+(?:be\s+)?opt(?:ed)?\s+out)\b`),
			re(`\buntil\s+(?:it\s+is|they\s+are|(?:the|such|this|that|your)\s+(?:personal\s+)?(?:data|information)\s+(?:is|are))\s+no\s+longer\s+(?:necessary|needed|required)\b`),
		}},
		{&conditionWords[2], []*regexp.Regexp{
			re(`\bwhile\s+(?:your\s+` + account + `\s+(?:is|remains)\s+(?:active|open)|you\s+(?:remain|are)\s+an?\s+(?:registered\s+|active\s+)?(?:member|user|subscriber|customer)|you\s+(?:have|maintain)\s+an?\s+account)\b`),
		}},
		{&conditionWords[3], []*regexp.Regexp{
			re(`\bfor\s+the\s+(?:duration|life|lifetime)\s+of\s+(?:your|the)\s+` + account + `\b`),
			re(`\bfor\s+the\s+duration\s+of\s+(?:the|our|your)\s+(?:(?:contractual|business|customer)\s+)?(?:relationship|contract|agreement)\b`,
				`\bfor\s+the\s+duration\s+(?:reasonably\s+|strictly\s+)?(?:necessary|needed|required)\b`),
		}},
		{&conditionWords[4], []*regexp.Regexp{
			// for the period necessary / prescribed by law; statutory periods
			re(`\bfor\s+(?:the|a)\s+(?:time\s+)?period\s+(?:of\s+time\s+)?(?:that\s+is\s+)?(?:reasonably\s+|strictly\s+)?(?:necessary|needed|required)\s+(?:to|for)\b`),
			re(`\bfor\s+the\s+(?:time\s+)?period\s+(?:of\s+time\s+)?(?:required|prescribed|stipulated|specified|mandated|set)\s+` + law + `\b`),
			re(`\b(?:statutory|legal|legally\s+(?:prescribed|required|mandated))\s+(?:(?:retention|storage)\s+)?periods?\b`),
		}},
		{&conditionWords[5], []*regexp.Regexp{
			re(`\b(?:no|for)\s+longer\s+than\s+(?:is\s+)?(?:reasonably\s+|strictly\s+)?(?:necessary|needed|required)\b`),
		}},
		{&conditionWords[6], []*regexp.Regexp{
			// "we retain your information as necessary for the purposes":
			// the condition is what follows the verb and its object.
			re(`\b(?:retain|store|hold|preserve|maintain)(?:s|ed|ing)?\s+(?:[\w'’()-]+\s+){0,6}?(?P<cond>(?:only\s+)?(?:as|where|when)\s+(?:(?:it\s+is|is|they\s+are|are)\s+)?(?:reasonably\s+|strictly\s+)?(?:necessary|needed)\s+(?:for|to))\b`),
		}},
		{&conditionWords[7], []*regexp.Regexp{
			// "this data is deleted when your account is deleted"
			re(`\b(?:is|are|will\s+be|gets?)\s+(?:permanently\s+|automatically\s+|also\s+)?(?:deleted|erased|removed)\s+(?:from\s+(?:\w+\s+){0,4}?)?(?P<cond>(?:when|once|as\s+soon\s+as|upon)\s+(?:you\s+(?:delete|close|terminate|cancel)\s+your\s+` + account + `|(?:your|the|an?)\s+(?:\w+\s+){0,3}?` + account + `\s+(?:is|has\s+been|gets)\s+` + ended + `|(?:the\s+)?(?:deletion|closure|termination|cancell?ation)\s+of\s+(?:your|the)\s+` + account + `))\b`),
			// "once your account is terminated, all data ... is deleted"
			re(`\b(?P<cond>once\s+(?:your|the|an?)\s+(?:\w+\s+){0,3}?` + account + `\s+(?:is|has\s+been)\s+` + ended + `)\b[^.;!?]{0,150}?\b(?:is|are|will\s+be)\s+(?:permanently\s+|automatically\s+)?(?:deleted|erased|removed)\b`),
		}},
		{&conditionWords[8], []*regexp.Regexp{
			re(`\bfor\s+(?:a|such)\s+reasonable\s+(?:period|amount|length)(?:\s+of\s+time)?\b`),
		}},
		{&conditionWords[9], []*regexp.Regexp{
			re(`\b(?:stored|kept|retained|held|cached|logged|saved|remains?)\s+(?:only\s+)?temporarily\b`,
				`\btemporarily\s+(?:stored|kept|retained|held|cached|logged|saved|store|keep|retain|hold|cache|log|save|remains?)\b`),
		}},
	}
})

// condition is the expressions of retention conditions that hold a word
// of words. An expression with a group named cond states the condition
// in that group alone (the rest is context).
type condition struct {
	words *prefilter
	res   []*regexp.Regexp
}
