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

// The digests TestRulesVersionNamesTheOutput found for the rules of
// version digestVersion: of the text, Markdown and HTML samples, and of
// the PDFs. When the rules' output changes, set RulesVersion (see there)
// and record the new digests and version here, together.
const (
	digestVersion = "2026-12-03.50"
	textDigest    = "c7e2acdd7d65058cadb64143670944097b0e04907879950789f467a2017b9eb1"
	pdfDigest     = "b15069eb109deba116c817094911916fd959096bd8b6129524ac9e165967d15e"
)

// TestRulesVersionNamesTheOutput holds RulesVersion to what the rules give
// the repository's sample policies: their clauses' headings and texts,
// mentions and key facts, not what the models give, which their own
// versions name. A change to that output needs a new RulesVersion, so
// that ingest analyses stored policies again when they are uploaded again.
//
// The PDFs' layout is read in floating point. Their digest holds on arm64,
// where the Lambdas run, as on amd64: the layout code rounds its products
// explicitly (TestPDFLayoutIsNotFused), and make arm64-check runs this test
// on arm64.
func TestRulesVersionNamesTheOutput(t *testing.T) {
	a := analyzer(t)
	for _, part := range []struct {
		name, digest string
		exts         []string
	}{
		{"text, Markdown and HTML", textDigest, []string{".txt", ".md", ".html"}},
		{"PDF", pdfDigest, []string{".pdf"}},
	} {
		t.Run(part.name, func(t *testing.T) {
			files := samples(t, part.exts)
			got := rulesDigest(t, a, files)
			switch {
			case RulesVersion != digestVersion:
				t.Errorf("RulesVersion %s, but the digests recorded are of %s: record the digests of %s (%s: %s)", RulesVersion, digestVersion, RulesVersion, part.name, got)
			case got != part.digest:
				t.Errorf("the rules give the %d %s samples something else than version %s did (digest %s, recorded %s): set RulesVersion to a new version and record the new digests with it", len(files), part.name, RulesVersion, got, part.digest)
			}
		})
	}
}

// samples returns the sample policies with one of exts, sorted.
func samples(t *testing.T, exts []string) []string {
	t.Helper()
	var files []string
	// testdata/pdf holds broken files too: only its layouts are read.
	for _, pattern := range []string{"policies/*", "formats/*", "rules/*", "pdf/*column*", "pdf/cobalt-*", "pdf/brightleaf-*", "pdf/northwind-*"} {
		m, err := filepath.Glob(fixture.Path("testdata", pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range m {
			if slices.Contains(exts, filepath.Ext(f)) && filepath.Base(f) != "README.md" {
				files = append(files, f)
			}
		}
	}
	slices.Sort(files)
	if len(files) < 15 {
		t.Fatalf("only %d sample policies found: %q", len(files), files)
	}
	return files
}

// rulesDigest is the SHA-256 of what the rules give files.
func rulesDigest(t *testing.T, a *Analyzer, files []string) string {
	t.Helper()
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
				fmt.Fprintf(h, "  %s %s %d-%d", m.Kind, m.Value, m.Span.Start, m.Span.End)
				if m.Denied {
					fmt.Fprint(h, " denied")
				}
				fmt.Fprintln(h)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}
