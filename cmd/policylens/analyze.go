package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

func runAnalyze(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output format: json or text")
	lim := policy.DefaultLimits()
	fs.Int64Var(&lim.MaxBytes, "max-bytes", lim.MaxBytes, "largest input accepted, in bytes")
	fs.IntVar(&lim.MaxPages, "max-pages", lim.MaxPages, "most PDF pages accepted")
	fs.DurationVar(&lim.Timeout, "timeout", lim.Timeout, "time limit for PDF extraction")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens analyze [--format json|text] [--max-bytes N] [--max-pages N] [--timeout D] FILE|-")
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
	if *format != "json" && *format != "text" {
		fmt.Fprintf(stderr, "policylens analyze: --format must be json or text, not %q\n", *format)
		return 2
	}
	name := files[0]
	data, err := readInput(name, stdin, lim.MaxBytes)
	if err != nil {
		fmt.Fprintf(stderr, "policylens analyze: %v\n", err)
		return 1
	}
	m, err := classify.Default()
	if err != nil {
		fmt.Fprintf(stderr, "policylens analyze: load model: %v\n", err)
		return 1
	}
	res, err := analyze.New(m, lim).Analyze(ctx, displayName(name), data)
	if err != nil {
		fmt.Fprintf(stderr, "policylens analyze: %v\n", err)
		return 1
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(res)
	} else {
		err = writeText(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "policylens analyze: write output: %v\n", err)
		return 1
	}
	return 0
}

// readInput reads the named file, or stdin for "-", refusing more than max
// bytes without reading them all.
func readInput(name string, stdin io.Reader, max int64) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", name)
		}
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("read %s: %w", name, fault.E(fault.TooLarge,
			"over the limit of %d bytes (raise it with --max-bytes)", max))
	}
	return data, nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return filepath.Base(name)
}
