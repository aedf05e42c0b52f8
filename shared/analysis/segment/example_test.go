package segment_test

import (
	"fmt"

	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Clauses carry the path of headings above them; the title stays out of
// the paths.
func ExampleSplit() {
	doc := &policy.Document{Format: policy.Text, Blocks: []policy.Block{
		{Kind: policy.Paragraph, Text: "Acme Privacy Policy"},
		{Kind: policy.Paragraph, Text: "1. Data we collect"},
		{Kind: policy.Paragraph, Text: "We collect the e-mail address you give us when you sign up."},
		{Kind: policy.Paragraph, Text: "2. How long we keep it"},
		{Kind: policy.Paragraph, Text: "We delete your account data 30 days after you close your account."},
	}}
	for _, c := range segment.Split(doc, segment.Options{}) {
		fmt.Printf("%d %q %s\n", c.Ordinal, c.Heading, c.Text)
	}
	// Output:
	// 1 ["1. Data we collect"] We collect the e-mail address you give us when you sign up.
	// 2 ["2. How long we keep it"] We delete your account data 30 days after you close your account.
}
