package mentions

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/local/fixture"
)

// The prefilters only save time: every paragraph of the sample policies
// and formats gives the same mentions with and without them, and the
// paragraphs do hold mentions of every kind.
func TestPrefilterKeepsMentions(t *testing.T) {
	var paths []string
	for _, dir := range []string{"policies", "formats"} {
		m, err := filepath.Glob(fixture.Path("testdata", dir, "*"))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	kinds := map[string]int{}
	n := 0
	// And text written for this test, with the kinds the samples lack.
	own := "We use Google Analytics and Stripe. Payments go to PayPal, Inc. and reCAPTCHA checks forms. " +
		"Residents of the U.K. and Québec may write to us. Kept for 7 years. Our partners (advertising partners) see it. " +
		"We treat a Global Privacy Control or other universal opt-out preference signal as a request to opt out; our apps do not read GPC. " +
		"Data is encrypted in transit with TLS, and we hold ISO 27001, ISO27018 and SOC 2 reports; see https://example.com/security. " +
		"You have the right to erasure and to data portability, and may lodge a complaint with a supervisory authority. " +
		"We collect your date of birth, a face print and your passports' numbers to verify you."
	for _, para := range []string{own, strings.ReplaceAll(own, ". ", ".\n")} {
		n++
		if fast, slow := find(para, true), find(para, false); !reflect.DeepEqual(fast, slow) {
			t.Errorf("%q\nwith prefilters %v\nwithout %v", para, fast, slow)
		}
		for _, m := range find(para, false) {
			kinds[m.Kind]++
		}
	}
	for _, p := range paths {
		if ext := filepath.Ext(p); ext != ".txt" && ext != ".md" && ext != ".html" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, para := range strings.Split(string(data), "\n\n") {
			n++
			fast, slow := find(para, true), find(para, false)
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("%s: %q\nwith prefilters %v\nwithout %v", filepath.Base(p), para, fast, slow)
			}
			for _, m := range slow {
				kinds[m.Kind]++
			}
		}
	}
	if n < 200 || len(kinds) < 7 {
		t.Errorf("%d paragraphs with mentions of %d kinds (%v): the samples no longer exercise every expression", n, len(kinds), kinds)
	}
}

func BenchmarkFind(b *testing.B) {
	data, err := os.ReadFile(fixture.Path("testdata", "policies", "lumen-fitness.txt"))
	if err != nil {
		b.Fatal(err)
	}
	paras := strings.Split(string(data), "\n\n")
	b.ResetTimer()
	for b.Loop() {
		for _, p := range paras {
			Find(p)
		}
	}
}

// The prefilters keep the mentions of any text, and Find never panics.
func FuzzPrefilter(f *testing.F) {
	for _, s := range []string{
		"We keep logs for 30 days and share them with advertising partners such as Google Analytics.",
		"If you are under the age of sixteen (16), ask a parent. Residents of the U.K. and Québec may opt-out.",
		"Visit https://example.com/privacy or write to privacy@example.com to unsubscribe; minimum age is 13.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if fast, slow := find(text, true), find(text, false); !reflect.DeepEqual(fast, slow) {
			t.Errorf("%q\nwith prefilters %v\nwithout %v", text, fast, slow)
		}
	})
}
