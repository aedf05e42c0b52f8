package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/classify/train"
	"github.com/policylens/policylens/shared/analysis/corpus"
)

// The folders of the corpus root (../shared/corpus) that train reads.
const (
	oppDir      = "opp115"          // train.csv, validation.csv
	modernDir   = "modern-opp115"   // train.jsonl, validation.jsonl
	policiesDir = "modern-policies" // *.md, unlabelled
)

// winkHelp says how to get the GloVe vectors the network's word table is
// derived from.
const winkHelp = `the network's word table is derived from GloVe vectors (PDDL) in the npm package ` + train.WinkPackage + ` (MIT):
  mkdir -p /tmp/wink && (cd /tmp/wink && npm install ` + train.WinkPackage + `)
then pass --wink /tmp/wink/` + train.WinkFile + `
(or --network=false to train without the network)`

func runTrain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if hasFlag(args, "attributes") {
		return runTrainAttrs(ctx, args, stdout, stderr)
	}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opt := train.Shipped()
	opt.Features = classify.DefaultFeatures
	dir := fs.String("corpus", "", "corpus root holding "+oppDir+"/, "+modernDir+"/ and "+policiesDir+"/ (../shared/corpus)")
	out := fs.String("out", filepath.Join("shared", "analysis", "classify", "model.bin"), "weights file to write")
	wink := fs.String("wink", "", "the JSON file of the npm package "+train.WinkPackage+" (GloVe vectors)")
	vecIn := fs.String("vectors", "", "word vectors saved by --save-vectors, instead of building them (--wink)")
	vecOut := fs.String("save-vectors", "", "also save the word vectors built to this file")
	network := fs.Bool("network", true, "a small network over word vectors, read by the calibration (needs --wink or --vectors)")
	hidden := fs.Int("hidden", opt.Network.Hidden, "hidden units of the network")
	members := fs.Int("networks", max(opt.Network.Members, 1), "networks trained from different starts whose logits are averaged (stored as one network of their hidden units side by side)")
	epochs := fs.Int("epochs", 30, "training epochs of the network")
	seed := fs.Uint64("seed", 1, "random seed; training is deterministic for a seed")
	words := fs.String("words", rangeString(opt.Features.WordMin, opt.Features.WordMax), "word n-gram lengths, MIN-MAX (0 for none)")
	chars := fs.String("chars", rangeString(opt.Features.CharMin, opt.Features.CharMax), "character n-gram lengths inside words, MIN-MAX (0 for none)")
	costs := fs.String("c", joinFloats(opt.C), "candidate SVM costs, comma-separated; each label picks one by cross-validation")
	fs.Float64Var(&opt.PosWeight, "pos-weight", train.DefaultPosWeight, "weight positives by (negatives/positives)^X (0: unweighted)")
	fs.Float64Var(&opt.CharWeight, "char-weight", train.DefaultCharWeight, "weight of the character n-gram block against the word block")
	fs.IntVar(&opt.MinDF, "min-df", train.DefaultMinDF, "drop n-grams found in fewer training texts")
	fs.IntVar(&opt.Folds, "folds", train.DefaultFolds, "cross-validation folds on the training splits")
	fs.BoolVar(&opt.Refit, "refit", false, "train the final weights on all the data instead of averaging the folds' weights")
	fs.StringVar(&opt.Model, "learner", train.DefaultModel, "linear model: svm, nbsvm, both (the mean of svm and nbsvm) or lr")
	fs.BoolVar(&opt.InSampleCalib, "in-sample-calib", false, "tune thresholds, fallback and gates on the calibration fitted on all folds (optimistic; the models before 2026-12-01)")
	fs.Float64Var(&opt.Stack, "stack", train.DefaultStack, "L2 penalty of the cross-label calibration terms (0: plain Platt scaling per label)")
	fs.IntVar(&opt.Features.Lead, "lead", opt.Features.Lead, "mark the word n-grams of the first N words apart (section titles)")
	fs.BoolVar(&opt.Fallback, "fallback", opt.Fallback, "tune a score at or above which a clause no threshold admits gets its best label")
	fs.BoolVar(&opt.FallbackGate, "fallback-gate", opt.FallbackGate, "give every clause that states something its best label when no threshold admits one (with --fallback: the better of the two by cross-validation)")
	fs.BoolVar(&opt.PerLabel, "per-label", false, "keep each label's F1-best threshold instead of tuning them jointly")
	fs.IntVar(&opt.Workers, "workers", 2, "goroutines to train with (the result does not depend on it)")
	modern := fs.Bool("modern", true, "train on "+modernDir+"/train.jsonl too")
	places := fs.Bool("places", opt.Place, "the calibration reads which fifth of its document a clause sits in, placing the OPP-115 segments by "+attrsDir+"/ and the modern clauses by segmenting their policies in "+policiesDir+"/")
	more := fs.Bool("more", true, "with --modern, train on the second labelling pass too (shared/analysis/corpus/modern-more.jsonl: clauses of the modern training companies' policies in "+policiesDir+"/, found by segmenting them)")
	moreLabels := fs.String("more-labels", "", "keyed labels to read instead of the second labelling pass (JSON Lines: source, key, labels)")
	fs.Float64Var(&opt.ModernWeight, "modern-weight", opt.ModernWeight, "cost weight of the modern clauses")
	fs.Float64Var(&opt.HeadWeight, "head-weight", opt.HeadWeight, "weight of the heading-path word 1-2-gram block (0: none)")
	fs.Float64Var(&opt.CopyWeight, "copy-weight", opt.CopyWeight, "weight of the modern copies of the word n-grams of clauses with a heading path (0: none)")
	fs.BoolVar(&opt.HeadFlag, "head-flag", opt.HeadFlag, "let the calibration read whether a heading path was given")
	fs.BoolVar(&opt.Sentences, "sentences", opt.Sentences, "calibrate on each label's best sentence margin too, with sentence gates")
	fs.Float64Var(&opt.SentGate, "sent-gate", 0, "sentence gate: 0 tunes one per label by cross-validation, above 0 offers only that one, below 0 none")
	fs.Float64Var(&opt.SentTolerance, "sent-tolerance", opt.SentTolerance, "cross-validated objective (a sum of four F1 figures) a label's sentence gate may cost")
	fs.BoolVar(&opt.LangCheck, "lang-check", opt.LangCheck, "leave text that does not read as English unlabelled")
	fs.IntVar(&opt.Memory, "memory", opt.Memory, "a memory of the training clauses: the calibration reads the labels of the N nearest (0: none)")
	fs.Float64Var(&opt.MemoryMaxShare, "memory-max-share", opt.MemoryMaxShare, "with --memory, leave out the words more than this share of the training clauses keep (0: "+strconv.FormatFloat(train.DefaultMemoryMaxShare, 'g', -1, 64)+")")
	fs.IntVar(&opt.MemoryQuery, "memory-query", opt.MemoryQuery, "with --memory, look a clause's nearest up by its heaviest word rows, this many (0: all)")
	fs.IntVar(&opt.MemoryWords, "memory-words", opt.MemoryWords, "with --memory, the heaviest words each training clause keeps in the memory (0: "+strconv.Itoa(train.DefaultMemoryWords)+")")
	oofPath := fs.String("oof", "", "write the cross-validated predictions of the training examples to this file")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens train --corpus DIR --wink FILE [--out FILE] [flags]")
		fmt.Fprintln(stderr, "\nTrains on DIR/"+oppDir+"/train.csv and DIR/"+modernDir+"/train.jsonl with the shipped")
		fmt.Fprintln(stderr, "model's settings (the defaults below), word vectors from GloVe (--wink) and from the")
		fmt.Fprintln(stderr, "unlabelled policies of DIR/"+policiesDir+"/, writes the weights file, then reports")
		fmt.Fprintln(stderr, "both validation splits. Deterministic for a seed: the shipped model is")
		fmt.Fprintln(stderr, "  policylens train --corpus ../shared/corpus --wink .../"+train.WinkFile)
		fmt.Fprint(stderr, "\n"+winkHelp+"\n\n")
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
	usage := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "policylens train: "+format+"\n", args...)
		return 2
	}
	if opt.Features.WordMin, opt.Features.WordMax, err = parseRange(*words); err != nil {
		return usage("--words: %v", err)
	}
	if opt.Features.CharMin, opt.Features.CharMax, err = parseRange(*chars); err != nil {
		return usage("--chars: %v", err)
	}
	if opt.C, err = parseFloats(*costs); err != nil {
		return usage("--c: %v", err)
	}
	if !(opt.CharWeight > 0) {
		return usage("--char-weight must be positive, not %v", opt.CharWeight)
	}
	// The library reads zero as "default"; on the command line an explicit 0
	// means none.
	if opt.PosWeight == 0 {
		opt.PosWeight = -1
	}
	if opt.Stack == 0 {
		opt.Stack = -1
	}
	opt.Network = nil
	if *network {
		if *wink == "" && *vecIn == "" {
			return usage("%s", winkHelp)
		}
		opt.Network = &train.NetworkOptions{Hidden: *hidden, Epochs: *epochs}
		if *members > 1 {
			opt.Network.Members = *members
		}
	}
	opt.Seed = *seed
	opt.Log = stderr
	fail := func(err error) int {
		fmt.Fprintf(stderr, "policylens train: %v\n", err)
		return 1
	}

	opt.Place = *places
	seg := &segmenter{}
	start := time.Now()
	examples, err := loadPlaced(ctx, seg, filepath.Join(*dir, oppDir, "train.csv"), *places, stderr)
	if err != nil {
		return fail(err)
	}
	if *modern {
		mt, err := loadPlaced(ctx, seg, filepath.Join(*dir, modernDir, "train.jsonl"), *places, stderr)
		if err != nil {
			return fail(err)
		}
		examples = append(examples, mt...)
	}
	// The second labelling pass labels clauses of the policies the word
	// vectors read anyway: it joins the examples after them, so that its
	// texts do not count twice there.
	var more2 []corpus.Example
	if *modern && *more {
		mm, n, err := moreModern(ctx, seg, filepath.Join(*dir, policiesDir), *moreLabels)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stderr, "train: %d of the %d clauses of the second labelling pass found in %s\n", len(mm), n, policiesDir)
		more2 = mm
	}
	if opt.Network != nil {
		if opt.Vectors, err = wordVectors(examples, filepath.Join(*dir, policiesDir), *wink, *vecIn, stderr); err != nil {
			return fail(err)
		}
		if *vecOut != "" {
			if err := opt.Vectors.WriteFile(*vecOut); err != nil {
				return fail(err)
			}
		}
	}
	examples = append(examples, more2...)
	if *oofPath != "" {
		f, err := os.Create(*oofPath)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		opt.OOF = f
	}
	file, _, err := train.Train(ctx, examples, opt)
	if err != nil {
		return fail(err)
	}
	m, err := saveModel(stdout, *out, file, classify.LoadBytes, start)
	if err != nil {
		return fail(err)
	}
	for _, path := range []string{filepath.Join(*dir, oppDir, "validation.csv"), filepath.Join(*dir, modernDir, "validation.jsonl")} {
		val, err := loadPlaced(ctx, seg, path, *places, stderr)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(stdout, "\n%s:\n", path)
		if err := train.Evaluate(m, val).WriteTable(stdout); err != nil {
			return fail(err)
		}
	}
	return 0
}

// wordVectors returns the network's word vectors: read from vecFile, or
// built from the GloVe vectors of the wink package's JSON and from the
// texts of the training examples and of the policies in dir.
func wordVectors(examples []corpus.Example, dir, wink, vecFile string, log io.Writer) (*train.Vectors, error) {
	if vecFile != "" {
		return train.ReadVectors(vecFile)
	}
	var texts []string
	for _, ex := range examples {
		texts = append(texts, ex.Text, strings.Join(ex.Heading, " "))
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		return nil, err
	}
	files = slices.DeleteFunc(files, func(f string) bool { return strings.EqualFold(filepath.Base(f), "README.md") })
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		texts = append(texts, string(b))
	}
	counts := map[string]int{}
	for _, t := range texts {
		for _, w := range classify.Words(t) {
			counts[w]++
		}
	}
	start := time.Now()
	glove, err := train.ReadWink(wink, counts)
	if err != nil {
		return nil, fmt.Errorf("%w\n%s", err, winkHelp)
	}
	v := train.BuildVectors(texts, glove, train.VectorOptions{Seed: 1})
	fmt.Fprintf(log, "train: %d word vectors of %d dimensions (GloVe %d of them) from %d texts, %d policies, in %s\n",
		len(v.Words), v.Dim, len(glove), len(texts), len(files), time.Since(start).Round(time.Second))
	return v, nil
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

// hasFlag reports whether args set the flag name (as -name or --name, with
// or without =value) before any "--".
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return true
		}
	}
	return false
}

// moreModern returns the clauses of the second labelling pass
// (corpus.MoreModern, or the keyed labels of the file labelsFile) with
// their labels and places, found by segmenting their policies in dir as
// analyze does, and how many clauses the pass labelled. A policy dir lacks
// adds none.
func moreModern(ctx context.Context, seg *segmenter, dir, labelsFile string) ([]corpus.Example, int, error) {
	keyed, err := corpus.MoreModern()
	if labelsFile != "" {
		var f *os.File
		if f, err = os.Open(labelsFile); err != nil {
			return nil, 0, err
		}
		defer f.Close()
		keyed, err = corpus.ReadKeyed(f)
	}
	if err != nil {
		return nil, 0, err
	}
	var sources []string
	for _, k := range keyed {
		if !slices.Contains(sources, k.Source) {
			sources = append(sources, k.Source)
		}
	}
	var out []corpus.Example
	err = seg.each(ctx, dir, sources, func(src string, clauses []corpus.Clause) {
		out = append(out, corpus.Join(keyed, src, clauses)...)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("the second labelling pass: %w", err)
	}
	return out, len(keyed), nil
}
