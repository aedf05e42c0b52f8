package extract

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// A mailto link's address is kept beside the text, which shows only the
// link's words ("our privacy team"): in HTML (in a table's cells too, not
// in page chrome the text leaves out) and in Markdown (inline, automatic
// and reference links), in the order the links come, query and escapes
// aside. Other links add nothing, and plain text has no links.
func TestLinkEmails(t *testing.T) {
	for _, c := range []struct {
		name, file, src string
		want            []string
	}{
		{"html", "p.html", `<html><body><nav><a href="mailto:menu@kestrel.example">Mail</a></nav><main>
<p>Write to <a href="mailto:privacy@kestrel.example?subject=My%20data">our privacy team</a> or <a href="https://kestrel.example/choices">change your choices</a>.</p>
<table><tr><th>Office</th><th>Contact</th></tr><tr><td>Berlin</td><td><a href="MAILTO:dpo@kestrel.example,legal@kestrel.example">our officer</a></td></tr></table>
<p><a href="mailto:%20help@kestrel.example">help</a></p></main></body></html>`,
			[]string{"privacy@kestrel.example", "dpo@kestrel.example", "legal@kestrel.example", "help@kestrel.example"}},
		{"markdown", "p.md", "# Privacy\n\nWrite to [our privacy team](mailto:privacy@kestrel.example) or see [choices](https://kestrel.example/choices).\n\n" +
			"Or <mailto:dpo@kestrel.example>, or [our lawyers][law].\n\n[law]: mailto:legal@kestrel.example\n",
			[]string{"privacy@kestrel.example", "dpo@kestrel.example", "legal@kestrel.example"}},
		{"markdown without mail links", "p.md", "# Privacy\n\nSee [choices](https://kestrel.example/choices).\n", nil},
		{"text", "p.txt", "Write to mailto:privacy@kestrel.example today.\n", nil},
	} {
		doc, err := Extract(context.Background(), c.file, []byte(c.src), policy.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if !slices.Equal(doc.LinkEmails, c.want) {
			t.Errorf("%s: LinkEmails = %q, want %q", c.name, doc.LinkEmails, c.want)
		}
	}
}

// A page of very many mail links keeps the first maxLinkEmails.
func TestLinkEmailsBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("<p>")
	for range maxLinkEmails + 50 {
		b.WriteString(`<a href="mailto:a@kestrel.example">us</a> `)
	}
	doc, err := Extract(context.Background(), "p.html", []byte(b.String()), policy.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.LinkEmails) != maxLinkEmails {
		t.Errorf("%d addresses kept, want %d", len(doc.LinkEmails), maxLinkEmails)
	}
}
