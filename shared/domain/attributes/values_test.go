package attributes

import (
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// A query is read in the form mentions are given, whatever way it is
// written; values of other kinds, and retention periods that are not a
// condition, stay as written.
func TestCanonical(t *testing.T) {
	for _, c := range []struct{ kind, in, want string }{
		{policy.MentionRecipient, "A Payment Processor", "payment processors"},
		{policy.MentionRecipient, "our third party  partner", "third-party partners"},
		{policy.MentionRecipient, "ad networks", "advertising networks"},
		{policy.MentionRecipient, "law enforcement", "law enforcement"},
		{policy.MentionRetention, "For so long as it is reasonably necessary", "as long as reasonably necessary"},
		{policy.MentionRetention, "as long as they are needed", "as long as needed"},
		{policy.MentionRetention, "30 days", "30 days"},
		{policy.MentionRetention, "until you delete your account", "until you delete your account"},
		{policy.MentionThirdParty, "Google Analytics", "Google Analytics"},
	} {
		if got := Canonical(c.kind, c.in); got != c.want {
			t.Errorf("Canonical(%s, %q) = %q, want %q", c.kind, c.in, got, c.want)
		}
	}
}
