package attributes

import (
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// A query is read in the form mentions are given, whatever way it is
// written; values of other kinds stay as written.
func TestCanonical(t *testing.T) {
	for _, c := range []struct{ kind, in, want string }{
		{policy.MentionRecipient, "A Payment Processor", "payment processors"},
		{policy.MentionRecipient, "our third party  partner", "third-party partners"},
		{policy.MentionRecipient, "ad networks", "advertising networks"},
		{policy.MentionRecipient, "law enforcement", "law enforcement"},
		{policy.MentionRetention, "For so long as it is reasonably necessary", RetainNecessary},
		{policy.MentionRetention, "as long as they are needed", RetainNecessary},
		{policy.MentionRetention, "30 days", "30 days"},
		{policy.MentionRetention, "Seven (7) Years", "7 years"},
		{policy.MentionRetention, "a month", "1 month"},
		{policy.MentionRetention, "thirty-six months", "36 months"},
		{policy.MentionRetention, "48 hours", "48 hours"},
		{policy.MentionRetention, "until you delete your account", RetainUntilAccountDeleted},
		{policy.MentionRetention, "something else", "something else"},
		{policy.MentionChangeNotice, "thirty days notice", "30 days' notice"},
		{policy.MentionChangeNotice, "30 days' notice", "30 days' notice"},
		{policy.MentionChangeNotice, "a week", "1 week's notice"},
		{policy.MentionChangeNotice, "2 weeks advance notice", "2 weeks' notice"},
		{policy.MentionChangeNotice, "Email", "personal notice"},
		{policy.MentionChangeNotice, "500 days", "500 days"},
		{policy.MentionThirdParty, "Google Analytics", "Google Analytics"},
		{policy.MentionSecurity, "ISO/IEC  27001", "ISO 27001"},
		{policy.MentionSecurity, "tls", "encryption in transit"},
		{policy.MentionSecurity, "2FA", "multi-factor authentication"},
		{policy.MentionSecurity, "quantum locks", "quantum locks"},
		{policy.MentionRight, "Right to be forgotten", "deletion"},
		{policy.MentionRight, "data portability", "portability"},
		{policy.MentionDataType, "SSN", "government identifiers"},
		{policy.MentionDataType, "Biometrics", "biometric data"},
		{policy.MentionOptOut, "Unsubscribe  Link", "unsubscribe"},
		{policy.MentionOptOut, "link to unsubscribe", "unsubscribe"},
		{policy.MentionOptOut, "your Cookies Settings", "cookie settings"},
		{policy.MentionOptOut, "E-mail preferences", "email preferences"},
		{policy.MentionOptOut, "ads settings", "ad settings"},
		{policy.MentionOptOut, "privacy choices", "privacy choices"},
		{policy.MentionOptOut, "https://example.org/Unsubscribe", "https://example.org/Unsubscribe"},
		{policy.MentionOptOut, "Privacy@Example.org", "Privacy@Example.org"},
	} {
		if got := Canonical(c.kind, c.in); got != c.want {
			t.Errorf("Canonical(%s, %q) = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}

// The ways policies write a retention condition each read as one value;
// words that state none of them read as none.
func TestRetentionCondition(t *testing.T) {
	for in, want := range map[string]string{
		"as long as strictly necessary":                                RetainNecessary,
		"for the time period reasonably needed to":                     RetainNecessary,
		"no longer than is necessary":                                  RetainNecessary,
		"as long as we have a legitimate business need":                RetainNecessary,
		"until it is no longer needed":                                 RetainNecessary,
		"as long as you maintain an account":                           RetainAccountActive,
		"while you remain a registered member":                         RetainAccountActive,
		"for the lifetime of your account":                             RetainAccountActive,
		"as long as you continue to use":                               RetainAccountActive,
		"until your membership is cancelled":                           RetainUntilAccountDeleted,
		"until the closure of your user account":                       RetainUntilAccountDeleted,
		"until you request deletion":                                   RetainUntilAccountDeleted,
		"for the duration of the contractual relationship":             RetainRelationship,
		"as long as we have a relationship":                            RetainRelationship,
		"until you withdraw your consent":                              RetainConsent,
		"until you object":                                             RetainConsent,
		"the statutory retention periods":                              RetainRequiredByLaw,
		"for the period prescribed by applicable laws and regulations": RetainRequiredByLaw,
		"as long as required by law":                                   RetainRequiredByLaw,
		"legally prescribed period":                                    RetainRequiredByLaw,
		"as long as permitted by law":                                  RetainPermittedByLaw,
		"Indefinitely":                                                 RetainIndefinitely,
		"when your account is deleted":                                 RetainUntilAccountDeleted,
		"once the VPN service account is terminated":                   RetainUntilAccountDeleted,
		"for a reasonable period of time":                              RetainReasonable,
		"as long as reasonably necessary":                              RetainNecessary,
		"temporarily stored":                                           RetainTemporarily,
		"deleted when no longer needed":                                RetainNecessary,
		"30 days":                                                      "",
		"for a while":                                                  "",
	} {
		if got := RetentionCondition(in); got != want {
			t.Errorf("RetentionCondition(%q) = %q, want %q", in, got, want)
		}
	}
	for _, v := range RetentionConditions {
		if got := RetentionCondition(v); got != v {
			t.Errorf("RetentionCondition(%q) = %q: a value does not read as itself", v, got)
		}
	}
}
