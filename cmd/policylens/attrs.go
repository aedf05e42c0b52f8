package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/policylens/policylens/shared/analysis/attrs"
	atrain "github.com/policylens/policylens/shared/analysis/attrs/train"
	"github.com/policylens/policylens/shared/analysis/corpus"
)

// attrsDir is the attribute corpus folder of the corpus root.
const attrsDir = "opp115-attributes" // train.jsonl, validation.jsonl

// runTrainAttrs trains the attribute model: policylens train --attributes.
func runTrainAttrs(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Bool("attributes", true, "train the attribute model")
	dir := fs.String("corpus", "", "corpus root holding "+attrsDir+"/ and "+oppDir+"/ (../shared/corpus)")
	oofPath := fs.String("label-oof", "", "the label model's cross-validated scores of its training examples (policylens train --oof FILE)")
	out := fs.String("out", filepath.Join("shared", "analysis", "attrs", "model.bin"), "weights file to write")
	var opt atrain.Options
	fs.Float64Var(&opt.C, "c", atrain.DefaultC, "SVM cost")
	fs.Float64Var(&opt.Share, "share", atrain.DefaultShare, "cost weight of other categories' segments with the same attribute and value (negative: none)")
	fs.BoolVar(&opt.InSampleStack, "in-sample-stack", false, "tune on the pair regressions fitted on all segments (optimistic; the models before 2026-12-01)")
	fs.Float64Var(&opt.PairStack, "pair-stack", atrain.DefaultPairStack, "L2 penalty of the cross terms of each value's regression over its pair's margins")
	fs.Float64Var(&opt.Prune, "prune", atrain.DefaultPrune, "zero weights below this fraction of a value's largest")
	fs.IntVar(&opt.MinSupport, "min-support", atrain.DefaultMinSupport, "fewest majority occurrences of a triple to model it")
	fs.StringVar(&opt.Gate, "gate", atrain.DefaultGate, "which clauses get triples: any (those the label model labels) or category (the triples of the categories it assigns)")
	fs.StringVar(&opt.Score, "score", atrain.DefaultScore, "a triple's score: product (the value's probability times the category's label score) or value (the probability alone)")
	fs.Float64Var(&opt.CharScale, "char-scale", atrain.DefaultCharScale, "multiply the values of the label model's character n-gram rows by this")
	fs.StringVar(&opt.Rows, "rows", atrain.DefaultRows, "label-model rows the values read: text (word and character n-grams) or words (word n-grams only)")
	fs.Float64Var(&opt.SpanWeight, "span-weight", atrain.DefaultSpanWeight, "cost weight of the annotators' evidence spans as examples of their own (negative: none)")
	fs.IntVar(&opt.SpanMinWords, "span-min-words", atrain.DefaultSpanWords, "leave out evidence spans of fewer words")
	fs.Uint64Var(&opt.Seed, "seed", 1, "random seed; training is deterministic for a seed")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens train --attributes --corpus DIR --label-oof FILE [--out FILE] [flags]")
		fmt.Fprintln(stderr, "\nTrains the attribute model on DIR/"+attrsDir+"/train.jsonl, reading the embedded label")
		fmt.Fprintln(stderr, "model's feature pass and, as label scores, the cross-validated scores that training the")
		fmt.Fprintln(stderr, "label model wrote (policylens train --corpus DIR --wink ... --oof FILE), writes the")
		fmt.Fprintln(stderr, "weights file, then reports DIR/"+attrsDir+"/validation.jsonl. make model-attrs does both.")
		fs.PrintDefaults()
	}
	rest, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if *dir == "" || *oofPath == "" || len(rest) != 0 {
		fs.Usage()
		return 2
	}
	opt.Log = stderr
	fail := func(err error) int {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}
	start := time.Now()
	lm, err := loadModel("")
	if err != nil {
		return fail(err)
	}
	segs, err := readSegments(filepath.Join(*dir, attrsDir, "train.jsonl"), true)
	if err != nil {
		return fail(err)
	}
	examples, err := corpus.ReadFile(filepath.Join(*dir, oppDir, "train.csv"))
	if err != nil {
		return fail(err)
	}
	f, err := os.Open(*oofPath)
	if err != nil {
		return fail(err)
	}
	ls, joined, err := atrain.CrossLabelScores(segs, examples, f, lm)
	f.Close()
	if err != nil {
		return fail(fmt.Errorf("%s: %w", *oofPath, err))
	}
	fmt.Fprintf(stderr, "attrs train: cross-validated label scores for %d of %d segments (the others: the label model's own, it never saw them)\n", joined, len(segs))
	file, rep, err := atrain.Train(ctx, segs, ls, lm, opt)
	if err != nil {
		return fail(err)
	}
	m, err := saveModel(stdout, *out, file, attrs.LoadBytes, start)
	if err != nil {
		return fail(err)
	}
	fmt.Fprintf(stdout, "cross-validated (%d folds by policy, thresholds from the other folds): attributes micro-F1 %.3f macro-F1 %.3f\n",
		rep.Options.Folds, rep.CVMicroF1, rep.CVMacroF1)
	val := filepath.Join(*dir, attrsDir, "validation.jsonl")
	if _, err := os.Stat(val); errors.Is(err, os.ErrNotExist) {
		return 0
	}
	fmt.Fprintf(stdout, "\n%s:\n", val)
	return evalAttrs(m, val, false, true, stdout, stderr)
}

// readSegments reads an attribute JSONL file and, with places, gives its
// segments their policies' segment counts, from it and the other split
// files beside it (train.jsonl, validation.jsonl).
func readSegments(path string, places bool) ([]atrain.Segment, error) {
	segs, err := atrain.ReadFile(path)
	if err != nil || !places {
		return segs, err
	}
	all := [][]atrain.Segment{segs}
	for _, f := range []string{"train.jsonl", "validation.jsonl"} {
		p := filepath.Join(filepath.Dir(path), f)
		if same, _ := sameFile(p, path); same {
			continue
		}
		other, err := atrain.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		all = append(all, other)
	}
	atrain.SetCounts(segs, all...)
	return segs, nil
}

// sameFile reports whether paths a and b name the same file.
func sameFile(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}

// evalAttrs reports the attribute model m on an attribute JSONL file: the
// per-pair table, the span overlap, and last the line "attributes
// micro-F1 X macro-F1 Y". With goldCats, a line before the table gives
// the figures with the segments' own labels as the categories.
func evalAttrs(m *attrs.Model, path string, goldCats, places bool, stdout, stderr io.Writer) int {
	lm, err := loadModel("")
	if err != nil {
		fmt.Fprintf(stderr, "policylens eval: %v\n", err)
		return 1
	}
	if err := m.Suits(lm); err != nil {
		fmt.Fprintf(stderr, "policylens eval: %v\n", err)
		return 1
	}
	segs, err := readSegments(path, places && lm.ReadsPlace())
	if err != nil {
		fmt.Fprintf(stderr, "policylens eval: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "attribute model %s, label model %s, %s\n", m.Version(), lm.Version(), path)
	if goldCats {
		g := atrain.EvaluateGoldCategories(m, lm, segs)
		fmt.Fprintf(stdout, "with the segments' own labels as the categories: micro-F1 %.3f macro-F1 %.3f\n", g.MicroF1(), g.MacroF1())
	}
	if err := atrain.Evaluate(m, lm, segs).WriteTable(stdout); err != nil {
		fmt.Fprintf(stderr, "policylens eval: write output: %v\n", err)
		return 1
	}
	return 0
}

// loadAttrs returns the attribute weights file at path, or the embedded
// model when path is empty.
func loadAttrs(path string) (*attrs.Model, error) {
	if path == "" {
		return attrs.Default()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return attrs.Load(f)
}
