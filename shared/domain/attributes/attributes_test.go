package attributes

import (
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

func TestSlugsAreUniqueAndFindable(t *testing.T) {
	pairs := map[string]bool{}
	for _, a := range All() {
		key := a.CategorySlug + "/" + a.Slug
		if pairs[key] {
			t.Errorf("attribute %s / %s has a slug used twice", a.Category, a.Name)
		}
		pairs[key] = true
		if len(a.Values) == 0 {
			t.Errorf("%s / %s has no values", a.Category, a.Name)
		}
		values := map[string]bool{}
		for _, v := range a.Values {
			if values[v.Slug] || v.Slug == "" {
				t.Errorf("%s / %s: value %q has an empty or repeated slug %q", a.Category, a.Name, v.Name, v.Slug)
			}
			values[v.Slug] = true
			if v.Name == "Unspecified" || v.Name == "Other" {
				t.Errorf("%s / %s lists %q, which the model never predicts", a.Category, a.Name, v.Name)
			}
			for _, s := range []string{v.Name, v.Slug, strings.ToUpper(v.Name)} {
				if got, ok := a.Value(s); !ok || got != v {
					t.Errorf("Value(%q) = %v, %v", s, got, ok)
				}
			}
		}
		for _, c := range []string{a.Category, a.CategorySlug} {
			for _, n := range []string{a.Name, a.Slug, strings.ToLower(a.Name)} {
				if got, ok := Find(c, n); !ok || got.Name != a.Name || got.Category != a.Category {
					t.Errorf("Find(%q, %q) = %v, %v", c, n, got.Name, ok)
				}
			}
		}
	}
	if _, ok := Find("Data Retention", "Purpose"); ok {
		t.Error("Find takes an attribute of another category")
	}
	if _, ok := Find("Other", "Other Type"); ok {
		t.Error("Other Type is in the vocabulary")
	}
	a, ok := Find("third-party-sharing-collection", "personal-information-type")
	if !ok {
		t.Fatal("no Third Party Sharing/Collection > Personal Information Type")
	}
	if v, ok := a.Value("location"); !ok || v.Name != "Location" {
		t.Errorf("Value(location) = %v, %v", v, ok)
	}
}

func TestKindsFollowTheDomain(t *testing.T) {
	if len(Kinds) != len(policy.MentionKinds) {
		t.Fatalf("%d kinds, the domain has %d", len(Kinds), len(policy.MentionKinds))
	}
	for i, k := range Kinds {
		if k.Name != policy.MentionKinds[i] {
			t.Errorf("kind %d is %q, the domain says %q", i, k.Name, policy.MentionKinds[i])
		}
		if got, ok := KindOf(strings.ToUpper(k.Name)); !ok || got != k {
			t.Errorf("KindOf(%q) = %v, %v", k.Name, got, ok)
		}
	}
}

func TestMentionKey(t *testing.T) {
	tp := policy.MentionThirdParty
	if MentionKey(tp, "  Google \t Analytics ") != MentionKey(tp, "google analytics") {
		t.Error("case and white space change the key")
	}
	if MentionKey(tp, "Stripe") == MentionKey(tp, "Google Analytics") {
		t.Error("two values share a key")
	}
	long := strings.Repeat("ä", 300)
	k1, k2 := MentionKey(tp, long+"a"), MentionKey(tp, long+"b")
	if len(k1) > maxKeyBytes || k1 == k2 || !strings.Contains(k1, "~") {
		t.Errorf("long keys: %d bytes, distinct %v", len(k1), k1 != k2)
	}
}

// One opt-out link written several ways is one value to a query; other
// links, addresses and settings stay apart.
func TestMentionKeyOptOutLinks(t *testing.T) {
	oo := policy.MentionOptOut
	same := [][]string{
		{"https://www.example.org/choices/", "http://example.org/choices", "www.Example.org/choices", "example.org/choices//"},
		{"mailto:privacy@example.org", "Privacy@Example.org"},
		{"Privacy  Settings", "privacy settings"},
	}
	var keys []string
	for _, group := range same {
		k := MentionKey(oo, group[0])
		for _, v := range group[1:] {
			if got := MentionKey(oo, v); got != k {
				t.Errorf("MentionKey(opt-out, %q) = %q, want %q as for %q", v, got, k, group[0])
			}
		}
		keys = append(keys, k)
	}
	for _, v := range []string{"https://example.org/choices/ads", "https://example.com/choices", "https://optout.example.org/"} {
		k := MentionKey(oo, v)
		if slices.Contains(keys, k) {
			t.Errorf("MentionKey(opt-out, %q) = %q, the key of another value", v, k)
		}
		keys = append(keys, k)
	}
	// Only opt-out values are read as links: a third party named with
	// its address keeps it.
	if MentionKey(policy.MentionThirdParty, "www.example.org") == MentionKey(policy.MentionThirdParty, "example.org") {
		t.Error("a third party's key lost its www.")
	}
}
