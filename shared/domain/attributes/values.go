package attributes

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/policylens/policylens/shared/domain/policy"
)

// The canonical values of mentions: one form for the ways of writing one
// value, which the mentions are given (package mentions) and a query of
// GET /mentions/{kind}/clauses is read in (Canonical), so that a query
// for "a service provider" finds "service providers".

// Canonical returns the form of value that mentions of kind (a
// policy.Mention* name) are given: for recipient categories,
// RecipientCategory; for retention periods, RetentionPeriod; for opt-out
// mechanisms named in words, SettingName; for security
// measures, rights, kinds of data and change notices, the value a known
// way of writing it stands for (and for a change notice's period,
// NoticePeriod); other values as they are.
func Canonical(kind, value string) string {
	switch kind {
	case policy.MentionRecipient:
		return RecipientCategory(value)
	case policy.MentionRetention:
		return RetentionPeriod(value)
	case policy.MentionOptOut:
		return SettingName(value)
	case policy.MentionSecurity, policy.MentionRight, policy.MentionDataType, policy.MentionChangeNotice:
		if v, ok := mentionForms()[kind][strings.ToLower(strings.Join(strings.Fields(value), " "))]; ok {
			return v
		}
		if kind == policy.MentionChangeNotice {
			if v, ok := NoticePeriod(value); ok {
				return v
			}
		}
	}
	return value
}

// SettingName is the value of an opt-out mention that names a setting
// or a mechanism in words: lower case, without "your" or "the", one name
// for the ways of writing one ("unsubscribe link" and "link to
// unsubscribe" are "unsubscribe"; "cookies settings" is "cookie
// settings", "e-mail preferences" "email preferences", "ads settings" "ad
// settings"). A link or an e-mail address is returned as it is.
func SettingName(value string) string {
	k := strings.ToLower(strings.Join(strings.Fields(value), " "))
	if k == "" || strings.ContainsAny(k, "@/:.") {
		return value
	}
	k = strings.TrimPrefix(strings.TrimPrefix(k, "your "), "the ")
	switch k {
	case "unsubscribe link", "link to unsubscribe":
		return "unsubscribe"
	}
	for _, f := range [...][2]string{{"cookies ", "cookie "}, {"e-mail ", "email "}, {"ads ", "ad "}} {
		if rest, ok := strings.CutPrefix(k, f[0]); ok {
			return f[1] + rest
		}
	}
	return k
}

// noticePeriodRe reads a notice period as a query writes it: "30 days",
// "30 days' notice", "thirty days notice", "2 weeks".
var noticePeriodRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)^\s*(\S+)\s+(day|week)s?['’]?(?:\s+(?:advance\s+)?notice)?\s*$`)
})

// NoticePeriod is the value of a change-notice mention that gives how long
// before a change takes effect ("30 days' notice", "1 week's notice"),
// read from a query's words or a policy's ("a week"); ok is false when
// they give no such period.
func NoticePeriod(s string) (string, bool) {
	m := noticePeriodRe().FindStringSubmatch(s)
	if m == nil {
		return "", false
	}
	n, ok := Number(m[1])
	if strings.EqualFold(m[1], "a") {
		n, ok = 1, true
	}
	if !ok || n < 1 || n > 365 {
		return "", false
	}
	if n == 1 {
		return Period(n, m[2]) + "'s notice", true
	}
	return Period(n, m[2]) + "' notice", true
}

// mentionForms map the ways a query may write a security measure, a right,
// a kind of data or a change notice (in lower case) to the value mentions
// of it are given.
var mentionForms = sync.OnceValue(func() map[string]map[string]string {
	forms := map[string]map[string][]string{
		policy.MentionSecurity: {
			"encryption in transit":       {"tls", "ssl", "https", "encryption in transit", "transport layer security"},
			"encryption at rest":          {"encryption at rest", "encrypted at rest"},
			"end-to-end encryption":       {"end-to-end encryption", "end to end encryption", "e2ee"},
			"encryption":                  {"encryption", "encrypted"},
			"multi-factor authentication": {"multi-factor authentication", "mfa", "2fa", "two-factor authentication", "two-step verification"},
			"access controls":             {"access controls", "access control", "least privilege", "need-to-know basis", "role-based access"},
			"pseudonymisation":            {"pseudonymisation", "pseudonymization"},
			"hashing":                     {"hashing", "hashed"},
			"firewalls":                   {"firewalls", "firewall"},
			"penetration testing":         {"penetration testing", "penetration tests", "pen testing"},
			"bug bounty":                  {"bug bounty"},
			"security audits":             {"security audits", "security audit"},
			"security training":           {"security training", "privacy training"},
			"ISO 27001":                   {"iso 27001", "iso/iec 27001", "iso27001"},
			"ISO 27017":                   {"iso 27017", "iso/iec 27017", "iso27017"},
			"ISO 27018":                   {"iso 27018", "iso/iec 27018", "iso27018"},
			"ISO 27701":                   {"iso 27701", "iso/iec 27701", "iso27701"},
			"SOC 2":                       {"soc 2", "soc2", "soc 2 type ii", "soc 2 type 2"},
			"PCI DSS":                     {"pci dss", "pci-dss", "pci"},
		},
		policy.MentionRight: {
			"access":                     {"access", "right of access", "right to access", "right to know"},
			"correction":                 {"correction", "rectification", "right to correct", "right to rectification"},
			"deletion":                   {"deletion", "erasure", "right to be forgotten", "right to delete", "right to erasure"},
			"portability":                {"portability", "data portability", "right to data portability"},
			"restriction of processing":  {"restriction of processing", "restriction", "right to restrict processing"},
			"objection to processing":    {"objection to processing", "objection", "right to object"},
			"withdrawal of consent":      {"withdrawal of consent", "withdraw consent"},
			"opt out of sale or sharing": {"opt out of sale or sharing", "opt out of sale", "opt out of sharing", "do not sell"},
			"complaint to an authority":  {"complaint to an authority", "complaint", "right to lodge a complaint"},
			"appeal":                     {"appeal", "right to appeal"},
			"non-discrimination":         {"non-discrimination", "nondiscrimination"},
			"automated decisions":        {"automated decisions", "automated decision-making", "profiling"},
		},
		policy.MentionDataType: {
			"biometric data":                 {"biometric data", "biometrics", "biometric information", "facial recognition", "fingerprints", "voiceprints"},
			"precise geolocation":            {"precise geolocation", "precise location", "gps location"},
			"health data":                    {"health data", "health information", "medical data", "medical information"},
			"genetic data":                   {"genetic data", "genetic information"},
			"government identifiers":         {"government identifiers", "ssn", "social security number", "passport", "driver's license", "national id"},
			"payment card data":              {"payment card data", "credit card", "card number", "credit card number"},
			"bank account details":           {"bank account details", "bank account", "bank account number"},
			"date of birth":                  {"date of birth", "birthday", "birth date"},
			"racial or ethnic origin":        {"racial or ethnic origin", "race", "ethnicity", "ethnic origin"},
			"religious beliefs":              {"religious beliefs", "religion"},
			"sexual orientation or sex life": {"sexual orientation or sex life", "sexual orientation", "sex life"},
			"political opinions":             {"political opinions", "political views"},
			"trade union membership":         {"trade union membership", "union membership"},
			"criminal records":               {"criminal records", "criminal convictions"},
			"voice recordings":               {"voice recordings", "call recordings", "audio recordings"},
			"contacts":                       {"contacts", "address book", "contact list"},
			"browsing or search history":     {"browsing or search history", "browsing history", "search history"},
			"message content":                {"message content", "content of messages", "messages"},
		},
		policy.MentionChangeNotice: {
			"personal notice":                  {"personal notice", "email", "e-mail", "email notice", "notice by email", "direct notice", "in-app notification"},
			"general notice on website":        {"general notice on website", "website notice", "notice on the website", "prominent notice", "banner"},
			"general notice in privacy policy": {"general notice in privacy policy", "posted on this page", "updated date", "last updated date", "revised date"},
			"check for changes":                {"check for changes", "no notification", "review periodically", "check regularly"},
			"consent sought for changes":       {"consent sought for changes", "consent", "consent for changes"},
		},
	}
	out := map[string]map[string]string{}
	for kind, values := range forms {
		out[kind] = map[string]string{}
		for v, ws := range values {
			out[kind][strings.ToLower(v)] = v
			for _, w := range ws {
				out[kind][w] = v
			}
		}
	}
	return out
})

// The values of a retention period stated as a condition rather than a
// length of time. Each stands for the ways of writing it: "as long as
// reasonably needed" and "for the period necessary to achieve the
// purposes" are RetainNecessary.
const (
	// RetainNecessary: as long as the purposes need it.
	RetainNecessary = "as long as necessary"
	// RetainAccountActive: while the user has an account, a membership or
	// a subscription, or uses the service.
	RetainAccountActive = "as long as your account is active"
	// RetainUntilAccountDeleted: until the account is deleted or closed,
	// or the user asks for deletion.
	RetainUntilAccountDeleted = "until you delete your account"
	// RetainRelationship: for the duration of the contract or of the
	// business relationship.
	RetainRelationship = "for the duration of the relationship"
	// RetainConsent: until consent is withdrawn, or the user objects or
	// unsubscribes.
	RetainConsent = "until consent is withdrawn"
	// RetainRequiredByLaw: the periods the law prescribes (statutory
	// retention periods).
	RetainRequiredByLaw = "as long as required by law"
	// RetainPermittedByLaw: as long as the law allows.
	RetainPermittedByLaw = "as long as permitted by law"
	// RetainIndefinitely: with no end.
	RetainIndefinitely = "indefinitely"
	// RetainReasonable: for a reasonable period, with no length stated.
	RetainReasonable = "for a reasonable period"
	// RetainTemporarily: kept or stored temporarily, with no length
	// stated.
	RetainTemporarily = "temporarily"
)

// RetentionConditions are the values of RetentionCondition, in the order
// its rules try them.
var RetentionConditions = []string{RetainIndefinitely, RetainTemporarily, RetainPermittedByLaw, RetainRequiredByLaw, RetainConsent,
	RetainUntilAccountDeleted, RetainRelationship, RetainAccountActive, RetainReasonable, RetainNecessary}

// RetentionPeriod is the value of a retention period in one form for the
// ways of writing it, so that one query finds them all: a length of time
// as a number of units ("seven (7) years" and "7 Years" are "7 years",
// "a month" is "1 month"), a condition as RetentionCondition gives it,
// anything else in lower case with its spaces collapsed.
func RetentionPeriod(words string) string {
	v := strings.ToLower(strings.Join(strings.Fields(words), " "))
	if p, ok := lengthOfTime(v); ok {
		return p
	}
	if c := RetentionCondition(v); c != "" {
		return c
	}
	return v
}

// RetentionCondition is the value (one of RetentionConditions) of the
// words of a retention period stated as a condition, read from the
// words it holds: "" when they state none of them. The words are what a
// policy wrote ("for so long as it is reasonably needed", "until your
// membership is cancelled", "the statutory retention periods") or a
// query's value.
func RetentionCondition(words string) string {
	w := " " + strings.Join(strings.FieldsFunc(strings.ToLower(words), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ") + " "
	has := func(ws ...string) bool {
		for _, x := range ws {
			if strings.Contains(w, " "+x+" ") {
				return true
			}
		}
		return false
	}
	prefix := func(ps ...string) bool {
		for _, x := range ps {
			if strings.Contains(w, " "+x) {
				return true
			}
		}
		return false
	}
	law := prefix("law", "legal", "statut", "regulat", "legislat")
	switch {
	case has("indefinitely", "indefinite"):
		return RetainIndefinitely
	case has("temporarily"):
		return RetainTemporarily
	case law && has("permitted", "allowed", "allows", "permits") && !prefix("requir", "prescrib", "stipulat", "specifi", "mandat", "oblig"):
		return RetainPermittedByLaw
	case law && (prefix("requir", "prescrib", "stipulat", "specifi", "mandat", "oblig", "statut") || has("retention", "storage")):
		return RetainRequiredByLaw
	case has("consent", "object", "objects", "unsubscribe", "unsubscribes", "opt", "opted", "withdraw", "withdraws", "revoke"):
		return RetainConsent
	case prefix("delet", "clos", "cancel", "terminat", "deactivat", "eras") && (has("until") ||
		has("when", "once", "upon") && has("account", "accounts", "membership", "subscription", "profile")):
		return RetainUntilAccountDeleted
	case has("relationship", "contract", "contractual", "agreement", "customer", "customers"):
		return RetainRelationship
	case has("account", "accounts", "membership", "member", "subscription", "subscribe", "subscriber", "profile",
		"registered", "registration", "use", "user"):
		return RetainAccountActive
	case has("reasonable") && has("period", "time", "amount", "length"):
		return RetainReasonable
	case has("necessary", "needed", "need", "required", "require", "requires"):
		return RetainNecessary
	}
	return ""
}

// lengthOfTime reads "30 days", "seven (7) years", "a month" (v in lower
// case) as a number of units, "N unit(s)".
func lengthOfTime(v string) (string, bool) {
	f := strings.Fields(v)
	if len(f) == 3 && strings.HasPrefix(f[1], "(") && strings.HasSuffix(f[1], ")") {
		f = []string{f[0], f[2]}
	}
	if len(f) != 2 {
		return "", false
	}
	unit := strings.TrimSuffix(f[1], "s")
	switch unit {
	case "hour", "day", "week", "month", "year":
	default:
		return "", false
	}
	n, ok := Number(f[0])
	if !ok {
		return "", false
	}
	return Period(n, unit), true
}

// numberWords are the number words lengths of time and ages are written
// with.
var numberWords = map[string]int{
	"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
	"fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
	"nineteen": 19, "twenty": 20, "twenty-one": 21, "twenty-four": 24, "thirty": 30,
	"thirty-six": 36, "forty": 40, "forty-five": 45, "sixty": 60, "ninety": 90,
	"a hundred": 100, "one hundred": 100, "a": 1, "an": 1,
}

// Number reads a number written in digits or in words ("7", "seven",
// "a hundred", in any letter case).
func Number(s string) (int, bool) {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if n, err := strconv.Atoi(s); err == nil {
		return n, true
	}
	n, ok := numberWords[s]
	return n, ok
}

// NumberWords returns the words Number reads, sorted.
func NumberWords() []string {
	return slices.Sorted(maps.Keys(numberWords))
}

// Period is a length of time in the one form mentions give it and a query
// is read in: "1 day", "30 days" (unit in the singular, any letter case).
func Period(n int, unit string) string {
	unit = strings.ToLower(unit)
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// RecipientCategory is the value of a recipient category in one form for the
// ways of writing it: lower case, without an article or "our" before it
// (as a query may write it), "third-party" hyphenated, the last noun
// in the plural ("a payment processor" is "payment processors"), "ad
// networks" as "advertising networks", "advisers" as "advisors",
// "governmental" as "government" and "subprocessors" as "sub-processors".
func RecipientCategory(words string) string {
	v := strings.ToLower(strings.Join(strings.Fields(words), " "))
	for _, det := range []string{"a ", "an ", "the ", "our ", "its ", "any "} {
		v = strings.TrimPrefix(v, det)
	}
	v = strings.ReplaceAll(v, "third party", "third-party")
	head, last := "", v
	if i := strings.LastIndexByte(v, ' '); i >= 0 {
		head, last = v[:i+1], v[i+1:]
	}
	switch last {
	case "partner", "provider", "processor", "vendor", "network", "platform", "broker":
		last += "s"
	case "subprocessors":
		last = "sub-processors"
	case "advisers":
		last = "advisors"
	}
	switch head {
	case "ad ":
		head = "advertising "
	case "governmental ":
		head = "government "
	}
	return head + last
}
