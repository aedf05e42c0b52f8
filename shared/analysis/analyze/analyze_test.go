package analyze

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/internal/wire/wiretest"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

func analyzer(t testing.TB) *Analyzer {
	t.Helper()
	m, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	return New(m, policy.Limits{})
}

// analyzeFile analyses the file at path with a and returns its bytes and
// the analysis.
func analyzeFile(t *testing.T, a *Analyzer, path string) ([]byte, *policy.Analysis) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Analyze(context.Background(), filepath.Base(path), data)
	if err != nil {
		t.Fatal(err)
	}
	return data, res
}

// TestAnalyzeFixtures runs the whole pipeline on one policy of every format
// and checks what every consumer of a Result relies on.
func TestAnalyzeFixtures(t *testing.T) {
	files := []string{
		fixture.Path("testdata", "policies", "lumen-fitness.txt"),
		fixture.Path("testdata", "policies", "harbor-books.html"),
		fixture.Path("testdata", "policies", "quillmate.md"),
		fixture.Path("testdata", "pdf", "northwind-libreoffice.pdf"),
	}
	a := analyzer(t)
	am, err := attrs.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, res := analyzeFile(t, a, f)
			p := res.Policy
			if p.Clauses != len(res.Clauses) || p.Clauses == 0 {
				t.Fatalf("policy says %d clauses, result has %d", p.Clauses, len(res.Clauses))
			}
			if p.Bytes != len(data) || len(p.SHA256) != 64 || p.ModelVersion == "" || p.Title == "" {
				t.Errorf("policy summary incomplete: %+v", p)
			}
			// The attribute model that gave the attributes is named, as
			// the label model is.
			if p.AttributeModelVersion != am.Version() {
				t.Errorf("attribute model %q, want %q", p.AttributeModelVersion, am.Version())
			}
			if p.AnalysisVersion != RulesVersion || a.Versions().AnalysisVersion != RulesVersion {
				t.Errorf("rules %q and %q, want %q", p.AnalysisVersion, a.Versions().AnalysisVersion, RulesVersion)
			}
			counts := map[string]int{}
			for i, c := range res.Clauses {
				if c.Ordinal != i+1 {
					t.Errorf("clause %d has ordinal %d", i, c.Ordinal)
				}
				if c.Heading == nil || c.Labels == nil {
					t.Errorf("clause %d: nil heading or labels would print as null", c.Ordinal)
				}
				if len(c.Scores) != labels.Count {
					t.Errorf("clause %d: %d scores", c.Ordinal, len(c.Scores))
				}
				prev := 2.0
				for _, l := range c.Labels {
					if l.Score > prev {
						t.Errorf("clause %d: labels not highest first: %v", c.Ordinal, c.Labels)
					}
					prev = l.Score
					if c.Scores[l.Label] != l.Score {
						t.Errorf("clause %d: label %s scored %v, scores say %v", c.Ordinal, l.Label, l.Score, c.Scores[l.Label])
					}
					counts[l.Label]++
				}
				if (p.Format == "pdf") != (c.Page > 0) {
					t.Errorf("clause %d: page %d in a %s", c.Ordinal, c.Page, p.Format)
				}
			}
			for _, l := range labels.All {
				if p.LabelCounts[l.Name] != counts[l.Name] {
					t.Errorf("labelCounts[%s] = %d, clauses carry it %d times", l.Name, p.LabelCounts[l.Name], counts[l.Name])
				}
			}
		})
	}
}

func TestAnalyzeInputErrors(t *testing.T) {
	a := analyzer(t)
	tests := []struct {
		name string
		data string
		want error
	}{
		{"empty.txt", "", fault.Empty},
		{"logo.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01", fault.Unsupported},
		{"broken.pdf", "%PDF-1.7\n1 0 obj <<", fault.Corrupt},
	}
	for _, tt := range tests {
		_, err := a.Analyze(context.Background(), tt.name, []byte(tt.data))
		if !errors.Is(err, tt.want) || !fault.KindOf(err).Input() {
			t.Errorf("%s: error %v, want an input error wrapping %v", tt.name, err, tt.want)
		}
		if err != nil && !strings.Contains(err.Error(), tt.name) {
			t.Errorf("%s: error %q does not name the file", tt.name, err)
		}
	}
}

func TestAnalyzeCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := analyzer(t).Analyze(ctx, "p.txt", []byte("We collect your e-mail address."))
	if !errors.Is(err, context.Canceled) || fault.KindOf(err).Input() {
		t.Errorf("error %v, want a cancellation that is not an input error", err)
	}
}

// A policy's language is reported; one in French is not labelled as if it
// were English, and the policy says so; the Spanish section of an English
// policy is left unlabelled and counted.
func TestAnalyzeLanguage(t *testing.T) {
	a := analyzer(t)
	english := "Privacy Policy\n\nWe collect your name and e-mail address when you sign up, and we use them to run your account.\n\n" +
		"We share your purchase history with advertising partners, who may show you ads on other sites.\n\n" +
		"You can delete your account at any time from the settings page.\n\n" +
		"We keep your order records for seven years because tax law requires it, and we delete your browsing history after ninety days.\n\n" +
		"We protect your data with encryption in transit and at rest, and only staff who need your data to help you can see it.\n\n" +
		"You can turn off personalised advertising in your account settings, and you can unsubscribe from our newsletters with the link in every e-mail.\n"
	french := "Politique de confidentialité\n\nNous collectons votre nom et votre adresse e-mail lors de votre inscription, et nous les utilisons pour gérer votre compte.\n\n" +
		"Nous partageons l'historique de vos achats avec nos partenaires publicitaires, qui peuvent vous montrer des annonces sur d'autres sites.\n\n" +
		"Vous pouvez supprimer votre compte à tout moment depuis la page des paramètres.\n"
	spanish := "Versión en español\n\nRecopilamos su nombre y su dirección de correo electrónico cuando se registra, y los usamos para gestionar su cuenta.\n"
	tests := []struct {
		name, text, lang string
		labelled         bool
		note             string
	}{
		{"en.txt", english, "en", true, ""},
		{"fr.txt", french, "fr", false, "The policy is in French (fr)"},
		{"en-es.txt", english + "\n" + spanish, "en", true, "1 of 2 clauses are not in English"},
	}
	for _, tt := range tests {
		res, err := a.Analyze(context.Background(), tt.name, []byte(tt.text))
		if err != nil {
			t.Fatal(err)
		}
		p := res.Policy
		if p.Language != tt.lang {
			t.Errorf("%s: language %q, want %q", tt.name, p.Language, tt.lang)
		}
		labelled := 0
		for _, c := range res.Clauses {
			if len(c.Labels) > 0 {
				labelled++
			}
			if len(c.Scores) != labels.Count {
				t.Errorf("%s: clause %d has %d scores", tt.name, c.Ordinal, len(c.Scores))
			}
		}
		if (labelled > 0) != tt.labelled {
			t.Errorf("%s: %d of %d clauses labelled", tt.name, labelled, len(res.Clauses))
		}
		notes := strings.Join(p.Notes, " ")
		if (tt.note == "") != (notes == "") || !strings.Contains(notes, tt.note) {
			t.Errorf("%s: notes %q, want %q", tt.name, notes, tt.note)
		}
	}
}

// A file that states next to no privacy practice (a sign-in page saved
// instead of the policy, a page of links to policies) is said to be
// perhaps no privacy policy; a policy is not.
func TestNoteWhenFewPracticesStated(t *testing.T) {
	a := analyzer(t)
	signIn := "Welcome back\n\nSign in to continue\n\nEmail address\n\nPassword\n\nForgot your password?\n\n" +
		"Continue with Google\n\nContinue with Apple\n\nBy continuing you agree to our Terms of Service and acknowledge our Privacy Policy.\n"
	links := "Legal\n\nPrivacy Policy (United States)\n\nPrivacy Policy (Europe)\n\nPrivacy Policy (Canada)\n\nCookie Notice\n\n" +
		"Terms of Use\n\nAccessibility statement\n\nContact us\n"
	lumen, err := os.ReadFile(fixture.Path("testdata", "policies", "lumen-fitness.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, text string
		noted      bool
	}{
		{"sign-in.txt", signIn, true},
		{"links.txt", links, true},
		{"lumen-fitness.txt", string(lumen), false},
	} {
		res, err := a.Analyze(context.Background(), tt.name, []byte(tt.text))
		if err != nil {
			t.Fatal(err)
		}
		words, n := PracticeWords(res.Clauses)
		var note string
		for _, s := range res.Policy.Notes {
			if strings.Contains(s, "may not be a privacy policy") {
				note = s
			}
		}
		switch {
		case tt.noted && note == "":
			t.Errorf("%s: %d words in %d clauses state a practice, and no note says it may not be a privacy policy (notes %q)", tt.name, words, n, res.Policy.Notes)
		case tt.noted && !strings.HasPrefix(note, fmt.Sprintf("Only %d words, in %d of %d clauses,", words, n, len(res.Clauses))):
			t.Errorf("%s: note %q does not give the counts (%d words, %d of %d clauses)", tt.name, note, words, n, len(res.Clauses))
		case !tt.noted && note != "":
			t.Errorf("%s: a policy (%d words in %d clauses state a practice) noted as perhaps none: %q", tt.name, words, n, note)
		}
	}
}

func BenchmarkAnalyzeText30KB(b *testing.B) {
	data, err := os.ReadFile(fixture.Path("testdata", "policies", "lumen-fitness.txt"))
	if err != nil {
		b.Fatal(err)
	}
	a := analyzer(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Analyze(context.Background(), "lumen-fitness.txt", data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAnalyzeText30KBCold is BenchmarkAnalyzeText30KB for the first
// policy a process analyses: every iteration gets a freshly loaded model,
// whose per-word cache is empty (the load itself is not timed).
func BenchmarkAnalyzeText30KBCold(b *testing.B) {
	data, err := os.ReadFile(fixture.Path("testdata", "policies", "lumen-fitness.txt"))
	if err != nil {
		b.Fatal(err)
	}
	weights, err := os.ReadFile("../classify/model.bin")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		m, err := classify.LoadBytes(weights)
		if err != nil {
			b.Fatal(err)
		}
		a := New(m, policy.Limits{})
		b.StartTimer()
		if _, err := a.Analyze(context.Background(), "lumen-fitness.txt", data); err != nil {
			b.Fatal(err)
		}
	}
}

// The worker's request and answer carry every field: a field added to
// them, or to policy.Facts, policy.Limits or policy.Date, and not to their
// encoding makes this fail.
func TestWorkerMessagesCarryEveryField(t *testing.T) {
	var req request
	wiretest.Fill(&req)
	hdr, err := encodeRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	got, data, err := decodeRequest(append(hdr, "file bytes"...))
	if err != nil || !reflect.DeepEqual(got, req) || string(data) != "file bytes" {
		t.Errorf("request round trip: %+v, %q, %v\nwant %+v", got, data, err, req)
	}
	var sp split
	wiretest.Fill(&sp)
	back, err := decodeSplit(sp.encode())
	if err != nil || !reflect.DeepEqual(*back, sp) {
		t.Errorf("answer round trip: %+v, %v\nwant %+v", back, err, sp)
	}
	// A cut answer is an error, not a panic.
	msg := sp.encode()
	for n := 0; n < len(msg); n += 7 {
		if _, err := decodeSplit(msg[:n]); err == nil {
			t.Fatalf("answer cut at %d of %d bytes decoded", n, len(msg))
		}
	}
}

// The company a policy speaks for is no third party to it: its name is
// the policy's company, not a named third party of its clauses, while
// the services it names are.
func TestOwnCompanyIsNoThirdParty(t *testing.T) {
	text := "Zoom Privacy Statement\n\n" +
		"Zoom Video Communications, Inc. (\u201cZoom\u201d, \u201cwe\u201d, \u201cus\u201d) provides video meetings.\n\n" +
		"Zoom collects the name and e-mail address you give when you sign up, and Zoom uses Google Analytics to learn how the website is used.\n"
	res, err := analyzer(t).Analyze(context.Background(), "zoom.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if res.Policy.Company != "Zoom" {
		t.Errorf("company %q, want Zoom", res.Policy.Company)
	}
	var named []string
	for _, c := range res.Clauses {
		for _, m := range c.Mentions {
			if m.Kind == policy.MentionThirdParty {
				named = append(named, m.Value)
			}
		}
	}
	if !slices.Equal(named, []string{"Google Analytics"}) {
		t.Errorf("named third parties %q, want only Google Analytics", named)
	}

	// A service of the company under another name is its own too.
	text = "Google Privacy Policy\n\nGoogle LLC (\u201cGoogle\u201d, \u201cwe\u201d) provides search.\n\n" +
		"We use Google Analytics and YouTube data to improve our services, and we pay with Stripe.\n"
	res, err = analyzer(t).Analyze(context.Background(), "google.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	named = nil
	for _, c := range res.Clauses {
		for _, m := range c.Mentions {
			if m.Kind == policy.MentionThirdParty {
				named = append(named, m.Value)
			}
		}
	}
	if res.Policy.Company != "Google" || !slices.Equal(named, []string{"Stripe"}) {
		t.Errorf("company %q, named third parties %q, want Google and only Stripe", res.Policy.Company, named)
	}
}

// An opt-out link of an HTML or Markdown policy is a mention of its
// target, at the words that carry it in the clause (white space collapsed
// as in the clause), and the privacy summary lists it among the choices; a
// link elsewhere is not.
func TestOptOutLinks(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"policy.html", `<html><head><link rel="canonical" href="https://kestrel.example/privacy"></head><body><main>
<h1>Privacy Notice</h1>
<p>We share route statistics with advertising partners.   You can opt out of this sharing at any time on
<a href="/privacy/choices">our
   choices page</a>.</p>
<p>Read about new trails on <a href="https://kestrel.example/blog">our blog</a>.</p></main></body></html>`},
		{"policy.md", "# Privacy Notice\n\nWe share route statistics with advertising partners. You can opt out of this sharing at any time on\n[our\nchoices page](https://kestrel.example/privacy/choices).\n\nRead about new trails on [our blog](https://kestrel.example/blog).\n"},
	} {
		res, err := analyzer(t).Analyze(context.Background(), c.name, []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, cl := range res.Clauses {
			for _, m := range cl.Mentions {
				if strings.HasPrefix(m.Value, "https://") {
					got = append(got, fmt.Sprintf("%d %s %q", cl.Ordinal, m.Value, string([]rune(cl.Text)[m.Span.Start:m.Span.End])))
				}
			}
		}
		want := []string{`1 https://kestrel.example/privacy/choices "our choices page"`}
		if !slices.Equal(got, want) {
			t.Errorf("%s: link mentions\n got %q\nwant %q", c.name, got, want)
		}
		found := false
		for _, it := range res.Privacy.Choices {
			found = found || it.Value == "https://kestrel.example/privacy/choices" && slices.Equal(it.Clauses, []int{1})
		}
		if !found {
			t.Errorf("%s: the summary's choices %+v lack the link", c.name, res.Privacy.Choices)
		}
	}
}

// Each clause is scored with its place among the policy's clauses, as
// classify scores a clause given its index and the count.
func TestClausesScoredWithTheirPlace(t *testing.T) {
	m, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	_, res := analyzeFile(t, New(m, policy.Limits{}), filepath.Join("..", "..", "..", "testdata", "policies", "lumen-fitness.txt"))
	n := len(res.Clauses)
	differs := 0
	for i, c := range res.Clauses {
		placed := m.ScoresInput(classify.Input{Heading: c.Heading, Text: c.Text, Index: i, Count: n})
		plain := m.ScoresInput(classify.Input{Heading: c.Heading, Text: c.Text})
		for l, name := range labels.All {
			if got := c.Scores[name.Name]; math.Abs(got-placed[l]) > 1e-4 {
				t.Fatalf("clause %d: %s scored %.4f, want %.4f as at place %d of %d", c.Ordinal, name.Name, got, placed[l], i, n)
			}
			if math.Abs(placed[l]-plain[l]) > 1e-4 {
				differs++
			}
		}
	}
	if differs == 0 {
		t.Error("no clause scored differently with its place than without")
	}
}

// A named recipient in a sentence that says the service does not share
// with it comes out marked as denied, and the privacy summary leaves it
// out; one the service does share with is neither.
func TestDeniedRecipientIsMarked(t *testing.T) {
	text := "Kestrel Privacy Policy\n\n" +
		"Sharing. We do not sell or share your personal information with data brokers. " +
		"We share your payment details with Stripe to process your payments.\n"
	res, err := analyzer(t).Analyze(context.Background(), "kestrel.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]bool{}
	for _, c := range res.Clauses {
		for _, m := range c.Mentions {
			if m.Kind == policy.MentionRecipient || m.Kind == policy.MentionThirdParty {
				marks[m.Value] = m.Denied
			}
		}
	}
	if want := map[string]bool{"data brokers": true, "Stripe": false}; !maps.Equal(marks, want) {
		t.Errorf("recipients and their denials %v, want %v", marks, want)
	}
	for _, it := range res.Privacy.ThirdParties {
		if it.Value == "data brokers" {
			t.Errorf("the summary lists the data brokers the policy denies sharing with: %+v", it)
		}
	}
}
