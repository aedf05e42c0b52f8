package facts

import (
	"testing"
	"unicode/utf8"
)

// FuzzFind checks that any text gives key facts without a panic, and a
// company and title of bounded size.
func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"Kestrel Labs (\"us",
		"Kestrel Labs (\u201cwe",
		"Last updated: June 8. 2026\n\nKestrel Ventures LLC (\u201cKestrel\u201d) runs it.",
		"We, Kestrel GmbH, Main Street 4, 10115 Berlin (hereinafter \"we/our\"), care.",
		"Version 8.0 | July 23, 2025",
		"references to \"we,\" or \"Kestrel\" are references to",
		"Kestrel is the controller",
		"(collectively Kestrel Inc., the \u201cCompany,\u201d \u201cwe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := Find(textDoc(text))
		if utf8.ValidString(text) && (utf8.RuneCountInString(got.Company) > maxCompanyChars || !utf8.ValidString(got.Company)) {
			t.Errorf("company %q", got.Company)
		}
	})
}
