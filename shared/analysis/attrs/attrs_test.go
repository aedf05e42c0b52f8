package attrs

import (
	"bytes"
	"errors"
	"runtime"
	"slices"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

func models(t testing.TB) (*classify.Model, *Model) {
	t.Helper()
	lm, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Suits(lm); err != nil {
		t.Fatal(err)
	}
	return lm, m
}

// Clauses written for these tests, with one triple each that a reader
// would expect.
var ownClauses = []struct {
	text string
	want policy.Attribute // category, attribute, value
}{
	{"We share your precise location with advertising partners so that they can show you ads that match your interests.",
		policy.Attribute{Category: "Third Party Sharing/Collection", Attribute: "Purpose", Value: "Advertising"}},
	{"Our service is not directed to children under 13, and we do not knowingly collect personal information from them.",
		policy.Attribute{Category: "International and Specific Audiences", Attribute: "Audience Type", Value: "Children"}},
	{"You can opt out of marketing e-mails at any time by clicking the unsubscribe link in any message.",
		policy.Attribute{Category: "User Choice/Control", Attribute: "Choice Type", Value: "Opt-out link"}},
	{"When you sign up we collect your name, e-mail address and phone number to create your account.",
		policy.Attribute{Category: "First Party Collection/Use", Attribute: "Personal Information Type", Value: "Contact"}},
}

func TestDefaultOnOwnClauses(t *testing.T) {
	lm, m := models(t)
	for _, c := range ownClauses {
		_, _, got := m.Clause(lm, classify.Input{Text: c.text}, nil)
		found := false
		for _, a := range got {
			checkAttribute(t, c.text, a)
			found = found || a.Category == c.want.Category && a.Attribute == c.want.Attribute && a.Value == c.want.Value
		}
		if !found {
			t.Errorf("%q: no %s / %s / %s among %+v", c.text, c.want.Category, c.want.Attribute, c.want.Value, got)
		}
	}
}

func checkAttribute(t *testing.T, text string, a policy.Attribute) {
	t.Helper()
	n := utf8.RuneCountInString(text)
	if !(a.Score > 0 && a.Score <= 1) || len(a.Spans) == 0 {
		t.Errorf("%q: %+v: score outside (0,1] or no span", text, a)
	}
	for _, s := range a.Spans {
		if s.Start < 0 || s.End > n || s.Start >= s.End {
			t.Errorf("%q: span %+v outside the %d code points", text, s, n)
		}
	}
}

// Evidence is the sentence that states the value, in code points of a
// text with non-ASCII letters before it.
func TestEvidenceSentenceInCodePoints(t *testing.T) {
	lm, m := models(t)
	first := "Über uns: Café Zoë ist ein kleines Unternehmen in München."
	second := "We share your precise location with advertising partners so that they can show you ads that match your interests."
	text := first + " " + second
	_, _, got := m.Clause(lm, classify.Input{Text: text}, nil)
	var ad *policy.Attribute
	for i, a := range got {
		checkAttribute(t, text, a)
		if a.Attribute == "Purpose" && a.Value == "Advertising" {
			ad = &got[i]
		}
	}
	if ad == nil {
		t.Fatalf("no advertising purpose in %+v", got)
	}
	r := []rune(text)
	if s := ad.Spans[0]; string(r[s.Start:s.End]) != second {
		t.Errorf("evidence %q, want the sentence %q", string(r[s.Start:s.End]), second)
	}
}

func TestNoAttributesForUnlabelledText(t *testing.T) {
	lm, m := models(t)
	for _, text := range []string{"", "Wir teilen Ihre Daten nicht mit Dritten, es sei denn, das Gesetz verlangt es."} {
		if _, _, got := m.Clause(lm, classify.Input{Text: text}, nil); len(got) != 0 {
			t.Errorf("%q: attributes %+v", text, got)
		}
	}
}

func TestCodePoints(t *testing.T) {
	text := "Zoë’s café: ok"
	start := len("Zoë’s ")
	if got := CodePoints(text, start, start+len("café")); got != (policy.Span{Start: 6, End: 10}) {
		t.Errorf("CodePoints = %+v, want 6-10", got)
	}
}

func TestEmbeddedModelIntact(t *testing.T) {
	m, err := LoadBytes(embedded)
	if err != nil {
		t.Fatal(err)
	}
	d, _ := Default()
	if m.Version() != d.Version() {
		t.Errorf("versions %s and %s", m.Version(), d.Version())
	}
	var b bytes.Buffer
	if _, err := d.WriteTo(&b); err != nil || !bytes.Equal(b.Bytes(), embedded) {
		t.Errorf("WriteTo does not give the file back (%v)", err)
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	for name, b := range map[string][]byte{
		"empty":     nil,
		"not ours":  []byte("PLMODEL1 and then some bytes that are not an attribute model"),
		"truncated": embedded[:len(embedded)/2],
		"flipped":   flip(embedded, len(embedded)-3),
	} {
		if _, err := LoadBytes(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("%s: error %v, want ErrBadModel", name, err)
		}
	}
}

func flip(b []byte, i int) []byte {
	c := bytes.Clone(b)
	c[i] ^= 0x40
	return c
}

// A file whose checksum is right but whose tables are wrong is refused
// too.
func TestEncodeRejectsAndChecks(t *testing.T) {
	p := Params{LabelVersion: "x", LabelRows: 10, TextRows: 8,
		Pairs:   []Pair{{Category: "Data Security", Attribute: "Security Measure", Threshold: 0.5}},
		Targets: []Target{{Category: "Data Security", Attribute: "Security Measure", Value: "Generic", Stack: []float64{1, 0}}}}
	if _, err := Encode(p, []Weight{{Row: 9, Target: 0, Value: 1}}); err == nil {
		t.Error("a weight beyond the text rows was encoded")
	}
	b, err := Encode(p, []Weight{{Row: 3, Target: 0, Value: 0.5}, {Row: 1, Target: 0, Value: -1}})
	if err != nil {
		t.Fatal(err)
	}
	m, err := LoadBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	var acc [MaxTargets]float32
	all := [labels.Count]bool{}
	for i := range all {
		all[i] = true
	}
	m.margins([]int32{1, 3, 5}, []float32{1, 2, 7}, &all, &acc)
	if got := m.margin(0, &acc); got < -0.01 || got > 0.01 {
		t.Errorf("margin %v, want -1*1 + 0.5*2 = 0", got)
	}
	many := p
	many.Targets = slices.Repeat(p.Targets, MaxTargets+1)
	if _, err := Encode(many, nil); err == nil {
		t.Errorf("%d targets were encoded, at most %d fit a weight's byte", len(many.Targets), MaxTargets)
	}
	bad := p
	bad.Targets = []Target{{Category: "Other", Attribute: "Other Type", Value: "x", Stack: []float64{1, 0}}}
	if b, err := Encode(bad, nil); err == nil {
		if _, err := LoadBytes(b); !errors.Is(err, ErrBadModel) {
			t.Errorf("a target of no category loaded: %v", err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := decode(embedded, false); err != nil {
			b.Fatal(err)
		}
	}
}

// The label model alone and with the attribute model on the same pass:
// the ratio of the two is the attributes' cost (docs/model.md).
var benchClauses = func() []string {
	var out []string
	for i, c := range ownClauses {
		out = append(out, c.text+" "+ownClauses[(i+1)%len(ownClauses)].text)
	}
	return out
}()

func BenchmarkLabels(b *testing.B) {
	lm, _ := models(b)
	i := 0
	for b.Loop() {
		in := classify.Input{Text: benchClauses[i%len(benchClauses)]}
		lm.AssignInput(in, lm.ScoresInput(in))
		i++
	}
}

func BenchmarkLabelsAndAttributes(b *testing.B) {
	lm, m := models(b)
	var p classify.Pass
	i := 0
	for b.Loop() {
		m.Clause(lm, classify.Input{Text: benchClauses[i%len(benchClauses)]}, &p)
		i++
	}
}

// BenchmarkPredict times the attribute model alone on label-model passes
// computed beforehand: what the attributes add to a clause, without the
// label model's share.
func BenchmarkPredict(b *testing.B) {
	lm, m := models(b)
	type prepared struct {
		text     string
		pass     *classify.Pass
		scores   classify.Scores
		assigned []policy.LabelScore
	}
	var clauses []prepared
	for _, text := range benchClauses {
		c := prepared{text: text, pass: new(classify.Pass)}
		c.scores = lm.ScoresPass(classify.Input{Text: text}, c.pass)
		c.assigned = lm.AssignInput(classify.Input{Text: text}, c.scores)
		clauses = append(clauses, c)
	}
	i := 0
	for b.Loop() {
		c := &clauses[i%len(clauses)]
		m.Predict(c.text, c.pass, c.scores, c.assigned)
		i++
	}
}

// BenchmarkCost runs, in turns of 100 clauses, the label model alone
// (ScoresInput and AssignInput) and the label model with the attribute
// model on its pass (Clause), and reports the CPU time of this thread per
// clause for each and their ratio (both/labels): measured in the same run,
// in turns, so that the load of a shared machine weighs on both alike.
// The ratio is the attributes' cost (docs/model.md); run with -cpu 1.
func BenchmarkCost(b *testing.B) {
	lm, m := models(b)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var p classify.Pass
	var labelsOnly, both time.Duration
	const turn = 100
	n := 0
	for b.Loop() {
		t0 := threadCPU()
		for i := range turn {
			in := classify.Input{Text: benchClauses[i%len(benchClauses)]}
			lm.AssignInput(in, lm.ScoresInput(in))
		}
		t1 := threadCPU()
		for i := range turn {
			m.Clause(lm, classify.Input{Text: benchClauses[i%len(benchClauses)]}, &p)
		}
		t2 := threadCPU()
		labelsOnly += t1 - t0
		both += t2 - t1
		n += turn
	}
	b.ReportMetric(float64(labelsOnly.Nanoseconds())/float64(n)/1e3, "labels-cpu-µs/clause")
	b.ReportMetric(float64(both.Nanoseconds())/float64(n)/1e3, "both-cpu-µs/clause")
	b.ReportMetric(float64(both)/float64(labelsOnly), "both/labels")
}

// threadCPU is the CPU time of the calling thread so far.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_THREAD, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// Every triple the model can predict is in the vocabulary the store and
// the API know (shared/domain/attributes).
func TestTargetsInVocabulary(t *testing.T) {
	_, m := models(t)
	for _, tg := range m.Params().Targets {
		if tg.Aux {
			continue
		}
		a, ok := attributes.Find(tg.Category, tg.Attribute)
		if !ok {
			t.Errorf("%s / %s is not in the vocabulary", tg.Category, tg.Attribute)
			continue
		}
		if _, ok := a.Value(tg.Value); !ok {
			t.Errorf("%s / %s / %s is not in the vocabulary", tg.Category, tg.Attribute, tg.Value)
		}
	}
}

// Do Not Track attributes are given only to a clause that names the
// signal: a clause about the Global Privacy Control, which today's
// policies file under the same label, gets none, even with the label.
func TestDoNotTrackNeedsTheSignalNamed(t *testing.T) {
	lm, m := models(t)
	dnt, _ := labels.Index("Do Not Track")
	for _, c := range []struct {
		text string
		want bool
	}{
		{"We do not respond to browser Do Not Track signals at this time.", true},
		{"Our sites do not currently honor DNT requests from your browser.", true},
		{"We treat a Global Privacy Control signal from your browser as a request to opt out of the sale or sharing of your personal information.", false},
	} {
		var p classify.Pass
		sc := lm.ScoresPass(classify.Input{Text: c.text}, &p)
		sc[dnt] = 1
		got := m.Predict(c.text, &p, sc, []policy.LabelScore{{Label: labels.All[dnt].Name, Score: 1}})
		found := false
		for _, a := range got {
			found = found || a.Category == "Do Not Track"
		}
		if found != c.want {
			t.Errorf("%q: Do Not Track triples %v, want %v (%+v)", c.text, found, c.want, got)
		}
	}
}
