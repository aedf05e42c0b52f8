package extract

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// A block's links say which of its words carry a link to a web page, and
// where it points: relative targets resolved against the page's canonical
// address, fragments, mail and script links left out (HTML); inline links
// with a title, in angle brackets or over a line break, and reference
// links whose label is defined, in any case, and those of pipe tables
// (Markdown).
func TestBlockLinks(t *testing.T) {
	type link struct{ words, url string }
	for _, c := range []struct {
		name, file, src string
		want            []link
	}{
		{"html", "p.html", `<html><head><link rel="canonical" href="https://kestrel.example/legal/privacy"></head><body><main>
<p>To opt out, use <a href="/choices">our <b>privacy choices</b> page</a> or the <a href="https://optout.example/">industry tool</a>.</p>
<ul><li><a href="https://kestrel.example/a">First item</a> and <a href="#top">back</a>, <a href="javascript:void(0)">menu</a>, <a href="mailto:a@kestrel.example">mail</a></li></ul>
</main></body></html>`,
			[]link{{"our privacy choices page", "https://kestrel.example/choices"}, {"industry tool", "https://optout.example/"}, {"First item", "https://kestrel.example/a"}}},
		{"html table", "p.html", `<table><tr><th>Partner</th><th>Opt out</th></tr>
<tr><td>Orchard Ads</td><td><a href="https://orchard.example/optout">Orchard opt-out</a></td></tr>
<tr><td>Nimbus Metrics</td><td>Write to us</td></tr>
<tr><td>Kestrel Pixel</td><td>Use <a href="https://kestrel.example/pixel">the pixel
form</a> or <a href="https://kestrel.example/help">help</a></td></tr>
<tr><td></td><td></td></tr><tr><td>Plain</td><td>None</td></tr><tr><td>Plainer</td><td>None</td></tr>
<tr><td>Last</td><td><a href="https://last.example/">None</a></td></tr></table>`,
			[]link{{"Orchard opt-out", "https://orchard.example/optout"}, {"the pixel form", "https://kestrel.example/pixel"}, {"help", "https://kestrel.example/help"}, {"None", "https://last.example/"}}},
		{"markdown table", "p.md", "| Partner | Opt out |\n|---|---|\n| Orchard Ads | [Orchard opt-out](https://orchard.example/optout) |\n| Nimbus | Write to us |\n| Plain | None |\n| Last | [None](https://last.example/) |\n\nAfter the table, [a page](https://kestrel.example/after).\n",
			[]link{{"Orchard opt-out", "https://orchard.example/optout"}, {"None", "https://last.example/"}, {"a page", "https://kestrel.example/after"}}},
		{"html without a base", "p.html", `<p>Use <a href="/choices">our page</a> or <a href="HTTPS://optout.example/x">this tool</a>.</p>`,
			[]link{{"this tool", "https://optout.example/x"}}},
		// An address hidden by the host when the page was saved leads
		// nowhere a reader could use.
		{"hidden address", "p.md", "To opt out, write to [[email protected]](https://kestrel.example/cdn-cgi/l/email-protection#6b1b) or use [the form](https://kestrel.example/optout).\n",
			[]link{{"the form", "https://kestrel.example/optout"}}},
		{"markdown", "p.md", "# Privacy\n\nTo opt out, use [our **privacy choices** page](https://kestrel.example/choices \"Choices\") or the [industry tool](<https://optout.example/>).\n\n" +
			"*   [First item](https://kestrel.example/a), [back](#top), [mail](mailto:a@kestrel.example), [relative](/x)\n\nSee [the\nlong link](https://kestrel.example/long).\n",
			[]link{{"our privacy choices page", "https://kestrel.example/choices"}, {"industry tool", "https://optout.example/"}, {"First item", "https://kestrel.example/a"}, {"the\nlong link", "https://kestrel.example/long"}}},
		{"markdown references", "p.md", "Use [our choices page][Choices Page] or [the tool][], not [that][missing].\n\n[choices  page]: https://kestrel.example/choices \"Choices\"\n[the tool]: <https://optout.example/>\n",
			[]link{{"our choices page", "https://kestrel.example/choices"}, {"the tool", "https://optout.example/"}}},
	} {
		doc, err := Extract(context.Background(), c.file, []byte(c.src), policy.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got []link
		for _, b := range doc.Blocks {
			for _, l := range b.Links {
				got = append(got, link{b.Text[l.Start:l.End], l.URL})
				if l.URL == "https://last.example/" && !strings.Contains(b.Text, "Last") {
					t.Errorf("%s: the last row's link is in the row %q", c.name, b.Text)
				}
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: links\n got %q\nwant %q", c.name, got, c.want)
		}
	}
}
