// Package denial reads whether a clause says the service does not do
// what one of its attributes or mentions names: "We do not use
// advertising cookies" gets the attribute model's Purpose Advertising
// (OPP-115 annotates such a clause with the purpose and Does Not), and
// "We do not share personal data with data brokers" names a recipient.
// Such a value is no answer to what the service does: the summary does
// not list it, and the cross-policy index does not find the clause by it.
// The rule reads the sentence of the value's evidence.
package denial

import (
	"regexp"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/domain/policy"
)

var (
	// deniedRe finds the service saying it does not do a thing with data:
	// "we do not use", "we won't share", "we never sell", "Acme does not
	// disclose".
	deniedRe = sync.OnceValue(func() *regexp.Regexp {
		const verb = `(?i:use|collect|share|sell|disclose|process|rent|trade|transfer|provide|engage|display|serve|send)\w*`
		return regexp.MustCompile(`(?:(?i:\b(?:we|it|they|and)\s+(?:(?:do|does|did|will|shall|would)\s+not|(?:don|doesn|won|didn)[’']t|never))|\b\p{Lu}[\p{L}\p{N}&.-]*\s+(?:does|will)\s+not)\s+(?:[\w-]+\s+){0,2}?` + verb + `\b`)
	})
	// exceptRe finds an exception or a condition, under which the practice
	// does happen: "we do not share it except to comply with the law",
	// "without your consent", "we do not sell it, but we share it",
	// "although we do not sell it for money, we do sell it".
	exceptRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:except|unless|other\s+than|without|but|only|apart\s+from|besides|beyond|outside|although|though|while|whereas)\b|\bwe\s+(?:may\s+|also\s+|do\s+)?(?:use|share|collect|disclose|process|sell)\b`)
	})
)

// Mark sets the Denied flag of each attribute and mention of c that its
// evidence says the service does not do, with no exception.
func Mark(c *policy.Clause) {
	for i := range c.Attributes {
		c.Attributes[i].Denied = Attribute(c.Text, c.Attributes[i])
	}
	for i := range c.Mentions {
		c.Mentions[i].Denied = Mention(c.Text, c.Mentions[i])
	}
}

// Attribute reports whether a is one of the attributes the rule reads
// (what is collected, for what, and who receives it) and its evidence in
// text, the clause's, says the service does not do what a names, with no
// exception.
func Attribute(text string, a policy.Attribute) bool {
	if !deniable(a) || len(a.Spans) == 0 {
		return false
	}
	return deniesIn(spanText(text, a.Spans[0]))
}

// Mention reports whether the sentence of a named third party or recipient
// category in text, the clause's, says the service does not share with
// it: "We do not share personal data with advertisers, data brokers, or
// analytics companies".
func Mention(text string, m policy.Mention) bool {
	if m.Kind != policy.MentionThirdParty && m.Kind != policy.MentionRecipient {
		return false
	}
	return deniesIn(sentenceAt(text, m.Span))
}

// deniesIn reports whether sentence s denies a practice with no
// exception.
func deniesIn(s string) bool {
	// The expression only where its words are: most sentences deny
	// nothing.
	if !mayDeny(s) {
		return false
	}
	loc := deniedRe().FindStringIndex(s)
	if loc == nil {
		return false
	}
	// An exception anywhere in the sentence, or a practice stated after
	// the denial ("we do not sell it; we use it for analytics").
	return !exceptRe().MatchString(s[:loc[0]]) && !exceptRe().MatchString(s[loc[1]:])
}

// sentenceAt is the sentence of text (cut at a full stop, question or
// exclamation mark before a space, at a line break or a bullet) that holds
// the span, in code points of text.
func sentenceAt(text string, sp policy.Span) string {
	lo, hi, ok := byteRange(text, sp)
	if !ok || lo == hi {
		return ""
	}
	for lo > 0 && !sentenceStart(text, lo) {
		lo--
	}
	for hi < len(text) && !sentenceStart(text, hi+1) {
		hi++
	}
	return text[lo:hi]
}

// sentenceStart reports whether a sentence of text starts at byte i:
// after ". ", "? ", "! ", a line break, or at a bullet.
func sentenceStart(text string, i int) bool {
	if i <= 0 || i >= len(text) {
		return true
	}
	switch c := text[i-1]; {
	case c == '\n':
		return true
	case (c == ' ' || c == '\t') && i >= 2 && strings.ContainsRune(".?!", rune(text[i-2])):
		return true
	}
	return strings.HasPrefix(text[i:], "•")
}

// mayDeny reports whether s holds a word of denial: "not", "n't",
// "never", in any letter case.
func mayDeny(s string) bool {
	// at is the byte at i in ASCII lower case, 0 past the end.
	at := func(i int) byte {
		if i >= len(s) {
			return 0
		}
		return s[i] | 0x20
	}
	for i := 0; i < len(s); i++ {
		switch {
		case at(i) == 'n' && (at(i+1) == 'o' && at(i+2) == 't' || at(i+1) == 'e' && at(i+2) == 'v'):
			return true // "not", "never"
		case s[i] == '\'' && at(i+1) == 't':
			return true // "n't"
		case strings.HasPrefix(s[i:], "’") && at(i+len("’")) == 't':
			return true // "n’t"
		}
	}
	return false
}

// spanText is the text of a span in code points of text, "" for a span
// outside it.
func spanText(text string, sp policy.Span) string {
	lo, hi, ok := byteRange(text, sp)
	if !ok {
		return ""
	}
	return text[lo:hi]
}

// byteRange returns the byte offsets of a span in code points of text;
// ok is false for a span outside it.
func byteRange(text string, sp policy.Span) (lo, hi int, ok bool) {
	lo, hi = -1, -1
	i := 0
	for b := range text {
		if i == sp.Start {
			lo = b
		}
		if i == sp.End {
			hi = b
			break
		}
		i++
	}
	if hi < 0 && i == sp.End {
		hi = len(text)
		if lo < 0 && sp.Start == i {
			lo = len(text)
		}
	}
	return lo, hi, lo >= 0 && hi >= lo
}

// deniable are the attributes whose items the rule checks: what is
// collected, for what, and who receives it.
func deniable(a policy.Attribute) bool {
	switch a.Attribute {
	case "Personal Information Type", "Purpose", "Third Party Entity":
		return a.Category == "First Party Collection/Use" || a.Category == "Third Party Sharing/Collection"
	}
	return false
}
