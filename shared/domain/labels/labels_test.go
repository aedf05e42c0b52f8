package labels

import (
	"net/url"
	"testing"
)

func TestIndex(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"First Party Collection/Use", 0, true},
		{"first-party-collection-use", 0, true},
		{"data-retention", 4, true},
		{"DATA RETENTION", 4, true},
		{"  Do Not Track ", 7, true},
		{"Privacy contact information", 11, true},
		{"retention", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := Index(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("Index(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSlugsAreURLSafeAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range All {
		if url.PathEscape(l.Slug) != l.Slug {
			t.Errorf("slug %q needs escaping in a URL path", l.Slug)
		}
		if seen[l.Slug] {
			t.Errorf("slug %q used twice", l.Slug)
		}
		seen[l.Slug] = true
		if i, ok := Index(l.Slug); !ok || All[i] != l {
			t.Errorf("slug %q does not resolve to its own label", l.Slug)
		}
		if l.Description == "" {
			t.Errorf("label %q has no description", l.Name)
		}
	}
}
