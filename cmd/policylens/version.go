package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

// runVersion prints the versions of the models and rules this build
// analyses policies with, under the names the analyses and the API give
// them, so that stored policies analysed by others can be told apart.
func runVersion(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	formatOf := formatFlag(fs, "text", "output format: json or text", "json", "text")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens version [--format json|text]")
		fs.PrintDefaults()
	}
	rest, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(rest) > 0 {
		fs.Usage()
		return 2
	}
	format, ok := formatOf(stderr)
	if !ok {
		return 2
	}
	m, err := classify.Default()
	if err != nil {
		fmt.Fprintf(stderr, "policylens version: load model: %v\n", err)
		return 1
	}
	v := analyze.New(m, policy.DefaultLimits()).Versions()
	if format == "json" {
		b, err := json.Marshal(v)
		if err != nil {
			fmt.Fprintf(stderr, "policylens version: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "%s\n", b)
		return 0
	}
	fmt.Fprintf(stdout, "label model      %s\nattribute model  %s\nrules            %s\n", v.ModelVersion, v.AttributeModelVersion, v.AnalysisVersion)
	return 0
}
