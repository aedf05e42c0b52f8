package extract_test

import (
	"context"
	"fmt"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/domain/policy"
)

// The format is detected from the bytes; the blocks keep what the source
// marks as headings and list items.
func ExampleExtract() {
	page := []byte(`<html><head><title>Acme Privacy Policy</title></head><body>
<h1>Acme Privacy Policy</h1>
<h2>What we collect</h2>
<p>We collect your e-mail address when you sign up.</p>
<ul><li>Account data</li><li>Usage data</li></ul>
</body></html>`)
	doc, err := extract.Extract(context.Background(), "privacy.html", page, policy.Limits{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(doc.Format, doc.Title)
	for _, b := range doc.Blocks {
		fmt.Printf("%s %d: %s\n", b.Kind, b.Level, b.Text)
	}
	// Output:
	// html Acme Privacy Policy
	// heading 1: Acme Privacy Policy
	// heading 2: What we collect
	// paragraph 0: We collect your e-mail address when you sign up.
	// list-item 0: • Account data
	// list-item 0: • Usage data
}

// A file policylens cannot read gives an error a user can act on.
func ExampleExtract_unsupported() {
	zip := []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
	_, err := extract.Extract(context.Background(), "policy.zip", zip, policy.Limits{})
	fmt.Println(err)
	// Output:
	// unsupported format: detected a ZIP archive (DOCX?); policylens reads PDF, HTML, Markdown and plain text (save or export the policy as one of these)
}
