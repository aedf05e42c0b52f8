package classify

import (
	"context"
	"strings"
	"testing"
)

// A model's lexicon counts the training texts that hold a word, a pair of
// words or a character n-gram, as the model keeps them, and says the same
// after a round trip through its bytes.
func TestLexicon(t *testing.T) {
	ex := syntheticCorpus(300, 3)
	m, _, err := Train(context.Background(), ex, TrainOptions{Seed: 1, C: []float64{1}, Folds: 3})
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewLexicon(m).MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	lex, err := UnmarshalLexicon(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][]byte{nil, []byte("not a lexicon"), b[:len(b)/2]} {
		if _, err := UnmarshalLexicon(bad); err == nil {
			t.Errorf("UnmarshalLexicon(%d bytes) accepted a damaged lexicon", len(bad))
		}
	}
	texts := func(has func(norm string) bool) int {
		n := 0
		for _, e := range ex {
			if has(string(normalize(nil, e.Text))) {
				n++
			}
		}
		return n
	}
	for _, phrase := range []string{"the", "information", "Information!", "the information", "THE  Information", "donottrack"} {
		want := texts(func(norm string) bool { return strings.Contains(norm, string(normalize(nil, phrase))) })
		if want < 3 {
			t.Fatalf("%q is in %d training texts; the test needs a common phrase", phrase, want)
		}
		if got := lex.DocFreq(phrase); got != want {
			t.Errorf("DocFreq(%q) = %d, want %d (training texts that hold it)", phrase, got, want)
		}
	}
	for _, absent := range []string{"privacy", "zebra", "the the the", "", "information zebra"} {
		if got := lex.DocFreq(absent); got != 0 {
			t.Errorf("DocFreq(%q) = %d, want 0", absent, got)
		}
	}
	for _, gram := range []string{" inf", "atio", "ion ", "cy "} {
		want := texts(func(norm string) bool { return strings.Contains(norm, gram) })
		if got := lex.CharFreq(gram); got != want {
			t.Errorf("CharFreq(%q) = %d, want %d", gram, got, want)
		}
	}
	for _, absent := range []string{"qzx", " zeb", "x", "toolongforngrams"} {
		if got := lex.CharFreq(absent); got != 0 {
			t.Errorf("CharFreq(%q) = %d, want 0", absent, got)
		}
	}
}
