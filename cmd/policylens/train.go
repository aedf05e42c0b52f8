package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/corpus"
)

func runTrain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("corpus", "", "corpus folder holding train.csv (and validation.csv for the final check)")
	out := fs.String("out", filepath.Join("shared", "classify", "model.bin"), "weights file to write")
	seed := fs.Uint64("seed", 1, "random seed; training is deterministic for a seed")
	opt := classify.TrainOptions{Features: classify.DefaultFeatures}
	words := fs.String("words", rangeString(opt.Features.WordMin, opt.Features.WordMax), "word n-gram lengths, MIN-MAX (0 for none)")
	chars := fs.String("chars", rangeString(opt.Features.CharMin, opt.Features.CharMax), "character n-gram lengths inside words, MIN-MAX (0 for none)")
	costs := fs.String("c", joinFloats(classify.DefaultC), "candidate SVM costs, comma-separated; each label picks one by cross-validation")
	fs.Float64Var(&opt.PosWeight, "pos-weight", classify.DefaultPosWeight, "weight positives by (negatives/positives)^X (0: unweighted)")
	fs.Float64Var(&opt.CharWeight, "char-weight", classify.DefaultCharWeight, "weight of the character n-gram block against the word block")
	fs.IntVar(&opt.MinDF, "min-df", classify.DefaultMinDF, "drop n-grams found in fewer training texts")
	fs.IntVar(&opt.Folds, "folds", classify.DefaultFolds, "cross-validation folds on the training split")
	fs.BoolVar(&opt.Refit, "refit", false, "train the final weights on all the data instead of averaging the folds' weights")
	fs.StringVar(&opt.Model, "learner", classify.DefaultModel, "linear model: svm, nbsvm, both (the mean of svm and nbsvm) or lr")
	fs.Float64Var(&opt.Stack, "stack", classify.DefaultStack, "L2 penalty of the cross-label calibration terms (0: plain Platt scaling per label)")
	fs.IntVar(&opt.Features.Lead, "lead", classify.DefaultFeatures.Lead, "mark the word n-grams of the first N words apart (section titles)")
	fs.BoolVar(&opt.Fallback, "fallback", false, "give a clause that no threshold admits its best label when that scores high enough (labels then include one below its threshold)")
	fs.BoolVar(&opt.PerLabel, "per-label", false, "keep each label's F1-best threshold instead of tuning them jointly for micro+macro F1")
	fs.IntVar(&opt.Workers, "workers", 2, "goroutines to train with")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens train --corpus DIR [--seed N] [--out FILE] [flags]")
		fmt.Fprintln(stderr, "\nTrains on DIR/train.csv, calibrates scores and tunes per-label thresholds by")
		fmt.Fprintln(stderr, "cross-validation on it, writes the weights file, then reports DIR/validation.csv.")
		fs.PrintDefaults()
	}
	rest, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if *dir == "" || len(rest) != 0 {
		fs.Usage()
		return 2
	}
	if opt.Features.WordMin, opt.Features.WordMax, err = parseRange(*words); err != nil {
		fmt.Fprintf(stderr, "policylens train: --words: %v\n", err)
		return 2
	}
	if opt.Features.CharMin, opt.Features.CharMax, err = parseRange(*chars); err != nil {
		fmt.Fprintf(stderr, "policylens train: --chars: %v\n", err)
		return 2
	}
	if opt.C, err = parseFloats(*costs); err != nil {
		fmt.Fprintf(stderr, "policylens train: --c: %v\n", err)
		return 2
	}
	// The library reads zero as "default"; on the command line an explicit 0
	// means none.
	if opt.PosWeight == 0 {
		opt.PosWeight = -1
	}
	if opt.Stack == 0 {
		opt.Stack = -1
	}
	if !(opt.CharWeight > 0) {
		fmt.Fprintf(stderr, "policylens train: --char-weight must be positive, not %v\n", opt.CharWeight)
		return 2
	}
	opt.Seed = *seed
	opt.Log = stderr

	start := time.Now()
	train, err := corpus.ReadFile(filepath.Join(*dir, "train.csv"))
	if err != nil {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	m, _, err := classify.Train(ctx, train, opt)
	if err != nil {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	var buf bytes.Buffer
	if _, err := m.WriteTo(&buf); err != nil {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	// Report on the model as it will be loaded (half-precision weights).
	loaded, err := classify.LoadBytes(buf.Bytes())
	if err != nil {
		fmt.Fprintf(stderr, "policylens train: reload weights: %v\n", err)
		return 1
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes, version %s) in %s\n", *out, buf.Len(), loaded.Version(), time.Since(start).Round(time.Millisecond))
	valPath := filepath.Join(*dir, "validation.csv")
	val, err := corpus.ReadFile(valPath)
	if errors.Is(err, os.ErrNotExist) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "\n%s:\n", valPath)
	if err := classify.Evaluate(loaded, val).WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	return 0
}

func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "weights file to evaluate (default: the embedded model)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens eval [--model FILE] FILE.csv")
		fmt.Fprintln(stderr, "\nFILE.csv has rows text,label and no header; rows with the same text are one")
		fmt.Fprintln(stderr, "multi-label example. Prints per-label precision, recall, F1 and support.")
		fs.PrintDefaults()
	}
	files, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 {
		fs.Usage()
		return 2
	}
	var m *classify.Model
	if *modelPath == "" {
		m, err = classify.Default()
	} else {
		var f *os.File
		if f, err = os.Open(*modelPath); err == nil {
			m, err = classify.Load(f)
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "policylens eval: load model: %v\n", err)
		return 1
	}
	examples, err := corpus.ReadFile(files[0])
	if err != nil {
		fmt.Fprintf(stderr, "policylens eval: %v\n", err)
		return 1
	}
	if len(examples) == 0 {
		fmt.Fprintf(stderr, "policylens eval: %s holds no examples\n", files[0])
		return 1
	}
	fmt.Fprintf(stdout, "model %s, %s\n", m.Version(), files[0])
	if err := classify.Evaluate(m, examples).WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "policylens eval: write output: %v\n", err)
		return 1
	}
	return 0
}

func rangeString(lo, hi int) string {
	if hi == 0 {
		return "0"
	}
	return fmt.Sprintf("%d-%d", lo, hi)
}

// parseRange parses "MIN-MAX", "N" or "0" (none).
func parseRange(s string) (int, int, error) {
	lo, hi, found := strings.Cut(s, "-")
	a, err := strconv.Atoi(strings.TrimSpace(lo))
	if err != nil || a < 0 {
		return 0, 0, fmt.Errorf("want MIN-MAX, got %q", s)
	}
	if !found {
		return a, a, nil
	}
	b, err := strconv.Atoi(strings.TrimSpace(hi))
	if err != nil || b < a {
		return 0, 0, fmt.Errorf("want MIN-MAX, got %q", s)
	}
	return a, b, nil
}

func parseFloats(s string) ([]float64, error) {
	var out []float64
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(v > 0) {
			return nil, fmt.Errorf("want positive numbers separated by commas, got %q", s)
		}
		out = append(out, v)
	}
	return out, nil
}

func joinFloats(fs []float64) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = strconv.FormatFloat(f, 'g', -1, 64)
	}
	return strings.Join(s, ",")
}
