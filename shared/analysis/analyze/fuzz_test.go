package analyze

import (
	"context"
	"testing"
)

// FuzzAnalyze runs the whole pipeline on any text as Markdown and as
// plain text: an analysis or an error, never a panic.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{
		"# Kestrel Privacy Policy\n\nLast updated: June 8. 2026\n\nKestrel Labs (\"we\") collects your e-mail address to send receipts. We keep it for 30 days.",
		"Privacy Notice of Kestrel 6 Corporation\n\n* We share your location with advertising partners such as Google Analytics.\n* Children under 13 may not use the app.",
		"We do not respond to Do Not Track signals. Opt out at https://kestrel.example/choices/ or write to privacy@kestrel.example.",
		"| Data | Purpose | Retention |\n|---|---|---|\n| Contact | Marketing | as long as necessary |",
		"Kestrel Labs (\"us",
	} {
		f.Add(s)
	}
	a := analyzer(f)
	f.Fuzz(func(t *testing.T, text string) {
		for _, name := range []string{"policy.md", "policy.txt"} {
			a.Analyze(context.Background(), name, []byte(text))
		}
	})
}
