package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/local/fixture"
)

func runCmdIn(stdin string, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

// classified reads the output of classify.
func classified(t *testing.T, out string) []clauseOut {
	t.Helper()
	var res []clauseOut
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var c clauseOut
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		res = append(res, c)
	}
	return res
}

func TestClassify(t *testing.T) {
	in := `{"text": "We keep your order history for seven years, as tax law requires, and then delete it.", "heading": "Privacy notice > How long we keep data"}

{"text": "Home | Shop | Help"}
{"heading": ["Your rights", "Objecting"], "text": "You have the right to object at any time to processing based on our legitimate interests.", "labels": ["ignored"]}
{"text": "Nous conservons l'historique de vos commandes pendant sept ans, puis nous le supprimons.", "heading": null}
`
	code, out, errOut := runCmdIn(in, "classify", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := classified(t, out)
	if len(res) != 4 {
		t.Fatalf("%d output lines for 4 clauses:\n%s", len(res), out)
	}
	for i, c := range res {
		if len(c.Scores) != labels.Count {
			t.Errorf("clause %d: %d scores", i, len(c.Scores))
		}
		for _, l := range c.Labels {
			if _, ok := labels.Index(l.Label); !ok || c.Scores[l.Label] != l.Score {
				t.Errorf("clause %d: label %q score %v, scores say %v", i, l.Label, l.Score, c.Scores[l.Label])
			}
		}
	}
	if len(res[0].Labels) == 0 || res[0].Labels[0].Label != "Data Retention" {
		t.Errorf("retention clause: %v", res[0].Labels)
	}
	if len(res[2].Labels) == 0 || res[2].Labels[0].Label != "User Choice/Control" {
		t.Errorf("right to object under a heading path given as a list: %v", res[2].Labels)
	}
	if len(res[1].Labels) > 1 {
		t.Errorf("navigation: %v, want at most its best label (the fallback)", res[1].Labels)
	}
	if len(res[3].Labels) != 0 || !strings.Contains(out, `"labels":[]`) {
		t.Errorf("French clause %v: want an empty list of labels:\n%s", res[3].Labels, out)
	}
	// The same from a file, with the flags after it.
	path := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out2, errOut := runCmd("classify", path, "--format", "jsonl"); code != 0 || out2 != out {
		t.Errorf("from a file: exit %d (%s), output differs:\n%s", code, errOut, out2)
	}
	// The corpus's own files can be classified as they are.
	if code, out, errOut := runCmd("classify", fixture.Path("testdata", "classify", "eval-small.jsonl")); code != 0 || len(classified(t, out)) != 5 {
		t.Errorf("eval-small.jsonl: exit %d (%s):\n%s", code, errOut, out)
	}
}

func TestClassifyErrors(t *testing.T) {
	good := `{"text": "We collect your e-mail address."}` + "\n"
	tests := []struct {
		name string
		in   string
		args []string
		code int
		want string
	}{
		{"bad JSON", good + good + `{"text": "unterminated` + "\n", nil, 1, "line 3: invalid JSON"},
		{"no text", good + `{"heading": "Cookies"}` + "\n", nil, 1, `line 2: no "text"`},
		{"not an object", `"just a string"` + "\n", nil, 1, "line 1: not a JSON object"},
		{"text not a string", `{"text": 42}` + "\n", nil, 1, "line 1: invalid JSON"},
		{"bad heading", `{"text": "We collect data.", "heading": 3}` + "\n", nil, 1, `line 1: "heading" must be`},
		{"index without count", `{"text": "We collect data.", "index": 3}` + "\n", nil, 1, `line 1: "index" and "count" go together`},
		{"index past count", `{"text": "We collect data.", "index": 3, "count": 3}` + "\n", nil, 1, `line 1: "index" 3 outside the 3 clauses`},
		{"negative index", `{"text": "We collect data.", "index": -1, "count": 3}` + "\n", nil, 1, `line 1: "index" -1 outside`},
		{"other format", good, []string{"--format", "csv", "-"}, 2, "--format must be jsonl"},
		{"no file", good, []string{}, 2, "usage: policylens classify"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"classify"}, tt.args...)
			if tt.args == nil {
				args = append(args, "-")
			}
			code, out, errOut := runCmdIn(tt.in, args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.want)
			}
			// The clauses before the bad line are classified.
			if tt.code == 1 && strings.HasPrefix(tt.in, good) && len(classified(t, out)) != strings.Count(tt.in, good) {
				t.Errorf("output before the bad line:\n%s", out)
			}
		})
	}
	if code, _, errOut := runCmd("classify", filepath.Join(t.TempDir(), "missing.jsonl")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: exit %d, %q", code, errOut)
	}
}

// Each line carries the attributes of a labelled clause, named as in the
// OPP-115 corpus, with spans in code points of its text; an unlabelled
// clause has an empty list.
func TestClassifyAttributes(t *testing.T) {
	text := "Café Zoë shares your precise location with advertising partners so that they can show you ads that match your interests."
	in := `{"text": "` + text + `"}` + "\n" + `{"text": "Nous conservons vos commandes pendant sept ans."}` + "\n"
	code, out, errOut := runCmdIn(in, "classify", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := classified(t, out)
	if len(res) != 2 {
		t.Fatalf("%d lines:\n%s", len(res), out)
	}
	found := false
	n := len([]rune(text))
	for _, a := range res[0].Attributes {
		if a.Category == "Third Party Sharing/Collection" && a.Attribute == "Purpose" && a.Value == "Advertising" {
			found = true
		}
		if len(a.Spans) == 0 || a.Spans[0].Start < 0 || a.Spans[0].End > n || a.Score <= 0 || a.Score > 1 {
			t.Errorf("attribute %+v: no span in the text's %d code points, or a bad score", a, n)
		}
	}
	if !found {
		t.Errorf("no advertising purpose among %+v", res[0].Attributes)
	}
	if res[1].Attributes == nil || len(res[1].Attributes) != 0 || !strings.Contains(out, `"attributes":[]`) {
		t.Errorf("French clause: attributes %+v, want an empty list:\n%s", res[1].Attributes, out)
	}
	if !strings.Contains(out, `"spans":[{"start":`) {
		t.Errorf("output lacks spans as {\"start\", \"end\"}:\n%s", out)
	}
}

// With --document the lines are one document's clauses in order: each
// is scored at its place among them, as classify scores a line that gives
// "index" and "count" itself, and a line's own place stands. A bad line
// stops it before anything is written.
func TestClassifyDocument(t *testing.T) {
	lines := []string{
		`{"text": "Kestrel Outdoor Gear"}`,
		`{"text": "We collect your name and e-mail address when you order."}`,
		`{"text": "Kestrel Outdoor Gear", "index": 0, "count": 3}`,
		`{"text": "Write to privacy@kestrel.example with any question."}`,
	}
	code, out, errOut := runCmdIn(strings.Join(lines, "\n")+"\n", "classify", "--document", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	placed := []string{
		`{"text": "Kestrel Outdoor Gear", "index": 0, "count": 4}`,
		`{"text": "We collect your name and e-mail address when you order.", "index": 1, "count": 4}`,
		`{"text": "Kestrel Outdoor Gear", "index": 0, "count": 3}`,
		`{"text": "Write to privacy@kestrel.example with any question.", "index": 3, "count": 4}`,
	}
	code, want, errOut := runCmdIn(strings.Join(placed, "\n")+"\n", "classify", "-")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if out != want {
		t.Errorf("--document:\n%s\nwant, as with each line's place given:\n%s", out, want)
	}
	_, plain, _ := runCmdIn(strings.Join(lines, "\n")+"\n", "classify", "-")
	if plain == out {
		t.Error("the places made no difference to any line")
	}
	code, out, errOut = runCmdIn(lines[0]+"\n{\"heading\": \"x\"}\n", "classify", "--document", "-")
	if code != 1 || out != "" || !strings.Contains(errOut, `line 2: no "text"`) {
		t.Errorf("a bad line: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// A document too large to hold is refused at the line that overflows.
	big := strings.Repeat(`{"text": "a"}`+"\n", maxDocClauses+1)
	code, out, errOut = runCmdIn(big, "classify", "--document", "-")
	if code != 1 || out != "" || !strings.Contains(errOut, fmt.Sprintf("line %d: more than --document holds", maxDocClauses+1)) {
		t.Errorf("%d clauses: exit %d, %d bytes out, stderr %q", maxDocClauses+1, code, len(out), errOut)
	}
}
