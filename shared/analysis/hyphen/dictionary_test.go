package hyphen_test

import (
	"testing"

	"github.com/policylens/policylens/shared/analysis/hyphen"
)

// The embedded word list decodes and orders words by how common they are.
func TestEnglish(t *testing.T) {
	d := hyphen.English()
	if d.Len() < 100000 {
		t.Fatalf("the embedded word list has %d words; want the ~190,000 of scripts/glovewords", d.Len())
	}
	for _, tt := range []struct{ common, rarer string }{
		{"information", "clearinghouse"},
		{"email", "e-mail"},
		{"twelve-month", "twelvemonth"},
	} {
		c, r := d.Rank(tt.common), d.Rank(tt.rarer)
		if c == 0 || (r != 0 && c >= r) {
			t.Errorf("Rank(%q) = %d, Rank(%q) = %d: want the first known and more common", tt.common, c, tt.rarer, r)
		}
	}
	if r := d.Rank("infor"); r != 0 {
		t.Errorf("Rank(%q) = %d, want 0 (not a word)", "infor", r)
	}
}

func TestDictionaryRoundTrip(t *testing.T) {
	data := hyphen.EncodeDictionary([]string{"alpha", "beta", "gamma"}, []int{1, 50, 1000}, 1000)
	d, err := hyphen.DecodeDictionary(data)
	if err != nil {
		t.Fatal(err)
	}
	a, b, g := d.Rank("alpha"), d.Rank("beta"), d.Rank("gamma")
	if !(a >= 1 && a < b && b < g && g <= 255) {
		t.Errorf("ranks alpha %d, beta %d, gamma %d: want 1 <= alpha < beta < gamma <= 255", a, b, g)
	}
	if d.Rank("delta") != 0 {
		t.Error("a word not in the list has a rank")
	}
	if _, err := hyphen.DecodeDictionary(data[:len(data)-1]); err == nil {
		t.Error("a truncated list decodes without error")
	}
}
