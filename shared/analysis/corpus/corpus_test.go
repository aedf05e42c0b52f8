package corpus

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/labels"
)

func set(names ...string) LabelSet {
	var s LabelSet
	for _, n := range names {
		i, ok := labels.Index(n)
		if !ok {
			panic("no label " + n)
		}
		s = s.With(i)
	}
	return s
}

func TestReadFile(t *testing.T) {
	type ex struct {
		text   string
		labels LabelSet
		line   int
	}
	tests := []struct {
		file    string
		want    []ex
		wantErr string
	}{
		{
			file: "small.csv",
			want: []ex{
				{"We keep your order history for two years, then delete it.", set("Data Retention"), 1},
				{"Contact our privacy team at the address below.", set("Privacy contact information"), 2},
				{"Your browser can tell us not to track you; we ignore that signal, like most sites.", set("Do Not Track"), 4},
				{"Advertising partners may place their own cookies, and you can turn them off in Settings.",
					set("Third Party Sharing/Collection", "User Choice/Control"), 6},
				{"Quoted \"words\" and a\nline break stay inside one field.", set("Introductory/Generic"), 8},
			},
		},
		{
			file: "header-crlf.csv",
			want: []ex{{"Our servers sit behind locked doors.", set("Data Security"), 2}},
		},
		{file: "empty.csv", want: nil},
		{file: "unknown-label.csv", wantErr: `unknown-label.csv: corpus: line 3: unknown label "Policy Updates"`},
		{file: "three-fields.csv", wantErr: "line 2: want 2 fields (text,label), got 3"},
		{file: "empty-text.csv", wantErr: "line 2: empty text"},
		{file: "bad-quote.csv", wantErr: "corpus: parse error on line 1"},
		{file: "missing.csv", wantErr: "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ReadFile(filepath.Join("testdata", tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotEx []ex
			for _, e := range got {
				gotEx = append(gotEx, ex{e.Text, e.Labels, e.Line})
			}
			if !reflect.DeepEqual(gotEx, tt.want) {
				t.Errorf("got  %+v\nwant %+v", gotEx, tt.want)
			}
		})
	}
}

func TestReadSkipsOnlyArtefact(t *testing.T) {
	// "#NAME?" is skipped only as the whole cell; text merely containing it stays.
	in := "#NAME?,Data Security\n\"See #NAME? in the sheet.\",Data Security\n"
	got, err := Read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != "See #NAME? in the sheet." {
		t.Errorf("got %+v", got)
	}
}

func TestLabelSet(t *testing.T) {
	s := set("Do Not Track", "First Party Collection/Use", "Privacy contact information")
	if s.Len() != 3 {
		t.Errorf("Len = %d, want 3", s.Len())
	}
	want := []string{"First Party Collection/Use", "Do Not Track", "Privacy contact information"}
	if got := s.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names = %q, want %q", got, want)
	}
	for _, i := range []int{-1, labels.Count, 1} {
		if s.Has(i) {
			t.Errorf("Has(%d) = true", i)
		}
	}
}

func TestReadJSONL(t *testing.T) {
	got, err := Load(filepath.Join("testdata", "small.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Example{
		{Text: "You can ask us for a copy of your data.", Labels: set("User Access, Edit and Deletion"), Line: 1,
			Heading: []string{"Privacy Policy", "Your rights"}, Source: "Acme", Modern: true},
		{Text: "Home | About | Contact", Line: 3, Source: "Acme", Modern: true, Index: 0, Count: 12},
		{Text: "California residents may opt out of the sale of their data.", Line: 4,
			Labels:  set("International and Specific Audiences", "User Choice/Control"),
			Heading: []string{"California", "Rights"}, Source: "Beta", Modern: true},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestReadJSONLErrors(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{`{"text": "a"}` + "\n" + `{"text": "b", "labels": ["Cookies"]}`, `line 2: unknown label "Cookies"`},
		{`{"text": "  ", "labels": []}`, "line 1: empty text"},
		{"{\"text\": \"a\"}\n\nnot json", "line 3:"},
		{`["a list"]`, "line 1:"},
		{`{"text": "a", "index": 2}`, `line 1: "index" and "count" go together`},
		{`{"text": "a", "index": 3, "count": 3}`, `line 1: "index" and "count" go together`},
	} {
		_, err := ReadJSONL(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadJSONL(%q): %v, want an error with %q", tt.in, err, tt.want)
		}
	}
}

// Keyed labels find their clauses by the text's key, white space aside,
// with the heading path of the clause found; a key no clause has, and the
// labels of another source, give nothing; a clause repeated is one
// example.
func TestJoinKeyed(t *testing.T) {
	in := `{"source":"Kestrel","key":"` + ClauseKey("We keep data  for\tseven years.") + `","labels":["Data Retention"]}

{"source":"Kestrel","key":"` + ClauseKey("Not in the policy.") + `","labels":["Policy Change"]}
{"source":"Other","key":"` + ClauseKey("We encrypt data.") + `","labels":["Data Security"]}
`
	keyed, err := ReadKeyed(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(keyed) != 3 {
		t.Fatalf("%d keyed labels, want 3", len(keyed))
	}
	clauses := []Clause{
		{Heading: []string{"Security"}, Text: "We encrypt data."},
		{Heading: []string{"Retention"}, Text: " We keep data for seven years. "},
		{Heading: []string{"Retention", "Again"}, Text: "We keep data for seven years."},
	}
	got := Join(keyed, "Kestrel", clauses)
	if len(got) != 1 {
		t.Fatalf("Join gave %d examples, want 1: %+v", len(got), got)
	}
	ex := got[0]
	retention, _ := labels.Index("Data Retention")
	if ex.Text != "We keep data for seven years." || !ex.Labels.Has(retention) || ex.Labels.Len() != 1 ||
		!slices.Equal(ex.Heading, []string{"Retention"}) || ex.Source != "Kestrel" || !ex.Modern ||
		ex.Index != 1 || ex.Count != 3 {
		t.Errorf("Join: %+v", ex)
	}
	for _, bad := range []string{
		`{"source":"Kestrel","key":"00","labels":["No Such Label"]}`,
		`{"source":"","key":"00","labels":[]}`,
		`not json`,
	} {
		if _, err := ReadKeyed(strings.NewReader("\n" + bad + "\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
			t.Errorf("ReadKeyed(%q): %v, want an error naming line 2", bad, err)
		}
	}
}

// The second labelling pass shipped with the repository reads, and every
// line names a source and a key of 16 hex digits.
func TestMoreModernReads(t *testing.T) {
	keyed, err := MoreModern()
	if err != nil {
		t.Fatal(err)
	}
	if len(keyed) == 0 {
		t.Fatal("no keyed labels")
	}
	seen := map[string]bool{}
	for _, k := range keyed {
		if len(k.Key) != 16 || strings.Trim(k.Key, "0123456789abcdef") != "" || k.Source == "" {
			t.Errorf("bad keyed label %+v", k)
		}
		if seen[k.Source+"/"+k.Key] {
			t.Errorf("%s/%s labelled twice", k.Source, k.Key)
		}
		seen[k.Source+"/"+k.Key] = true
	}
}

// modern-more-3.jsonl, the pass with its third round (docs/model.md), reads
// and holds every clause of the shipped pass with the same labels.
func TestMoreModernThirdRoundExtendsThePass(t *testing.T) {
	f, err := os.Open("modern-more-3.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := ReadKeyed(f)
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := MoreModern()
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]LabelSet{}
	for _, k := range all {
		have[k.Source+"/"+k.Key] = k.Labels
	}
	if len(all) <= len(shipped) {
		t.Errorf("%d keyed labels with the third round, %d without", len(all), len(shipped))
	}
	for _, k := range shipped {
		if got, ok := have[k.Source+"/"+k.Key]; !ok || got != k.Labels {
			t.Errorf("%s/%s: %v in the third round's file, %v shipped", k.Source, k.Key, got.Names(), k.Labels.Names())
		}
	}
}
