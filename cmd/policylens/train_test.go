package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/local/fixture"
)

var finalLine = regexp.MustCompile(`^micro-F1 \d\.\d{3} macro-F1 \d\.\d{3}$`)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestEval(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.bin")
	if err := os.WriteFile(bad, []byte("not a model"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		code    int
		errWant string
	}{
		{"embedded model", []string{"eval", fixture.Path("testdata", "classify", "eval-small.csv")}, 0, ""},
		{"no file", []string{"eval"}, 2, "usage: policylens eval"},
		{"two files", []string{"eval", "a.csv", "b.csv"}, 2, "usage: policylens eval"},
		{"missing file", []string{"eval", fixture.Path("testdata", "classify", "missing.csv")}, 1, "no such file"},
		{"unknown label", []string{"eval", fixture.Path("testdata", "classify", "bad-label.csv")}, 1, `line 2: unknown label "Contact Info"`},
		{"bad model", []string{"eval", "--model", bad, fixture.Path("testdata", "classify", "eval-small.csv")}, 1, "bad model file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runCmd(tt.args...)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.errWant) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.errWant)
			}
			if tt.code != 0 {
				return
			}
			if !finalLine.MatchString(lastLine(out)) {
				t.Errorf("last line %q does not match %v", lastLine(out), finalLine)
			}
			for _, l := range labels.All {
				if !strings.Contains(out, l.Name) {
					t.Errorf("output lacks a row for %q:\n%s", l.Name, out)
				}
			}
		})
	}
}

// writeSynthetic writes a corpus CSV of made-up sentences whose labels are
// marked by cue words.
func writeSynthetic(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	cues := map[string][]string{
		"Data Retention":              {"retain", "keep", "period", "archive"},
		"Data Security":               {"encrypt", "secure", "firewall", "safeguard"},
		"Policy Change":               {"update", "revise", "notify", "amend"},
		"Privacy contact information": {"contact", "email", "address", "officer"},
	}
	names := []string{"Data Retention", "Data Security", "Policy Change", "Privacy contact information"}
	filler := []string{"we", "our", "your", "information", "may", "and", "service", "this"}
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for k := range n {
		label := names[rng.IntN(len(names))]
		words := []string{fmt.Sprint(k)}
		for range 3 {
			words = append(words, cues[label][rng.IntN(4)])
		}
		for range 6 {
			words = append(words, filler[rng.IntN(len(filler))])
		}
		w.Write([]string{strings.Join(words, " "), label})
	}
	w.Flush()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestTrainThenEval(t *testing.T) {
	dir := t.TempDir()
	writeSynthetic(t, filepath.Join(dir, "train.csv"), 200, 1)
	writeSynthetic(t, filepath.Join(dir, "validation.csv"), 80, 2)
	model := filepath.Join(dir, "model.bin")
	code, out, errOut := runCmd("train", "--corpus", dir, "--out", model, "--seed", "3", "--c", "1", "--folds", "3")
	if code != 0 {
		t.Fatalf("train exit %d:\n%s", code, errOut)
	}
	if !strings.Contains(out, "wrote "+model) || !finalLine.MatchString(lastLine(out)) {
		t.Errorf("train output:\n%s", out)
	}
	code, out, errOut = runCmd("eval", "--model", model, filepath.Join(dir, "validation.csv"))
	if code != 0 {
		t.Fatalf("eval exit %d:\n%s", code, errOut)
	}
	var micro, macro float64
	if _, err := fmt.Sscanf(lastLine(out), "micro-F1 %f macro-F1 %f", &micro, &macro); err != nil {
		t.Fatalf("last line %q: %v", lastLine(out), err)
	}
	if micro < 0.95 || macro < 0.95 {
		t.Errorf("eval of a cleanly separable synthetic corpus: %q, want both >= 0.95", lastLine(out))
	}

	for _, args := range [][]string{
		{"train"},
		{"train", "--corpus", dir, "--words", "3-1"},
		{"train", "--corpus", dir, "--c", "0"},
		{"train", "--corpus", dir, "--char-weight", "0"},
	} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	if code, _, errOut := runCmd("train", "--corpus", filepath.Join(dir, "nowhere"), "--out", model); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("train on a missing corpus: exit %d, %q", code, errOut)
	}
}
