package main

// SCAFFOLDING: replaced by the classifier work.

import (
	"context"
	"fmt"
	"io"
)

func runTrain(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "policylens train: not implemented yet")
	return 1
}

func runEval(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "policylens eval: not implemented yet")
	return 1
}
