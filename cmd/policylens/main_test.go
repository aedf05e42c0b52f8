package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

const samplePolicy = `Harbor Notes Privacy Policy

Last updated: March 3, 2025

1. Information We Collect

When you create an account we collect your name, your email address and the notes you store with us.

2. Contact

Questions about this policy can be sent to privacy@harbornotes.example.
`

func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRunExitCodes(t *testing.T) {
	good := writeFile(t, "policy.txt", []byte(samplePolicy))
	empty := writeFile(t, "empty.txt", nil)
	png := writeFile(t, "logo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"))
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		inStderr string
	}{
		{"no command", nil, "", 2, "usage"},
		{"unknown command", []string{"frobnicate"}, "", 2, `unknown command "frobnicate"`},
		{"analyze without file", []string{"analyze"}, "", 2, "usage"},
		{"analyze bad format flag", []string{"analyze", "--format", "xml", good}, "", 2, "--format must be json or text"},
		{"analyze missing file", []string{"analyze", filepath.Join(t.TempDir(), "nope.txt")}, "", 1, "no such file"},
		{"analyze directory", []string{"analyze", t.TempDir()}, "", 1, "is a directory"},
		{"analyze empty file", []string{"analyze", empty}, "", 1, "empty"},
		{"analyze image", []string{"analyze", png}, "", 1, "unsupported format"},
		{"analyze over max bytes", []string{"analyze", "--max-bytes", "10", good}, "", 1, "too large"},
		{"analyze text", []string{"analyze", good}, "", 0, ""},
		{"analyze stdin", []string{"analyze", "--format", "json", "-"}, samplePolicy, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(tt.stdin), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.inStderr) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.inStderr)
			}
			if tt.code != 0 && stdout.Len() > 0 {
				t.Errorf("failed command wrote to stdout: %q", stdout.String())
			}
		})
	}
}

func TestAnalyzeJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	p := writeFile(t, "harbor.txt", []byte(samplePolicy))
	if code := run(context.Background(), []string{"analyze", "--format", "json", p}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	var out struct {
		Policy struct {
			Source      string         `json:"source"`
			Format      string         `json:"format"`
			Clauses     int            `json:"clauses"`
			LabelCounts map[string]int `json:"labelCounts"`
		} `json:"policy"`
		Privacy map[string][]policy.SummaryItem `json:"privacy"`
		Clauses []struct {
			Ordinal *int                `json:"ordinal"`
			Heading []string            `json:"heading"`
			Text    string              `json:"text"`
			Page    *int                `json:"page"`
			Labels  []map[string]any    `json:"labels"`
			Scores  map[string]*float64 `json:"scores"`
		} `json:"clauses"`
	}
	dec := json.NewDecoder(&stdout)
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("output is not one JSON document: %v", err)
	}
	if dec.More() {
		t.Fatal("output holds more than one JSON document")
	}
	if out.Policy.Source != "harbor.txt" || out.Policy.Format != "text" {
		t.Errorf("policy source/format = %q/%q", out.Policy.Source, out.Policy.Format)
	}
	if len(out.Clauses) == 0 || out.Policy.Clauses != len(out.Clauses) {
		t.Fatalf("policy says %d clauses, output has %d", out.Policy.Clauses, len(out.Clauses))
	}
	if len(out.Policy.LabelCounts) != labels.Count {
		t.Errorf("labelCounts has %d labels, want %d", len(out.Policy.LabelCounts), labels.Count)
	}
	// The privacy summary: every section present, the data collected
	// pointing at clauses of the output.
	if len(out.Privacy) != 12 || len(out.Privacy["dataCollected"]) == 0 {
		t.Errorf("privacy summary %+v", out.Privacy)
	}
	for _, it := range out.Privacy["dataCollected"] {
		for _, o := range it.Clauses {
			if o < 1 || o > len(out.Clauses) {
				t.Errorf("%+v names clause %d of %d", it, o, len(out.Clauses))
			}
		}
	}
	found := false
	for i, c := range out.Clauses {
		if c.Ordinal == nil || *c.Ordinal != i+1 {
			t.Errorf("clause %d: ordinal %v", i, c.Ordinal)
		}
		if c.Page == nil || c.Heading == nil || c.Labels == nil {
			t.Errorf("clause %d: page, heading and labels must always be present: %+v", i, c)
		}
		if len(c.Scores) != labels.Count {
			t.Errorf("clause %d: %d scores, want %d", i, len(c.Scores), labels.Count)
		}
		for name, s := range c.Scores {
			if _, ok := labels.Index(name); !ok || s == nil || *s < 0 || *s > 1 {
				t.Errorf("clause %d: bad score %q=%v", i, name, s)
			}
		}
		if strings.Contains(c.Text, "When you create an account") {
			found = true
		}
	}
	if !found {
		t.Error("the collection clause is missing from the output")
	}
}

func TestAnalyzeTextOutput(t *testing.T) {
	var stdout, stderr bytes.Buffer
	p := writeFile(t, "harbor.txt", []byte(samplePolicy))
	if code := run(context.Background(), []string{"analyze", p}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{"harbor.txt", "Company:     Harbor Notes\n", "Clauses per label", "When you create an account", labels.All[4].Name} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// It opens with the privacy summary, its sections filled from the
	// clauses' attributes and mentions.
	if i, j := strings.Index(out, "Privacy summary"), strings.Index(out, "File:"); i < 0 || i > j {
		t.Errorf("text output does not open with the privacy summary:\n%s", out)
	}
	if !strings.Contains(out, "Data collected: Contact [") || !strings.Contains(out, "attributes: ") {
		t.Errorf("text output lacks collected data or the clauses' attributes:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > wrapWidth+2 && !strings.HasPrefix(line, "URLs:") {
			t.Errorf("line longer than %d columns: %q", wrapWidth, line)
		}
	}
}

// A clause's mentions are listed once each in the text output, however
// often its words state them; the JSON keeps every span.
func TestAnalyzeTextListsMentionsOnce(t *testing.T) {
	doc := "# Security\n\nKestrel encrypts your files, encrypts your notes and encrypts your backups.\n"
	p := writeFile(t, "kestrel.md", []byte(doc))
	out := func(format string) []byte {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), []string{"analyze", "--format", format, p}, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
		return stdout.Bytes()
	}
	var res policy.Analysis
	if err := json.Unmarshal(out("json"), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Clauses) != 1 || len(res.Clauses[0].Mentions) != 3 {
		t.Fatalf("want one clause with three spans of the mention, got %+v", res.Clauses)
	}
	text := string(out("text"))
	if n := strings.Count(text, "security-measure encryption"); n != 1 {
		t.Errorf("text output names the mention %d times, want once:\n%s", n, text)
	}
}

// A summary item's clauses: runs as ranges, and no more than a line's
// worth, with the count of the rest.
func TestClauseRefs(t *testing.T) {
	many := make([]int, 0, 40)
	for o := 1; o <= 80; o += 2 {
		many = append(many, o)
	}
	for _, c := range []struct {
		in   []int
		want string
	}{
		{[]int{7}, "7"},
		{[]int{3, 4}, "3,4"},
		{[]int{3, 4, 5, 9, 11, 12, 13, 14}, "3-5,9,11-14"},
		{many, "1,3,5,7,9,11,13,15,17,19,+30 more"},
		{[]int{1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20, 21, 30}, "1-3,5,7,9,11,13,15,17,19-21,30"},
		{[]int{1, 2, 3, 5, 7, 9, 11, 13, 15, 17, 19, 20, 21, 30, 40, 41}, "1-3,5,7,9,11,13,15,17,19-21,30,+2 more"},
	} {
		if got := clauseRefs(c.in); got != c.want {
			t.Errorf("clauseRefs(%v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"", 10, nil},
		{"one two three", 7, []string{"one two", "three"}},
		{"  spaced   out  ", 20, []string{"spaced out"}},
		{"averyveryverylongword x", 5, []string{"averyveryverylongword", "x"}},
	}
	for _, tt := range tests {
		got := wrap(tt.text, tt.width)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}
