package attributes

import (
	"strings"

	"github.com/policylens/policylens/shared/domain/policy"
)

// The canonical values of mentions: one form for the ways of writing one
// value, which the mentions are given (package mentions) and a query of
// GET /mentions/{kind}/clauses is read in (Canonical), so that a query
// for "a service provider" finds "service providers".

// Canonical returns the form of value that mentions of kind (a
// policy.Mention* name) are given: for recipient categories and retention
// periods stated as a condition, RecipientCategory and RetentionCondition;
// other values as they are.
func Canonical(kind, value string) string {
	switch kind {
	case policy.MentionRecipient:
		return RecipientCategory(value)
	case policy.MentionRetention:
		v := strings.ToLower(strings.Join(strings.Fields(value), " "))
		for _, p := range []string{"as long as ", "so long as ", "for as long as ", "for so long as "} {
			if strings.HasPrefix(v, p) {
				return RetentionCondition(value)
			}
		}
	}
	return value
}

// RetentionCondition is the value of a retention period stated as a
// condition, in
// one form for the ways of writing it, so that one query finds them all:
// lower case, without "for", "so long as" as "as long as", and without
// the verb before necessary, needed or required ("as long as it is
// necessary" and "as long as is necessary" are "as long as necessary").
func RetentionCondition(words string) string {
	v := strings.ToLower(strings.Join(strings.Fields(words), " "))
	v = strings.TrimPrefix(v, "for ")
	if rest, ok := strings.CutPrefix(v, "so long as "); ok {
		v = "as long as " + rest
	}
	if rest, ok := strings.CutPrefix(v, "as long as "); ok {
		for _, verb := range []string{"it is ", "is ", "they are ", "are ", "we are "} {
			if r, ok := strings.CutPrefix(rest, verb); ok && needWord(r) {
				return "as long as " + r
			}
		}
	}
	return v
}

// needWord reports whether s is "necessary", "needed" or "required",
// perhaps after "reasonably" or "strictly", and perhaps with "by law".
func needWord(s string) bool {
	s = strings.TrimPrefix(strings.TrimPrefix(s, "reasonably "), "strictly ")
	for _, w := range []string{"necessary", "needed", "required"} {
		if s == w || strings.HasPrefix(s, w+" ") {
			return true
		}
	}
	return false
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
