package classify

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
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
		in := Input{Heading: []string{"Privacy Policy", "Your rights"}, Text: c.text}
		if a, b := m.ScoresInput(in), m2.ScoresInput(in); a != b {
			t.Errorf("scores differ after a round trip: %v vs %v", a, b)
		}
	}
	if m.Meta() != m2.Meta() || m.Features() != m2.Features() || m.Version() != m2.Version() {
		t.Error("notes, features or version differ after a round trip")
	}
}

// The embedded model, which Default loads without reading it whole, is
// intact: its content matches its checksum.
func TestEmbeddedModelIntact(t *testing.T) {
	m, err := LoadBytes(embedded)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version() != mustDefault(t).Version() {
		t.Errorf("versions differ: %s and %s", m.Version(), mustDefault(t).Version())
	}
}

// rebuild writes the embedded model again with section id replaced by b
// (dropped when b is nil), with a valid checksum.
func rebuild(t *testing.T, id modelfile.Section, b []byte) []byte {
	t.Helper()
	f, err := modelfile.Parse(embedded, true)
	if err != nil {
		t.Fatal(err)
	}
	var w modelfile.Writer
	for _, s := range f.Sections() {
		switch {
		case s != id:
			w.Add(s, f.Section(s))
		case b != nil:
			w.Add(s, b)
		}
	}
	return w.Bytes()
}

func TestLoadRejectsBadFiles(t *testing.T) {
	good := embedded
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 0x40
	newer := bytes.Clone(good)
	newer[len(modelfile.Magic)] = 99
	f, err := modelfile.Parse(good, true)
	if err != nil {
		t.Fatal(err)
	}
	params := f.Section(modelfile.SecParams)
	idf := f.Section(modelfile.SecIDF)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a policylens classifier"},
		{"other content", []byte("hello, world, this is not a weights file at all; it is long enough to have a header"), "not a policylens classifier"},
		{"old gzip format", []byte("\x1f\x8b\x08\x00 gzip of format 1"), "not a policylens classifier"},
		{"newer format", newer, "format version 99"},
		{"truncated", good[:len(good)/2], "checksum"},
		{"flipped byte", flipped, "checksum"},
		{"trailing bytes", append(bytes.Clone(good), 1, 2, 3), "checksum"},
		{"no parameters", rebuild(t, modelfile.SecParams, nil), "no parameters"},
		{"parameters cut", rebuild(t, modelfile.SecParams, params[:len(params)-7]), "truncated"},
		{"IDF cut", rebuild(t, modelfile.SecIDF, idf[:len(idf)-4]), "IDF or weights"},
		{"no n-gram table", rebuild(t, modelfile.SecNgramTable, nil), "n-gram table"},
		{"no word table", rebuild(t, modelfile.SecWordSlots, nil), "word table"},
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

// bestOf returns the label with the highest score.
func bestOf(s Scores) int {
	best := 0
	for i, v := range s {
		if v > s[best] {
			best = i
		}
	}
	return best
}

// TestLabelsFollowThresholds checks what the output formats promise: a
// clause's labels are exactly those whose score reaches their threshold;
// when none does, the best label alone if its score reaches the fallback
// or (with a gated fallback) the clause states something; and none for
// text the model does not read as English.
func TestLabelsFollowThresholds(t *testing.T) {
	m := mustDefault(t)
	texts := []string{"", "Hello.", "Home | Products | Contact", "We may change this policy from time to time.",
		"Nous pouvons modifier cette politique de temps en temps, et nous vous en informerons par courriel."}
	for _, c := range ownClauses {
		texts = append(texts, c.text, c.text[:len(c.text)/3])
	}
	for _, text := range texts {
		in := Input{Heading: []string{"Privacy", "Details"}, Text: text}
		s := m.ScoresInput(in)
		got := map[string]bool{}
		for _, l := range m.AssignInput(in, s) {
			got[l.Label] = true
		}
		want := map[string]bool{}
		for i, l := range labels.All {
			if s[i] >= m.Threshold(i) {
				want[l.Name] = true
			}
		}
		best := bestOf(s)
		if len(want) == 0 && (m.Fallback() > 0 && s[best] >= m.Fallback() || m.flags&modelfile.FallbackGate != 0 && States(text)) {
			want[labels.All[best].Name] = true
		}
		if !m.Reads(text) || strings.TrimFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) == "" {
			want = map[string]bool{}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%.40q: labels %v, want %v (scores %s)", text, got, want, fmtScores(s))
		}
	}
}

func TestAssignInput(t *testing.T) {
	m := &Model{flags: modelfile.LangCheck | modelfile.FallbackGate}
	for i := range m.thresholds {
		m.thresholds[i] = 0.5
	}
	var low Scores
	low[index(t, "Data Retention")] = 0.2
	low[index(t, "Data Security")] = 0.1
	states := Input{Text: "We keep logs for a while."}
	if got := m.AssignInput(states, low); len(got) != 1 || got[0].Label != "Data Retention" {
		t.Errorf("a clause that states something: %v, want its best label", got)
	}
	if got := m.AssignInput(Input{Text: "Home | About | Contact"}, low); len(got) != 0 {
		t.Errorf("navigation: %v, want none", got)
	}
	var high Scores
	high[index(t, "Data Retention")] = 0.9
	if got := m.AssignInput(Input{Text: "Nous conservons vos données pendant la durée de votre abonnement et nous les supprimons ensuite."}, high); got != nil {
		t.Errorf("French text: %v, want no label", got)
	}
	for _, empty := range []string{"", "  ", "— • —"} {
		if got := m.AssignInput(Input{Text: empty}, high); got != nil {
			t.Errorf("text without words %q: %v, want no label", empty, got)
		}
	}
	if d := mustDefault(t); d.AssignInput(Input{}, d.Scores("")) != nil {
		t.Errorf("the embedded model labels empty text: %v", d.AssignInput(Input{}, d.Scores("")))
	}
	m.flags = 0
	if got := m.AssignInput(states, low); len(got) != 0 {
		t.Errorf("no gated fallback: %v, want none", got)
	}
}

// TestLongClauseDoNotTrack checks that a practice stated in one sentence of
// a long clause about other things is found: here Do Not Track, in a clause
// of about 1,200 characters about cookies (written for this test).
func TestLongClauseDoNotTrack(t *testing.T) {
	m := mustDefault(t)
	long := "Our website and apps rely on small files and similar tools to work properly. Some of them keep your " +
		"shopping basket and language between visits, others count visits and tell us which articles are read " +
		"most, so that we can plan what to write next. A few are set by the video player we embed, which may " +
		"remember whether you have already watched a clip. Analytics tools run on our behalf and report only " +
		"totals to us; they do not see your name. You can clear these files at any time from your browser's " +
		"history page, and you can tell your browser to ask you before it accepts a new one. " +
		"This website does not respond to Do Not Track signals sent by your browser, as no common standard exists for them. " +
		"Blocking every such file may stop the checkout from working, and you will have to choose your language " +
		"again on each visit. We review the tools we use every year and remove those we no longer need; the " +
		"list in our help centre names each one with its purpose and how long it lasts."
	in := Input{Heading: []string{"Privacy notice", "Small files on your device"}, Text: long}
	s := m.ScoresInput(in)
	dnt := index(t, "Do Not Track")
	found := false
	for _, l := range m.AssignInput(in, s) {
		found = found || l.Label == "Do Not Track"
	}
	t.Logf("%d characters: Do Not Track %.3f (threshold %.3f, sentence gate %.2f)", len(long), s[dnt], m.Threshold(dnt), m.SentenceGate(dnt))
	if !found {
		t.Errorf("%d characters: Do Not Track not found (score %.3f, threshold %.3f; scores %s)", len(long), s[dnt], m.Threshold(dnt), fmtScores(s))
	}
}

func TestSplitSentences(t *testing.T) {
	got := Sentences("We collect data. We do not answer browser signals at all. Ok. e.g. this stays. • A bullet item here\nAnd a line after it")
	// "Ok." is too short to stand alone and joins the next piece.
	want := []string{"We collect data.", "We do not answer browser signals at all.", "Ok. e.g. this stays.", "• A bullet item here", "And a line after it"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q\nwant %q", got, want)
	}
	if got := Sentences("Short one."); len(got) != 1 {
		t.Errorf("one sentence: %q", got)
	}
}

// TestWordCacheKeepsScores checks that the per-word cache of character
// n-gram rows changes no score: a text scored by a model that has never seen
// its words (every word computed) and again once they are cached gives
// bit-identical scores, also after other words took the cache's slots.
func TestWordCacheKeepsScores(t *testing.T) {
	texts := []string{"", "a", "Cookies, cookies and more cookies!"}
	for _, c := range ownClauses {
		texts = append(texts, c.text, strings.ToUpper(c.text))
	}
	fresh := func() *Model {
		m, err := load(embedded, false)
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
	m := fresh()
	for i := range 2 * cacheSlots {
		m.Scores(fmt.Sprintf("w%dx", i))
	}
	for _, text := range texts {
		if got, want := m.Scores(text), fresh().Scores(text); got != want {
			t.Errorf("%q: scores %v after cache churn, want %v", text, got, want)
		}
	}
}

// The word cache is the model's: a garbage collection keeps it, and it
// holds at most cacheSlots words however many it has seen.
func TestWordCacheSurvivesGC(t *testing.T) {
	m, err := load(embedded, false)
	if err != nil {
		t.Fatal(err)
	}
	cached := func() int {
		n := 0
		for i := range m.cache.slots {
			if m.cache.slots[i].Load() != nil {
				n++
			}
		}
		return n
	}
	for _, c := range ownClauses {
		m.Scores(c.text)
	}
	before := cached()
	runtime.GC()
	runtime.GC()
	if after := cached(); before == 0 || after != before {
		t.Errorf("%d words cached before two collections, %d after", before, after)
	}
	for i := range 3 * cacheSlots {
		m.Scores(fmt.Sprintf("w%dx", i))
	}
	if n := cached(); n > cacheSlots {
		t.Errorf("%d words cached, bound %d", n, cacheSlots)
	}
}

var benchHeading = []string{"Privacy Policy", "How we use your information"}

// cpuTime is the process's user and system CPU time so far: on a machine
// shared with other jobs it measures the work where wall time does not.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start (run with
// -cpu 1: with more Ps, other goroutines' time counts too).
func reportCPU(b *testing.B, start time.Duration, unit string) {
	b.ReportMetric(float64(cpuTime()-start)/float64(b.N)/1e3, unit)
}

// clauses400 returns clauses of about 400 characters (each own example
// clause followed by the next, near the OPP-115 median) and their mean
// length.
func clauses400() ([]string, int) {
	texts := make([]string, len(ownClauses))
	total := 0
	for i := range ownClauses {
		texts[i] = ownClauses[i].text + " " + ownClauses[(i+1)%len(ownClauses)].text
		total += len(texts[i])
	}
	return texts, total / len(texts)
}

// BenchmarkScores scores clauses of about 400 characters with no heading.
func BenchmarkScores(b *testing.B) {
	m := mustDefault(b)
	texts, mean := clauses400()
	b.SetBytes(int64(mean))
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		m.Scores(texts[i%len(texts)])
	}
	reportCPU(b, start, "cpu-µs/clause")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clauses/s")
}

// BenchmarkScoresInput scores clauses of about 400 characters with a
// heading path, as analyze does: the per-clause cost of the budget (100 µs
// on one core).
func BenchmarkScoresInput(b *testing.B) {
	m := mustDefault(b)
	texts, mean := clauses400()
	b.SetBytes(int64(mean))
	b.ReportAllocs()
	start := cpuTime()
	for i := 0; b.Loop(); i++ {
		m.ScoresInput(Input{Heading: benchHeading, Text: texts[i%len(texts)]})
	}
	reportCPU(b, start, "cpu-µs/clause")
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "clauses/s")
}

// BenchmarkScoresLong scores a clause of about 1,500 characters with a
// heading path.
func BenchmarkScoresLong(b *testing.B) {
	m := mustDefault(b)
	var sb strings.Builder
	for i := 0; sb.Len() < 1500; i++ {
		sb.WriteString(ownClauses[i%len(ownClauses)].text + " ")
	}
	in := Input{Heading: benchHeading, Text: sb.String()}
	b.SetBytes(int64(len(in.Text)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		m.ScoresInput(in)
	}
	reportCPU(b, start, "cpu-µs/clause")
}

// BenchmarkLoad loads the embedded model as Default does.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := load(embedded, false); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, start, "cpu-µs/load")
}

// BenchmarkLoadVerified loads the embedded model as LoadBytes loads a file,
// checksum included.
func BenchmarkLoadVerified(b *testing.B) {
	b.SetBytes(int64(len(embedded)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// The embedded model reads where a clause sits: a bare title line reads
// as the policy's introduction at the top of a document more than
// anywhere else, and with no place given it scores between the two. A
// place outside the document counts as none.
func TestPlaceOfATitle(t *testing.T) {
	m := mustDefault(t)
	if !m.ReadsPlace() {
		t.Fatal("the embedded model does not read places")
	}
	intro := index(t, "Introductory/Generic")
	title := "Kestrel Outdoor Gear"
	top := m.ScoresInput(Input{Text: title, Index: 0, Count: 40})[intro]
	middle := m.ScoresInput(Input{Text: title, Index: 20, Count: 40})[intro]
	none := m.ScoresInput(Input{Text: title})[intro]
	t.Logf("Introductory/Generic: %.3f at the top, %.3f in the middle, %.3f with no place", top, middle, none)
	if !(top > none && none > middle) {
		t.Errorf("Introductory/Generic: %.3f at the top, %.3f in the middle, %.3f with no place; want them falling in that order", top, middle, none)
	}
	if out := m.ScoresInput(Input{Text: title, Index: 40, Count: 40})[intro]; out != none {
		t.Errorf("a place past the end scored %.3f, not as no place (%.3f)", out, none)
	}
}
