package analyze

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/local/fixture"
)

// rulesDigest is what TestRulesVersionNamesTheOutput found for the rules
// of version digestVersion. When the rules' output changes, set
// RulesVersion to the day's date and record the new digest and version
// here, together.
const (
	digestVersion = "2026-12-01"
	rulesDigest   = "da5c132c4663d0566a8c697108a960155060e2ba15b5528c08972ac782f04625"
)

// TestRulesVersionNamesTheOutput holds RulesVersion to what the rules give
// the repository's sample policies (text, Markdown and HTML; PDFs are
// left out, as floating point may differ between machines): their
// clauses' headings and texts, mentions and key facts, not what the
// models give, which their own versions name. A change to that output
// needs a new RulesVersion, so that ingest analyses stored policies again
// when they are uploaded again.
func TestRulesVersionNamesTheOutput(t *testing.T) {
	var files []string
	for _, pattern := range []string{"policies/*", "formats/*", "rules/*"} {
		m, err := filepath.Glob(fixture.Path("testdata", pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if ext := filepath.Ext(f); (ext == ".txt" || ext == ".md" || ext == ".html") && filepath.Base(f) != "README.md" {
				files = append(files, f)
			}
		}
	}
	slices.Sort(files)
	if len(files) < 15 {
		t.Fatalf("only %d sample policies found: %q", len(files), files)
	}
	a := analyzer(t)
	h := sha256.New()
	for _, f := range files {
		_, res := analyzeFile(t, a, f)
		facts, err := json.Marshal(res.Policy.Facts)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%s\n%s %s %d\n%s\n", filepath.Base(f), res.Policy.Format, res.Policy.Language, res.Policy.Pages, facts)
		for _, c := range res.Clauses {
			fmt.Fprintf(h, "%d %d-%d %s\n%s\n", c.Ordinal, c.Start, c.End, strings.Join(c.Heading, " > "), c.Text)
			for _, m := range c.Mentions {
				fmt.Fprintf(h, "  %s %s %d-%d\n", m.Kind, m.Value, m.Span.Start, m.Span.End)
			}
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	switch {
	case RulesVersion != digestVersion:
		t.Errorf("RulesVersion %s, but the digest recorded is of %s: record the digest of %s, %s", RulesVersion, digestVersion, RulesVersion, got)
	case got != rulesDigest:
		t.Errorf("the rules give the sample policies something else than version %s did (digest %s, recorded %s): set RulesVersion to a new version and record the new digest with it", RulesVersion, got, rulesDigest)
	}
}
