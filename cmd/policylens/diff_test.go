package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/local/fixture"
)

func changesFile(name string) string { return fixture.Path("testdata", "changes", name) }

// diffJSON runs policylens diff --format json with stdin and decodes its
// output.
func diffJSON(t *testing.T, stdin string, args ...string) (out struct {
	From, To string
	changes.Report
}) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), append([]string{"diff"}, args...), strings.NewReader(stdin), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, stdout.String())
	}
	return out
}

func TestDiffFixtures(t *testing.T) {
	fact := func(r changes.Report, name string) *changes.FactChange {
		for i := range r.Facts {
			if r.Facts[i].Fact == name {
				return &r.Facts[i]
			}
		}
		return nil
	}
	kinds := func(r changes.Report) string {
		var k []string
		for _, c := range r.Clauses {
			k = append(k, string(c.Change))
		}
		return strings.Join(k, " ")
	}
	tests := []struct {
		file  string
		check func(t *testing.T, r changes.Report)
	}{
		{"cosmetic.md", func(t *testing.T, r changes.Report) {
			if !r.Quiet() || len(r.Clauses) != 0 || r.Summary.Cosmetic == 0 {
				t.Errorf("cosmetic edits: %+v %s", r.Summary, kinds(r))
			}
			if f := fact(r, "updated"); f == nil || f.Before != "2025-03-03" || f.After != "2025-06-04" {
				t.Errorf("updated date change: %+v", f)
			}
			if f := fact(r, "urls"); f != nil {
				t.Errorf("a link with other tracking parameters is a new URL: %+v", f)
			}
		}},
		{"cosmetic.html", func(t *testing.T, r changes.Report) {
			if !r.Quiet() || len(r.Clauses) != 0 {
				t.Errorf("cosmetic edits in another format: %+v %s", r.Summary, kinds(r))
			}
		}},
		{"date-only.md", func(t *testing.T, r changes.Report) {
			if !r.Quiet() || len(r.Clauses) != 0 || len(r.Headings) != 0 {
				t.Errorf("date only: %+v %s", r.Summary, kinds(r))
			}
			if f := fact(r, "updated"); f == nil || f.After != "2025-09-19" || len(r.Facts) != 1 {
				t.Errorf("facts %+v", r.Facts)
			}
		}},
		{"new-section.md", checkNewSection},
		{"new-section.txt", checkNewSection},
		{"rewritten.md", func(t *testing.T, r changes.Report) {
			if kinds(r) != "modified modified" || len(r.Headings) != 0 {
				t.Fatalf("rewritten: %+v %s", r.Summary, kinds(r))
			}
			var inserted []string
			for _, c := range r.Clauses {
				for _, op := range c.Diff {
					if op.Op == changes.OpInsert {
						inserted = append(inserted, strings.TrimSpace(op.Text))
					}
				}
			}
			got := strings.Join(inserted, "|")
			if !strings.Contains(got, "your approximate location with") || !strings.Contains(got, "60") {
				t.Errorf("inserted words %q", got)
			}
			if c := r.Clauses[0]; c.Before.Heading[0] != "3. Sharing" || c.After.Ordinal != 10 {
				t.Errorf("first modified clause %+v -> %+v", c.Before, c.After)
			}
		}},
		{"reordered.md", func(t *testing.T, r changes.Report) {
			if kinds(r) != "moved moved" || r.Quiet() {
				t.Errorf("reordered: %+v %s", r.Summary, kinds(r))
			}
		}},
		{"renamed-heading.md", func(t *testing.T, r changes.Report) {
			if len(r.Clauses) != 0 || len(r.Headings) != 1 || r.Quiet() {
				t.Fatalf("renamed heading: %+v %s %+v", r.Summary, kinds(r), r.Headings)
			}
			h := r.Headings[0]
			if strings.Join(h.Before, ">") != "3. Sharing" || strings.Join(h.After, ">") != "3. Who we share information with" || h.Clauses != 3 {
				t.Errorf("heading change %+v", h)
			}
		}},
		{"translated.md", func(t *testing.T, r changes.Report) {
			if f := fact(r, "language"); f == nil || f.Before != "en" || f.After != "es" {
				t.Errorf("language change: %+v", r.Facts)
			}
			if f := fact(r, "updated"); f != nil {
				t.Errorf("the same date in Spanish is a change: %+v", f)
			}
			for _, l := range r.Labels {
				if l.After != 0 {
					t.Errorf("the Spanish version is labelled: %+v", l)
				}
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := diffJSON(t, "", "--format", "json", changesFile("base.md"), changesFile(tt.file))
			if out.From != "base.md" || out.To != tt.file {
				t.Errorf("from %q to %q", out.From, out.To)
			}
			tt.check(t, out.Report)
		})
	}
}

func checkNewSection(t *testing.T, r changes.Report) {
	if r.Summary.Added != 2 || len(r.Clauses) != 2 || len(r.Headings) != 0 {
		t.Fatalf("new section: %+v %+v", r.Summary, r.Headings)
	}
	for _, c := range r.Clauses {
		if c.Change != changes.Added || c.Before != nil || !strings.EqualFold(strings.Join(c.After.Heading, ">"), "4. Payments") {
			t.Errorf("clause %+v", c)
		}
	}
	if !strings.Contains(r.Clauses[0].After.Text, "Kestrel Trails Plus is paid by subscription") {
		t.Errorf("first added clause %q", r.Clauses[0].After.Text)
	}
}

func TestDiffText(t *testing.T) {
	var stdout, stderr bytes.Buffer
	// Flags after the files.
	args := []string{"diff", changesFile("base.md"), changesFile("rewritten.md"), "--format", "text"}
	if code := run(context.Background(), args, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := stdout.String()
	for _, want := range []string{
		"Changes from base.md to rewritten.md",
		"0 added, 0 removed, 2 modified, 0 moved, 14 unchanged",
		"~ modified [11] -> [11] 4. Retention",
		"within [-30-] {+60+} days",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text output lacks %q:\n%s", want, out)
		}
	}
	// "we do not share it for targeted advertising" became "we share your
	// approximate location with advertising partners": the purpose moves
	// from the denied count to the stated one.
	var gaveUp, took bool
	for _, line := range strings.Split(out, "\n") {
		f := strings.Join(strings.Fields(line), " ")
		gaveUp = gaveUp || f == "Third Party Sharing/Collection / Purpose: Advertising (denied) 1 -> 0"
		took = took || f == "Third Party Sharing/Collection / Purpose: Advertising 0 -> 1"
	}
	if !gaveUp || !took {
		t.Errorf("the purpose Advertising does not move from denied to stated:\n%s", out)
	}
	for _, line := range strings.Split(out, "\n") {
		if len([]rune(line)) > wrapWidth+2 {
			t.Errorf("line longer than %d columns: %q", wrapWidth, line)
		}
	}

	stdout.Reset()
	if code := run(context.Background(), []string{"diff", changesFile("base.md"), changesFile("date-only.md")}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if out := stdout.String(); !strings.Contains(out, "Cosmetic only") || !strings.Contains(out, "updated:     2025-03-03 -> 2025-09-19") {
		t.Errorf("date-only text output:\n%s", out)
	}

	stdout.Reset()
	if code := run(context.Background(), []string{"diff", changesFile("base.md"), changesFile("translated.md")}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if out := strings.Join(strings.Fields(stdout.String()), " "); !strings.Contains(out, "Note: the versions are in different languages (English, then Spanish)") || !strings.Contains(out, "language: en -> es") {
		t.Errorf("translated text output:\n%s", stdout.String())
	}
}

func TestDiffStdin(t *testing.T) {
	base := string(fixture.Read(t, "testdata", "changes", "base.md"))
	out := diffJSON(t, base, "--format=json", "-", changesFile("new-section.md"))
	if out.From != "stdin" || out.Summary.Added != 2 || len(out.Clauses) != 2 {
		t.Errorf("from %q: %+v", out.From, out.Summary)
	}
}

func TestDiffErrors(t *testing.T) {
	good := changesFile("base.md")
	empty := writeFile(t, "empty.md", nil)
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no files", []string{"diff"}, 2, "usage: policylens diff"},
		{"one file", []string{"diff", good}, 2, "usage: policylens diff"},
		{"three files", []string{"diff", good, good, good}, 2, "usage: policylens diff"},
		{"bad format", []string{"diff", "--format", "xml", good, good}, 2, "--format must be json or text"},
		{"two stdins", []string{"diff", "-", "-"}, 2, "only one of OLD and NEW"},
		{"missing file", []string{"diff", good, good + ".nope"}, 1, "no such file"},
		{"empty file", []string{"diff", empty, good}, 1, "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, strings.NewReader(""), &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.inStderr) {
				t.Errorf("stderr %q does not mention %q", stderr.String(), tt.inStderr)
			}
			if stdout.Len() > 0 {
				t.Errorf("failed command wrote to stdout: %q", stdout.String())
			}
		})
	}
}
