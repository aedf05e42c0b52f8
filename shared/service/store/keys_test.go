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
