package changes

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func opsString(ops []Op) string {
	var sb strings.Builder
	for _, op := range ops {
		switch op.Op {
		case OpInsert:
			sb.WriteString("{+" + op.Text + "+}")
		case OpDelete:
			sb.WriteString("[-" + op.Text + "-]")
		default:
			sb.WriteString(op.Text)
		}
	}
	return sb.String()
}

func TestDiffWords(t *testing.T) {
	tests := []struct{ before, after, want string }{
		{"We keep data for 30 days.", "We keep data for 60 days.", "We keep data for [-30 -]{+60 +}days."},
		{"We do not sell data.", "We sell data.", "We [-do not -]sell data."},
		{"We sell data.", "We sell your data to partners.", "We sell {+your +}data {+to partners.+}"},
		// Cosmetic differences are equal and carry the new text.
		{"Third-party cookies, e.g.", "third party cookies e.g.", "third party cookies e.g."},
		{"", "New text.", "{+New text.+}"},
		{"Old text.", "", "[-Old text.-]"},
	}
	for _, tt := range tests {
		if got := opsString(diffWords(tt.before, tt.after)); got != tt.want {
			t.Errorf("diffWords(%q, %q) = %q, want %q", tt.before, tt.after, got, tt.want)
		}
	}
}

// The equal and inserted texts of a diff make the new text, and the
// equal and deleted ones the old text's words; no two ops in a row have
// the same kind.
func TestDiffWordsRebuilds(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	words := strings.Fields("we you data share keep delete, partners. the a of (b) 30 days!")
	text := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = words[r.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	for k := 0; k < 500; k++ {
		before := text(r.IntN(30))
		after := before
		if r.IntN(4) > 0 {
			after = text(r.IntN(30))
		}
		ops := diffWords(before, after)
		var newText, oldKey strings.Builder
		for i, op := range ops {
			if i > 0 && ops[i-1].Op == op.Op {
				t.Fatalf("two %s ops in a row: %q", op.Op, opsString(ops))
			}
			if op.Op != OpDelete {
				newText.WriteString(op.Text)
			}
			if op.Op != OpInsert {
				oldKey.WriteString(wordsKey(op.Text))
			}
		}
		if newText.String() != after {
			t.Fatalf("diff of %q and %q rebuilds the new text as %q", before, after, newText.String())
		}
		if oldKey.String() != wordsKey(before) {
			t.Fatalf("diff of %q and %q rebuilds the old words as %q", before, after, oldKey.String())
		}
	}
}

// wordsKey is the words of text joined, as the diff compares them.
func wordsKey(text string) string {
	var sb strings.Builder
	for _, c := range chunks(text) {
		sb.WriteString(c.key)
	}
	return sb.String()
}

// The edit script is a shortest one: as many kept elements as a longest
// common subsequence has.
func TestEditScriptShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	for k := 0; k < 300; k++ {
		a := make([]int32, r.IntN(40))
		b := make([]int32, r.IntN(40))
		for i := range a {
			a[i] = int32(r.IntN(5))
		}
		for i := range b {
			b[i] = int32(r.IntN(5))
		}
		script := editScript(a, b)
		i, j, kept := 0, 0, 0
		for _, c := range script {
			switch c {
			case '=':
				if a[i] != b[j] {
					t.Fatalf("script keeps %d against %d", a[i], b[j])
				}
				i, j, kept = i+1, j+1, kept+1
			case '-':
				i++
			case '+':
				j++
			}
		}
		if i != len(a) || j != len(b) {
			t.Fatalf("script covers %d of %d and %d of %d", i, len(a), j, len(b))
		}
		if want := lcsLength(a, b); kept != want {
			t.Fatalf("script keeps %d, a longest common subsequence has %d", kept, want)
		}
	}
}

func lcsLength(a, b []int32) int {
	t := make([][]int, len(a)+1)
	for i := range t {
		t[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	return t[0][0]
}

// Past maxEdits the differing middle is one deletion and one insertion.
func TestDiffWordsBounded(t *testing.T) {
	var a, b []string
	for i := 0; i < 3*maxEdits; i++ {
		a = append(a, "alpha")
		b = append(b, "beta")
	}
	ops := diffWords("Same start "+strings.Join(a, " ")+" same end.", "Same start "+strings.Join(b, " ")+" same end.")
	if got := len(ops); got != 4 {
		t.Fatalf("%d ops, want equal, delete, insert, equal", got)
	}
}
