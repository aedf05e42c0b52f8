package corpus

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A segment's place is its index and its policy's number of segments,
// counted over every file read: a policy's last segments may sit in
// another split.
func TestReadPlaces(t *testing.T) {
	dir := t.TempDir()
	train := filepath.Join(dir, "train.jsonl")
	val := filepath.Join(dir, "validation.jsonl")
	write := func(path, s string) {
		if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(train, `{"policy":"1_kestrel.com","segment":0,"text":"Kestrel Privacy Notice "}
{"policy":"1_kestrel.com","segment":2,"text":"We keep your data for a year."}

{"policy":"2_orchard.org","segment":0,"text":"Orchard collects your name."}
`)
	write(val, `{"policy":"1_kestrel.com","segment":5,"text":"Write to privacy@kestrel.example."}
{"policy":"2_orchard.org","segment":1,"text":"Kestrel Privacy Notice"}
`)
	places, err := ReadPlaces(train, val)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Place{
		"Kestrel Privacy Notice":            {0, 6}, // the first read wins
		"We keep your data for a year.":     {2, 6},
		"Orchard collects your name.":       {0, 2},
		"Write to privacy@kestrel.example.": {5, 6},
	}
	if len(places) != len(want) {
		t.Errorf("%d places, want %d: %v", len(places), len(want), places)
	}
	for text, p := range want {
		if places[text] != p {
			t.Errorf("%q: place %v, want %v", text, places[text], p)
		}
	}
	ex := []Example{{Text: "We keep your data for a year."}, {Text: "Not in the files."}}
	if n := SetPlaces(ex, places); n != 1 || ex[0].Index != 2 || ex[0].Count != 6 || ex[1].Count != 0 {
		t.Errorf("SetPlaces placed %d: %+v", n, ex)
	}

	write(val, "{\"policy\":\"3_x.com\",\"text\":\"no segment\"}\n")
	if _, err := ReadPlaces(val); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("a line without a segment index: %v", err)
	}
	if _, err := ReadPlaces(filepath.Join(dir, "missing.jsonl")); err == nil {
		t.Error("a missing file read")
	}
}

// A labelled clause is found among its policy's clauses by its key, by
// where its text begins, or, when it spans several clauses, by the first
// of them.
func TestLocate(t *testing.T) {
	clauses := []Clause{
		{Text: "Kestrel Privacy Notice"},
		{Text: "We collect your name and e-mail address when you register for an account."},
		{Text: "We keep your data for as long as your account is open, and then for one more year."},
		{Text: "You may ask us to delete it."},
		{Text: "Write to privacy@kestrel.example with any question about this notice."},
	}
	ex := []Example{
		{Source: "Kestrel", Text: "We collect your  name and e-mail address when you register for an account."},
		{Source: "Kestrel", Text: "We keep your data for as long as your account is open"},
		{Source: "Kestrel", Text: "Retention. You may ask us to delete it. Write to privacy@kestrel.example with any question about this notice."},
		{Source: "Kestrel", Text: "Nothing like this is in the policy at all."},
		{Source: "Orchard", Text: "You may ask us to delete it."},
	}
	if n := Locate(ex, "Kestrel", clauses); n != 3 {
		t.Errorf("placed %d, want 3", n)
	}
	for i, want := range []Place{{1, 5}, {2, 5}, {3, 5}, {}, {}} {
		if got := (Place{ex[i].Index, ex[i].Count}); got != want {
			t.Errorf("example %d: place %v, want %v", i, got, want)
		}
	}
}
