package segment_test

import (
	"context"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

// The sample policies of testdata/formats, each as text (the reference),
// Markdown, HTML and PDF printed by pdfTeX (two hyphenated columns),
// Chromium and LibreOffice: what a user reads must not depend on the
// format the policy came in.

var formatPolicies = []string{"lumen-fitness", "pebble-kids", "tidewater-dental", "harbor-books", "quillmate"}

var formatVersions = []string{".md", ".html", "-pdftex.pdf", "-chromium.pdf", "-libreoffice.pdf"}

type analysed struct {
	doc     *policy.Document
	clauses []policy.Clause
	title   string
}

var formatCache = map[string]analysed{}

func analyse(t *testing.T, name string) analysed {
	t.Helper()
	if a, ok := formatCache[name]; ok {
		return a
	}
	doc, err := extract.Extract(context.Background(), name, fixture.Read(t, "testdata", "formats", name), policy.Limits{})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	a := analysed{doc: doc, clauses: segment.Split(doc, segment.Options{}), title: facts.Find(doc).Title}
	formatCache[name] = a
	return a
}

// words splits text into lower-case words without the punctuation around
// them (a hyphen inside a word stays), ligatures unfolded.
func words(s string) []string {
	s = strings.NewReplacer("’", "'", "“", `"`, "”", `"`).Replace(norm.NFKC.String(s))
	var out []string
	for _, f := range strings.Fields(s) {
		if w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })); w != "" {
			out = append(out, w)
		}
	}
	return out
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range words(s) {
		m[w] = true
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	if u := len(a) + len(b) - inter; u > 0 {
		return float64(inter) / float64(u)
	}
	return 1
}

// Every version gives the text version's clauses: at least 97% of them
// are matched by one of its clauses (word sets at least 80% alike), with
// 1.00 to 1.10 times as many clauses, over the five policies. (Chromium
// gives 0.99 times as many: a page of pebble-kids ends with a paragraph
// whose last line is full, and nothing on the page tells that from a
// paragraph going on; the two paragraphs make one clause.)
func TestSameClausesInEveryFormat(t *testing.T) {
	for _, v := range formatVersions {
		ref, matched, got := 0, 0, 0
		for _, name := range formatPolicies {
			text := analyse(t, name+".txt")
			other := analyse(t, name+v)
			checkClauses(t, name+v, other.doc, other.clauses, segment.DefaultMaxChars)
			sets := make([]map[string]bool, len(other.clauses))
			for i, c := range other.clauses {
				sets[i] = wordSet(c.Text)
			}
			for _, c := range text.clauses {
				a := wordSet(c.Text)
				best := 0.0
				for _, b := range sets {
					best = max(best, jaccard(a, b))
				}
				if best >= 0.8 {
					matched++
				} else {
					t.Logf("%s%s: no clause matches text clause %d %.80q", name, v, c.Ordinal, c.Text)
				}
			}
			ref += len(text.clauses)
			got += len(other.clauses)
		}
		share, ratio := float64(matched)/float64(ref), float64(got)/float64(ref)
		if share < 0.97 || ratio < 1.00 || ratio > 1.10 {
			t.Errorf("%s: %.3f of the text versions' %d clauses matched, %d clauses (%.3f times as many); want at least 0.97 and 1.00-1.10 times", v, share, ref, got, ratio)
		}
	}
}

// No version has words the text version lacks: no word is left in two
// ("Infor-" "mation"), glued ("memberowned") or stripped of its hyphen
// ("twelvemonth"), and no running header or page number gets into a
// clause.
func TestNoBrokenWords(t *testing.T) {
	for _, name := range formatPolicies {
		vocab := map[string]bool{}
		for _, c := range analyse(t, name+".txt").clauses {
			for _, w := range words(c.Text + " " + strings.Join(c.Heading, " ")) {
				vocab[w] = true
			}
		}
		for _, v := range formatVersions {
			for _, c := range analyse(t, name+v).clauses {
				if strings.ContainsRune(c.Text, '\u00ad') {
					t.Errorf("%s%s: clause %d keeps a soft hyphen: %q", name, v, c.Ordinal, c.Text)
				}
				for _, w := range words(c.Text) {
					if !vocab[w] {
						t.Errorf("%s%s: clause %d has %q, which the text version does not", name, v, c.Ordinal, w)
					}
				}
			}
		}
	}
	// The compounds pdfTeX breaks at the end of a line keep their hyphen.
	all := func(name string) string {
		var b strings.Builder
		for _, c := range analyse(t, name).clauses {
			b.WriteString(c.Text + " ")
		}
		return b.String()
	}
	for _, v := range append([]string{".txt"}, formatVersions...) {
		text := all("lumen-fitness" + v)
		for _, w := range []string{"twelve-month period", "opt-out request", "machine-readable", "fraud-prevention", "multi-factor", "heart-rate", "re-identification", "de-identified"} {
			if !strings.Contains(text, w) {
				t.Errorf("lumen-fitness%s: no clause has %q", v, w)
			}
		}
	}
}

// A list item is never a heading, and no heading is a clause of its own.
func TestListItemsAreNotHeadings(t *testing.T) {
	for _, name := range formatPolicies {
		for _, v := range append([]string{".txt"}, formatVersions...) {
			for _, c := range analyse(t, name+v).clauses {
				for _, h := range c.Heading {
					if r := []rune(h)[0]; strings.ContainsRune("•-–*", r) || strings.HasSuffix(h, ";") {
						t.Errorf("%s%s: clause %d sits under the list item %q", name, v, c.Ordinal, h)
					}
				}
				if len(c.Heading) > 0 && c.Text == c.Heading[len(c.Heading)-1] {
					t.Errorf("%s%s: clause %d is its heading alone: %q", name, v, c.Ordinal, c.Text)
				}
			}
		}
	}
}

// The table of contents gives no clause and no heading.
func TestTableOfContentsInEveryFormat(t *testing.T) {
	for _, v := range append([]string{".txt"}, formatVersions...) {
		a := analyse(t, "lumen-fitness"+v)
		sections := map[string]bool{}
		for _, c := range a.clauses {
			if strings.Contains(c.Text, "Who We Are") || strings.Contains(c.Text, "Cookies and Similar Technologies") {
				t.Errorf("lumen-fitness%s: the contents are in clause %d: %.80q", v, c.Ordinal, c.Text)
			}
			if len(c.Heading) > 0 {
				sections[c.Heading[0]] = true
			}
		}
		if sections["Contents"] || len(sections) != 16 {
			t.Errorf("lumen-fitness%s: clauses under %d top sections, want the 16 of the contents: %v", v, len(sections), sections)
		}
	}
}

// Tables are read row by row under their column headers, in every format.
func TestTablesInEveryFormat(t *testing.T) {
	rows := map[string][]string{
		"quillmate": {
			"Purpose: Providing suggestions. Data used: Your text, settings. Legal basis under the GDPR: Contract.",
			"Purpose: Security and abuse prevention. Data used: Usage data, IP address. Legal basis under the GDPR: Legitimate interests.",
			"Purpose: Training models on your text. Data used: Your text. Legal basis under the GDPR: Consent (opt-in only).",
		},
		"harbor-books": {
			"We use the following kinds of cookies: Type: Essential. Purpose: Keep your basket and sign-in working. Can you turn it off? No.",
			"Type: Advertising. Purpose: Show Harbor Books ads on other websites. Can you turn it off? Yes.",
		},
	}
	for name, want := range rows {
		for _, v := range append([]string{".txt"}, formatVersions...) {
			var all strings.Builder
			for _, c := range analyse(t, name+v).clauses {
				all.WriteString(c.Text + " ")
			}
			for _, r := range want {
				if !strings.Contains(all.String(), r) {
					t.Errorf("%s%s: no clause reads %q", name, v, r)
				}
			}
		}
	}
}

// The title is the document's own, whatever the format.
func TestTitlesInEveryFormat(t *testing.T) {
	want := map[string]string{
		"lumen-fitness":    "LUMEN FITNESS PRIVACY POLICY",
		"pebble-kids":      "Pebble Kids Learning Games – Privacy Policy",
		"tidewater-dental": "Tidewater Family Dental Notice of Privacy Practices and Website Privacy Statement",
		"harbor-books":     "Harbor Books Privacy Notice",
		"quillmate":        "QuillMate Privacy Policy",
	}
	for name, title := range want {
		for _, v := range append([]string{".txt"}, formatVersions...) {
			if got := analyse(t, name+v).title; got != title {
				t.Errorf("%s%s: title %q, want %q", name, v, got, title)
			}
		}
	}
}
