package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	atrain "github.com/policylens/policylens/shared/analysis/attrs/train"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/classify/train"
)

func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	modelPath := fs.String("model", "", "weights file to evaluate (default: the embedded model)")
	fs.String("attributes-model", "", "attribute weights file to evaluate on attribute JSONL files (default: the embedded model)")
	goldCats := fs.Bool("gold-categories", false, "on attribute JSONL files, also report the attribute figures with the segments' own OPP-115 labels in place of the label model's (what its mistakes cost)")
	places := fs.Bool("places", true, "give the model each example's place in its document where the reference corpus beside the file says it (OPP-115 segments by ../"+attrsDir+"/, modern clauses by segmenting ../"+policiesDir+"/); false: text and heading only")
	fallbacks := fs.Bool("fallbacks", false, "also report the figures with no fallback, with the best label always given, and with it given to clauses that state something")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens eval [--model FILE] [--places=false] [--fallbacks] FILE.csv|FILE.jsonl ...")
		fmt.Fprintln(stderr, "\nFILE.csv has rows text,label and no header; rows with the same text are one")
		fmt.Fprintln(stderr, "multi-label example. FILE.jsonl has one clause a line, {\"source\", \"heading\",")
		fmt.Fprintln(stderr, "\"text\", \"labels\"}, the heading path (given to the model) with \" > \" between")
		fmt.Fprintln(stderr, "levels, and optionally \"index\" and \"count\", the clause's place from 0 among the")
		fmt.Fprintln(stderr, "clauses of its document. Prints per-label precision, recall, F1 and support for each file. An")
		fmt.Fprintln(stderr, "opp115-attributes JSONL file (lines with \"policy\" and \"attributes\") evaluates the")
		fmt.Fprintln(stderr, "attribute model instead: a per-pair table, the span overlap, then the line")
		fmt.Fprintln(stderr, "\"attributes micro-F1 X macro-F1 Y\".")
		fs.PrintDefaults()
	}
	files, ok := parseFiles(fs, args, 0)
	if !ok {
		return 2
	}
	attrsPath := fs.Lookup("attributes-model").Value.String()
	m, err := loadModel(*modelPath)
	if err != nil {
		fmt.Fprintf(stderr, "policylens eval: load model: %v\n", err)
		return 1
	}
	seg := &segmenter{}
	for i, path := range files {
		if atrain.IsAttributeFile(path) {
			if i > 0 {
				fmt.Fprintln(stdout)
			}
			am, err := loadAttrs(attrsPath)
			if err != nil {
				fmt.Fprintf(stderr, "policylens eval: load attribute model: %v\n", err)
				return 1
			}
			if rc := evalAttrs(am, path, *goldCats, *places, stdout, stderr); rc != 0 {
				return rc
			}
			continue
		}
		examples, err := loadPlaced(ctx, seg, path, *places && m.ReadsPlace(), stderr)
		if err != nil {
			fmt.Fprintf(stderr, "policylens eval: %v\n", err)
			return 1
		}
		if len(examples) == 0 {
			fmt.Fprintf(stderr, "policylens eval: %s holds no examples\n", path)
			return 1
		}
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		if *fallbacks {
			for _, f := range []train.Fallback{train.NoFallback, train.BestAlways, train.BestIfStates} {
				mt := train.EvaluateFallback(m, examples, f)
				fmt.Fprintf(stdout, "%s, %s: micro-F1 %.3f macro-F1 %.3f\n", path, f, mt.MicroF1(), mt.MacroF1())
			}
		}
		fmt.Fprintf(stdout, "model %s, %s\n", m.Version(), path)
		if err := train.Evaluate(m, examples).WriteTable(stdout); err != nil {
			fmt.Fprintf(stderr, "policylens eval: write output: %v\n", err)
			return 1
		}
	}
	return 0
}

// loadModel returns the weights file at path, or the embedded model when
// path is empty.
func loadModel(path string) (*classify.Model, error) {
	if path == "" {
		return classify.Default()
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return classify.Load(f)
}
