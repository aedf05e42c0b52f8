package extract

import (
	"fmt"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// blocksString renders blocks compactly for comparison: "kind[level]:text"
// joined by " / ".
func blocksString(blocks []policy.Block) string {
	var parts []string
	for _, b := range blocks {
		s := fmt.Sprintf("%s:%s", b.Kind, b.Text)
		if b.Level > 0 {
			s = fmt.Sprintf("%s%d:%s", b.Kind, b.Level, b.Text)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " / ")
}

func TestHTMLChromeDropped(t *testing.T) {
	doc := extractFixture(t, "policies/harbor-books.html")
	text := doc.Text()
	for _, chrome := range []string{
		"Skip to main content", "New Releases", "Find a Store", "Search the catalogue",
		"Title, author or ISBN", "Accept all cookies", "Manage settings", "Free shipping",
		"HARBOR35", "dataLayer", "font-family", "WebPage", "You might also like",
		"Staff picks", "All rights reserved", "Terms of Use", "Please enable JavaScript",
		"Item added to basket", "Hidden survey", "Exit-intent", "Opens in a new window",
		"Harbor Books logo",
	} {
		if strings.Contains(text, chrome) {
			t.Errorf("extracted text keeps page chrome %q", chrome)
		}
	}
	if doc.Title != "Privacy Notice | Harbor Books" {
		t.Errorf("title %q", doc.Title)
	}
	want := []string{
		// The header inside the article is the policy's own header.
		"heading1:Harbor Books Privacy Notice",
		"paragraph:Effective date: 12 January 2024",
		"heading2:What we collect",
		"heading3:Information you give us",
		"list-item:• your name, postal address, email address and phone number;",
		// Bold-only paragraphs are headings; a bold run opening a
		// paragraph is not.
		"heading:Publishers and authors",
		"heading:Legal reasons",
		"paragraph:Marketing. If you sign up for our newsletter,",
		// Data tables are read row by row, each cell after its header.
		"table-row:Type: Essential. Purpose: Keep your basket and sign-in working. Can you turn it off? No.",
		"table-row:Type: Advertising. Purpose: Show Harbor Books ads on other websites. Can you turn it off? Yes.",
		// Entities are decoded.
		"paragraph:Harbor Books Company (“Harbor Books”, “we” or “us”)",
	}
	got := map[string]bool{}
	for _, b := range doc.Blocks {
		got[strings.SplitN(blocksString([]policy.Block{b}), " / ", 2)[0]] = true
	}
	for _, w := range want {
		found := false
		for g := range got {
			if strings.HasPrefix(g, w) {
				found = true
			}
		}
		if !found {
			t.Errorf("no block starting %q in\n%s", w, blocksString(doc.Blocks))
		}
	}
}

func TestHTMLBlocks(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"headings and paragraphs",
			`<h1>Policy</h1><p>Intro   text
			 over lines.</p><h2>Data</h2><p>We collect data.</p>`,
			"heading1:Policy / paragraph:Intro text over lines. / heading2:Data / paragraph:We collect data."},
		{"inline elements do not split words",
			`<p>We <b>never</b> sell <a href="/x">your</a> da<span>ta</span>.</p>`,
			"paragraph:We never sell your data."},
		{"bold-only lines are headings",
			`<p><strong>Cookies</strong></p><p>We use cookies.</p><div><b>Your rights:</b></div><p><b>This whole sentence is bold.</b></p>`,
			"heading:Cookies / paragraph:We use cookies. / heading:Your rights: / paragraph:This whole sentence is bold."},
		{"bold by inline style",
			`<p><span style="font-weight: 700">Retention</span></p><p>We keep data for a year.</p>`,
			"heading:Retention / paragraph:We keep data for a year."},
		{"ordered and nested lists",
			`<p>We share with:</p><ol start="3"><li>processors<ul><li>hosting</li></ul></li><li><p>advisers</p><p>such as lawyers</p></li></ol>`,
			"paragraph:We share with: / list-item:3. processors / list-item:• hosting / list-item:4. advisers / paragraph:such as lawyers"},
		{"lettered list",
			`<ol type="a"><li>first</li><li>second</li></ol>`,
			"list-item:a. first / list-item:b. second"},
		{"br keeps a line break, two end the paragraph",
			`<p>Acme Inc.<br>1 Main Street<br><br>Second paragraph.</p>`,
			"paragraph:Acme Inc.\n1 Main Street / paragraph:Second paragraph."},
		{"data table rows, cells with lists",
			`<table><tr><th>Category</th><th>Examples</th></tr><tr><td>Identifiers</td><td><ul><li>name</li><li>email</li></ul></td></tr></table>`,
			"table-row:Category: Identifiers. Examples: name; email."},
		{"table with thead, a row header, an empty cell and a spanning cell",
			`<p>We collect:</p><table><thead><tr><td></td><th>Collected?</th><th>Shared</th></tr></thead><tbody><tr><th>Identifiers</th><td>Yes</td><td></td></tr><tr><th>Geolocation</th><td colspan="2">No, never</td></tr></tbody></table>`,
			"paragraph:We collect: / table-row:Identifiers. Collected? Yes. / table-row:Geolocation. Collected? No, never."},
		{"table without a header row",
			`<table><tr><td>Email</td><td>privacy@acme.example</td></tr><tr><td>Post</td><td>1 Main Street.</td></tr></table>`,
			"table-row:Email. privacy@acme.example. / table-row:Post. 1 Main Street."},
		{"data table whose cells title their blocks with headings; a block ending a sentence is not followed by a semicolon",
			`<table><thead><tr><td>Shared</td><td>With</td></tr></thead><tr><td><ul><li>Age.</li><li>Gender</li></ul></td><td><h5>Ad partners</h5><p>To show ads</p><p>Only with consent.</p></td></tr></table>`,
			"table-row:Shared: Age. Gender. With: Ad partners; To show ads; Only with consent."},
		{"lines of a data table's cell broken by <br>: items of a list, or a sentence going on",
			`<table><tr><th>Data</th><th>Why</th></tr><tr><td>Identity data<br>Account data</td><td>Keeps the session<br>by storing an ID.</td></tr><tr><td>session_id<br/>csrf</td><td>Name:<br>Ada</td></tr></table>`,
			"table-row:Data: Identity data; Account data. Why: Keeps the session by storing an ID. / table-row:Data: session_id; csrf. Why: Name: Ada."},
		{"layout table is read as the page",
			`<table><tr><td><h2>Privacy</h2><p>We collect data.</p></td><td><p>Side text.</p></td></tr></table>`,
			"heading2:Privacy / paragraph:We collect data. / paragraph:Side text."},
		{"hidden elements and chrome",
			`<nav>Menu</nav><header>Site name</header><main><section><header><h1>Title</h1></header><p>Body.</p><p aria-hidden="true">Decor</p><p style="visibility:hidden">Ghost</p><footer>Updated 2024</footer></section></main><footer>Copyright</footer><div role="navigation">Links</div><aside>Ad</aside>`,
			"heading1:Title / paragraph:Body. / paragraph:Updated 2024"},
		{"form controls dropped but a form-wrapped page is kept",
			`<form id="aspnetForm"><p>Policy text.</p><label>Name</label><input value="x"><select><option>A</option></select><button>Go</button></form>`,
			"paragraph:Policy text."},
		{"pre keeps lines",
			"<pre>Line one\n  Line two\n\nNext</pre>",
			"paragraph:Line one\nLine two / paragraph:Next"},
		{"entities and nbsp",
			`<p>Caf&eacute;&nbsp;&amp;&#160;Co &mdash; &ldquo;ok&rdquo;</p>`,
			"paragraph:Café & Co — “ok”"},
		{"word-processor tags stay inline, custom elements are blocks",
			`<p>Our office in <st1:city>Springfield</st1:city> is open.<o:p></o:p></p><x-card>Card one</x-card><x-card>Card two</x-card>`,
			"paragraph:Our office in Springfield is open. / paragraph:Card one / paragraph:Card two"},
		{"text only inside chrome is still read",
			`<body><header><h1>Tiny policy</h1><p>We collect nothing.</p></header></body>`,
			"heading1:Tiny policy / paragraph:We collect nothing."},
		{"a top-level header with the page's h1 is the page's own",
			`<header><a href="/">Logo</a><nav>Menu</nav><h1>Privacy Policy</h1><p>Last updated: May 1, 2024</p></header><main><p>Body.</p></main>`,
			"paragraph:Logo / heading1:Privacy Policy / paragraph:Last updated: May 1, 2024 / paragraph:Body."},
	}
	for _, tt := range tests {
		doc, err := extractHTML([]byte(tt.in), 0)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if got := blocksString(doc.Blocks); got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, got, tt.want)
		}
	}
}

func TestHTMLCharsets(t *testing.T) {
	tests := []struct {
		file, encoding string
	}{
		{"html/charset-source.html", "utf-8"},
		{"html/latin1-declared.html", "windows-1252"},
		{"html/unknown-charset.html", "windows-1252"},
		{"html/mislabeled-utf8.html", "utf-8"},
		{"html/utf16le.html", "utf-16le"},
	}
	for _, tt := range tests {
		doc := extractFixture(t, tt.file)
		if doc.Encoding != tt.encoding {
			t.Errorf("%s: encoding %q, want %q", tt.file, doc.Encoding, tt.encoding)
		}
		if doc.Title != "Café Crème – Privacy" {
			t.Errorf("%s: title %q", tt.file, doc.Title)
		}
		text := doc.Text()
		for _, s := range []string{"Café Crème Privacy Notice", "(“we”)", "Genève", "€5", "— nothing", "données"} {
			if !strings.Contains(text, s) {
				t.Errorf("%s: text lacks %q: %q", tt.file, s, text)
			}
		}
	}
	// A declared legacy charset other than Windows-1252 is honoured.
	doc, err := extractHTML([]byte("<meta charset=\"iso-8859-2\"><p>Pr\xe1vo na ochranu \xb9kody</p>"), 0)
	if err != nil || doc.Encoding != "iso-8859-2" || doc.Text() != "Právo na ochranu škody" {
		t.Errorf("iso-8859-2 page: %v %q %q", err, doc.Encoding, doc.Text())
	}
}
