package analyze

import (
	"context"
	"testing"
	"unicode/utf8"
)

// FuzzAnalyze runs the whole pipeline on any text as Markdown, as HTML and
// as plain text: an analysis or an error, never a panic.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"# Kestrel Privacy Policy\n\nLast updated: June 8. 2026\n\nKestrel Labs (\"we\") collects your e-mail address to send receipts. We keep it for 30 days.",
		"Privacy Notice of Kestrel 6 Corporation\n\n* We share your location with advertising partners such as Google Analytics.\n* Children under 13 may not use the app.",
		"We do not respond to Do Not Track signals. Opt out at https://kestrel.example/choices/ or write to privacy@kestrel.example.",
		"| Data | Purpose | Retention |\n|---|---|---|\n| Contact | Marketing | as long as necessary |",
		"Kestrel Labs (\"us",
		"To opt out, use [our\nchoices page](https://kestrel.example/choices \"Choices\") or [mail us](mailto:privacy@kestrel.example).",
		`<link rel="canonical" href="https://kestrel.example/p"><p>To opt out, use <a href="/choices">our <b>choices</b>  page</a>.</p><ul><li><a href="x">Do Not Sell My Personal Information</a></li></ul>`,
	} {
		f.Add(s)
	}
	a := analyzer(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, name := range []string{"policy.md", "policy.html", "policy.txt"} {
			res, err := a.Analyze(context.Background(), name, []byte(text))
			if err != nil {
				continue
			}
			// Every span an analyst would highlight lies in its clause.
			for _, c := range res.Clauses {
				n := utf8.RuneCountInString(c.Text)
				for _, m := range c.Mentions {
					if m.Span.Start < 0 || m.Span.Start >= m.Span.End || m.Span.End > n {
						t.Fatalf("%s: clause %d: mention %+v outside its %d code points", name, c.Ordinal, m, n)
					}
				}
			}
		}
	})
}
