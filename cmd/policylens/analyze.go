package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// cliMemoryLimit is the Go soft memory limit of `policylens analyze`; the
// worker process sets its own from --max-memory.
const cliMemoryLimit = 160 << 20

func runAnalyze(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	formatOf := formatFlag(fs, "text", "output format: json or text", "json", "text")
	limits := limitFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens analyze [--format json|text] [--max-bytes N] [--max-pages N] [--max-clauses N] [--timeout D] [--max-memory MB] FILE|-")
		fs.PrintDefaults()
	}
	files, ok := parseFiles(fs, args, 1)
	if !ok {
		return 2
	}
	format, ok := formatOf(stderr)
	if !ok {
		return 2
	}
	lim := limits()
	if os.Getenv("GOMEMLIMIT") == "" {
		// Keep this process near what it holds (the file and the
		// analysis, see docs/limits.md) rather than twice that.
		debug.SetMemoryLimit(cliMemoryLimit)
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
	if format == "json" {
		err = writeJSON(stdout, res)
	} else {
		err = writeText(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "policylens analyze: write output: %v\n", err)
		return 1
	}
	return 0
}

// writeJSON writes res as one indented JSON document, as a json.Encoder
// with two-space indentation and no HTML escaping does, a clause at a
// time: the encoding of a 20,000-clause policy is never held in memory
// whole.
func writeJSON(w io.Writer, res *policy.Analysis) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var buf bytes.Buffer
	marshal := func(v any, prefix string) ([]byte, error) {
		buf.Reset()
		enc := json.NewEncoder(&buf)
		enc.SetIndent(prefix, "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			return nil, err
		}
		return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
	}
	p, err := marshal(res.Policy, "  ")
	if err != nil {
		return err
	}
	bw.WriteString("{\n  \"policy\": ")
	bw.Write(p)
	pv, err := marshal(res.Privacy, "  ")
	if err != nil {
		return err
	}
	bw.WriteString(",\n  \"privacy\": ")
	bw.Write(pv)
	switch {
	case res.Clauses == nil:
		bw.WriteString(",\n  \"clauses\": null\n}\n")
		return bw.Flush()
	case len(res.Clauses) == 0:
		bw.WriteString(",\n  \"clauses\": []\n}\n")
		return bw.Flush()
	}
	bw.WriteString(",\n  \"clauses\": [\n")
	for i := range res.Clauses {
		c, err := marshal(&res.Clauses[i], "    ")
		if err != nil {
			return err
		}
		bw.WriteString("    ")
		bw.Write(c)
		if i < len(res.Clauses)-1 {
			bw.WriteByte(',')
		}
		if _, err := bw.WriteString("\n"); err != nil {
			return err
		}
	}
	bw.WriteString("  ]\n}\n")
	return bw.Flush()
}

// readInput reads the named file, or stdin for "-", refusing more than max
// bytes without reading them all. A file is read into one buffer of its
// size.
func readInput(name string, stdin io.Reader, max int64) ([]byte, error) {
	r := stdin
	size := int64(-1)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err == nil && st.IsDir() {
			return nil, fmt.Errorf("%s is a directory", name)
		}
		if err == nil && st.Mode().IsRegular() {
			size = st.Size()
		}
		r = f
	}
	tooLarge := func() error {
		return fmt.Errorf("read %s: %w", name, fault.E(fault.TooLarge,
			"over the limit of %d bytes (raise it with --max-bytes)", max))
	}
	if size > max {
		return nil, tooLarge()
	}
	var data []byte
	var err error
	if size >= 0 {
		data = make([]byte, size)
		var n int
		n, err = io.ReadFull(r, data)
		data = data[:n]
		if err == nil || err == io.ErrUnexpectedEOF {
			// The file may have grown since: read what follows too.
			var rest []byte
			rest, err = io.ReadAll(io.LimitReader(r, max+1-int64(n)))
			data = append(data, rest...)
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(r, max+1))
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, tooLarge()
	}
	return data, nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return filepath.Base(name)
}
