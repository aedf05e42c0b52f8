package classify

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/policylens/policylens/shared/analysis/corpus"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

func mustDefault(t testing.TB) *Model {
	t.Helper()
	m, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return m
}

func index(t testing.TB, name string) int {
	t.Helper()
	i, ok := labels.Index(name)
	if !ok {
		t.Fatalf("no label %q", name)
	}
	return i
}

// Clauses written for these tests, in the style of privacy policies.
var ownClauses = []struct {
	text string
	want string
}{
	{"Cookies and your choices. You can block or delete cookies in your browser settings, and you may opt out of interest-based advertising at any time with the opt-out link at the bottom of every page.",
		"User Choice/Control"},
	{"Do Not Track. Some browsers let you send a Do Not Track signal. Our site does not currently respond to Do Not Track signals.",
		"Do Not Track"},
	{"How long we keep your data. We retain your account details for as long as your account is open, and we delete them within ninety days after you close it unless the law requires us to keep them longer.",
		"Data Retention"},
	{"Security. We protect the information we hold with encryption in transit and at rest, firewalls, and strict access controls for our staff, although no method of transmission over the internet is completely secure.",
		"Data Security"},
	{"Changes to this policy. We may revise this privacy policy from time to time. If we make material changes we will notify you by email and post the new version on this page with a new effective date.",
		"Policy Change"},
	{"Children. Our service is not directed to children under 13, and we do not knowingly collect personal information from children under 13. If we learn that we have, we will delete it.",
		"International and Specific Audiences"},
	{"Contact us. If you have any questions about this privacy policy or our practices, please email our privacy team at privacy@example.org or write to us at 12 Harbour Street, Springfield.",
		"Privacy contact information"},
	{"Your rights. You can review and correct the information in your profile at any time, and you may ask us to delete your account and the personal information linked to it from the account settings page.",
		"User Access, Edit and Deletion"},
	{"We share your email address and purchase history with advertising partners and analytics companies, who may combine it with information they collect elsewhere to show you ads.",
		"Third Party Sharing/Collection"},
	{"Information we collect. When you register we collect your name, email address and phone number, and when you use the app we record the pages you view, and we use this information to run and improve our service.",
		"First Party Collection/Use"},
}

func TestDefaultScoresOwnClauses(t *testing.T) {
	m := mustDefault(t)
	for _, tt := range ownClauses {
		t.Run(tt.want, func(t *testing.T) {
			s := m.Scores(tt.text)
			i := index(t, tt.want)
			if s[i] < m.Threshold(i) {
				t.Errorf("score %.3f below threshold %.3f; scores %v", s[i], m.Threshold(i), fmtScores(s))
			}
			assigned := m.Assign(s)
			if len(assigned) == 0 || assigned[0].Label != tt.want {
				t.Errorf("Assign = %v, want %q first", assigned, tt.want)
			}
		})
	}
}

func fmtScores(s Scores) string {
	var b strings.Builder
	for i, v := range s {
		if v >= 0.05 {
			fmt.Fprintf(&b, "%s=%.2f ", labels.All[i].Slug, v)
		}
	}
	return b.String()
}

func TestScoresInRange(t *testing.T) {
	m := mustDefault(t)
	for _, text := range []string{
		"",
		"   ",
		"!!! ??? ...",
		"Ünïcödé Текст 中文 文本 🙂 with 12345 digits",
		strings.Repeat("cookies tracking opt out delete ", 2000),
		"\xff\xfe invalid utf-8 \xc3",
	} {
		s := m.Scores(text)
		for i, v := range s {
			if !(v >= 0 && v <= 1) {
				t.Errorf("Scores(%.20q)[%d] = %v, outside [0,1]", text, i, v)
			}
		}
	}
}

func TestAssign(t *testing.T) {
	m := &Model{}
	for i := range m.thresholds {
		m.thresholds[i] = 0.5
	}
	var s Scores
	s[index(t, "Data Security")] = 0.6
	s[index(t, "Policy Change")] = 0.9
	s[index(t, "Do Not Track")] = 0.5
	s[index(t, "Data Retention")] = 0.49
	got := m.Assign(s)
	want := []policy.LabelScore{{Label: "Policy Change", Score: 0.9}, {Label: "Data Security", Score: 0.6}, {Label: "Do Not Track", Score: 0.5}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Assign = %v, want %v", got, want)
	}
	if got := m.Assign(Scores{}); len(got) != 0 {
		t.Errorf("Assign(zero scores) = %v, want none", got)
	}
	m.fallback = 0.3
	if m.Fallback() != 0.3 {
		t.Errorf("Fallback = %v", m.Fallback())
	}
	var low Scores
	low[index(t, "Data Retention")] = 0.4
	low[index(t, "Data Security")] = 0.35
	if got := m.Assign(low); len(got) != 1 || got[0].Label != "Data Retention" {
		t.Errorf("Assign with fallback = %v, want Data Retention alone", got)
	}
	if got := m.Assign(Scores{}); len(got) != 0 {
		t.Errorf("Assign(zero scores) with fallback = %v, want none", got)
	}
}

func TestDefaultIsLoadedOnceAndConcurrencySafe(t *testing.T) {
	a, b := mustDefault(t), mustDefault(t)
	if a != b {
		t.Error("Default returned two different models")
	}
	if ok, _ := regexp.MatchString(`^[0-9a-f]{12}$`, a.Version()); !ok {
		t.Errorf("Version = %q, want 12 hex digits", a.Version())
	}
	want := make([]Scores, len(ownClauses))
	for i, c := range ownClauses {
		want[i] = a.Scores(c.text)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for r := range 50 {
				i := (g + r) % len(ownClauses)
				if got := a.Scores(ownClauses[i].text); got != want[i] {
					t.Errorf("concurrent Scores differ for clause %d", i)
					return
				}
			}
		})
	}
	wg.Wait()
}

func TestWriteLoadRoundTrip(t *testing.T) {
	m := mustDefault(t)
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	m2, err := Load(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range ownClauses {
		if a, b := m.Scores(c.text), m2.Scores(c.text); a != b {
			t.Errorf("scores differ after a round trip: %v vs %v", a, b)
		}
	}
	if m.Meta() != m2.Meta() || m.Features() != m2.Features() {
		t.Error("notes or features differ after a round trip")
	}
}

func gz(t *testing.T, raw []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(raw)
	zw.Close()
	return b.Bytes()
}

func TestLoadRejectsBadFiles(t *testing.T) {
	good := embedded
	zr, err := gzip.NewReader(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	var rawBuf bytes.Buffer
	rawBuf.ReadFrom(zr)
	raw := rawBuf.Bytes()

	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "EOF"},
		{"not gzip", []byte("policylens-classify\x00 plain"), "invalid header"},
		{"truncated gzip", good[:len(good)/2], "unexpected EOF"},
		{"flipped byte", flipped, ""},
		{"other content", gz(t, []byte("hello, world")), "not a policylens classifier weights file"},
		{"newer format", gz(t, append([]byte(magic), 99)), "format version 99"},
		{"content cut in the weights", gz(t, raw[:len(raw)/2]), "truncated"},
		{"content cut in the header", gz(t, raw[:len(magic)+3]), "truncated"},
		{"trailing bytes", gz(t, append(bytes.Clone(raw), 1, 2, 3)), "unexpected bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadBytes(tt.data)
			if err == nil {
				t.Fatal("Load accepted a bad file")
			}
			if !errors.Is(err, ErrBadModel) {
				t.Errorf("error %v does not wrap ErrBadModel", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestQuantize(t *testing.T) {
	m := &Model{w: make([]float32, 3*labels.Count)}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range m.w {
		m.w[i] = float32(rng.NormFloat64() * float64(i%labels.Count+1))
	}
	m.w[0], m.w[labels.Count+1] = 0, -1e-7
	orig := slices.Clone(m.w)
	m.setWeights(m.quantize())
	var scale [labels.Count]float64
	for i, v := range orig {
		scale[i%labels.Count] = max(scale[i%labels.Count], math.Abs(float64(v)))
	}
	for i, v := range orig {
		got, s := float64(m.w[i]), scale[i%labels.Count]
		// The code is within half a step of 127*sqrt(|w|/s).
		if d := math.Abs(127*math.Sqrt(math.Abs(got)/s) - 127*math.Sqrt(math.Abs(float64(v))/s)); d > 0.5+1e-4 {
			t.Errorf("weight %d: %g decodes to %g, %.2f steps away", i, v, got, d)
		}
		if got != 0 && math.Signbit(got) != math.Signbit(float64(v)) {
			t.Errorf("weight %d: %g decodes to %g, sign flipped", i, v, got)
		}
	}
	if m.w[0] != 0 {
		t.Errorf("0 decodes to %g", m.w[0])
	}
}

// syntheticCorpus builds a labelled corpus from word lists that mark each
// label, with shared filler words, so Train has something to learn.
func syntheticCorpus(n int, seed uint64) []corpus.Example {
	cues := [labels.Count][]string{
		{"collect", "gather", "record", "usage"},
		{"share", "partners", "advertisers", "sell"},
		{"optout", "choose", "preferences", "consent"},
		{"access", "correct", "erase", "export"},
		{"retain", "keep", "period", "archive"},
		{"encrypt", "secure", "firewall", "safeguard"},
		{"update", "revise", "notify", "amend"},
		{"donottrack", "signal", "browser", "header"},
		{"children", "california", "europe", "minors"},
		{"welcome", "overview", "scope", "applies"},
		{"misc", "other", "unrelated", "beyond"},
		{"contact", "email", "address", "officer"},
	}
	filler := []string{"the", "we", "our", "your", "information", "may", "and", "service", "this", "policy"}
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([]corpus.Example, 0, n)
	for k := range n {
		var set corpus.LabelSet
		var words []string
		for range 1 + rng.IntN(2) {
			l := rng.IntN(labels.Count)
			set = set.With(l)
			for range 3 {
				words = append(words, cues[l][rng.IntN(len(cues[l]))])
			}
		}
		for range 8 {
			words = append(words, filler[rng.IntN(len(filler))])
		}
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		out = append(out, corpus.Example{Text: fmt.Sprintf("%s (%d)", strings.Join(words, " "), k), Labels: set})
	}
	return out
}

func trainBytes(t *testing.T, ex []corpus.Example, seed uint64, workers int) ([]byte, *Model) {
	t.Helper()
	m, _, err := Train(context.Background(), ex, TrainOptions{Seed: seed, C: []float64{0.3, 1}, Folds: 3, Workers: workers})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := m.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), m
}

func TestTrainDeterministic(t *testing.T) {
	train := syntheticCorpus(300, 1)
	a, m := trainBytes(t, train, 42, 2)
	b, _ := trainBytes(t, train, 42, 2)
	if !bytes.Equal(a, b) {
		t.Error("two trainings with the same seed wrote different weights")
	}
	if c, _ := trainBytes(t, train, 42, 1); !bytes.Equal(a, c) {
		t.Error("training on one goroutine wrote different weights than on two")
	}
	// The model learned the cues: it does well on fresh synthetic examples.
	test := syntheticCorpus(200, 2)
	if mt := Evaluate(m, test); mt.MicroF1() < 0.9 {
		t.Errorf("micro-F1 %.3f on held-out synthetic examples, want >= 0.9", mt.MicroF1())
	}
	loaded, err := LoadBytes(a)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := Evaluate(loaded, test).MicroF1(), Evaluate(m, test).MicroF1(); math.Abs(got-want) > 0.01 {
		t.Errorf("stored weights change micro-F1 from %.3f to %.3f", want, got)
	}
}

func TestTrainRejects(t *testing.T) {
	ctx := context.Background()
	if _, _, err := Train(ctx, syntheticCorpus(5, 1), TrainOptions{}); err == nil {
		t.Error("Train accepted 5 examples for 5 folds")
	}
	if _, _, err := Train(ctx, syntheticCorpus(50, 1), TrainOptions{Model: "forest"}); err == nil {
		t.Error("Train accepted an unknown model")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := Train(cancelled, syntheticCorpus(50, 1), TrainOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Train with a cancelled context: %v", err)
	}
}

func TestMetrics(t *testing.T) {
	// Four examples, hand-checked:
	//   gold {A}    pred {A}      A: TP
	//   gold {A,B}  pred {B}      A: FN, B: TP
	//   gold {B}    pred {A,B}    A: FP, B: TP
	//   gold {C}    pred {}       C: FN
	// A: TP1 FP1 FN1 -> P .5 R .5 F1 .5
	// B: TP2 FP0 FN0 -> F1 1
	// C: TP0 FP0 FN1 -> F1 0
	// micro: TP3 FP1 FN2 -> F1 6/9
	// macro: (0.5+1+0)/3 = 0.5 (the 9 labels absent everywhere are left out)
	a, b, c := index(t, "Data Security"), index(t, "Policy Change"), index(t, "Do Not Track")
	var s corpus.LabelSet
	gold := []corpus.LabelSet{s.With(a), s.With(a).With(b), s.With(b), s.With(c)}
	pred := []corpus.LabelSet{s.With(a), s.With(b), s.With(a).With(b), 0}
	m := Compare(gold, pred)
	if got := m.Labels[a]; got != (Counts{TP: 1, FP: 1, FN: 1}) {
		t.Errorf("counts of A = %+v", got)
	}
	checks := []struct {
		name      string
		got, want float64
	}{
		{"precision A", m.Labels[a].Precision(), 0.5},
		{"recall A", m.Labels[a].Recall(), 0.5},
		{"F1 B", m.Labels[b].F1(), 1},
		{"F1 C", m.Labels[c].F1(), 0},
		{"micro-F1", m.MicroF1(), 6.0 / 9},
		{"macro-F1", m.MacroF1(), 0.5},
	}
	for _, ch := range checks {
		if math.Abs(ch.got-ch.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", ch.name, ch.got, ch.want)
		}
	}
	var out bytes.Buffer
	if err := m.WriteTable(&out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; last != "micro-F1 0.667 macro-F1 0.500" {
		t.Errorf("last line %q", last)
	}
	for _, l := range labels.All {
		if !strings.Contains(out.String(), l.Name) {
			t.Errorf("table lacks %q:\n%s", l.Name, out.String())
		}
	}
	if !regexp.MustCompile(`(?m)^\s*Data Security\s+0\.500\s+0\.500\s+0\.500\s+2\s+2\s*$`).MatchString(out.String()) {
		t.Errorf("row for Data Security not as expected:\n%s", out.String())
	}
}

// TestLabelsAreAtOrAboveThreshold checks the promise of the output formats:
// a clause's labels are exactly the labels whose score reaches their
// threshold.
func TestLabelsAreAtOrAboveThreshold(t *testing.T) {
	m := mustDefault(t)
	if m.Fallback() != 0 {
		t.Fatalf("embedded model has fallback %v; labels would include one below its threshold", m.Fallback())
	}
	texts := []string{"", "Hello.", "We may change this policy from time to time."}
	for _, c := range ownClauses {
		texts = append(texts, c.text)
	}
	for _, text := range texts {
		s := m.Scores(text)
		got := map[string]bool{}
		for _, l := range m.Assign(s) {
			got[l.Label] = true
		}
		for i, l := range labels.All {
			if want := s[i] >= m.Threshold(i); got[l.Name] != want {
				t.Errorf("%q: label %s assigned=%v, score %.3f threshold %.3f", text, l.Name, got[l.Name], s[i], m.Threshold(i))
			}
		}
	}
}

// BenchmarkScores scores clauses of a few hundred characters (each own
// example clause followed by the next, about 400 characters on average,
// near the OPP-115 median).
func BenchmarkScores(b *testing.B) {
	m := mustDefault(b)
	texts := make([]string, len(ownClauses))
	total := 0
	for i := range ownClauses {
		texts[i] = ownClauses[i].text + " " + ownClauses[(i+1)%len(ownClauses)].text
		total += len(texts[i])
	}
	b.SetBytes(int64(total / len(texts)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m.Scores(texts[i%len(texts)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clauses/s")
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWordCacheKeepsScores checks that the per-word cache of character
// n-gram rows changes no score: a text scored by a model that has never seen
// its words (every word computed) and again once they are cached gives
// bit-identical scores, also when the cache is cleared in between.
func TestWordCacheKeepsScores(t *testing.T) {
	texts := []string{"", "a", "Cookies, cookies and more cookies!"}
	for _, c := range ownClauses {
		texts = append(texts, c.text, strings.ToUpper(c.text))
	}
	fresh := func() *Model {
		m, err := LoadBytes(embedded)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, text := range texts {
		cold := fresh().Scores(text)
		m := fresh()
		m.Scores(text)
		if warm := m.Scores(text); warm != cold {
			t.Errorf("%q: cached scores %v differ from uncached %v", text, warm, cold)
		}
	}
	// A cache filled by other texts, and one cleared when full, serve the
	// same rows.
	m := fresh()
	for i := 0; i < maxCachedWords+10; i++ {
		m.Scores(fmt.Sprintf("w%dx", i))
	}
	for _, text := range texts {
		if got, want := m.Scores(text), fresh().Scores(text); got != want {
			t.Errorf("%q: scores %v after cache churn, want %v", text, got, want)
		}
	}
}
