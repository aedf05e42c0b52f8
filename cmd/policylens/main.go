// Command policylens analyses privacy policies: it turns a text, Markdown,
// HTML or PDF policy into classified clauses and key facts, compares two
// versions of a policy, classifies clauses given one a line, and trains and
// evaluates the clause classifier and the attribute model.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
)

const usage = `usage: policylens <command> [flags] [args]

commands:
  analyze [--format json|text] FILE|-   analyse one policy: its privacy summary and clauses
  diff [--format json|text] OLD NEW     what changed between two versions of a policy
  classify [--format jsonl] FILE|-      classify clauses given as JSON Lines
  train --corpus DIR --wink FILE        train the clause classifier (docs/model.md)
  train --attributes --corpus DIR --label-oof FILE
                                        train the attribute model (docs/model.md)
  eval FILE.csv|FILE.jsonl ...          evaluate the classifier on labelled clauses, or
                                        the attribute model on attribute JSONL
  version [--format json|text]          the models' and rules' versions this build analyses with

Run 'policylens <command> -h' for the flags of a command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes one command line and returns the process exit code: 0 on
// success, 1 when the command failed, 2 on a usage error.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmds := map[string]func(context.Context, []string, io.Reader, io.Writer, io.Writer) int{
		"analyze":  runAnalyze,
		"diff":     runDiff,
		"classify": runClassify,
		"train":    runTrain,
		"eval":     runEval,
		"version":  runVersion,
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "policylens: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return cmd(ctx, args[1:], stdin, stdout, stderr)
}
