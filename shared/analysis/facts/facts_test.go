package facts

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/extract/extracttest"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

func textDoc(s string) *policy.Document {
	doc := &policy.Document{Format: policy.Text}
	for _, p := range strings.Split(s, "\n\n") {
		doc.Blocks = append(doc.Blocks, policy.Block{Text: p})
	}
	return doc
}

func TestFindOnPolicies(t *testing.T) {
	tests := []struct {
		file string
		want policy.Facts
	}{
		{"policies/lumen-fitness.txt", policy.Facts{
			Title:   "LUMEN FITNESS PRIVACY POLICY",
			Company: "Lumen", // ("Lumen", "we", "us" or "our"), before the title's
			Updated: &policy.Date{AsWritten: "March 3, 2024", ISO: "2024-03-03"},
			Emails:  []string{"privacy@lumenfitness.example", "dpo@lumenfitness.example", "security@lumenfitness.example"},
			URLs: []string{"www.lumenfitness.example", "https://www.lumenfitness.example/privacy/requests",
				"https://www.lumenfitness.example/privacy/health-data", "https://www.lumenfitness.example/security",
				"https://www.lumenfitness.example/privacy/archive", "https://www.lumenfitness.example/privacy"},
			Regulations: []string{GDPR, UKGDPR, CCPA, CPRA, COPPA, ShineLight, HIPAA, CANSPAM, PIPEDA, LGPD, Shield, DPF},
		}},
		{"policies/harbor-books.html", policy.Facts{
			Title:       "Harbor Books Privacy Notice", // the <h1>, not the <title>
			Company:     "Harbor Books",
			Updated:     &policy.Date{AsWritten: "12 January 2024", ISO: "2024-01-12"},
			Emails:      []string{"privacy@harborbooks.example"},
			URLs:        []string{},
			Regulations: []string{CCPA, COPPA, CANSPAM},
		}},
		{"policies/quillmate.md", policy.Facts{
			Title:       "QuillMate Privacy Policy",
			Company:     "QuillMate",
			Updated:     &policy.Date{AsWritten: "2024-05-20", ISO: "2024-05-20"},
			Emails:      []string{"dpo@quillmate.example", "privacy@quillmate.example"},
			URLs:        []string{"https://quillmate.example/legal/processors", "https://quillmate.example/security"},
			Regulations: []string{GDPR, UKGDPR, LGPD, DPF},
		}},
		{"policies/pebble-kids.txt", policy.Facts{
			Title:       "Pebble Kids Learning Games – Privacy Policy",
			Company:     "Pebble Kids Learning Games",
			Updated:     &policy.Date{AsWritten: "January 2024"},
			Emails:      []string{"privacy@pebblekids.example"},
			URLs:        []string{},
			Regulations: []string{CCPA, COPPA, CalOPPA, CANSPAM},
		}},
		{"policies/tidewater-dental.txt", policy.Facts{
			Title:       "Tidewater Family Dental Notice of Privacy Practices and Website Privacy Statement",
			Company:     "Tidewater Family Dental",
			Updated:     &policy.Date{AsWritten: "1 April 2023", ISO: "2023-04-01"},
			Emails:      []string{"privacy@tidewaterdental.example"},
			URLs:        []string{"https://www.tidewaterdental.example"},
			Regulations: []string{HIPAA, PIPEDA},
		}},
		{"text/windows-1252.txt", policy.Facts{
			Title:       "Café Crème Privacy Notice",
			Company:     "Café Crème",
			Updated:     &policy.Date{AsWritten: "5 February 2024", ISO: "2024-02-05"},
			Emails:      []string{"privacy@cafecreme.example"},
			URLs:        []string{},
			Regulations: []string{},
		}},
		{"text/sentence-per-line.txt", policy.Facts{
			Title:       "Brightwater Bank Online Privacy Statement",
			Company:     "Brightwater Bank",
			Updated:     &policy.Date{AsWritten: "June 1, 2023", ISO: "2023-06-01"},
			Emails:      []string{"privacy@brightwaterbank.example"},
			URLs:        []string{},
			Regulations: []string{},
		}},
	}
	for _, tt := range tests {
		got := Find(extracttest.Load(t, tt.file))
		if !reflect.DeepEqual(got, tt.want) {
			g, _ := json.MarshalIndent(got, "", "  ")
			w, _ := json.MarshalIndent(tt.want, "", "  ")
			t.Errorf("%s:\n got %s\nwant %s", tt.file, g, w)
		}
	}
}

func TestFindJSONHasEmptyLists(t *testing.T) {
	b, err := json.Marshal(Find(textDoc("We collect nothing.")))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != `{"emails":[],"urls":[],"regulations":[]}` {
		t.Errorf("JSON %s", got)
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		text      string
		asWritten string
		iso       string
	}{
		{"Last updated: March 3, 2024", "March 3, 2024", "2024-03-03"},
		{"LAST UPDATED ON Mar. 3rd, 2024.", "Mar. 3rd, 2024", "2024-03-03"},
		{"Effective Date: 2024-03-03", "2024-03-03", "2024-03-03"},
		{"Effective as of 3 March 2024", "3 March 2024", "2024-03-03"},
		{"This policy was last revised on the 3rd of March, 2024.", "3rd of March, 2024", "2024-03-03"},
		{"Updated January 2024", "January 2024", ""},
		{"Last modified: 2024/3/3", "2024/3/3", "2024-03-03"},
		{"Last updated 03.04.2024", "03.04.2024", "2024-04-03"},
		// Numeric dates: one order only when the numbers settle it.
		{"Last updated: 03/03/2024", "03/03/2024", "2024-03-03"},
		{"Last updated: 03/13/2024", "03/13/2024", "2024-03-13"},
		{"Last updated: 13/03/2024", "13/03/2024", "2024-03-13"},
		{"Last updated: 03/04/2024", "03/04/2024", ""},
		{"Last updated: 3-4-24", "3-4-24", ""},
		{"Last updated: 12/25/23", "12/25/23", "2023-12-25"},
		// A last-updated date wins over an effective date, wherever it is.
		{"Effective date: 1 January 2024\n\nWe collect data.\n\nLast updated: 5 February 2024", "5 February 2024", "2024-02-05"},
		// With no cue, a date alone on a line near the top.
		{"Acme Privacy Policy\n\nMay 5, 2022\n\nWe collect data.", "May 5, 2022", "2022-05-05"},
		// Policies in the other languages policies come in.
		{"Vigente: 23 de junio de 2026", "23 de junio de 2026", "2026-06-23"},
		{"Última actualización: 1 de marzo de 2025", "1 de marzo de 2025", "2025-03-01"},
		{"Dernière mise à jour : 1er février 2025", "1er février 2025", "2025-02-01"},
		{"Date d’entrée en vigueur : 12 août 2024", "12 août 2024", "2024-08-12"},
		{"Stand: 23. Juni 2026", "23. Juni 2026", "2026-06-23"},
		{"Zuletzt aktualisiert am 3. März 2025", "3. März 2025", "2025-03-03"},
		{"Ultimo aggiornamento: 5 maggio 2025", "5 maggio 2025", "2025-05-05"},
		{"Última atualização: 1º de maio de 2025", "1º de maio de 2025", "2025-05-01"},
		{"Laatst bijgewerkt op 3 mei 2025", "3 mei 2025", "2025-05-03"},
		{"Gültig ab Januar 2025", "Januar 2025", ""},
		// Other ways of writing it.
		{"Last updated: June 8. 2026", "June 8. 2026", "2026-06-08"},
		{"Last Updated: Nov, 24 2022", "Nov, 24 2022", "2022-11-24"},
		{"Effective starting: August 17, 2026", "August 17, 2026", "2026-08-17"},
		{"This Privacy Policy applies from April 4, 2026. The previous version applies until then.", "April 4, 2026", "2026-04-04"},
		{"Version 8.0 | July 23, 2025", "July 23, 2025", "2025-07-23"},
		{"Version 1.7, 09-08-2025", "09-08-2025", ""},
		{"Last update: 04 - 2021.", "04 - 2021", ""},
	}
	for _, tt := range tests {
		d := Find(textDoc(tt.text)).Updated
		if d == nil || d.AsWritten != tt.asWritten || d.ISO != tt.iso {
			t.Errorf("date in %q = %+v, want %q %q", tt.text, d, tt.asWritten, tt.iso)
		}
	}
	for _, text := range []string{
		"We updated our app in 2024.",
		"Last updated: February 30, 2024",
		"Effective immediately for all users.",
		"Updated: soon",
		"Call 03/04 for help.",
		"We collect data.\n\nIn 1985 we were founded.\n\nOffice hours 9.30 to 17.00.",
		"We stand by our 2024 pledge. Updated a few times per year.",
		"Vigente: 31 de febrero de 2025",
		"Send the browser version 14.2 with your report.",
		"Last update: 13 - 2021.",
	} {
		if d := Find(textDoc(text)).Updated; d != nil {
			t.Errorf("date in %q = %+v, want none", text, d)
		}
	}
}

func TestEmails(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Write to Privacy@Example.COM or privacy@example.com.", []string{"Privacy@example.com"}},
		{"Contact dpo@example.co.uk, legal-team+gdpr@sub.example.org; or mailto:help@example.io", []string{"dpo@example.co.uk", "legal-team+gdpr@sub.example.org", "help@example.io"}},
		{"Email privacy [at] example [dot] com or help(at)example.org or ops { at } example { dot } net.", []string{"privacy@example.com", "help@example.org", "ops@example.net"}},
		{"Our logo@2x.png and icon@3x.jpg are not addresses, nor is user@localhost or @handle.", []string{}},
		{"Not an address: a..b@example.com or .x@example.com. But x.y@example.com is.", []string{"x@example.com", "x.y@example.com"}},
	}
	for _, tt := range tests {
		if got := Find(textDoc(tt.text)).Emails; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("emails in %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestURLs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"See https://example.com/privacy. Also (https://example.com/terms), and <http://example.org/a?b=1&c=2>!",
			[]string{"https://example.com/privacy", "https://example.com/terms", "http://example.org/a?b=1&c=2"}},
		{"Visit www.example.com, WWW.EXAMPLE.COM/ or https://en.wikipedia.org/wiki/Privacy_(law).",
			[]string{"www.example.com", "https://en.wikipedia.org/wiki/Privacy_(law)"}},
		{"Same: HTTPS://Example.com/Path and https://example.com/Path/ but not https://example.com/path",
			[]string{"HTTPS://Example.com/Path", "https://example.com/path"}},
		{"Not URLs: http://, https://nodot, swww.example.com, email@www.example.com", []string{}},
		{"Quoted “https://example.com/a” and ‘https://example.com/b’…", []string{"https://example.com/a", "https://example.com/b"}},
		// A character beyond ASCII ends a URL unless it is a letter, digit
		// or mark: an arrow of a route through menus, a curly quote, a
		// no-break space; an internationalised path keeps its letters.
		{"Route: https://example.com/entry.htm→find “LOGIN”→Settings, https://example.com/a“quoted”, https://example.com/b\u00a0next and https://example.de/datenschutzerklärung/ümlaut-é",
			[]string{"https://example.com/entry.htm", "https://example.com/a", "https://example.com/b", "https://example.de/datenschutzerklärung/ümlaut-é"}},
		// A link closed right before the next words, as Markdown renders
		// "[url](url))**Name**": the bracket ends it.
		{"Contact (form: https://example.com/contact/privacy_form)Acme B.V., [https://example.org/x]Beta, https://example.net/a_(b)c_[d]e",
			[]string{"https://example.com/contact/privacy_form", "https://example.org/x", "https://example.net/a_(b)c_[d]e"}},
	}
	for _, tt := range tests {
		if got := Find(textDoc(tt.text)).URLs; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("URLs in %q = %q, want %q", tt.text, got, tt.want)
		}
	}
	var many strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&many, "https://example.com/page/%d ", i)
	}
	many.WriteString("https://example.com/" + strings.Repeat("x", 1000))
	if got := Find(textDoc(many.String())).URLs; len(got) != MaxURLs {
		t.Errorf("%d URLs kept, want the cap of %d", len(got), MaxURLs)
	}
}

func TestRegulations(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"We comply with the GDPR.", []string{GDPR}},
		// The state laws after Oregon's, California's Shine the Light law by
		// its name or section, Nevada's by its chapter.
		{"Residents of states with laws such as the New Jersey Data Privacy Act, the Minnesota Consumer Data Privacy Act and the Florida Digital Bill of Rights (FDBR) may appeal.",
			[]string{NJDPA, MinnesotaA, FDBR}},
		{"Under California Civil Code Section 1798.83 (the \u201cShine the Light\u201d law) and NRS Chapter 603A you may ask.", []string{ShineLight, Nevada603A}},
		{"Delaware Personal Data Privacy Act, Iowa Consumer Data Protection Act; MODPA.", []string{DelawarePA, IowaCDPA, MODPA}},
		// Not laws: a shared acronym, another "Data Act", a light that shines.
		{"Our MCDPA team read the Personal Data Act of 1999 and saw the light shine on 1798.830 items.", []string{}},
		{"Under the General Data Protection Regulation (EU) 2016/679 you have rights.", []string{GDPR}},
		// The UK GDPR is not also the GDPR...
		{"UK residents have rights under the UK GDPR.", []string{UKGDPR}},
		{"See the United Kingdom General Data Protection Regulation and the UK-GDPR.", []string{UKGDPR}},
		// ...unless the GDPR is named too.
		{"Both the GDPR and the UK GDPR apply.", []string{GDPR, UKGDPR}},
		{"Under the EU and UK GDPR you may object.", []string{GDPR, UKGDPR}},
		{"The California Consumer Privacy Act, as amended by the California Privacy Rights Act.", []string{CCPA, CPRA}},
		{"Our CCPA/CPRA notice.", []string{CCPA, CPRA}},
		{"We follow COPPA and CalOPPA.", []string{COPPA, CalOPPA}},
		{"The Children’s Online Privacy Protection Act and the California Online Privacy Protection Act.", []string{COPPA, CalOPPA}},
		{"Canada's PIPEDA and Brazil's Lei Geral de Proteção de Dados.", []string{PIPEDA, LGPD}},
		{"We are not a covered entity under HIPAA. We follow the CAN-SPAM Act.", []string{HIPAA, CANSPAM}},
		{"We left the EU-U.S. Privacy Shield and joined the EU-U.S. Data Privacy Framework (DPF).", []string{Shield, DPF}},
		{"UK residents: the Data Protection Act 2018 and the Privacy and Electronic Communications Regulations (PECR), which implement the ePrivacy Directive.",
			[]string{DPA2018, PECR, EPrivacy}},
		{"As a very large platform under the EU Digital Services Act; Swiss residents see the revised FADP (nDSG).", []string{DSA, FADP}},
		{"Residents of Virginia (VCDPA), Colorado (the Colorado Privacy Act), Connecticut (CTDPA), Utah (Utah Consumer Privacy Act), Texas (TDPSA) and Oregon (OCPA).",
			[]string{VCDPA, ColoradoPA, CTDPA, UCPA, TDPSA, OCPA}},
		{"Our Consumer Health Data Privacy Policy under Washington's My Health My Data Act; Illinois BIPA.", []string{MHMDA, BIPA}},
		{"Student records under FERPA; financial data under the Gramm-Leach-Bliley Act and the Fair Credit Reporting Act; viewing history under the VPPA.",
			[]string{FERPA, GLBA, FCRA, VPPA}},
		{"Quebec's Law 25 gives residents of Québec more rights.", []string{Law25}},
		{"Japan's Act on the Protection of Personal Information; China's Personal Information Protection Law (PIPL); Singapore's PDPA; India's Digital Personal Data Protection Act, 2023.",
			[]string{APPI, PIPL, PDPA, DPDPA}},
		{"Australia's Privacy Act 1988 (Cth), South Africa's POPIA, and the Nigeria Data Protection Act 2023 with the NDPR.",
			[]string{AUPrivacy, POPIA, NDPA, NDPR}},
		// False positives.
		{"Argentine Law 25,326 applies; our CPA firm and the DSA of the product; the DPA we sign with processors.", []string{}},
		{"Our HIPAAcompliant partner, the GDPRS project and NONHIPAA data.", []string{}},
		{"We can spam-proof your inbox; you can spam-filter it. Brazil's general data protection ideas.", []string{}},
		{"Our privacy shield against trackers is a browser setting.", []string{}},
		{"The ccpa in lower case is not the acronym; dpf neither.", []string{}},
	}
	for _, tt := range tests {
		if got := Find(textDoc(tt.text)).Regulations; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("regulations in %q = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		doc  *policy.Document
		want string
	}{
		{&policy.Document{Title: "  Privacy   Policy  ", Blocks: []policy.Block{{Text: "x"}}}, "Privacy Policy"},
		{&policy.Document{Title: "Microsoft Word - policy_v3.docx", Blocks: []policy.Block{{Kind: policy.Heading, Text: "Acme Privacy Notice"}}}, "Acme Privacy Notice"},
		{&policy.Document{Title: "untitled", Blocks: []policy.Block{{Text: "Last updated: May 1, 2024\nAcme Privacy Notice\nWe collect data."}}}, "Acme Privacy Notice"},
		{textDoc("## Cookie Policy ##\n\nText."), "Cookie Policy"},
		// A remark in brackets at the end is not part of the name; a
		// company's name may start with "We".
		{textDoc("Privacy Policy (Last update 19.01.2023)\n\nText."), "Privacy Policy"},
		{textDoc("We Heart It Privacy Policy\n\nText."), "We Heart It Privacy Policy"},
		{textDoc("We collect your name and email address when you register for an account with us."), ""},
		// Nothing names the document: no title rather than a wrong one.
		{textDoc("Introduction\n\nWe collect data.\n\nA. Definitions\n\nHow to manage the info we use"), ""},
		{&policy.Document{Format: policy.Markdown, Blocks: []policy.Block{
			{Kind: policy.Heading, Level: 2, Text: "Table of Contents"},
			{Kind: policy.ListItem, Text: "- Collection, Processing, and Disclosure, and Sharing of Personal Information"},
			{Kind: policy.ListItem, Text: "- Retention Period"},
			{Kind: policy.Heading, Level: 1, Text: "1. Introduction to our privacy policy"},
			{Text: "We collect data."},
		}}, ""},
		// A menu, a date line and a table of contents are passed over.
		{&policy.Document{Format: policy.Markdown, Blocks: []policy.Block{
			{Text: "Privacy • Share"},
			{Text: "Last updated: May 1, 2024"},
			{Kind: policy.ListItem, Text: "• Privacy Policy"},
			{Kind: policy.Heading, Level: 1, Text: "Acme Cookie Notice"},
		}}, "Acme Cookie Notice"},
		// A company's name heading the line that names the document.
		{textDoc("Tidewater Family Dental\nNotice of Privacy Practices\n\nEffective: 1 April 2023"), "Tidewater Family Dental Notice of Privacy Practices"},
		{&policy.Document{Format: policy.Markdown, Blocks: []policy.Block{
			{Kind: policy.Heading, Level: 1, Text: "Warner Bros. Discovery"},
			{Kind: policy.Heading, Level: 2, Text: "Consumer Privacy Policy"},
		}}, "Warner Bros. Discovery Consumer Privacy Policy"},
		// HTML: the <h1> when it names the document, else the <title>.
		{&policy.Document{Format: policy.HTML, Title: "Privacy | Acme", Blocks: []policy.Block{
			{Kind: policy.Heading, Level: 1, Text: "Acme Privacy Statement"}, {Text: "We collect data."}}}, "Acme Privacy Statement"},
		{&policy.Document{Format: policy.HTML, Title: "Acme Privacy Statement", Blocks: []policy.Block{
			{Kind: policy.Heading, Level: 1, Text: "How we use your data"}, {Text: "We collect data."}}}, "Acme Privacy Statement"},
		// PDF: the largest text of page one, its lines joined, before the
		// metadata (here decoded with the wrong character set).
		{&policy.Document{Format: policy.PDF, Title: "Acme â€“ Privacy Policy", Blocks: []policy.Block{
			{Kind: policy.Heading, Level: 1, Text: "Acme Family Dental", Page: 1},
			{Kind: policy.Heading, Level: 1, Text: "Notice of Privacy Practices", Page: 1},
			{Text: "Effective 2024", Page: 1},
			{Kind: policy.Heading, Level: 2, Text: "1. Scope", Page: 1}}}, "Acme Family Dental Notice of Privacy Practices"},
		{&policy.Document{Format: policy.PDF, Title: "Acme â€“ Privacy Policy", Blocks: []policy.Block{
			{Kind: policy.Heading, Level: 1, Text: "1. Scope", Page: 1}, {Text: "We collect data.", Page: 1}}}, ""},
	}
	for _, tt := range tests {
		if got := Find(tt.doc).Title; got != tt.want {
			t.Errorf("title of %+v = %q, want %q", tt.doc.Blocks, got, tt.want)
		}
	}
}

// BenchmarkFind finds the key facts of the 29 KB plain-text policy.
func BenchmarkFind(b *testing.B) {
	doc := extracttest.Load(b, "policies/lumen-fitness.txt")
	b.SetBytes(int64(len(doc.Text())))
	b.ReportAllocs()
	for b.Loop() {
		Find(doc)
	}
}

// docs/api.md lists every regulation Find reports, in the order it
// reports them.
func TestRegulationsDocumented(t *testing.T) {
	b, err := os.ReadFile(fixture.Path("docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start := strings.Index(doc, "`regulations` lists")
	if start < 0 {
		t.Fatal("docs/api.md has no paragraph starting \"`regulations` lists\"")
	}
	para, _, _ := strings.Cut(doc[start:], "\n\n")
	para = strings.Join(strings.Fields(para), " ")
	at := 0
	for _, name := range Regulations() {
		i := strings.Index(para[at:], " "+name+",")
		if i < 0 {
			i = strings.Index(para[at:], " "+name+";")
		}
		if i < 0 {
			i = strings.Index(para[at:], " "+name+".")
		}
		if i < 0 {
			t.Errorf("docs/api.md's list of regulations lacks %q after position %d (or lists it out of order): %s", name, at, para)
			return
		}
		at += i + len(name)
	}
}

// RegulationsIn says where each regulation is named, one place per
// stretch of words, in order.
func TestRegulationsIn(t *testing.T) {
	text := "Under the EU and UK GDPR, the General Data Protection Regulation (EU) 2016/679 and the Privacy Shield Framework; see the CCPA and, in Québec, Quebec’s Law 25."
	var got []string
	for _, o := range RegulationsIn(text) {
		got = append(got, o.Name+": "+text[o.Start:o.End])
	}
	want := []string{
		"GDPR: EU and UK GDPR",
		"UK GDPR: UK GDPR",
		"GDPR: General Data Protection Regulation (EU) 2016/679",
		"Privacy Shield: Privacy Shield Framework",
		"CCPA: CCPA",
		"Quebec Law 25: Quebec’s Law 25",
	}
	if !slices.Equal(got, want) {
		t.Errorf("RegulationsIn:\n got %q\nwant %q", got, want)
	}
}

// The company a policy speaks for: the name it defines with "we" near its
// top, else the capitalised words before "Privacy Policy" in its title.
// Every legal form is left out of a name found and of a name compared,
// with or without a final dot, after a comma or not.
func TestLegalFormsServeBothWays(t *testing.T) {
	for _, f := range legalForms {
		for _, suffix := range []string{" " + f, ", " + f + "."} {
			title := "Kestrel Trails" + suffix + " Privacy Policy"
			if got := findCompany("We collect little.", title); got != "Kestrel Trails" {
				t.Errorf("company of the title %q = %q, want Kestrel Trails", title, got)
			}
			if a, b := companyKey("Kestrel Trails"+suffix), companyKey("Kestrel Trails"); a != b {
				t.Errorf("companyKey(%q) = %q, want %q", "Kestrel Trails"+suffix, a, b)
			}
		}
	}
}

func TestCompany(t *testing.T) {
	for _, c := range []struct{ title, text, want string }{
		{"Privacy Policy", "Orchard Labs, Inc. (\u201cOrchard\u201d, \u201cwe\u201d, \u201cus\u201d or \u201cour\u201d) runs the app.", "Orchard"},
		{"Privacy Policy", "Orchard Labs (\"Orchard Labs,\" \"we,\" \"us,\" or \"our\") runs the app.", "Orchard Labs"},
		{"Privacy Notice", "This notice (the \u201cNotice\u201d) explains how Acme Corp. (the \u201cCompany\u201d, \u201cwe\u201d) uses data.", "Acme"},
		{"Privacy Notice", "Acme, a company registered in Ireland (\u201cwe\u201d), runs it.", ""},
		{"Privacy Notice", "INTRODUCTION\nOrchard (\u201cwe\u201d) runs it.", "Orchard"},
		{"Privacy Notice", "It is run by eOrchard Ltd. (\u201cwe\u201d).", ""},
		{"Kestrel Trails Privacy Policy", "We collect little.", "Kestrel Trails"},
		{"Privacy Policy", "This policy describes how Orchard Labs, Inc. (\u201cwe\u201d, \u201cus\u201d or \u201cour\u201d) uses data.", "Orchard Labs"},
		{"Privacy Policy", "The Services are offered by Orchard AB (the \"Company\" or \"We\").", "Orchard"},
		{"Privacy Policy", "Orchard Ltd and its affiliates (\u201cwe\u201d) run it.", "Orchard"},
		{"Privacy Policy", "Orchard, Inc. and its subsidiaries and affiliates (\u201cwe\u201d \u201cour\u201d or \u201cus\u201d) run it.", "Orchard"},
		{"Privacy Statement", "Orchard Media LLC (\u201cOrchard\u201d, \u201cCompany\u201d, \u201cwe\u201d, \u201cour\u201d, or \u201cus\u201d) runs it.", "Orchard"},
		{"Privacy Statement", "Orchard Media LLC (the \u201cCompany\u201d, \u201cService\u201d, \u201cwe\u201d) runs it.", "Orchard Media"},
		{"Privacy Policy", "It covers the sites offered by Orchard AS. References to \u201cwe,\u201d \u201cour\u201d and \u201cus\u201d refer to Orchard Cloud, while \u201cyou\u201d refers to you.", "Orchard Cloud"},
		{"Privacy Policy", "In this policy \u201cWe\u201d means Orchard Labs Ltd.", "Orchard Labs"},
		{"Privacy Policy", "\u201cWe\u201d, \u201cUs\u201d, and \u201cOurselves\u201d refers to Orchard. \u201cParty\u201d refers to either.", "Orchard"},
		{"Privacy Policy", "In this policy \u201cwe\u201d refers to the team.", ""},
		{"The Kestrel Privacy and Cookies Policy", "We collect little.", "Kestrel"},
		{"Kestrel Trails’s Privacy Notice", "We collect little.", "Kestrel Trails"},
		{"Welcome to our User Privacy Policy", "We collect little.", ""},
		{"Advertising Platform Privacy Policy", "We collect little.", ""},
		{"GDPR Privacy Policy for kestrel.example", "We collect little.", ""},
		{"Websites, Communications & Cookies Privacy Notice", "We collect little.", ""},
		{"Kestrel VPN Service Privacy Policy", "We collect little.", "Kestrel VPN"},
		{"Kestrel Trails, Inc. Privacy Policy", "We collect little.", "Kestrel Trails"},
		{"Privacy Policy", "Kestrel Trails AG, Zug (the \u201cFoundation\u201d, \u201cwe\u201d, or \u201cus\u201d) runs the site.", ""},
		{"Privacy Policy", "Our app (\u201cWe\u201d, \u201cus\u201d) collects little.", ""},
		{"Privacy Policy", "We collect little.", ""},
		// A text that ends right after the quote of "we".
		{"Privacy Policy", "Kestrel Labs (\"us", "Kestrel Labs"},
		{"Privacy Policy", "Kestrel Labs (\u201cwe", "Kestrel Labs"},
		// A short form the policy gives its own name at the top.
		{"Privacy Policy", "Effective Date: May 1, 2026\n\nKestrel Ventures LLC (\u201cKestrel\u201d) knows you care.", "Kestrel"},
		{"Privacy Policy", "Kestrel.io (\"Kestrel\") runs a library.", "Kestrel"},
		{"Privacy Policy", "The site is provided by 42Trails (\"42Trails\") under these terms.", "42Trails"},
		{"Privacy Policy", "This privacy notice tells how Kestrel Analytics AS (\"Kestrel\") uses data.", "Kestrel"},
		{"Privacy Policy", "Kestrel (\u201c**Kestrel**\u201d) runs the site.", "Kestrel"},
		// ... not a third party's, a document's or a law's.
		{"Privacy Policy", "We run the site. Card numbers go straight to Orchard Pay, Inc. (\u201cOrchard Pay\u201d).", ""},
		{"Privacy Policy", "We run the site.\n\nAds here come from Orchard Inc. (\u201cOrchard\u201d).", ""},
		{"Privacy Policy", "We adopted this Privacy Policy (\u201cPrivacy Policy\u201d).", ""},
		{"Privacy Policy", "General Data Protection Regulation (\u201cGDPR\u201d) rights apply.", ""},
		{"Privacy Policy", "Standard Contractual Clauses (\u201cSCCs\u201d) protect transfers.", ""},
		// A definition of "we" that opens with the name.
		{"Privacy Policy", "The sites operated by Kestrel Media Inc. (collectively Kestrel Media Inc., the \u201cCompany,\u201d \u201cwe,\u201d \u201cus\u201d) collect data.", "Kestrel Media"},
		{"Privacy Policy", "Hi! Welcome to Kestrel\u2019s Privacy Policy. We keep it short.", "Kestrel"},
		{"Privacy Policy", "1. Welcome to the Orchard Trails Privacy Notice\n\nWe run the app.", "Orchard Trails"},
		{"Privacy Policy", "Welcome to our Privacy Policy. We run the app.", ""},
		{"Privacy Policy", "Welcome to the Privacy Policy of the app.", ""},
		{"Privacy Policy", "Read the partner\u2019s terms. Also welcome to Orchard\u2019s Privacy Policy, which applies to its own app.", ""},
		// The controller the policy names.
		{"Privacy Policy", "This policy covers what Kestrel performs as the data controller.", "Kestrel"},
		{"Privacy Policy", "For users in the EEA, Kestrel Trails Ireland Limited is the controller.", "Kestrel Trails Ireland"},
		{"Privacy Policy", "Who is the controller of your data? We are.", ""},
		{"Privacy Policy", "Data Controller: Kestrel Trails, LLC is the controller of your data.", "Kestrel Trails"},
		{"Privacy Policy", "If your employer gave you an account, your employer is the controller.", ""},
		// Other ways of saying who "we" are.
		{"Privacy Policy", "This agreement is between you and Kestrel Incorporated (Kestrel, \u201cwe\u201d, \u201cour\u201d or \u201cus\u201d).", "Kestrel"},
		{"Privacy Policy", "In this Policy, references to \"we,\" \"us,\" or \"Kestrel\" are references to Kestrel Inc. and its units.", "Kestrel"},
		{"Privacy Policy", "When we say \u201cwe\u201d this means the Kestrel group of companies.", "Kestrel"},
		{"Privacy Policy", "Privacy Policy\n\nWe, Kestrel GmbH, Main Street 4, 10115 Berlin (hereinafter \"we/our\"), care.", "Kestrel"},
		{"Privacy Policy", "We, The People, care.", ""},
		// A definition of "we" that ends with the name; the name a
		// company goes by beside its legal one; a company that opens a
		// sentence to say it respects privacy.
		{"Privacy Policy", "This notice covers the services of our group (\u201c**we**\u201d, \u201c**our**\u201d, \u201cus\u201d or \u201c**Orchard**\u201d).", "Orchard"},
		{"Privacy Policy", "This policy describes how Kestrel Labs, Inc. dba Kestrel Notes collects data.", "Kestrel Notes"},
		{"Privacy Policy", "You know us as Orchard, but we are registered under another name.", "Orchard"},
		{"Privacy Policy", "Kestrel (officially, Kestrel Search Labs, Inc.) has been independent since 2010.", "Kestrel"},
		{"Privacy Policy", "Kestrel respects the privacy of its visitors.", "Kestrel"},
		{"Privacy Policy", "Intro.\n\nOrchard Books Inc. knows you care about how your personal information is used.", "Orchard Books"},
		{"Privacy Policy", "Our team respects your privacy.", ""},
		{"Privacy Policy", "Privacy matters. The Company values your privacy.", ""},
		// A title that names whom it is for.
		{"Privacy Notice of Kestrel 6 Corporation", "We collect little.", "Kestrel 6"},
		{"Privacy Policy for Kestrel", "We collect little.", "Kestrel"},
		{"Privacy statement for customer accounts", "We collect little.", ""},
	} {
		if got := findCompany(c.text, c.title); got != c.want {
			t.Errorf("company of %q / %q = %q, want %q", c.title, c.text, got, c.want)
		}
	}
	for _, c := range []struct {
		name, company string
		want          bool
	}{
		{"Zoom", "Zoom", true}, {"Amazon", "Amazon Web Services", true}, {"Amazon Web Services", "Amazon.com, Inc.", true},
		{"PayPal", "PayPal Holdings, Inc.", true}, {"Google", "Googleplex Labs", false}, {"Apple", "", false}, {"Meta Pixel", "Meta", true},
		{"Kestrel", "Kestrel.edu", true}, {"Kestrel", "Kestrel.io", true}, {"Kestrel", "Kestrel.iot", false},
	} {
		if got := SameCompany(c.name, c.company); got != c.want {
			t.Errorf("SameCompany(%q, %q) = %v", c.name, c.company, got)
		}
	}
}

// A policy that names itself no other way goes by the name of its own
// e-mail domain when it uses that name inside its sentences at least three
// times; links to other companies' sites, mail providers, a name at the
// start of a sentence, in a longer name or in a phone number do not count.
func TestCompanyFromOwnDomain(t *testing.T) {
	const own = "Questions? Write to privacy@kestreltrails.com.\n\n"
	mentions := func(name string) string {
		return fmt.Sprintf("When you use %[1]s, we keep your routes. Maps in %[1]s come from partners. You can leave %[1]s at any time.\n\n", name)
	}
	google := "We use Google Analytics (see https://policies.google.com/privacy and https://tools.google.com/dlpage/gaoptout). Data sent to Google is kept by Google for 14 months.\n\n"
	for _, c := range []struct{ name, text, want string }{
		{"own address, three mentions", own + mentions("Kestrel Trails"), "Kestrel Trails"},
		{"with an ampersand", "Write to privacy@orchardfinch.com.\n\n" + mentions("Orchard & Finch"), "Orchard & Finch"},
		{"a legal form left out", own + mentions("Kestrel Trails AG"), "Kestrel Trails"},
		{"a group's domain", "Write to privacy@orchardgroup.com.\n\n" + mentions("Orchard Group"), "Orchard Group"},
		{"written as a site", own + mentions("KestrelTrails.com"), "KestrelTrails.com"},
		{"as most often written", own + mentions("Kestrel Trails") + "Ask KESTRELTRAILS today.", "Kestrel Trails"},
		{"two mentions", own + "When you use Kestrel Trails, we keep your routes. You can leave Kestrel Trails at any time.", ""},
		{"at the start of sentences", own + "Kestrel Trails keeps routes. Kestrel Trails shares maps. Kestrel Trails is free.", ""},
		{"in longer names", own + mentions("Kestrel Trails Pro"), ""},
		{"in a phone number", own + "Call 1-800-KESTRELTRAILS, or 1-800-KESTRELTRAILS from abroad, or 1-800-KESTRELTRAILS by night.", ""},
		{"links are not the policy's own", "Questions? Write to us.\n\n" + google + google, ""},
		{"links beside the own address", own + google + mentions("Kestrel Trails"), "Kestrel Trails"},
		{"a mail provider", "Questions? Write to kestreltrails@gmail.com.\n\n" + mentions("Gmail"), ""},
		{"a defined name first", "Orchard Labs, Inc. (\u201cOrchard\u201d, \u201cwe\u201d) runs the app.\n\n" + own + mentions("Kestrel Trails"), "Orchard"},
	} {
		if got := Find(textDoc(c.text)).Company; got != c.want {
			t.Errorf("%s: company %q, want %q", c.name, got, c.want)
		}
	}
}

// The addresses of mailto links count among a policy's e-mail addresses
// after those its text shows, once each; a link target that is no address
// adds nothing.
func TestEmailsOfMailLinks(t *testing.T) {
	doc := textDoc("Write to privacy@kestrel.example, or to our officer.")
	doc.LinkEmails = []string{"PRIVACY@Kestrel.example", " dpo@kestrel.example", "not an address", "help@kestrel.example (", "@"}
	want := []string{"privacy@kestrel.example", "dpo@kestrel.example", "help@kestrel.example"}
	if got := Find(doc).Emails; !slices.Equal(got, want) {
		t.Errorf("emails %q, want %q", got, want)
	}
}
