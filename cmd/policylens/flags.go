package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/domain/policy"
)

// parseArgs parses fs's flags wherever they stand among the arguments, as
// people type them ("analyze policy.pdf --format json"), and returns the
// other arguments in order. "--" ends the flags; "-" (standard input) is an
// argument.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// parseFiles is parseArgs for a command that takes want files (at least
// one when want is 0): on an error or another count it prints the usage
// and returns false.
func parseFiles(fs *flag.FlagSet, args []string, want int) ([]string, bool) {
	files, err := parseArgs(fs, args)
	if err != nil {
		return nil, false
	}
	if (want > 0 && len(files) != want) || len(files) == 0 {
		fs.Usage()
		return nil, false
	}
	return files, true
}

// formatFlag adds --format to fs, whose value must be one of choices (the
// default is def), and returns a function that gives the value once fs is
// parsed, or prints why it is not one and returns false.
func formatFlag(fs *flag.FlagSet, def, usage string, choices ...string) func(stderr io.Writer) (string, bool) {
	v := fs.String("format", def, usage)
	return func(stderr io.Writer) (string, bool) {
		if slices.Contains(choices, *v) {
			return *v, true
		}
		fmt.Fprintf(stderr, "policylens %s: --format must be %s, not %q\n", fs.Name(), strings.Join(choices, " or "), *v)
		return "", false
	}
}

// limitFlags adds the flags of the analysis limits to fs (--max-bytes,
// --max-pages, --timeout, --max-memory, --max-clauses) and returns a
// function that gives the limits once fs is parsed.
func limitFlags(fs *flag.FlagSet) func() policy.Limits {
	lim := policy.DefaultLimits()
	fs.Int64Var(&lim.MaxBytes, "max-bytes", lim.MaxBytes, "largest input accepted, in bytes")
	fs.IntVar(&lim.MaxPages, "max-pages", lim.MaxPages, "most PDF pages accepted")
	fs.DurationVar(&lim.Timeout, "timeout", lim.Timeout, "time limit for the analysis of a file (its worker process)")
	maxMB := fs.Int64("max-memory", lim.MaxMemory>>20, "memory limit of the analysis worker process, in MB")
	fs.IntVar(&lim.MaxClauses, "max-clauses", lim.MaxClauses, "most clauses accepted")
	return func() policy.Limits {
		l := lim
		l.MaxMemory = *maxMB << 20
		return l
	}
}

// saveModel checks that a trained weights file loads, writes it to out and
// says so on stdout, with its version and the time since start; it
// returns the loaded model.
func saveModel[M interface{ Version() string }](stdout io.Writer, out string, file []byte, load func([]byte) (M, error), start time.Time) (M, error) {
	m, err := load(file)
	if err != nil {
		return m, fmt.Errorf("reload weights: %w", err)
	}
	if err := os.WriteFile(out, file, 0o644); err != nil {
		return m, err
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes, version %s) in %s\n", out, len(file), m.Version(), time.Since(start).Round(time.Second))
	return m, nil
}
