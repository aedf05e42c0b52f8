package store

import (
	"slices"
	"testing"
)

// Label index keys sort by descending score, then policy id, then ordinal.
func TestLabelGSISKOrder(t *testing.T) {
	keys := []string{
		labelGSISK(1, "b-000000000000", 9, "1"),
		labelGSISK(0.9999, "a-000000000000", 1, "1"),
		labelGSISK(0.5, "a-000000000000", 2, "1"),
		labelGSISK(0.5, "a-000000000000", 10, "1"),
		labelGSISK(0.5, "b-000000000000", 1, "1"),
		labelGSISK(0.00004, "a-000000000000", 1, "1"),
	}
	if !slices.IsSorted(keys) {
		t.Errorf("keys out of order: %q", keys)
	}
	for _, k := range keys {
		if !ValidLabelPosition(k) {
			t.Errorf("ValidLabelPosition(%q) = false", k)
		}
	}
	if ValidLabelPosition("00000#a#000001#1#x") || ValidPolicyPosition("2025-01-01#x") {
		t.Error("malformed positions accepted")
	}
}

func TestTruncateUTF8(t *testing.T) {
	tests := []struct {
		s    string
		n    int
		want string
		cut  bool
	}{
		{"hello", 10, "hello", false},
		{"hello", 5, "hello", false},
		{"héllo", 2, "h", true},
		{"héllo", 3, "hé", true},
		{"日本", 4, "日", true},
	}
	for _, tt := range tests {
		got, cut := truncateUTF8(tt.s, tt.n)
		if got != tt.want || cut != tt.cut {
			t.Errorf("truncateUTF8(%q, %d) = %q, %v; want %q, %v", tt.s, tt.n, got, cut, tt.want, tt.cut)
		}
	}
}

// The clean-up of a version that stops being current deletes the items
// sorting before entriesEnd: all its index entries, none of the items a
// kept version needs.
func TestEntriesSortBeforeClauses(t *testing.T) {
	for _, sk := range []string{labelSK("data-retention", 1), AttributeKey("a", "b", "c").sk(1), AttributeKey("a", "b", "").sk(1),
		MentionIndexKey("region", "eea/uk").sk(1), MentionIndexKey("region", "").sk(1)} {
		if sk >= entriesEnd {
			t.Errorf("index entry %q sorts after %q", sk, entriesEnd)
		}
	}
	for _, sk := range []string{clauseSK(0), summarySortKey, versionSortKey} {
		if sk < entriesEnd {
			t.Errorf("%q sorts before %q: a kept version would lose it", sk, entriesEnd)
		}
	}
}
