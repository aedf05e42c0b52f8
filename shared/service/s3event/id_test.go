package s3event

import (
	"slices"
	"strings"
	"testing"
)

func TestPolicyID(t *testing.T) {
	tests := []struct {
		bucket, key string
		slug        string
	}{
		{"b", "Privacy Policy 2024.pdf", "privacy-policy-2024-pdf"},
		{"b", "legal/EU/privacy+terms.HTML", "legal-eu-privacy-terms-html"},
		{"b", "--weird__name--.txt", "weird-name-txt"},
		{"b", "données/politique.md", "donn-es-politique-md"},
		{"b", "日本語.txt", "txt"},
		{"b", "§§§", "policy"},
		{"b", strings.Repeat("section/", 20) + "final-privacy-notice.pdf", "section-section-section-section-final-privacy-notice-pdf"},
	}
	for _, tt := range tests {
		id := PolicyID(tt.bucket, tt.key)
		slug, hash, ok := cutLast(id, "-")
		if !ok || slug != tt.slug || len(hash) != 12 {
			t.Errorf("PolicyID(%q) = %q, want %s-<12 hex digits>", tt.key, id, tt.slug)
		}
		if !ValidPolicyID(id) {
			t.Errorf("ValidPolicyID(%q) = false", id)
		}
		if PolicyID(tt.bucket, tt.key) != id {
			t.Errorf("PolicyID(%q) is not stable", tt.key)
		}
	}
	// Same slug, different keys or buckets: different ids.
	ids := []string{PolicyID("b", "a b.pdf"), PolicyID("b", "a+b.pdf"), PolicyID("c", "a b.pdf")}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != 3 {
		t.Errorf("ids collide: %v", ids)
	}
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}

func TestValidPolicyID(t *testing.T) {
	for _, s := range []string{"", "abc", "ABC-0123456789ab", "a-0123456789ag", "a--b-0123456789ab", "-a-0123456789ab",
		"a#b-0123456789ab", strings.Repeat("a", 61) + "-0123456789ab"} {
		if ValidPolicyID(s) {
			t.Errorf("ValidPolicyID(%q) = true", s)
		}
	}
}

// Order tokens compare as strings the way S3 says sequencers compare: as
// numbers, after padding the shorter with zeros.
func TestOrderToken(t *testing.T) {
	ordered := []string{"0", "9", "0A", "00FF", "100", "0055AED6DCD90281E5", "0055AED6DCD90281E6", "0155AED6DCD90281E5"}
	var toks []string
	for _, s := range ordered {
		tok, err := OrderToken(s, "")
		if err != nil {
			t.Fatalf("OrderToken(%q): %v", s, err)
		}
		toks = append(toks, tok)
	}
	for i := 1; i < len(toks); i++ {
		if toks[i-1] >= toks[i] {
			t.Errorf("token of %s (%s) does not sort before that of %s (%s)", ordered[i-1], toks[i-1], ordered[i], toks[i])
		}
	}
	a, _ := OrderToken("00ab", "")
	b, _ := OrderToken("AB", "")
	if a != b {
		t.Errorf("equal sequencers give %s and %s", a, b)
	}
	times := []string{"2025-01-01T00:00:00.000Z", "2025-01-01T00:00:00.000001Z", "2025-01-01T00:00:00.5", "2025-01-01T01:00:00+00:00"}
	var prev string
	for _, tm := range times {
		tok, err := OrderToken("", tm)
		if err != nil {
			t.Fatalf("OrderToken(time %q): %v", tm, err)
		}
		if tok <= prev {
			t.Errorf("event time %s does not sort after the one before", tm)
		}
		prev = tok
	}
	for _, bad := range [][2]string{{"xyz", ""}, {strings.Repeat("1", 33), ""}, {"", ""}, {"", "yesterday"}, {"", "1960-01-01T00:00:00Z"}} {
		if tok, err := OrderToken(bad[0], bad[1]); err == nil {
			t.Errorf("OrderToken(%q, %q) = %q, want an error", bad[0], bad[1], tok)
		}
	}
}
