package mentions

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/policy"
)

// The sentences below are written for these tests; none comes from a corpus.

func factsOf(text, kind string) []string {
	var out []string
	for _, f := range Find(text) {
		if f.Kind != kind {
			continue
		}
		if got := string([]rune(text)[f.Span.Start:f.Span.End]); got == "" {
			out = append(out, "EMPTY SPAN")
			continue
		}
		out = append(out, f.Value)
	}
	return out
}

func check(t *testing.T, kind string, cases map[string][]string) {
	t.Helper()
	for text, want := range cases {
		if got := factsOf(text, kind); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s in %q:\n got %q\nwant %q", kind, text, got, want)
		}
	}
}

func TestExtractRetention(t *testing.T) {
	check(t, policy.MentionRetention, map[string][]string{
		"Server logs are deleted after 30 days.":                                         {"30 days"},
		"We keep invoices for seven years to meet tax rules.":                            {"7 years"},
		"Backups are retained for up to twelve (12) months.":                             {"12 months"},
		"We retain your profile for as long as your account is active.":                  {"as long as your account is active"},
		"We store it until you delete your account, and logs for 90 days.":               {"until you delete your account", "90 days"},
		"Aggregated statistics may be kept indefinitely.":                                {"indefinitely"},
		"Our company was founded 20 years ago.":                                          nil,
		"You have 14 days to return a product. We delete chat transcripts after a year.": {"1 year"},
		"We will retain personal data only as long as necessary for these purposes.":     {"as long as necessary"},
		// The time a request takes is no period data is kept for.
		"Requests to delete: 120; median response time: 1.19 days.":                         nil,
		"We processed requests to delete within a timeframe of 5 days.":                     nil,
		"Deletion may take up to four weeks to process your request.":                       nil,
		"Your deletion request is withdrawn if you log in within 7 days of submitting it.":  nil,
		"When you ask us to delete your data, it is deleted within 30 days of the request.": {"30 days"},
		"We respond to requests to delete within 45 days.":                                  nil,
		"Timeframe of deletion: retained for up to 2 years after the account is deleted.":   {"2 years"},
		// One value for the ways of writing a condition.
		"We keep them for so long as it is reasonably necessary, and logs as long as they are needed.": {"as long as necessary", "as long as necessary"},
		"Records are retained as long as is required by law.":                                          {"as long as required by law"},
		"We hold your data for the time period reasonably needed to run the service.":                  {"as long as necessary"},
		"We keep nothing for longer than is strictly necessary.":                                       {"as long as necessary"},
		"Orchard keeps your notes as long as we have a legitimate business need.":                      {"as long as necessary"},
		"Drafts are stored until they are no longer needed.":                                           {"as long as necessary"},
		// The condition after the verb and its object.
		"Kestrel may retain your information as necessary for the purpose(s) for which it was collected.": {"as long as necessary"},
		"We store account details only where strictly necessary to run the service.":                      {"as long as necessary"},
		"We share your information as necessary to provide the service.":                                  nil,
		// Deleted with the account, either way round.
		"Data retention: we retain essential data on active accounts. This data is deleted when your account is deleted.": {"until you delete your account"},
		"Once an Orchard user account is terminated, all data associated with it is deleted from all of our systems.":     {"until you delete your account"},
		"Some data may remain after your account has been deleted.":                                                       nil,
		// No length, but an answer all the same.
		"We retain information from cookies for a reasonable period of time.":                {"for a reasonable period"},
		"We will delete the records within a reasonable amount of time of your request.":     nil,
		"Meeting recordings are temporarily stored until they are uploaded.":                 {"temporarily"},
		"IP logs may be kept temporarily to combat abuse.":                                   {"temporarily"},
		"We may temporarily suspend your account.":                                           nil,
		"Your playlists are kept while your Kestrel account remains active.":                 {"as long as your account is active"},
		"We retain it as long as you continue to use the app.":                               {"as long as your account is active"},
		"Profile data is retained for the lifetime of your account.":                         {"as long as your account is active"},
		"Member records are kept until your membership is cancelled.":                        {"until you delete your account"},
		"Personal data retained until your Kestrel account is deleted.":                      {"until you delete your account"},
		"We store it until the closure of your user account.":                                {"until you delete your account"},
		"Invoices are kept for the duration of the contractual relationship.":                {"for the duration of the relationship"},
		"We keep your address as long as we have an ongoing business relationship with you.": {"for the duration of the relationship"},
		"Newsletter data is stored until you withdraw your consent or unsubscribe.":          {"until consent is withdrawn"},
		"Order data is erased at the end of the statutory retention periods.":                {"as long as required by law"},
		"We retain invoices for the period prescribed by applicable tax laws.":               {"as long as required by law"},
		"Session tokens are deleted after 24 hours.":                                         {"24 hours"},
		// Words about time that state no period data is kept for.
		"The salt of stored addresses is rotated every 48 hours.":         nil,
		"While you browse, we store a cookie.":                            nil,
		"We keep you informed for the duration of the event.":             nil,
		"We will notify you within 72 hours of a breach of data we hold.": nil,
	})
}

// The security measures a vendor review asks for, each as one value for
// its ways of writing it; an address's scheme and everyday phrases are
// none.
func TestExtractSecurity(t *testing.T) {
	check(t, policy.MentionSecurity, securityCases)
}

// The rights a clause says users have, each once a sentence, and only in
// a sentence that speaks of a right or of what the reader can ask for.
func TestExtractRights(t *testing.T) {
	check(t, policy.MentionRight, rightCases)
	// A list run together into one long sentence: its lead-in says the
	// items are rights, however far down the list an item stands.
	list := "Subject to the law of the country where you live, you have the right to: • " +
		strings.Repeat("be told, in plain words and without charge, which categories of information Kestrel keeps about you and where it came from; • ", 6) +
		"object to the processing of your personal information for direct marketing"
	check(t, policy.MentionRight, map[string][]string{list: {"objection to processing"}})
	// Without the lead-in, the same item far down an unrelated list is not
	// a right.
	check(t, policy.MentionRight, map[string][]string{strings.Replace(list, "you have the right to:", "Kestrel notes:", 1): nil})
}

// An item of a list of rights under a heading about them counts without a
// sentence of its own that says it is a right.
func TestRightsUnderHeading(t *testing.T) {
	for _, c := range []struct {
		heading []string
		text    string
		want    []string
	}{
		{[]string{"Privacy notice", "Your rights"}, "Withdraw consent whenever you like, for processing based on it.", []string{"withdrawal of consent"}},
		{[]string{"Your rights", "Erasure"}, "Erasure of your personal data where it is no longer needed.", []string{"deletion"}},
		{[]string{"What are my rights?"}, "Rectify, restrict or delete your personal data.", []string{"correction", "deletion"}},
		{[]string{"Data subject rights"}, "We will erase your personal data on request.", []string{"deletion"}},
		// What the service does of its own accord is no right.
		{[]string{"Your rights"}, "We delete your personal data after two years without activity.", nil},
		// Not a heading about rights.
		{[]string{"Consent"}, "Withdraw consent whenever you like, for processing based on it.", nil},
		{[]string{"Copyright", "All rights reserved"}, "Erasure of your personal data where it is no longer needed.", nil},
		// A rights heading far above the clause's own section.
		{[]string{"Your rights", "California", "Retention"}, "Erasure of your personal data where it is no longer needed.", nil},
	} {
		var got []string
		for _, m := range FindUnder(c.text, c.heading, nil) {
			if m.Kind == policy.MentionRight {
				got = append(got, m.Value)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%q under %q: got %q, want %q", c.text, c.heading, got, c.want)
		}
		if base := factsOf(c.text, policy.MentionRight); len(base) != 0 && c.want != nil {
			t.Errorf("%q: a right without its heading too (%q): the case tests nothing", c.text, base)
		}
	}
}

// The kinds of personal data the OPP-115 values leave general, in a
// sentence about handling data, and not where the sentence says the data
// is not handled.
func TestExtractDataTypes(t *testing.T) {
	check(t, policy.MentionDataType, dataTypeCases)
}

// How readers learn that the policy changed, only in a sentence about
// changes, not about a breach.
func TestExtractChangeNotices(t *testing.T) {
	check(t, policy.MentionChangeNotice, changeNoticeCases)
}

// What a clause says of selling personal information: denied, denied of
// minors only, or stated; not a link's name, a right, a question, a
// denial with an exception or a sale of the business.
func TestExtractSale(t *testing.T) {
	check(t, policy.MentionSale, saleCases)
}

var saleCases = map[string][]string{
	"The Global Privacy Control tells websites not to sell your personal information.":                       nil,
	"While we do not sell your personal data, we use advertising services that read cookies.":                nil,
	"We have not sold any personal information (including that of minors) in the past 12 months.":            {"not sold"},
	"We do not knowingly sell the personal information of consumers under the age of sixteen.":               {"minors' data not sold"},
	"You have a right to tell us that you do not want your personal information sold.":                       nil,
	"We do not have actual knowledge that we sell the personal information of minors under 16.":              {"minors' data not sold"},
	"To the extent that we sell your personal information, you have the right to opt out of the sale.":       nil,
	"You may ask for a list of the third parties to whom we may have sold personal data.":                    nil,
	"Our service providers are not permitted to sell the personal information we share with them.":           nil,
	"Opting out: choices, do not sell, or share my info.":                                                    nil,
	"Use the “Don’t Sell/Share my Info” link to opt out of targeted ads based on your personal information.": nil,
	"We do not sell your personal information.":                                                              {"not sold"},
	"Kestrel does not and will not sell personal data to anyone.":                                            {"not sold"},
	"In the preceding 12 months, we have not sold personal information.":                                     {"not sold"},
	"We don’t rent, trade or sell your information.":                                                         {"not sold"},
	"We do not engage in the sale of personal information.":                                                  {"not sold"},
	"We do not sell the personal information of consumers under 16 years of age.":                            {"minors' data not sold"},
	"We may sell your personal information to data brokers.":                                                 {"sold"},
	"In the past 12 months, we have sold the following categories of personal information: identifiers.":     {"sold"},
	"You have the right to opt out of the sale of your personal information.":                                nil,
	"Click the Do Not Sell or Share My Personal Information link in the footer to opt out.":                  nil,
	"Do we sell your personal information?":                                                                  nil,
	"We do not sell your personal information for money, but we share it with advertising partners.":         nil,
	"If Kestrel is acquired, we may sell your information to the buyer as part of the transaction.":          nil,
	"We sell fitness trackers and subscriptions in our online shop.":                                         nil,
	"Our shop sells gift cards; we collect your payment information to process the order.":                   nil,
}

func TestExtractThirdParties(t *testing.T) {
	check(t, policy.MentionThirdParty, map[string][]string{
		"We use Google Analytics and Hotjar to understand how visitors use the site.": {"Google Analytics", "Hotjar"},
		"Payments are processed by Stripe; we never see your card number.":            {"Stripe"},
		"Sign in with Apple or Google.":                                               {"Apple", "Google"},
		"We do not use any outside analytics.":                                        nil,
		// Names that are words too, where they are the word or part of
		// another name.
		"Write to us at 2 Grand Canal Square, Dublin, or at 100 Union Square Drive.": nil,
		"Read our Targeting Segment Notice.":                                         nil,
		"Adjust your settings at any time.":                                          nil,
		"Payments are taken by Square, and events are sent to Segment and Adjust.":   {"Square", "Segment", "Adjust"},
		"Zoom collects meeting data for us.":                                         {"Zoom"},
		"Use Zoom to join. Cookies Set By Segment. We Use Heap Analytics.":           {"Zoom", "Segment", "Heap"},
	})
	check(t, policy.MentionRecipient, map[string][]string{
		"We share device identifiers with our advertising partners.":  {"advertising partners"},
		"Service providers and payment processors act on our behalf.": {"service providers", "payment processors"},
		// One value for the ways of writing a category.
		"A third party service provider, an ad network and a payment processor may receive it.": {"third-party service providers", "advertising networks", "payment processors"},
		"We may tell governmental authorities, professional advisers and subprocessors.":        {"government authorities", "professional advisors", "sub-processors"},
		"We may disclose data to law enforcement agencies when required.":                       {"law enforcement agencies"},
		"We never sell your information.":                                                       nil,
	})
}

func TestExtractAges(t *testing.T) {
	check(t, policy.MentionAge, map[string][]string{
		"Our service is not directed to children under 13.": {"under 13"},
		// Lengths of time and counts of other things in a sentence about age.
		"If your account is inactive for over two years, we delete it; we never ask a child's age.":                              nil,
		"We keep rides for at least seven years; minors cannot ride.":                                                            nil,
		"You must add at least one photo, your age and your first name.":                                                         nil,
		"Your name, age (public), gender, and at least one photo (public) are required.":                                         nil,
		"Members must be at least 18 years old; minors at least 13 years old (or at least 16 in the EEA) may join with consent.": {"at least 18", "at least 13", "at least 16"},
		"Once a child says their age is under 16 (or under 18 in some countries), the account is limited.":                       {"under 16", "under 18"},
		"A parent of a user of our Services who is under 13 may contact us.":                                                     {"under 13"},
		"We give at least three (3) days' notice to users of any age.":                                                           nil,
		"The Services are not meant for anyone under 16, and users under 18 need a parent's consent.":                            {"under 16", "under 18"},
		"If you are under the age of sixteen (16), ask a parent before signing up.":                                              {"under 16"},
		"Users must be 18 years of age or older.":                                                                                {"at least 18"},
		"You must be at least 13 years old to create an account.":                                                                {"at least 13"},
		"The minimum age to use the app is 16 in the EEA.":                                                                       {"at least 16"},
		"Orders under 50 items ship free.":                                                                                       nil,
		"Children 12 years old or younger need a parent's consent.":                                                              {"at most 12"},
		"You must be of the age of 16 or older to use the service.":                                                              {"at least 16"},
	})
}

func TestExtractOptOut(t *testing.T) {
	check(t, policy.MentionOptOut, map[string][]string{
		"To opt out of interest-based ads, visit https://optout.example.org/choices.": {"https://optout.example.org/choices"},
		"You can unsubscribe at any time by writing to privacy@example.com.":          {"unsubscribe", "privacy@example.com"},
		"Turn off personalised ads in your privacy settings.":                         {"privacy settings"},
		"Click the Do Not Sell or Share My Personal Information link in the footer.":  {"do not sell or share my personal information"},
		"Our office is at www.example.com and our sales team at sales@example.com.":   nil,
		"We honor the Global Privacy Control signal.":                                 {"global privacy control"},
		// A link ends as in the key facts: at a bracket it did not open,
		// at an arrow of a route through menus.
		"To opt out, use our form (https://example.com/optout)or https://example.com/login→Settings.": {"https://example.com/optout", "https://example.com/login"},
		// A sentence that only names cookies offers no choice; one that
		// says how to refuse them does.
		"For more about the cookies we use, read our Cookie Notice at https://kestrel.example/cookies.":    nil,
		"Cookies: _ga, _gid. Cookies used: First Party. See https://cookies.example/_ga.":                  nil,
		"You can block third-party cookies in your browser, as https://kestrel.example/help explains.":     {"https://kestrel.example/help"},
		"You can switch personalisation off at https://kestrel.example/account at any time.":               {"https://kestrel.example/account"},
		"To learn how to control the use of your information, see https://kestrel.example/privacy-center.": {"https://kestrel.example/privacy-center"},
	})
}

func TestExtractRegions(t *testing.T) {
	check(t, policy.MentionRegion, map[string][]string{
		"If you live in the European Economic Area (EEA) or the UK, the GDPR gives you these rights.":   {"EEA/UK", "EEA/UK", "EEA/UK", "EEA/UK"},
		"California residents have rights under the CCPA.":                                              {"California", "California"},
		"Residents of Virginia, Colorado and Connecticut may appeal a refusal.":                         {"US state: Virginia", "US state: Colorado", "US state: Connecticut"},
		"Users in Brazil may contact our data protection officer under the LGPD.":                       {"Brazil", "Brazil"},
		"Your provider is Kestrel Canada, Inc., and we study trails with the University of California.": nil,
		"Visit the opt-out portal of the Digital Advertising Alliance of Canada.":                       nil,
		"Residents of Canada may ask Kestrel Canada Ltd for access.":                                    {"Canada"},
		"Montana residents may complain to the Montana AG.":                                             {"US state: Montana", "US state: Montana"},
		"For users in Canada, PIPEDA applies.":                                                          {"Canada", "Canada"},
		// Postal addresses and dialling-code pickers name places, not
		// regions the policy addresses; the laws' names count anywhere.
		"Write to Acme Inc., 100 Congress Avenue, Suite 200, Austin, Texas 78701.":    nil,
		"Acme UK Ltd, 1 Cousin Lane, London, EC4R 3TE, United Kingdom":                nil,
		"Belgium (+32)Belize (+501)Brazil (+55)Bulgaria (+359)Canada (+1)Chad (+235)": nil,
		// The law names the region; the representative's company name does not.
		"Our representative under the UK GDPR is Acme UK Ltd, 1 Cousin Lane, London EC4R 3TE.": {"EEA/UK", "EEA/UK"},
		"Residents of Texas may write to 100 Congress Avenue, Austin, Texas 78701.":            {"US state: Texas", "US state: Texas"},
		"Acme Ltd, 1 Cousin Lane, London EC4R 3TE, processes data under the GDPR.":             {"EEA/UK"},
		"We euthanize no data.": nil,
	})
}

// A clause about the Global Privacy Control says whether the service acts
// on it, and whether only where a law makes it; one stance a sentence.
func TestExtractSignals(t *testing.T) {
	check(t, policy.MentionSignal, map[string][]string{
		"We honor the Global Privacy Control signal.": {"GPC honored"},
		"Some browsers offer the Global Privacy Control. Kestrel processes these signals as a request to opt out of sharing.":  {"GPC honored"},
		"Some browsers offer the Global Privacy Control. Kestrel reads the news.":                                              nil,
		"Residents may set the Global Privacy Control (GPC) to opt out of sharing.":                                            {"GPC honored"},
		"With the Global Privacy Control enabled, advertising cookies are turned off automatically.":                           {"GPC honored"},
		"If your browser sends a Global Privacy Control (GPC) signal, we treat it as a request to opt out of sharing.":         {"GPC honored"},
		"Where state law requires it, we process opt-out preference signals such as GPC as valid requests to opt out of sale.": {"GPC honored where required by law"},
		"To the extent required by law, we will opt that browser out of targeted advertising when it sends a GPC signal.":      {"GPC honored where required by law"},
		"You can also opt out by turning on a universal opt-out mechanism in your browser.":                                    {"GPC honored"},
		"We do not currently respond to Global Privacy Control signals.":                                                       {"GPC not honored"},
		"Our websites don't recognize opt-out preference signals.":                                                             {"GPC not honored"},
		"Opt-out preference signals will not be honored for logged-out visitors.":                                              {"GPC not honored"},
		"Our site does not respond to Do Not Track settings; however, we treat GPC signals as an opt-out of sale.":             {"GPC honored"},
		"We do not respond to such signals, including the Global Privacy Control.":                                             {"GPC not honored"},
		"Where it is required, we apply a GPC signal to the browser that sends it.":                                            {"GPC honored where required by law"},
		"Opt-out preference signals are processed in accordance with applicable state privacy laws.":                           {"GPC honored where required by law"},
		"We are unable to honor Global Privacy Control signals at this time.":                                                  {"GPC not honored"},
		"GPC signals are not currently honored on our mobile apps.":                                                            {"GPC not honored"},
		"You can enable GPC in a supporting browser to opt out of sales.":                                                      {"GPC honored"},
		"California residents may use the Global Privacy Control to exercise their right to opt out.":                          {"GPC honored"},
		"You can also use the Global Privacy Control to signal that you opt out.":                                              {"GPC honored"},
		"Learn more about the Global Privacy Control at its website.":                                                          nil,
		"Global Privacy Control is not supported by every browser.":                                                            nil,
		"We honor your choices. GPC is a browser setting.":                                                                     nil,
		"Where required by law, we honor GPC. GPC processing is limited to the browser that sends the signal.":                 {"GPC honored where required by law"},
		"We honor GPC. We do not respond to GPC signals sent by apps.":                                                         {"GPC honored", "GPC not honored"},
		"We never sell data. We honor GPC. Learn about GPC online.":                                                            {"GPC honored"},
		"You may use an opt-out preference signal, a browser feature that enables you to opt out of sales with every site.":    {"GPC honored"},
		"Alternatively, you can ask for this by email, or by using a recognised opt-out preference signal.":                    {"GPC honored"},
		"Visit our privacy choices page or enable a Global Privacy Control signal when visiting our sites.":                    {"GPC honored"},
		"We recommend a browser extension that sends the Global Privacy Control to the sites you visit.":                       nil,
	})
}

func TestExtractRegulations(t *testing.T) {
	check(t, policy.MentionRegulation, map[string][]string{
		"California residents have the rights the CCPA, as amended by the CPRA, gives them.":   {"CCPA", "CPRA"},
		"Under the EU and UK GDPR you may object to processing based on legitimate interests.": {"GDPR", "UK GDPR"},
		"We transfer data under the EU-U.S. Data Privacy Framework.":                           {"Data Privacy Framework"},
		"Our CPA firm audits the DSA of the product under a DPA with each processor.":          nil,
	})
}

func TestExtractSpansMatchText(t *testing.T) {
	text := "We keep logs for 30 days. Contact privacy@example.com to opt out. Children under 13 may not register. Californians see below."
	for _, f := range Find(text) {
		if f.Span.Start < 0 || f.Span.End > len(text) || f.Span.Start >= f.Span.End {
			t.Fatalf("bad span %+v", f)
		}
		if got := string([]rune(text)[f.Span.Start:f.Span.End]); f.Kind == policy.MentionOptOut && !strings.Contains(got, "@") {
			t.Errorf("opt-out span %q", got)
		}
	}
	if n := len(Find(text)); n != 4 {
		t.Errorf("%d facts, want 4: %+v", n, Find(text))
	}
}

// Spans count code points: after non-ASCII letters, each span still
// covers the words it names.
func TestFindSpansInCodePoints(t *testing.T) {
	text := "Zoë’s Café keeps séance notes for 30 days — then “deletes” them. Écrivez à privacy@café.example.com or privacy@example.com to opt out. Children under 13 need a parent; users in the EEA have more rights under the GDPR."
	want := map[string]string{
		policy.MentionRetention:  "30 days",
		policy.MentionOptOut:     "privacy@example.com",
		policy.MentionAge:        "under 13",
		policy.MentionRegion:     "EEA",
		policy.MentionRegulation: "GDPR",
	}
	r := []rune(text)
	seen := map[string]bool{}
	for _, m := range Find(text) {
		if m.Span.Start < 0 || m.Span.End > len(r) || m.Span.Start >= m.Span.End {
			t.Fatalf("span %+v outside the %d code points", m, len(r))
		}
		got := string(r[m.Span.Start:m.Span.End])
		if w, ok := want[m.Kind]; ok && got == w {
			seen[m.Kind] = true
		}
	}
	for k, w := range want {
		if !seen[k] {
			t.Errorf("no %s spanning %q in %+v", k, w, Find(text))
		}
	}
}

// A link's target is an opt-out mechanism when its words stand in a
// sentence about opting out or choices, or name a setting; its span is its
// words, in code points. Words that show the address itself are Find's.
func TestFindLinked(t *testing.T) {
	text := "Café owners: you can opt out on our choices page. Our blog is fun. Use the Do Not Sell My Personal Information link. To opt out, see https://optout.example/x."
	link := func(words, url string) policy.Link {
		i := strings.Index(text, words)
		return policy.Link{Start: i, End: i + len(words), URL: url}
	}
	links := []policy.Link{
		link("our choices page", "https://kestrel.example/choices"),
		link("Our blog", "https://kestrel.example/blog"),
		link("Do Not Sell My Personal Information", "https://kestrel.example/dns"),
		link("https://optout.example/x", "https://optout.example/x"),
	}
	var got []string
	for _, m := range FindLinked(text, links) {
		if m.Kind != policy.MentionOptOut || !strings.HasPrefix(m.Value, "https://kestrel") {
			continue
		}
		runes := []rune(text)
		got = append(got, m.Value+" "+string(runes[m.Span.Start:m.Span.End]))
	}
	want := []string{"https://kestrel.example/choices our choices page", "https://kestrel.example/dns Do Not Sell My Personal Information"}
	if !slices.Equal(got, want) {
		t.Errorf("link mentions\n got %q\nwant %q", got, want)
	}
	n := 0
	for _, m := range FindLinked(text, links) {
		if m.Value == "https://optout.example/x" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the address the text shows is mentioned %d times, want once", n)
	}
	if !slices.Equal(FindLinked(text, nil), Find(text)) {
		t.Error("without links, FindLinked differs from Find")
	}
}

// A clause that names one thing over and over gives its first places
// only, and no clause gives more than maxClauseMentions.
func TestMentionsBounded(t *testing.T) {
	text := "We use " + strings.Repeat("TLS, ", 50) + "and keep logs for 30 days."
	var tls, days int
	for _, m := range Find(text) {
		switch m.Value {
		case "encryption in transit":
			tls++
			if m.Span.Start > 7+5*maxSameMention {
				t.Errorf("a later place kept: %+v", m)
			}
		case "30 days":
			days++
		}
	}
	if tls != maxSameMention || days != 1 {
		t.Errorf("%d mentions of TLS and %d of the period, want %d and 1", tls, days, maxSameMention)
	}
	var b strings.Builder
	for i := range 400 {
		fmt.Fprintf(&b, "We keep it for %d days. ", i+1)
	}
	if n := len(Find(b.String())); n != maxClauseMentions {
		t.Errorf("%d mentions, want %d", n, maxClauseMentions)
	}
}

var securityCases = map[string][]string{
	"Kestrel encrypts data in transit using TLS 1.3 and encrypts backups at rest.":                       {"encryption in transit", "encryption in transit", "encryption at rest"},
	"Messages are end-to-end encrypted.":                                                                 {"end-to-end encryption"},
	"We protect your account with two-factor authentication (2FA).":                                      {"multi-factor authentication", "multi-factor authentication"},
	"Staff see records on a need-to-know basis, under role-based access controls.":                       {"access controls", "access controls"},
	"Orchard is certified to ISO/IEC 27001 and ISO27018, and audited for SOC 2 Type II.":                 {"ISO 27001", "ISO 27018", "SOC 2"},
	"Card payments meet the Payment Card Industry Data Security Standard.":                               {"PCI DSS"},
	"Identifiers are pseudonymised and e-mail addresses hashed.":                                         {"pseudonymisation", "hashing"},
	"We run penetration tests and a bug bounty program, and train staff in security awareness training.": {"penetration testing", "bug bounty", "security training"},
	"Visit https://kestrel.example/privacy to read more.":                                                nil,
	"Here is what you need to know about cookies.":                                                       nil,
	"Sensitive files are encrypted.":                                                                     {"encryption"},
	"We share hashed email addresses with advertising partners.":                                         nil,
	"Partners receive a hashed or encrypted email address or user ID.":                                   nil,
	"We may use your pseudonymized email address to measure our campaigns.":                              nil,
	"Passwords are hashed and salted, and backups encrypted.":                                            {"hashing", "encryption"},
	"Orchard offers encrypted email to its customers.":                                                   {"encryption"},
}

var rightCases = map[string][]string{
	"You have the right to access; rectification; erasure; portability.":                                                   {"access", "correction", "deletion", "portability"},
	"You can request a copy of your data or ask us to delete your account.":                                                {"access", "deletion"},
	"You may object to processing based on our legitimate interests, or ask that we restrict the processing.":              {"objection to processing", "restriction of processing"},
	"You can withdraw your consent at any time.":                                                                           {"withdrawal of consent"},
	"Residents have the right to opt out of the sale of their data and to appeal our decision.":                            {"opt out of sale or sharing", "appeal"},
	"You have the right to lodge a complaint with your local supervisory authority.":                                       {"complaint to an authority"},
	"You can file a complaint with our support team.":                                                                      nil,
	"We will not discriminate against you for exercising your rights.":                                                     {"non-discrimination"},
	"You have the right not to be subject to automated decision-making.":                                                   {"automated decisions"},
	"Kestrel uses automated decision-making to detect fraud, as you may know.":                                             nil,
	"We delete your data after 30 days.":                                                                                   nil,
	"Right to deletion: you may ask us to delete your personal information, and we will delete your personal information.": {"deletion"},
	"If you wish to be informed what personal data we hold about you, or want it removed from our systems, write to us.":   {"access", "deletion"},
	"You can update and correct most of your account details in the app.":                                                  {"correction"},
	"If you would like to see your own personally identifiable information, visit a Kestrel store.":                        {"access"},
	"You have the right to obtain from us access to the information we hold on you.":                                       {"access"},
	"A parent may ask that we delete any personal information we collected from their child.":                              {"deletion"},
	"Orchard lets you remove your personal information from public search results.":                                        {"deletion"},
	"You have the right to receive a copy of, amend or delete your personal information.":                                  {"access", "correction", "deletion"},
	"The user may request a copy of his or her personal data once a year.":                                                 {"access"},
	"You have the right to ask us to correct information that is wrong.":                                                   {"correction"},
	"Parents may: • Request that we delete the persistent identifiers we collected from their child.":                      {"deletion"},
	"You may request that inaccurate personal information is corrected.":                                                   {"correction"},
	"You can choose to accept, block, or delete some or all cookies in your browser.":                                      nil,
	"If you want to obtain a copy of the standard contractual clauses, write to us.":                                       nil,
	"If we cannot remove your personal data from a backup, we will let you know.":                                          nil,
	"If you have questions about what information we collect, see our FAQ.":                                                nil,
	"Please see the personal information section below, where you can read more.":                                          nil,
	"When you close your account we remove your personal data from our servers within 90 days.":                            nil,
	// Lists of what the reader can do with their data.
	"You may review, amend, erase or download personal data Kestrel keeps, from the app.":                    {"access", "correction", "deletion", "portability"},
	"Kestrel lets you view, and, in certain cases, update or remove the following information you typed in.": {"access", "correction", "deletion"},
	"At any time you can amend, erase, or alter your saved profile details.":                                 {"correction", "deletion"},
	"Where the law allows, you can see and review personal information that Kestrel stores.":                 {"access"},
	"We access, update and delete personal data in our systems as our business needs.":                       nil,
	"You can view or delete some or all cookies in your browser.":                                            nil,
	// Other wordings of a right.
	"At any point, you may object to Kestrel's or our processing of data about you.": {"objection to processing"},
	"If you wish, you can demand that we correct wrong entries in your file.":        {"correction"},
}

var changeNoticeCases = map[string][]string{
	// The sentence before names the policy.
	"Kestrel may update this notice from time to time. If we make material changes, we will notify you by email.":                         {"personal notice"},
	"Our services grow, and this policy will change with them. Check our website often to see recent changes.":                            {"check for changes"},
	"We may change this policy. We encourage you to review it regularly.":                                                                 {"check for changes"},
	"We may change this policy. Please contact us by email with questions.":                                                               nil,
	"We may change this policy.\nIf we make changes, we will notify you by email.":                                                        nil,
	"You cannot opt out of notices of changes to our policies. To stop push notifications, change your device settings.":                  nil,
	"If we make material changes to this policy, we will notify you by email before they take effect.":                                    {"personal notice"},
	"We will post any changes on this page and update the \u201cLast updated\u201d date above.":                                           {"general notice in privacy policy"},
	"When we change this notice, we will place a prominent notice on our website.":                                                        {"general notice on website"},
	"We may update this statement; please review it periodically.":                                                                        {"check for changes"},
	"We recommend that you check the privacy notice at regular intervals.":                                                                {"check for changes"},
	"Changes to this policy take effect thirty (30) days after we post them, and we will ask for your consent where the law requires it.": {"30 days' notice", "consent sought for changes"},
	"We will give you at least 14 days' notice of any change that reduces your rights.":                                                   {"14 days' notice"},
	"Orchard reserves the right to change the policy, which will be effective 10 days following posting the revision on the site.":        {"10 days' notice", "general notice on website"},
	"We may notify you of changes by posting the new policy on our website.":                                                              {"general notice on website"},
	"If there is a breach of your data, we will notify you by email within 72 hours.":                                                     nil,
	"Kestrel will notify you of any changes to the Services that may affect you.":                                                         nil,
	"If you apply for a job we post on our website, we use your CV to assess you.":                                                        nil,
	"You can change your browser settings to notify you when you receive a cookie.":                                                       nil,
	"If you have questions about changes to this policy, contact us via e-mail at privacy@kestrel.example.":                               nil,
	"The latest version of this policy will be available on this page.":                                                                   {"general notice in privacy policy"},
	"When this policy changes materially, we will post a notice on this website at least a week in advance, and contact you directly.":    {"general notice on website", "1 week's notice", "personal notice"},
	"This notice may be updated, and you will always find the most recent version on our website.":                                        {"general notice on website"},
	"When this policy changes, we post the updated version today on this page.":                                                           {"general notice in privacy policy"},
	"How do we notify you of changes to this notice?":                                                                                     nil,
	"You can change your email preferences in your account settings.":                                                                     nil,
}

var dataTypeCases = map[string][]string{
	"To verify your identity we collect a scan of your government-issued ID and a facial geometry template.": {"government identifiers", "biometric data"},
	"Kestrel collects precise location from your device's GPS signals when you allow it.":                    {"precise geolocation"},
	"We may process health data, such as your heart rate, and your date of birth.":                           {"health data", "date of birth"},
	"Payments are processed by our provider; we store only the last four digits of your card number.":        {"payment card data"},
	"If you upload your address book, we use your contacts to suggest friends.":                              {"contacts"},
	"Sensitive data we collect includes racial or ethnic origin, religious beliefs and sexual orientation.":  {"racial or ethnic origin", "religious beliefs", "sexual orientation or sex life"},
	"We do not collect biometric data or genetic data.":                                                      nil,
	"Kestrel never asks for your Social Security number.":                                                    nil,
	"Orchard is a voice print of the city.":                                                                  nil,
	"We collect non-precise geolocation derived from your IP address.":                                       nil,
	"We collect approximate and non precise location data.":                                                  nil,
	"We collect device data such as the build fingerprint and screen size.":                                  nil,
	"We use browser fingerprints to detect fraud.":                                                           nil,
	"We collect your fingerprint to unlock the safe.":                                                        {"biometric data"},
	"Calls to support are recorded, and call recordings are kept for 90 days.":                               {"voice recordings"},
}

// Every value the mentions give a security measure, a right or a kind of
// data is the form a query of it is read in (attributes.Canonical), so
// that GET /mentions/{kind}/clauses?value=... finds it.
func TestMentionValuesAreCanonical(t *testing.T) {
	for kind, cases := range map[string]map[string][]string{
		policy.MentionSecurity: securityCases, policy.MentionRight: rightCases, policy.MentionDataType: dataTypeCases,
		policy.MentionChangeNotice: changeNoticeCases, policy.MentionSale: saleCases,
	} {
		n := 0
		for text := range cases {
			for _, v := range factsOf(text, kind) {
				n++
				if got := attributes.Canonical(kind, v); got != v {
					t.Errorf("%s value %q is read as %q", kind, v, got)
				}
			}
		}
		if n < 8 {
			t.Errorf("%s: only %d values checked", kind, n)
		}
	}
}

// Every service with owners is a name the mentions give, and no owner is
// the service itself.
func TestOwnersNameServices(t *testing.T) {
	for name, os := range owners {
		if !slices.Contains(namedThirdParties, name) {
			t.Errorf("owners of %q, which no mention gives", name)
		}
		if slices.Contains(os, name) || len(os) == 0 {
			t.Errorf("owners of %q: %q", name, os)
		}
	}
	if got := Owners("AWS"); !slices.Contains(got, "Amazon") {
		t.Errorf("Owners(AWS) = %q", got)
	}
	if got := Owners("Stripe"); got != nil {
		t.Errorf("Owners(Stripe) = %q, want none", got)
	}
}
