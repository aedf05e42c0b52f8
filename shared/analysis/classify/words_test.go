package classify

import (
	"bytes"
	"testing"
)

// The embedded model's lexicon knows the words and word pairs of privacy
// policies and their shapes, and survives a round trip through its bytes.
// (Its counts are checked against training texts in package train.)
func TestLexiconOfEmbeddedModel(t *testing.T) {
	m := mustDefault(t)
	lex := NewLexicon(m)
	b, err := lex.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, m.LexiconBytes()) {
		t.Error("the lexicon encodes differently from the model's copy")
	}
	if _, err := UnmarshalLexicon(b[:len(b)-4]); err == nil {
		t.Error("a cut lexicon was accepted")
	}
	for _, phrase := range []string{"information", "Information!", "privacy policy", "opt out", "third parties", "email"} {
		if lex.DocFreq(phrase) < 10 {
			t.Errorf("DocFreq(%q) = %d, want a common phrase", phrase, lex.DocFreq(phrase))
		}
	}
	if a, b := lex.DocFreq("information"), lex.DocFreq("infor mation"); a <= b {
		t.Errorf("DocFreq(information) = %d, not above DocFreq(infor mation) = %d", a, b)
	}
	for _, absent := range []string{"zqxjv", "the the the", "", "information zqxjv"} {
		if got := lex.DocFreq(absent); got != 0 {
			t.Errorf("DocFreq(%q) = %d, want 0", absent, got)
		}
	}
	if lex.CharFreq(" inf") == 0 || lex.CharFreq("tion ") == 0 || lex.CharFreq("qzx") != 0 {
		t.Errorf("CharFreq: %d %d %d", lex.CharFreq(" inf"), lex.CharFreq("tion "), lex.CharFreq("qzx"))
	}
}
