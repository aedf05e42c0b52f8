package extract

import (
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

func TestMarkdownPolicy(t *testing.T) {
	doc := extractFixture(t, "policies/quillmate.md")
	if doc.Format != policy.Markdown || doc.Title != "QuillMate Privacy Policy" {
		t.Errorf("format %q title %q", doc.Format, doc.Title)
	}
	text := doc.Text()
	for _, syntax := range []string{"**", "](", "_Last", "layout: legal", "|---", "> ", "<https"} {
		if strings.Contains(text, syntax) {
			t.Errorf("text keeps Markdown syntax %q", syntax)
		}
	}
	want := []string{
		"heading1:QuillMate Privacy Policy",
		"paragraph:Last revised: 2024-05-20",
		"heading2:1. Data we process",
		"heading3:1.2 Your text",
		"list-item:• when you send a document to support",
		"list-item:1. a cloud hosting provider",
		"table-row:Purpose: Providing suggestions. Data used: Your text, settings. Legal basis under the GDPR: Contract.",
		"table-row:Purpose: Training models on your text. Data used: Your text. Legal basis under the GDPR: Consent (opt-in only).",
		"paragraph:Short version: we process your text",
	}
	got := blocksString(doc.Blocks)
	for _, w := range want {
		if !strings.Contains(got, w) {
			t.Errorf("no block %q in\n%s", w, got)
		}
	}
	// Links become their text, autolinks their URL.
	for _, s := range []string{"as described in section 4.", "available at https://quillmate.example/security.", "kept in our archive."} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q", s)
		}
	}
}

func TestMarkdownCookieNotice(t *testing.T) {
	doc := extractFixture(t, "markdown/cookie-notice.markdown")
	want := "heading1:Lantern Cloud Cookie Notice / paragraph:Effective 2023-11-01 / " +
		"paragraph:Lantern Cloud Ltd. uses cookies and similar technologies on lanterncloud.example. This notice explains which ones and how to control them. / " +
		"heading2:What are cookies? / " +
		"paragraph:Cookies are small text files that a website stores in your browser. Session cookies disappear when you close the browser; persistent cookies stay until they expire or you delete them. / " +
		"heading2:Cookies we use / paragraph:We group our cookies as follows: / " +
		"list-item:• Strictly necessary: sign-in, load balancing and your cookie choices. / list-item:• Preferences: language and time zone. / " +
		"list-item:• We keep these for 12 months. / list-item:• Analytics: counting visits with our self-hosted analytics tool. / " +
		"table-row:Cookie: lc_session. Purpose: Keeps you signed in. Lifetime: Session. / table-row:Cookie: lc_consent. Purpose: Remembers your choices. Lifetime: 12 months. / " +
		"heading2:Your choices / list-item:1. Open Cookie settings at the foot of any page. / list-item:2. Switch off the categories you do not want. / list-item:3. Save your choices. / " +
		"paragraph:You can also block cookies in your browser. See the help pages for instructions, or email privacy@lanterncloud.example. / " +
		"paragraph:Example: lc_consent=analytics:0;preferences:1 / paragraph:Blocking strictly necessary cookies will stop sign-in from working."
	if got := blocksString(doc.Blocks); got != want {
		t.Errorf("blocks\n got %q\nwant %q", got, want)
	}
	if doc.Title != "Lantern Cloud Cookie Notice" {
		t.Errorf("title %q", doc.Title)
	}
}

func TestMarkdownBlocks(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"atx and setext headings",
			"# Title #\n\nIntro.\n\nData\n----\n\nText\nover two lines.\n\nMore\n===\n",
			"heading1:Title / paragraph:Intro. / heading2:Data / paragraph:Text\nover two lines. / heading1:More"},
		{"emphasis, code and strikethrough removed",
			"We **never** sell *your* data, __ever__, see `settings` and ~~old~~ terms.",
			"paragraph:We never sell your data, ever, see settings and old terms."},
		{"underscores and asterisks inside words or maths stay",
			"Set snake_case_name to 5 * 3 or a*b.",
			"paragraph:Set snake_case_name to 5 * 3 or a*b."},
		{"emphasis inside a word goes when its markers pair, as CommonMark pairs them",
			"We are Orchard Ltd (\u201cOr**chard**\u201d), our **Lawful Interest**s and **f****ulfil our duties;** **To** **sh****are** it **Partners With****1**.",
			"paragraph:We are Orchard Ltd (\u201cOrchard\u201d), our Lawful Interests and fulfil our duties; To share it Partners With1."},
		{"an unpaired marker inside a word stays, escaped stars stay",
			"Rates: 2**3 and x*y.\n\nCensored: f***ing.\n\n\\*\\*literal\\*\\* and **bold****/ more**.",
			"paragraph:Rates: 2**3 and x*y. / paragraph:Censored: f***ing. / paragraph:**literal** and bold/ more."},
		{"links, images, references, html",
			"Read [the terms](https://x.example/terms \"Terms\") and [FAQ][faq].![logo](logo.png) <b>Bold</b><br>next &amp; more\n\n[faq]: https://x.example/faq",
			"paragraph:Read the terms and FAQ. Bold\nnext & more"},
		{"links whose text holds brackets",
			"Write to [[email protected]](https://x.example/cdn-cgi/l/email-protection) or [privacy [at] x [dot] example](mailto:privacy@x.example), see [[1] Terms][t].\n\n[t]: https://x.example/t",
			"paragraph:Write to [email protected] or privacy [at] x [dot] example, see [1] Terms."},
		{"lists with continuation and task boxes",
			"Intro:\n\n- first item\n  continues here\n* [x] done item\n+ third\n*   *   nested at once\n\n1. one\n2) two\n",
			"paragraph:Intro: / list-item:• first item\ncontinues here / list-item:• done item / list-item:• third / list-item:• nested at once / list-item:1. one / list-item:2. two"},
		{"headings in list items and indented under them",
			"6.  #### Your choices\n\n    You can opt out.\n\n    ### Inside the item\n\n    Text.\n\n*   ### [Your rights](#rights)\n1.  *   [ ] contact information\n",
			"list-item:6. Your choices / paragraph:You can opt out. / heading3:Inside the item / paragraph:Text. / list-item:• Your rights / list-item:1. contact information"},
		{"an ordered item right after the indented content of the one before starts the next item",
			"1.  #### Guests:\n    \n    Guests browse freely.\n2.  #### Members:\n    \n    Members sign in.\n\nIn 2026 we\n3. changed nothing.\n",
			"list-item:1. Guests: / paragraph:Guests browse freely. / list-item:2. Members: / paragraph:Members sign in. / paragraph:In 2026 we\n3. changed nothing."},
		{"thematic breaks and comments dropped",
			"Above.\n\n***\n\n<!--\nhidden note\n-->\nBelow.\n\n- - -\n",
			"paragraph:Above. / paragraph:Below."},
		{"fenced code kept as text",
			"```\nDo-Not-Track: 1\n```\n",
			"paragraph:Do-Not-Track: 1"},
		{"blockquote",
			"> **Note:** we changed this.\n",
			"paragraph:Note: we changed this."},
		{"bold-only lines are headings",
			"**Cookies**\n\nWe use cookies.\n\n__Your rights:__\n\n**This whole sentence is bold.**\n\n**Note:** not a heading.",
			"heading:Cookies / paragraph:We use cookies. / heading:Your rights: / paragraph:This whole sentence is bold. / paragraph:Note: not a heading."},
		{"bold spans side by side and bold links make a bold line too",
			"**(2) When you join** [**https://example.org**](https://example.org/ \"x\")\n\n**In brief:** We keep little.\n\n**Other** **Recipients:** none.\n\n**Your** **choices**\n\n**Read** the [**terms**](https://example.org/t).",
			"heading:(2) When you join https://example.org / paragraph:In brief: We keep little. / paragraph:Other Recipients: none. / heading:Your choices / paragraph:Read the terms."},
		{"escapes",
			`Prices \*before\* tax \_and\_ fees.`,
			"paragraph:Prices *before* tax _and_ fees."},
		{"tables are read row by row under their headers",
			"We collect:\n\n| Category | Examples | Sold? |\n|:---|---|---:|\n| **Identifiers** | name, [e-mail](mailto:x) address | No |\n| Geolocation | | Yes \\| never |\nAfter.",
			"paragraph:We collect: / table-row:Category: Identifiers. Examples: name, e-mail address. Sold? No. / table-row:Category: Geolocation. Sold? Yes | never. / paragraph:After."},
		{"a table with an empty header row takes its first row as header",
			"|   |   |\n|---|---|\n| **Category** | **Examples** |\n| Identifiers | name |\n| Geolocation | city |",
			"table-row:Category: Identifiers. Examples: name. / table-row:Category: Geolocation. Examples: city."},
		{"table cells holding list items, headings and paragraphs between <br> tags, as HTML converted to Markdown has them",
			"| Shared | With |\n| --- | --- |\n| *   Age.<br>*   Gender<br>    *   **self-described** | ##### Ad partners<br><br>To show ads<br>and measure them<br><br>Only with *consent*. |\n| 1. one<br>2) two | [Stripe](https://stripe.example) |\n| Account <br>------- | *   Up to 3 years |\n| - | 5 * 3 |\n| #5 | - one |",
			"table-row:Shared: Age. Gender; self-described. With: Ad partners; To show ads and measure them; Only with consent. / table-row:Shared: one; two. With: Stripe. / " +
				"table-row:Shared: Account. With: Up to 3 years. / table-row:Shared: -. With: 5 * 3. / table-row:Shared: #5. With: one."},
		{"a list item in a cell is read as one in a block: nested bullets, heading marks and task boxes go",
			"| Data | Use |\n| --- | --- |\n| *   *   Contact details<br>-   #### Payment data | 1.  [x] Billing<br>*   - [ ] Fraud checks |",
			"table-row:Data: Contact details; Payment data. Use: Billing; Fraud checks."},
		{"lines of a cell broken by <br>: items of a list, or a sentence going on",
			"| Data | Why |\n| --- | --- |\n| Identity data  <br>Account data | Keeps the session<br>by storing an ID. |\n| session\\_id  <br>csrf | Name:<br>Ada |",
			"table-row:Data: Identity data; Account data. Why: Keeps the session by storing an ID. / table-row:Data: session_id; csrf. Why: Name: Ada."},
		{"a header row of headings",
			"|   |   |\n| --- | --- |\n| #### Cookie | #### Intended use |\n| lc\\_session | Keeps you signed in. |",
			"table-row:Cookie: lc_session. Intended use: Keeps you signed in."},
		{"a table whose rows have no outer pipes",
			"Cookie | Lifetime\n--- | ---\nlc_session | Session\n\nText.",
			"table-row:Cookie: lc_session. Lifetime: Session. / paragraph:Text."},
	}
	for _, tt := range tests {
		doc, err := extractMarkdown([]byte(tt.in), 0)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := blocksString(doc.Blocks); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

// Pairing the stars of a paragraph looks at each opener a bounded number
// of times, however the runs are laid out: a paragraph of a megabyte of
// stars costs linear time, not quadratic.
func TestPairStarsIsLinear(t *testing.T) {
	layouts := map[string]string{
		"openers then closers the rule of three blocks": strings.Repeat("**a ", 20000) + strings.Repeat("x*y ", 20000),
		"alternating":  strings.Repeat("a**b x*y ", 20000),
		"openers only": strings.Repeat("*a ", 40000),
		"nested":       strings.Repeat("**a ", 20000) + strings.Repeat("b** ", 20000),
	}
	for name, s := range layouts {
		runs := markerRuns(s)
		for i := range runs {
			runs[i].left, runs[i].paired = runs[i].end-runs[i].start, 0
		}
		if looked := pairStars(runs); looked > 4*len(runs) {
			t.Errorf("%s: %d runs, %d openers looked at", name, len(runs), looked)
		}
	}
}
