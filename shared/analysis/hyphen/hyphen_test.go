package hyphen_test

import (
	"strings"
	"testing"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/hyphen"
	"github.com/policylens/policylens/shared/domain/policy"
)

func model(t testing.TB) hyphen.Lexicon {
	t.Helper()
	m, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	return classify.NewLexicon(m)
}

func repair(t *testing.T, lex hyphen.Lexicon, texts ...string) []string {
	t.Helper()
	doc := &policy.Document{}
	for _, s := range texts {
		doc.Blocks = append(doc.Blocks, policy.Block{Text: s})
	}
	hyphen.Repair(doc, lex)
	out := make([]string, len(doc.Blocks))
	for i, b := range doc.Blocks {
		out[i] = b.Text
	}
	return out
}

// PDF lines joined with hyphen.Mark: words cut at a syllable are joined,
// compounds keep their hyphen.
func TestRepairMarks(t *testing.T) {
	lex := model(t)
	tests := []struct{ in, want string }{
		{"To opt out of the sharing of your Personal Infor\u00admation for advertising.", "To opt out of the sharing of your Personal Information for advertising."},
		{"data is pro\u00adcessed automati\u00adcally", "data is processed automatically"},
		{"4. DISCLOSURE OF INFORMA\u00adTION", "4. DISCLOSURE OF INFORMATION"},
		{"use the opt\u00adout form", "use the opt-out form"},
		{"our third\u00adparty partners", "our third-party partners"},
		{"a member\u00adowned cooperative", "a member-owned cooperative"},
		{"in the Grown\u00adUps area", "in the Grown-Ups area"},
		{"we may cor\u00adrect it", "we may correct it"},
		{"a pseudonymi\u00adsation key", "a pseudonymisation key"},
	}
	for _, tt := range tests {
		if got := repair(t, lex, tt.in)[0]; got != tt.want {
			t.Errorf("Repair(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// The document's own spelling wins over the language's.
func TestRepairDocumentSpelling(t *testing.T) {
	lex := model(t)
	got := repair(t, lex, "Write to us by e\u00admail.", "Our e-mail address is below.")
	if got[0] != "Write to us by e-mail." {
		t.Errorf("with e-mail elsewhere: %q", got[0])
	}
	got = repair(t, lex, "Write to us by e\u00admail.", "Our email address is below.")
	if got[0] != "Write to us by email." {
		t.Errorf("with email elsewhere: %q", got[0])
	}
	// A word of the same stem hyphenated elsewhere.
	got = repair(t, lex, "we do not try to re\u00adidentify it", "We prevent re-identification.")
	if got[0] != "we do not try to re-identify it" {
		t.Errorf("with re-identification elsewhere: %q", got[0])
	}
	// Other hyphenated words after the same first part.
	got = repair(t, lex, "for cross\u00adcontext advertising", "We block cross-site tracking.")
	if got[0] != "for cross-context advertising" {
		t.Errorf("with cross-site elsewhere: %q", got[0])
	}
	// Words the lexicon lacks: "twelve" written on its own elsewhere makes
	// "twelve-month" a compound of two words.
	got = repair(t, lex, "in the preceding twelve\u00admonth period", "within twelve (12) months")
	if got[0] != "in the preceding twelve-month period" {
		t.Errorf("with twelve elsewhere: %q", got[0])
	}
	// A word the lexicon lacks, written whole elsewhere.
	got = repair(t, lex, "the health care clearing\u00adhouse", "A clearinghouse is not a provider.")
	if got[0] != "the health care clearinghouse" {
		t.Errorf("with clearinghouse elsewhere: %q", got[0])
	}
}

// Hard-wrapped text: the word is mended on the line where it began, and
// the rest of the next line stays a line of its own.
func TestRepairLines(t *testing.T) {
	lex := model(t)
	in := "We keep your infor-\nmation for a twelve-\nmonth period, unless you opt-\n  out.\nWe use third-\nparty tools.\nA dash -\nthen more, and 800-555-\n0142 within twelve months."
	want := "We keep your information\nfor a twelve-month\nperiod, unless you opt-out.\nWe use third-party\ntools.\nA dash -\nthen more, and 800-555-\n0142 within twelve months."
	if got := repair(t, lex, in)[0]; got != want {
		t.Errorf("Repair:\n%s\nwant\n%s", got, want)
	}
}

// Without a lexicon the document's words still decide, and a part that is
// no word is joined to the other.
func TestRepairWithoutLexicon(t *testing.T) {
	got := repair(t, nil, "the infor\u00admation and the opt\u00adout", "We honour every opt-out.")
	if got[0] != "the information and the opt-out" {
		t.Errorf("got %q", got[0])
	}
}

// Text without breaks is left alone, byte for byte.
func TestRepairNoBreaks(t *testing.T) {
	in := []string{"A well-known, re-identified - and e-mail.", "Line one\nline two-three\n- a list item"}
	got := repair(t, model(t), in...)
	if strings.Join(got, "|") != strings.Join(in, "|") {
		t.Errorf("changed: %q", got)
	}
}

func TestJoin(t *testing.T) {
	lex := model(t)
	w := hyphen.NewWords()
	for _, s := range strings.Fields("our members use the self-service portal") {
		w.Count(s, 1)
	}
	for _, tt := range []struct {
		stem, next string
		join       bool
	}{
		{"Infor", "mation", true},
		{"self", "help", false}, // "self-service" in the document
		{"some", "times", true},
		{"pa", "per", true},
		// General English decides what the document and the lexicon
		// cannot: "overwritten", "clearinghouse" and "login" are written
		// as one word, "twelve-month" and "cross-border" are not.
		{"over", "written", true},
		{"clearing", "house", true},
		{"log", "in", true},
		{"twelve", "month", false},
		{"cross", "border", false},
	} {
		if got := w.Join(tt.stem, tt.next, lex); got != tt.join {
			t.Errorf("Join(%q, %q) = %v, want %v", tt.stem, tt.next, got, tt.join)
		}
	}
}

// FuzzRepair: Repair never panics and only joins or keeps words: the text
// keeps every character but hyphens, soft hyphens and white space, in
// order.
func FuzzRepair(f *testing.F) {
	for _, s := range []string{"infor-\nmation and opt-\n out", "a\u00adb-\nc-\nd", "-\n-\n", "x-\n\n\ny", "é-\nà\u00adü"} {
		f.Add(s)
	}
	lex := model(f)
	strip := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r == '-' || r == '\u00ad' || unicode.IsSpace(r) {
				return -1
			}
			return r
		}, s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		doc := &policy.Document{Blocks: []policy.Block{{Text: text}, {Text: text + " tail-\nend"}}}
		hyphen.Repair(doc, lex)
		for i, b := range doc.Blocks {
			in := text
			if i == 1 {
				in += " tail-\nend"
			}
			if strip(b.Text) != strip(in) {
				t.Errorf("Repair(%q) = %q: characters changed", in, b.Text)
			}
		}
	})
}

// BenchmarkRepairLongBlock mends a block of 20,000 lines that all end in
// a hyphen: each block is rewritten once, so the time grows with the text.
func BenchmarkRepairLongBlock(b *testing.B) {
	lex := model(b)
	text := strings.Repeat("the infor-\nmation we hold on an opt-\nout basis\n", 10000)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		hyphen.Repair(&policy.Document{Blocks: []policy.Block{{Text: text}}}, lex)
	}
}
