package facts

import "strings"

// documentNames are the words with which a title names a privacy document,
// in the languages of the policies policylens reads.
var documentNames = []string{
	"privacy", "policy", "notice", "statement", "cookie", "data protection",
	"personal data", "personal information", "confidentialité", "données personnelles",
	"datenschutz", "privacidad", "privacidade", "terms",
}

// NamesDocument reports whether a title names a privacy document: it holds
// a word such as "privacy", "policy", "notice" or "statement".
func NamesDocument(title string) bool {
	l := strings.ToLower(title)
	for _, w := range documentNames {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}
