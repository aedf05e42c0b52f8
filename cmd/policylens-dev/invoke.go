package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/policylens/policylens/shared/local/rie"
	"github.com/policylens/policylens/shared/service/topology"
)

// runInvoke is `make invoke`: one event to one function's deployed binary
// under the Lambda Runtime Interface Emulator, against the emulator `make
// dev` runs, as `sam local invoke -e EVENT --env-vars ENV` would. The
// function's response goes to stdout, its logs to stderr.
func runInvoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("policylens-dev invoke", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fnName := fs.String("function", "", "ingest or lookup (default: from the event file's name)")
	event := fs.String("event", "", "the event file, such as events/api-policies.json")
	s3Port := fs.Int("s3-port", 5000, "port of the emulator `make dev` runs")
	buildDir := fs.String("build", "build", "where `make build` put the functions")
	envFile := fs.String("env-vars", filepath.Join("events", "env.json"), "the functions' environment, as for sam local invoke --env-vars")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *event == "" {
		fmt.Fprintln(stderr, "usage: make invoke EVENT=events/<file>.json [FN=ingest|lookup] [S3_PORT=5000]")
		return 2
	}
	fn := rie.FunctionFor(*event)
	switch *fnName {
	case "":
	case topology.Ingest.Name:
		fn = topology.Ingest
	case topology.Lookup.Name:
		fn = topology.Lookup
	default:
		fmt.Fprintf(stderr, "policylens-dev invoke: unknown function %q: ingest or lookup\n", *fnName)
		return 2
	}
	payload, err := os.ReadFile(*event)
	if err != nil {
		fmt.Fprintf(stderr, "policylens-dev invoke: %v\n", err)
		return 1
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "policylens-dev invoke: %v\n", err)
		return 1
	}
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", *s3Port)
	// The env.json for the ports in use, for SAM users too.
	generated := filepath.Join(".dev", "env.json")
	if err := rie.WriteEnvFile(*envFile, generated, endpoint); err != nil {
		return fail(err)
	}
	env, err := rie.FunctionEnv(generated, fn.LogicalID, endpoint)
	if err != nil {
		return fail(err)
	}
	root, err := os.Getwd()
	if err != nil {
		return fail(err)
	}
	boot, deployed, err := rie.Bootstrap(ctx, root, fn, *buildDir)
	if err != nil {
		return fail(err)
	}
	if !deployed {
		fmt.Fprintf(stderr, "policylens-dev invoke: this machine cannot run the deployed linux/arm64 binary (install qemu-user-static for that); running %s, the same build for this machine\n", boot)
	}
	emu, err := rie.Install(ctx, rie.CacheDir(root))
	if err != nil {
		return fail(err)
	}
	e, err := rie.Start(ctx, emu, boot, rie.Options{Env: env, MemoryMB: fn.MemoryMB,
		Timeout: time.Duration(fn.TimeoutSeconds) * time.Second, Output: stderr})
	if err != nil {
		return fail(err)
	}
	defer e.Stop()
	out, err := e.Invoke(ctx, payload)
	fmt.Fprintf(stdout, "%s\n", out)
	if err != nil {
		return fail(err)
	}
	return 0
}
