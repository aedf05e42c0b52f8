package extract

import (
	"encoding/hex"
	"strings"
	"testing"
)

// cfEncode hides email as Cloudflare does, XORed with key.
func cfEncode(key byte, email string) string {
	b := []byte{key}
	for i := 0; i < len(email); i++ {
		b = append(b, email[i]^key)
	}
	return hex.EncodeToString(b)
}

// A page saved from a site behind Cloudflare keeps its addresses: the
// placeholder gives way to the address the page hides, in HTML (an element
// with data-cfemail, a protection link) and in Markdown converted from it.
// A link with words of its own keeps them, and a code that does not decode
// to an address leaves the placeholder.
func TestCloudflareEmails(t *testing.T) {
	privacy, dpo, help := cfEncode(0x5a, "privacy@example.com"), cfEncode(0x21, "dpo@example.org"), cfEncode(0x7e, "help@example.net")
	page := `<html><body>
<p>Write to <a href="/cdn-cgi/l/email-protection" class="__cf_email__" data-cfemail="` + privacy + `">[email&#160;protected]</a> about your data.</p>
<p>Our officer: <a href="https://www.example.org/cdn-cgi/l/email-protection#` + dpo + `"><span class="__cf_email__">[email&#160;protected]</span></a>.</p>
<p>Or <a href="/cdn-cgi/l/email-protection#` + help + `">contact support</a>.</p>
<p>Broken: <span data-cfemail="zz12">[email&#160;protected]</span> and <span data-cfemail="` + cfEncode(0x10, "no at sign") + `">[email&#160;protected]</span>.</p>
</body></html>`
	doc, err := extractHTML([]byte(page), 0)
	if err != nil {
		t.Fatal(err)
	}
	got := blocksString(doc.Blocks)
	for _, want := range []string{
		"Write to privacy@example.com about your data.",
		"Our officer: dpo@example.org.",
		"Or contact support.",
		"Broken: [email protected] and [email protected].",
	} {
		if !strings.Contains(strings.ReplaceAll(got, "\u00a0", " "), want) {
			t.Errorf("HTML: %q not in %q", want, got)
		}
	}

	md := "Write to [\\[email protected\\]](https://www.example.com/cdn-cgi/l/email-protection#" + privacy + ") or to " +
		"[[email protected]](/cdn-cgi/l/email-protection#" + dpo + "); [our form](/cdn-cgi/l/email-protection#" + help + ") too; " +
		"[\\[email protected\\]](https://www.example.com/cdn-cgi/l/email-protection) is lost.\n"
	mdoc, err := extractMarkdown([]byte(md), 0)
	if err != nil {
		t.Fatal(err)
	}
	const want = "Write to privacy@example.com or to dpo@example.org; our form too; [email protected] is lost."
	if got := mdoc.Text(); !strings.Contains(got, want) {
		t.Errorf("Markdown: %q, want %q", got, want)
	}
}
