package attributes

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/policylens/policylens/shared/domain/policy"
)

// The canonical values of mentions: one form for the ways of writing one
// value, which the mentions are given (package mentions) and a query of
// GET /mentions/{kind}/clauses is read in (Canonical), so that a query
// for "a service provider" finds "service providers".

// Canonical returns the form of value that mentions of kind (a
// policy.Mention* name) are given: for recipient categories,
// RecipientCategory; for retention periods, RetentionPeriod; other
// values as they are.
func Canonical(kind, value string) string {
	switch kind {
	case policy.MentionRecipient:
		return RecipientCategory(value)
	case policy.MentionRetention:
		return RetentionPeriod(value)
	}
	return value
}

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
)

// RetentionConditions are the values of RetentionCondition, in the order
// its rules try them.
var RetentionConditions = []string{RetainIndefinitely, RetainPermittedByLaw, RetainRequiredByLaw, RetainConsent,
	RetainUntilAccountDeleted, RetainRelationship, RetainAccountActive, RetainNecessary}

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
	case law && has("permitted", "allowed", "allows", "permits") && !prefix("requir", "prescrib", "stipulat", "specifi", "mandat", "oblig"):
		return RetainPermittedByLaw
	case law && (prefix("requir", "prescrib", "stipulat", "specifi", "mandat", "oblig", "statut") || has("retention", "storage")):
		return RetainRequiredByLaw
	case has("consent", "object", "objects", "unsubscribe", "unsubscribes", "opt", "opted", "withdraw", "withdraws", "revoke"):
		return RetainConsent
	case has("until") && prefix("delet", "clos", "cancel", "terminat", "deactivat", "eras"):
		return RetainUntilAccountDeleted
	case has("relationship", "contract", "contractual", "agreement", "customer", "customers"):
		return RetainRelationship
	case has("account", "accounts", "membership", "member", "subscription", "subscribe", "subscriber", "profile",
		"registered", "registration", "use", "user"):
		return RetainAccountActive
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
	n, err := strconv.Atoi(f[0])
	if err != nil {
		var ok bool
		if n, ok = smallNumbers[f[0]]; !ok {
			return "", false
		}
	}
	if n == 1 {
		return "1 " + unit, true
	}
	return strconv.Itoa(n) + " " + unit + "s", true
}

// smallNumbers are the number words a query may write a length of time
// with.
var smallNumbers = map[string]int{"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
	"fifteen": 15, "eighteen": 18, "twenty": 20, "thirty": 30, "sixty": 60, "ninety": 90}

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
