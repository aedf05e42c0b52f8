package mentions

import (
	"regexp"
	"slices"
	"strings"
	"sync"
)

// The security measures a clause names, beyond the OPP-115 values: what a
// vendor-risk review asks for (encryption in transit and at rest,
// multi-factor authentication, certifications such as ISO 27001 and SOC 2).
var securityGroups = [...]group{
	{around(map[string][2]int{"end": {0, 3}}), `end[\s-]to[\s-]end[\s-]encrypt(?:ed|ion|s)?`},
	{around(map[string][2]int{"encrypt": {0, 5}, "encrypted": {0, 5}, "encryption": {0, 5}, "encrypts": {0, 5}, "encrypting": {0, 5}}),
		`encrypt(?:ed|ion|s|ing)?(?:\s+(?:\w+\s+){0,3}?(?:in\s+transit|at\s+rest|(?:in|during)\s+transmission|in\s+storage|when\s+stored))?`},
	{around(map[string][2]int{"tls": {0, 0}, "tlsv1": {0, 1}, "ssl": {0, 0}, "sslv2": {0, 0}, "sslv3": {0, 0}, "https": {0, 0},
		"transport": {0, 2}, "secure": {0, 2}}),
		`TLS(?:v\d(?:\.\d)?)?|SSL(?:v\d)?|HTTPS|transport\s+layer\s+security|secure\s+sockets?\s+layer`},
	{around(map[string][2]int{"factor": {1, 1}, "step": {1, 1}, "2fa": {0, 0}, "mfa": {0, 0}}),
		`(?:two|multi|2)[\s-]factor\s+authentication|two[\s-]step\s+verification|2FA|MFA`},
	{around(map[string][2]int{"access": {2, 1}, "need": {0, 3}, "least": {0, 1}}),
		`access\s+controls?|need[\s-]to[\s-]know\s+basis|least[\s-]privilege|role[\s-]based\s+access`},
	{around(map[string][2]int{"pseudonymised": {0, 0}, "pseudonymized": {0, 0}, "pseudonymisation": {0, 0}, "pseudonymization": {0, 0},
		"pseudonymising": {0, 0}, "pseudonymizing": {0, 0}, "pseudonymise": {0, 0}, "pseudonymize": {0, 0}, "hashed": {0, 0},
		"hashing": {0, 0}, "firewall": {0, 0}, "firewalls": {0, 0}, "penetration": {0, 1}, "bug": {0, 1}}),
		`pseudonymi[sz](?:ed|ation|ing|e)|hash(?:ed|ing)|firewalls?|penetration\s+test(?:s|ing)?|bug\s+bount(?:y|ies)`},
	{around(map[string][2]int{"audit": {2, 0}, "audits": {2, 0}, "training": {3, 0}}),
		`(?:security|independent|third[\s-]party|external)\s+audits?|(?:security|privacy|data\s+protection)\s+(?:awareness\s+)?training`},
	{around(map[string][2]int{"iso": {0, 2}, "iso27001": {0, 0}, "iso27017": {0, 0}, "iso27018": {0, 0}, "iso27701": {0, 0},
		"soc": {0, 1}, "soc2": {0, 0}, "pci": {0, 1}, "payment": {0, 5}}),
		`ISO(?:/IEC)?[\s-]?27(?:001|017|018|701)|SOC[\s-]?2|PCI[\s-]DSS|Payment\s+Card\s+Industry\s+Data\s+Security\s+Standards?`},
}

// securityRes are the expressions of securityGroups.
var securityRes = sync.OnceValue(func() []*regexp.Regexp { return compile(securityGroups[:]) })

// The values of security-measure mentions.
const (
	securityInTransit  = "encryption in transit"
	securityAtRest     = "encryption at rest"
	securityEndToEnd   = "end-to-end encryption"
	securityEncryption = "encryption"
	securityMFA        = "multi-factor authentication"
	securityAccess     = "access controls"
)

// alsoRe finds the other half of "encrypted at rest and in transit" just
// after the first.
var alsoRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^,?\s+(?:and|&)\s+(?:(?:also|when|while)\s+)?(in\s+transit|at\s+rest|(?:in|during)\s+transmission|in\s+storage)\b`)
})

// postcodeRe ends a text with the first half of a British postcode
// ("EC2A" before "2FA").
var postcodeRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\b[A-Z]{1,2}\d[A-Z\d]?\s$`) })

// security is one security measure found: its value and its words.
type security struct {
	value      string
	start, end int
}

// securityMeasures returns the measures that the words text[start:end],
// a match of securityRes, state: none for an address's "https://" or a
// postcode's "2FA", two for "encrypted at rest and in transit".
func securityMeasures(text string, start, end int) []security {
	v := securityMeasure(text, start, end)
	if v == "" {
		return nil
	}
	out := []security{{v, start, end}}
	switch v {
	case securityInTransit, securityAtRest:
		// "encrypted in transit and at rest": both.
		if w := strings.ToLower(text[start:end]); strings.Contains(w, "rest") || strings.Contains(w, "stor") {
			if strings.Contains(w, "transit") || strings.Contains(w, "transmission") {
				out = append(out, security{securityAtRest, start, end})
			}
		}
		if m := alsoRe().FindStringSubmatchIndex(text[end:min(len(text), end+40)]); m != nil {
			other := securityAtRest
			if strings.HasPrefix(strings.ToLower(text[end+m[2]:end+m[3]]), "in") {
				other = securityInTransit
			}
			if !slices.ContainsFunc(out, func(s security) bool { return s.value == other }) {
				out = append(out, security{other, end + m[2], end + m[3]})
			}
		}
	}
	return out
}

// securityMeasure is the value of a security measure's words, "" when
// they are none.
func securityMeasure(text string, start, end int) string {
	if strings.HasPrefix(text[end:], ":/") {
		return "" // a URL's scheme
	}
	w := strings.ToLower(strings.Join(strings.Fields(text[start:end]), " "))
	if namesIdentifier(text, start, end, w) {
		return ""
	}
	switch {
	case strings.HasPrefix(w, "end"):
		return securityEndToEnd
	case strings.HasPrefix(w, "encrypt"):
		switch {
		case strings.Contains(w, " transit") || strings.Contains(w, " transmission"):
			return securityInTransit
		case strings.HasSuffix(w, " rest") || strings.HasSuffix(w, " storage") || strings.HasSuffix(w, " stored"):
			return securityAtRest
		}
		return securityEncryption
	case strings.HasPrefix(w, "tls") || strings.HasPrefix(w, "ssl") || w == "https" || strings.HasPrefix(w, "transport") || strings.HasPrefix(w, "secure"):
		return securityInTransit
	case w == "2fa" && postcodeRe().MatchString(text[max(0, start-6):start]):
		return ""
	case strings.Contains(w, "factor") || strings.Contains(w, "step") || w == "2fa" || w == "mfa":
		return securityMFA
	case strings.HasPrefix(w, "access") || strings.HasPrefix(w, "need") || strings.HasPrefix(w, "least") || strings.HasPrefix(w, "role"):
		return securityAccess
	case strings.HasPrefix(w, "pseudonymi"):
		return "pseudonymisation"
	case strings.HasPrefix(w, "hash"):
		return "hashing"
	case strings.HasPrefix(w, "firewall"):
		return "firewalls"
	case strings.HasPrefix(w, "penetration"):
		return "penetration testing"
	case strings.HasPrefix(w, "bug"):
		return "bug bounty"
	case strings.HasSuffix(w, "audit") || strings.HasSuffix(w, "audits"):
		return "security audits"
	case strings.HasSuffix(w, "training"):
		return "security training"
	case strings.HasPrefix(w, "iso"):
		return "ISO " + w[len(w)-5:]
	case strings.HasPrefix(w, "soc"):
		return "SOC 2"
	case strings.HasPrefix(w, "pci") || strings.HasPrefix(w, "payment"):
		return "PCI DSS"
	}
	return ""
}

// identifierRe starts a text with an identifier, perhaps after a second
// participle ("or encrypted"): "email addresses", "user IDs", "phone
// numbers".
var identifierRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^\s+(?:(?:or|and|,)\s+\w+ed\s+)?(?:e-?mails?|(?:\w+\s+)?identifiers?|(?:user\s+|device\s+|advertising\s+)?ids?|phone\s+numbers?)\b`)
})

// namesIdentifier reports whether the words text[start:end] (w, in lower
// case) make an identifier of what follows them rather than name a
// safeguard: "hashed email addresses" and "pseudonymised user IDs" are
// what advertising partners match people by; "a hashed or encrypted email
// address" too.
func namesIdentifier(text string, start, end int, w string) bool {
	if !strings.HasSuffix(w, "ed") {
		return false
	}
	switch {
	case strings.HasPrefix(w, "hash"), strings.HasPrefix(w, "pseudonymi"):
	case strings.HasPrefix(w, "encrypt"):
		// Only beside hashing: an "encrypted email" service is a safeguard.
		before := strings.ToLower(text[max(0, start-12):start])
		if !strings.Contains(before, "hashed or ") && !strings.Contains(before, "hashed and ") {
			return false
		}
	default:
		return false
	}
	return identifierRe().MatchString(strings.ToLower(text[end:min(len(text), end+60)]))
}
