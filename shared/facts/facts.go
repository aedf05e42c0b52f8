// Package facts finds key facts in a policy's text: its title, the date it
// was last updated or took effect, contact e-mail addresses, URLs and the
// regulations and frameworks it names.
package facts

import "github.com/policylens/policylens/shared/extract"

// Date is a date as the policy writes it and, where it parses, as an ISO
// 8601 calendar date (YYYY-MM-DD).
type Date struct {
	AsWritten string `json:"asWritten"`
	ISO       string `json:"iso,omitempty"`
}

// Facts are the key facts of one policy.
type Facts struct {
	Title string `json:"title,omitempty"`
	// Updated is the last-updated or effective date, nil when none is found.
	Updated     *Date    `json:"updated,omitempty"`
	Emails      []string `json:"emails"`
	URLs        []string `json:"urls"`
	Regulations []string `json:"regulations"`
}

// SCAFFOLDING: replaced by the real finder.
func Find(doc *extract.Document) Facts {
	return Facts{Title: doc.Title, Emails: []string{}, URLs: []string{}, Regulations: []string{}}
}
