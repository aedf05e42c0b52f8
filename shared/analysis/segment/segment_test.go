package segment_test

import (
	"context"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/extract/extracttest"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/policy"
)

// checkClauses verifies the contract of Split on every clause: ordinals
// from 1, offsets in order and inside the text, Text equal to the collapsed
// runes of its span, no clause empty or longer than max.
func checkClauses(t *testing.T, name string, doc *policy.Document, clauses []policy.Clause, max int) {
	t.Helper()
	runes := []rune(doc.Text())
	prevEnd := 0
	for i, c := range clauses {
		if c.Ordinal != i+1 {
			t.Errorf("%s: clause %d has ordinal %d", name, i+1, c.Ordinal)
		}
		if c.Start < prevEnd || c.End <= c.Start || c.End > len(runes) {
			t.Errorf("%s: clause %d span [%d,%d) out of order or range (previous end %d, text %d)", name, c.Ordinal, c.Start, c.End, prevEnd, len(runes))
			return
		}
		prevEnd = c.End
		if got := strings.Join(strings.Fields(string(runes[c.Start:c.End])), " "); got != c.Text {
			t.Errorf("%s: clause %d text\n%q\ndoes not match its span\n%q", name, c.Ordinal, c.Text, got)
		}
		if n := utf8.RuneCountInString(c.Text); n == 0 || n > max {
			t.Errorf("%s: clause %d has %d characters (max %d)", name, c.Ordinal, n, max)
		}
		if c.Text == "" || unicode.IsSpace([]rune(c.Text)[0]) {
			t.Errorf("%s: clause %d text %q is empty or untrimmed", name, c.Ordinal, c.Text)
		}
		for _, h := range c.Heading {
			if h == "" || h != strings.Join(strings.Fields(h), " ") {
				t.Errorf("%s: clause %d has heading %q", name, c.Ordinal, h)
			}
		}
	}
}

var fixtures = []string{
	"policies/lumen-fitness.txt", "policies/pebble-kids.txt", "policies/tidewater-dental.txt",
	"policies/harbor-books.html", "policies/quillmate.md",
	"markdown/cookie-notice.markdown", "markdown/signals.txt", "text/single-line.txt", "text/sentence-per-line.txt", "text/sentence-per-paragraph.txt",
	"text/headings.txt", "text/lists.txt", "text/chrome.txt", "text/wrapped.txt",
	"text/crlf.txt", "text/cr.txt", "text/encoding-source.txt", "text/utf16be-bom.txt",
	"text/windows-1252.txt", "html/latin1-declared.html", "html/utf16le.html",
}

func TestInvariantsOnFixtures(t *testing.T) {
	for _, path := range fixtures {
		doc := extracttest.Load(t, path)
		for _, max := range []int{0, 2000, 600, 150, 40} {
			clauses := segment.Split(doc, segment.Options{MaxChars: max})
			if max == 0 {
				max = segment.DefaultMaxChars
			}
			if len(clauses) == 0 {
				t.Errorf("%s: no clauses", path)
			}
			checkClauses(t, path, doc, clauses, max)
		}
	}
}

// want is an expected clause: its heading path joined by " > " and the
// beginning of its text.
type want struct{ heading, text string }

func expect(t *testing.T, name string, clauses []policy.Clause, wants []want) {
	t.Helper()
	if len(clauses) != len(wants) {
		t.Errorf("%s: %d clauses, want %d", name, len(clauses), len(wants))
	}
	for i := 0; i < len(clauses) && i < len(wants); i++ {
		c, w := clauses[i], wants[i]
		if h := strings.Join(c.Heading, " > "); h != w.heading || !strings.HasPrefix(c.Text, w.text) {
			t.Errorf("%s: clause %d is [%s] %.60q\nwant [%s] %q", name, i+1, h, c.Text, w.heading, w.text)
		}
	}
}

func TestHeadingPaths(t *testing.T) {
	tests := []struct {
		file  string
		wants []want
	}{
		{"text/headings.txt", []want{
			// The title is not repeated in every path.
			{"", "Orbit Maps Ltd. provides maps"},
			{"1. Information We Collect", "We collect the routes"},
			{"1. Information We Collect > 1.1 Location data", "When you record a ride"},
			{"1. Information We Collect > 1.2 Account data", "We collect your email"},
			{"2. Sharing", "We share rides only"},
			{"2. Sharing > 2.1 Service providers", "Our hosting provider"},
			{"SECURITY", "Rides are encrypted"},
			{"Your Choices", "You can make any ride private."},
			{"Section 3 - Contact", "Write to privacy@orbitmaps.example."},
		}},
		{"policies/tidewater-dental.txt", []want{
			{"", "Effective: 1 April 2023"},
			{"", "This notice describes how"},
			{"I. Who This Notice Covers", "This notice applies"},
			{"II. Our Commitment", "We handle personal information"},
			{"III. Information We Collect > A. Health information", "We collect the information we need"},
			{"III. Information We Collect > B. Contact and billing information", "We collect your name"},
			{"III. Information We Collect > C. Website information", "Our website uses"},
			{"IV. How We Use and Disclose Information", "We use and disclose"},
			{"IV. How We Use and Disclose Information", "We disclose information to your insurer"},
			{"IV. How We Use and Disclose Information", "Our practice management software"},
			{"V. Retention and Security", "We keep dental records"},
			{"VI. Your Rights", "You may ask to see"},
			{"VI. Your Rights", "If you are not satisfied"},
			{"VII. Contact", "Privacy Officer: Dr. Amira Haddad Tidewater Family Dental 1550 Barrington Street"},
		}},
		{"policies/pebble-kids.txt", []want{
			{"", "Updated January 2024"},
			{"", "Pebble Kids makes reading"},
			{"OUR APPROACH", "We collect as little"},
			{"OUR APPROACH", "We comply with the Children's"},
			{"INFORMATION WE COLLECT > Information From Parents", "When a parent creates a family account"},
			{"INFORMATION WE COLLECT > Information From Teachers", "Teachers who use"},
			{"INFORMATION WE COLLECT > Information Collected Automatically", "While a child plays"},
			// A list without markers stays with its introduction.
			{"HOW WE USE INFORMATION", "We use the information we collect only to: run the games and save progress; show progress reports"},
			{"HOW WE USE INFORMATION", "We do not use children's information"},
			{"HOW WE USE INFORMATION", "Parents who choose"},
			{"SHARING", "We share information only"},
			{"SHARING", "We may disclose"},
			{"PARENTAL RIGHTS > Reviewing And Deleting Information", "Parents can review"},
			{"PARENTAL RIGHTS > Schools", "If your child uses"},
			{"PARENTAL RIGHTS > Consent", "We ask for a parent's verifiable consent"},
			{"DATA RETENTION AND SECURITY", "We keep children's progress"},
			{"CALIFORNIA AND OTHER STATES", "Under CalOPPA"},
			{"CHANGES", "If we change this policy"},
			{"CONTACT", "Pebble Play, Inc. Privacy Team"},
			{"CONTACT", "Email: privacy@pebblekids.example Phone:"},
		}},
		{"policies/harbor-books.html", []want{
			{"", "Effective date: 12 January 2024"},
			{"", "Harbor Books Company"},
			{"", "By “personal information”"},
			{"What we collect > Information you give us", "We collect the information you give us when you place an order, create an account, join Harbor Readers, sign up for an event, enter a competition or contact us. Depending on what you do, this may include: • your name, postal address"},
			{"What we collect > Information collected automatically", "When you visit"},
			{"What we collect > Information collected automatically", "Our in-store systems"},
			{"What we collect > Information from other sources", "We receive address corrections"},
			{"How we use it", "We use personal information to fulfil"},
			{"How we use it", "Marketing. If you sign up"},
			{"How we share it", "We share personal information with companies"},
			// Bold-only lines nest under the h2 around them.
			{"How we share it > Publishers and authors", "If you buy a ticket"},
			{"How we share it > Legal reasons", "We disclose information when"},
			{"How we share it > Legal reasons", "We do not sell personal information"},
			// The table stays with the sentence that introduces it, read row
			// by row under its headers.
			{"Cookies", "We use the following kinds of cookies: Type: Essential. Purpose: Keep your basket and sign-in working. Can you turn it off? No. Type: Analytics."},
			{"Your choices and rights", "You can review"},
			{"Your choices and rights", "To make a request"},
			{"Children", "Our website and app"},
			{"Keeping information safe", "We keep personal information"},
			{"Changes and contact", "We will post any changes"},
		}},
		{"policies/quillmate.md", []want{
			{"", "Last revised: 2024-05-20"},
			{"", "QuillMate is a writing assistant"},
			{"", "Short version:"},
			{"1. Data we process > 1.1 Account data", "To create an account"},
			{"1. Data we process > 1.2 Your text", "To give you suggestions, the editor and extension send the text you are writing to our servers. We process it in memory, return suggestions and keep it only as long as described in section 4. We do not read your documents, except: • when you send"},
			{"1. Data we process > 1.2 Your text", "The extension is switched off"},
			{"1. Data we process > 1.3 Usage and device data", "We collect the version"},
			{"1. Data we process > 1.4 Billing data", "Payments for QuillMate Pro"},
			// Table rows are grouped, each read under the headers.
			{"2. Why we process data", "Purpose: Providing suggestions. Data used: Your text, settings. Legal basis under the GDPR: Contract. Purpose: Running your account."},
			{"2. Why we process data", "We do not make decisions"},
			{"3. Who receives data", "We use a small number of processors, each bound by a data processing agreement: 1. a cloud hosting provider"},
			{"3. Who receives data", "If you use QuillMate Teams"},
			{"3. Who receives data", "We may disclose data"},
			{"4. Retention", "• Text sent for suggestions: deleted within 24 hours, unless you saved it as a document. • Saved documents:"},
			{"5. International transfers", "We store data"},
			{"6. Your rights", "Under the GDPR"},
			{"6. Your rights", "If you live in the United Kingdom"},
			{"7. Security", "Text is encrypted"},
			{"8. Children", "QuillMate is not intended"},
			{"9. Changes", "We announce material changes"},
			{"10. Contact", "Our data protection officer"},
		}},
		{"text/lists.txt", []want{
			{"Information We Collect", "We collect the following information: - your name; - your email address; - your postal address."},
			{"Information We Collect", "We use it to send you orders."},
			// Numbered items separated by blank lines continue the list.
			{"Information We Collect", "We may share your information with: 1. delivery companies; 2. payment processors; 3. fraud-prevention services."},
			{"Your Rights", "You have the right to: a) access your data; b) correct your data; c) delete your data."},
			{"Your Rights", "Each request is free of charge."},
			// The table of contents is dropped; numbering that starts again is
			// a heading.
			{"1. Scope", "This notice covers the Shop app and website."},
		}},
		{"markdown/cookie-notice.markdown", []want{
			{"", "Effective 2023-11-01 Lantern Cloud Ltd. uses cookies"},
			{"What are cookies?", "Cookies are small text files"},
			{"Cookies we use", "We group our cookies as follows: • Strictly necessary: sign-in, load balancing and your cookie choices. • Preferences"},
			{"Cookies we use", "Cookie: lc_session. Purpose: Keeps you signed in. Lifetime: Session. Cookie: lc_consent."},
			{"Your choices", "1. Open Cookie settings at the foot of any page. 2. Switch off"},
			{"Your choices", "You can also block cookies"},
			{"Your choices", "Example: lc_consent=analytics:0;preferences:1"},
			{"Your choices", "Blocking strictly necessary cookies"},
		}},
		{"text/chrome.txt", []want{
			{"", "We use cookies to remember"},
			{"", "Essential cookies are needed"},
			{"", "Analytics cookies help us"},
		}},
		{"text/wrapped.txt", []want{
			// Short lines that end a sentence end a paragraph in wrapped text.
			{"", "The Fernhill Public Library keeps records of the items you borrow only while they are on loan. When you return an item, the link between you and the item is deleted, unless you have turned on reading history in your account settings."},
			{"", "Library computers are wiped every night."},
			{"", "We will not disclose borrowing records"},
		}},
	}
	for _, tt := range tests {
		doc := extracttest.Load(t, tt.file)
		clauses := segment.Split(doc, segment.Options{})
		checkClauses(t, tt.file, doc, clauses, segment.DefaultMaxChars)
		expect(t, tt.file, clauses, tt.wants)
	}
}

func TestLumenStructure(t *testing.T) {
	doc := extracttest.Load(t, "policies/lumen-fitness.txt")
	clauses := segment.Split(doc, segment.Options{})
	checkClauses(t, "lumen", doc, clauses, segment.DefaultMaxChars)
	paths := map[string]bool{}
	for _, c := range clauses {
		paths[strings.Join(c.Heading, " > ")] = true
		if strings.HasPrefix(c.Text, "1. Who We Are 2. Information We Collect") {
			t.Errorf("the table of contents became clause %d", c.Ordinal)
		}
		if len(c.Heading) > 0 && (c.Heading[0] == "Contents" || c.Heading[0] == "LUMEN FITNESS PRIVACY POLICY") {
			t.Errorf("clause %d sits under %q", c.Ordinal, c.Heading)
		}
	}
	for _, p := range []string{
		"1. WHO WE ARE",
		"2. INFORMATION WE COLLECT > 2.1 Information you give us",
		"2. INFORMATION WE COLLECT > 2.7 Bluetooth and device pairing",
		"3. HOW WE USE YOUR INFORMATION > 3.2 Legal bases for processing",
		"4. HOW WE SHARE INFORMATION > 4.1 Service providers",
		"6. YOUR CHOICES AND RIGHTS > 6.3 California residents",
		"7. HOW LONG WE KEEP INFORMATION > 7.1 Backups and deleted data",
		"14. CONTACT US",
		"16. ACCESSIBILITY AND OTHER FORMATS",
	} {
		if !paths[p] {
			t.Errorf("no clause under %q", p)
		}
	}
	// The list of uses stays with its introduction in one clause, and the
	// contact address stays together.
	for _, s := range []string{
		"We use the information described above to: - provide the Services, including syncing your band, showing your activity history and calculating trends; - personalise",
		"contact our privacy team: Lumen Fitness Ltd. Attn: Privacy Team 18 Canal Wharf Leeds LS1 4BR United Kingdom",
	} {
		found := false
		for _, c := range clauses {
			found = found || strings.Contains(c.Text, s)
		}
		if !found {
			t.Errorf("no clause contains %q", s)
		}
	}
}

// TestMessyLayouts checks the layouts without paragraphs: one 26,000
// character line, one sentence per line, one sentence per paragraph.
func TestMessyLayouts(t *testing.T) {
	for _, file := range []string{"text/single-line.txt", "text/sentence-per-line.txt", "text/sentence-per-paragraph.txt"} {
		doc := extracttest.Load(t, file)
		clauses := segment.Split(doc, segment.Options{})
		checkClauses(t, file, doc, clauses, segment.DefaultMaxChars)
		total := 0
		for _, c := range clauses {
			n := utf8.RuneCountInString(c.Text)
			total += n
			// Paragraph-sized: no clause is a lone sentence fragment or a
			// page-long block (the last clause of a section may be short).
			if n > 1200 {
				t.Errorf("%s: clause %d has %d characters", file, c.Ordinal, n)
			}
			// Sentences are never cut at an abbreviation or a number.
			for _, end := range []string{"e.g.", "i.e.", "U.S.", "Inc.", "Ltd.", "No.", "Dr.", "N.A.", "B.V."} {
				if strings.HasSuffix(c.Text, end) {
					t.Errorf("%s: clause %d ends at %q: %q", file, c.Ordinal, end, c.Text)
				}
			}
			if last, _ := utf8.DecodeLastRuneInString(c.Text); !strings.ContainsRune(".!?:)", last) && len(c.Heading) == 0 && file == "text/single-line.txt" && c.Ordinal < len(clauses) {
				t.Errorf("%s: clause %d does not end at a sentence boundary: %q", file, c.Ordinal, c.Text[max(0, len(c.Text)-60):])
			}
		}
		if mean := total / len(clauses); mean < 250 || mean > 800 {
			t.Errorf("%s: mean clause length %d, want a paragraph's (250-800)", file, mean)
		}
	}
	// One sentence per line still finds the headings.
	clauses := segment.Split(extracttest.Load(t, "text/sentence-per-line.txt"), segment.Options{})
	var headings []string
	for _, c := range clauses {
		headings = append(headings, strings.Join(c.Heading, " > "))
	}
	if got := strings.Join(headings, "|"); got != "|Information We Collect|How We Use Information|Sharing|Security|Children|Contact Us" {
		t.Errorf("sentence-per-line headings %q", got)
	}
	// The 26,000-character line has no headings to find, only sentences.
	single := segment.Split(extracttest.Load(t, "text/single-line.txt"), segment.Options{})
	if len(single) < 35 || len(single) > 80 {
		t.Errorf("single line: %d clauses, want about one per 400-700 characters", len(single))
	}
}

func TestMaxChars(t *testing.T) {
	long := strings.Repeat("We may share aggregated statistics with partners, advertisers and researchers, ", 60) + "and nobody else."
	giant := "See https://example.com/" + strings.Repeat("x", 5000) + " for details."
	for _, tt := range []struct {
		name string
		text string
		max  int
	}{
		{"one long sentence", long, 500},
		{"one long sentence default", long, 0},
		{"a word longer than the limit", giant, 300},
		{"tiny limit", "Short words only here. Another one.", 3},
		{"limit of one", "ab cd", 1},
	} {
		doc := &policy.Document{Format: policy.Text, Blocks: []policy.Block{{Text: "Heading"}, {Text: tt.text}}}
		clauses := segment.Split(doc, segment.Options{MaxChars: tt.max})
		max := tt.max
		if max == 0 {
			max = segment.DefaultMaxChars
		}
		checkClauses(t, tt.name, doc, clauses, max)
		if len(clauses) < 2 {
			t.Errorf("%s: %d clauses", tt.name, len(clauses))
		}
	}
	// Long sentences are cut after a comma or semicolon where possible.
	doc := &policy.Document{Blocks: []policy.Block{{Text: long}}}
	for _, c := range segment.Split(doc, segment.Options{MaxChars: 500})[:3] {
		if !strings.HasSuffix(c.Text, ",") {
			t.Errorf("long sentence cut mid-phrase: %q", c.Text[len(c.Text)-30:])
		}
	}
}

func TestPages(t *testing.T) {
	doc := &policy.Document{Format: policy.PDF, Pages: 2, Blocks: []policy.Block{
		{Kind: policy.Heading, Level: 1, Text: "Privacy Policy", Page: 1},
		{Text: "We collect your name and email address when you register.", Page: 1},
		{Kind: policy.Heading, Text: "1. Sharing", Page: 1},
		{Text: "We share data with processors.", Page: 2},
		{Kind: policy.Heading, Text: "1.1 Processors", Page: 2},
		{Text: "Our processors act on our instructions only.", Page: 2},
	}}
	clauses := segment.Split(doc, segment.Options{})
	checkClauses(t, "pdf", doc, clauses, segment.DefaultMaxChars)
	expect(t, "pdf", clauses, []want{
		{"", "We collect your name"},
		{"1. Sharing", "We share data"},
		{"1. Sharing > 1.1 Processors", "Our processors"},
	})
	for i, page := range []int{1, 2, 2} {
		if i < len(clauses) && clauses[i].Page != page {
			t.Errorf("clause %d on page %d, want %d", i+1, clauses[i].Page, page)
		}
	}
}

func TestSplitSmallDocuments(t *testing.T) {
	tests := []struct {
		name   string
		blocks []policy.Block
		wants  []want
	}{
		{"no blocks", nil, nil},
		{"only headings are the content", []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy"}, {Kind: policy.Heading, Level: 2, Text: "We Collect Nothing"}},
			[]want{{"", "Privacy We Collect Nothing"}}},
		{"a heading-like last line is text", []policy.Block{{Kind: policy.Heading, Level: 1, Text: "Privacy"}, {Text: "We Collect Nothing"}},
			[]want{{"", "We Collect Nothing"}}},
		{"lone bullet and furniture dropped", []policy.Block{{Text: "•"}, {Text: "We keep logs for 30 days."}, {Kind: policy.ListItem, Text: "• "}, {Text: "Back to top"}},
			[]want{{"", "We keep logs for 30 days."}}},
		{"a one-word fragment joins the next paragraph", []policy.Block{{Text: "Yes."}, {Text: "We keep logs for 30 days."}},
			[]want{{"", "Yes. We keep logs for 30 days."}}},
		{"a stray word joins the paragraph before", []policy.Block{{Text: "We keep logs for 30 days, as our policy sets out in detail."}, {Text: "Thanks."}},
			[]want{{"", "We keep logs for 30 days, as our policy sets out in detail. Thanks."}}},
		{"a glossary term set apart in lower case joins its definition; a line in lower case with more than words does not", []policy.Block{
			{Text: longPara("We disclose information within our group")},
			{Text: "certain credit information"}, {Text: longPara("Credit information includes your credit score")},
			{Text: "o Lightward Inc. (a tool)"}, {Text: longPara("Other requests go to support")},
		}, []want{
			{"", longPara("We disclose information within our group")},
			{"", "certain credit information " + longPara("Credit information includes your credit score")},
			{"", "o Lightward Inc. (a tool)"},
			{"", longPara("Other requests go to support")},
		}},
		{"an address on a line of its own stays with the sentence that gives it", []policy.Block{
			{Text: longPara("Write to our data protection officer")}, {Text: "dpo@quillmate.example"}, {Text: longPara("Other requests go to support")},
			{Text: longPara("See our form")}, {Text: "https://quillmate.example/privacy"}, {Text: longPara("We answer within a month")},
		}, []want{
			{"", longPara("Write to our data protection officer") + " dpo@quillmate.example"},
			{"", longPara("Other requests go to support")},
			{"", longPara("See our form") + " https://quillmate.example/privacy"},
			{"", longPara("We answer within a month")},
		}},
		{"headings by level", []policy.Block{
			{Kind: policy.Heading, Level: 2, Text: "A"}, {Text: "a text."},
			{Kind: policy.Heading, Level: 3, Text: "A1"}, {Text: "a1 text."},
			{Kind: policy.Heading, Level: 4, Text: "A1x"}, {Text: "a1x text."},
			{Kind: policy.Heading, Level: 3, Text: "A2"}, {Text: "a2 text."},
			{Kind: policy.Heading, Text: "Bold"}, {Text: "bold text."},
			{Kind: policy.Heading, Level: 2, Text: "B"}, {Text: "b text."},
		}, []want{
			{"A", "a text."}, {"A > A1", "a1 text."}, {"A > A1 > A1x", "a1x text."},
			{"A > A2", "a2 text."}, {"A > A2 > Bold", "bold text."}, {"B", "b text."},
		}},
	}
	for _, tt := range tests {
		doc := &policy.Document{Blocks: tt.blocks}
		clauses := segment.Split(doc, segment.Options{})
		checkClauses(t, tt.name, doc, clauses, segment.DefaultMaxChars)
		expect(t, tt.name, clauses, tt.wants)
	}
}

func TestPlainTextHeadings(t *testing.T) {
	tests := []struct {
		name, text string
		wants      []want
	}{
		{"numbered depth",
			"Intro text here.\n\n4. Sharing\n\nWe share.\n\n4.2 Service providers\n\nThey help.\n\n4.2.1 Hosting\n\nServers.\n\n5. Rights\n\nYou have rights.",
			[]want{{"", "Intro"}, {"4. Sharing", "We share."}, {"4. Sharing > 4.2 Service providers", "They help."}, {"4. Sharing > 4.2 Service providers > 4.2.1 Hosting", "Servers."}, {"5. Rights", "You have rights."}}},
		{"heading on the first line of a paragraph",
			"Data We Collect\nWe collect your name and email.\n\nHOW WE USE DATA\nWe use it to run the service.",
			[]want{{"Data We Collect", "We collect your name"}, {"HOW WE USE DATA", "We use it"}}},
		{"sentence-case short heading and question heading",
			"Information we collect\n\nWe collect names.\n\nHow do we use it?\n\nTo send receipts.",
			[]want{{"Information we collect", "We collect names."}, {"How do we use it?", "To send receipts."}}},
		{"colon heading only when heading-like",
			"Information We Collect:\n\nWe collect names.\n\nWe collect the following:\n\nYour name.",
			[]want{{"Information We Collect", "We collect names."}, {"Information We Collect", "We collect the following: Your name."}}},
		{"not headings: dates, sentences, wrapped lines, addresses",
			"Last updated: March 3, 2024\n\nMarch 3, 2024\n\nWe collect data.\n\nWe may share your information with\nthird parties that help us.",
			[]want{{"", "Last updated: March 3, 2024"}, {"", "March 3, 2024"}, {"", "We collect data."}, {"", "We may share your information with third parties"}}},
		{"caps section with title-case subsections",
			"YOUR RIGHTS\n\nAccess\n\nYou can get a copy.\n\nDeletion\n\nYou can delete it.\n\nCONTACT\n\nWrite to us.",
			[]want{{"YOUR RIGHTS > Access", "You can get a copy."}, {"YOUR RIGHTS > Deletion", "You can delete it."}, {"CONTACT", "Write to us."}}},
		{"numbered lines without text between them are a list",
			"Your Choices\n\n1. Opt out of marketing\n\n2. Delete your account\n\n3. Download your data\n\nEach takes a minute.",
			[]want{{"Your Choices", "1. Opt out of marketing 2. Delete your account 3. Download your data"}, {"Your Choices", "Each takes a minute."}}},
		{"headings at the end are text",
			"Data\n\nWe collect data.\n\nContact\n\nAcme Privacy Team",
			[]want{{"Data", "We collect data."}, {"Contact", "Acme Privacy Team"}}},
		{"preamble heading does not parent numbered sections",
			"Introduction\n\nWelcome to our notice.\n\n1. Data\n\nWe collect data.\n\n2. Use\n\nWe use data.",
			[]want{{"Introduction", "Welcome"}, {"1. Data", "We collect data."}, {"2. Use", "We use data."}}},
	}
	for _, tt := range tests {
		doc, err := extract.Extract(context.Background(), "p.txt", []byte(tt.text), policy.Limits{})
		if err != nil {
			t.Fatal(err)
		}
		clauses := segment.Split(doc, segment.Options{})
		checkClauses(t, tt.name, doc, clauses, segment.DefaultMaxChars)
		expect(t, tt.name, clauses, tt.wants)
	}
}

// TestNothingLost checks that every word of the extracted text ends up in
// a clause or a heading path, apart from the page furniture, the title and
// the table of contents that segmentation drops on purpose (words are
// compared ignoring case, as a table of contents repeats the headings).
func TestNothingLost(t *testing.T) {
	tests := []struct {
		file    string
		dropped string // the words allowed to disappear
	}{
		{"policies/lumen-fitness.txt", "LUMEN FITNESS PRIVACY POLICY Contents"},
		{"policies/pebble-kids.txt", "Pebble Kids Learning Games – Privacy Policy"},
		{"policies/tidewater-dental.txt", "Tidewater Family Dental Notice of Privacy Practices and Website Privacy Statement"},
		{"policies/harbor-books.html", "Harbor Books Privacy Notice Back to top"},
		{"policies/quillmate.md", "QuillMate Privacy Policy"},
		{"text/chrome.txt", "Cookie Notice Back to top • Print this page"},
		{"text/lists.txt", "Contents Data"},
		{"text/sentence-per-line.txt", "Brightwater Bank Online Privacy Statement"},
		{"text/single-line.txt", ""},
	}
	for _, tt := range tests {
		doc := extracttest.Load(t, tt.file)
		kept := map[string]bool{}
		for _, c := range segment.Split(doc, segment.Options{}) {
			for _, w := range strings.Fields(c.Text) {
				kept[strings.ToLower(w)] = true
			}
			for _, h := range c.Heading {
				for _, w := range strings.Fields(h) {
					kept[strings.ToLower(w)] = true
				}
			}
		}
		allowed := map[string]bool{}
		for _, w := range strings.Fields(tt.dropped) {
			allowed[w] = true
		}
		var lost []string
		for _, w := range strings.Fields(doc.Text()) {
			if !kept[strings.ToLower(w)] && !allowed[w] && !allowed[strings.TrimRight(w, ":")] {
				lost = append(lost, w)
			}
		}
		if len(lost) > 0 {
			t.Errorf("%s: words lost: %q", tt.file, lost)
		}
	}
}

// A table of contents is found by its entries repeating later headings,
// whatever it is called: it gives no clause, is not the title, and an
// entry makes the line it names a heading.
func TestTableOfContents(t *testing.T) {
	text := "Acme Privacy Policy\n\n" +
		"What this policy covers\n\n" +
		"- Information we collect\n- How we use information ........ 2\n- Who we share data with\n- Your choices\n\n" +
		"Information we collect\n\nWe collect your name and email address.\n\n" +
		"How we use information\n\nWe use it to run the service.\n\n" +
		// Not a heading by its looks (a line ending in "with" is a
		// sentence cut by a line break), but the contents name it.
		"Who we share data with\n\nWe share it with our host only.\n\n" +
		"Your choices\n\nYou can delete your account."
	doc, err := extract.Extract(context.Background(), "p.md", []byte(text), policy.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	clauses := segment.Split(doc, segment.Options{})
	checkClauses(t, "toc", doc, clauses, segment.DefaultMaxChars)
	expect(t, "toc", clauses, []want{
		{"Information we collect", "We collect your name"},
		{"How we use information", "We use it"},
		{"Who we share data with", "We share it"},
		{"Your choices", "You can delete"},
	})
}

// A line between headings that reads as a heading is one, never a clause
// of its own; a bulleted line marked as a heading is a list item.
func TestLoneHeadingsAndBulletedHeadings(t *testing.T) {
	doc := &policy.Document{Format: policy.PDF, Blocks: []policy.Block{
		{Kind: policy.Heading, Level: 1, Text: "Acme Privacy Policy", Page: 1},
		{Kind: policy.Heading, Level: 2, Text: "Our Practices", Page: 1},
		{Text: "We collect the following:", Page: 1},
		{Kind: policy.ListItem, Text: "1. your name;", Page: 1},
		{Kind: policy.ListItem, Text: "2. your address.", Page: 1},
		// Read as the next item of the list above, it is a heading.
		{Kind: policy.ListItem, Text: "3. Retention Period", Page: 1},
		{Kind: policy.Heading, Level: 3, Text: "3.1 Accounts", Page: 1},
		{Text: "We keep account data for a year.", Page: 1},
		{Kind: policy.Heading, Level: 2, Text: "4. Logs", Page: 2},
		{Kind: policy.Heading, Level: 3, Text: "Server Logs", Page: 2},
		{Text: "Our servers record the following:", Page: 2},
		{Kind: policy.Heading, Level: 3, Text: "• URL of pages visited; and", Page: 2},
		{Kind: policy.ListItem, Text: "• the time of the visit.", Page: 2},
		{Kind: policy.Heading, Level: 2, Text: "5. Contact", Page: 2},
		{Text: "Write to us.", Page: 2},
	}}
	clauses := segment.Split(doc, segment.Options{})
	checkClauses(t, "lone", doc, clauses, segment.DefaultMaxChars)
	expect(t, "lone", clauses, []want{
		{"Our Practices", "We collect the following: 1. your name; 2. your address."},
		{"3. Retention Period > 3.1 Accounts", "We keep account data for a year."},
		{"4. Logs > Server Logs", "Our servers record the following: • URL of pages visited; and • the time of the visit."},
		{"5. Contact", "Write to us."},
	})
}

// A paragraph that stops in the middle of a sentence goes on in the next
// one when that one goes on in lower case (a page break, or text converted
// with a blank line after every line); a paragraph that ends its sentence
// does not.
func TestSentenceCutByBlankLine(t *testing.T) {
	text := "Usage Data\n\nWhen you use the app on a mobile device, this data may include information such\n\n" +
		"as the type of device you use and its unique ID.\n\nWe keep it for a year.\n\nsee our cookie notice for more."
	doc, err := extract.Extract(context.Background(), "p.md", []byte(text), policy.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	clauses := segment.Split(doc, segment.Options{})
	checkClauses(t, "cut", doc, clauses, segment.DefaultMaxChars)
	expect(t, "cut", clauses, []want{
		{"Usage Data", "When you use the app on a mobile device, this data may include information such as the type of device you use and its unique ID."},
		{"Usage Data", "We keep it for a year."},
		{"Usage Data", "see our cookie notice for more."},
	})
}

// Where a document marks its headings, a lone numbered or capitalised line
// above text is a heading it forgot to mark, not a clause; the items of a
// numbered list are not.
func TestUnmarkedHeadings(t *testing.T) {
	text := "# Acme Privacy Policy\n\n## 1. What we collect\n\nWe collect your name.\n\n" +
		"7. Transfer of Data\n\nWe store data in Ireland.\n\nWHO TO CONTACT\n\nWrite to privacy@acme.example.\n\n" +
		"## 8. Your choices\n\nYou can:\n\n1. Opt out of marketing\n2. Delete your account\n\nEach takes a minute."
	doc, err := extract.Extract(context.Background(), "p.md", []byte(text), policy.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	clauses := segment.Split(doc, segment.Options{})
	checkClauses(t, "unmarked", doc, clauses, segment.DefaultMaxChars)
	expect(t, "unmarked", clauses, []want{
		{"1. What we collect", "We collect your name."},
		{"1. What we collect > 7. Transfer of Data", "We store data in Ireland."},
		{"1. What we collect > WHO TO CONTACT", "Write to privacy@acme.example."},
		{"8. Your choices", "You can: 1. Opt out of marketing 2. Delete your account"},
		{"8. Your choices", "Each takes a minute."},
	})
}

// longPara returns a paragraph of about 450 characters opening with lead:
// long enough to be a clause of its own.
func longPara(lead string) string {
	return lead + strings.Repeat(", as this sentence goes on to say in many more words than a short one would", 5) + "."
}
