package docscheck_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/local/devstack"
	"github.com/policylens/policylens/shared/local/docscheck"
	"github.com/policylens/policylens/shared/local/fixture"
)

// readmeTimeout bounds the run of all the README's blocks, unless go
// test's own deadline leaves more: then the blocks may run until a minute
// before it, so that a machine busy with other work does not fail them,
// and a block that hangs is still reported by its line before go test
// stops the binary (readmeDeadline).
const readmeTimeout = 5 * time.Minute

// readmeDeadline returns how long the README's blocks may run.
func readmeDeadline(t *testing.T) time.Duration {
	d, ok := t.Deadline()
	if !ok {
		return readmeTimeout
	}
	return max(readmeTimeout, time.Until(d)-time.Minute)
}

// Every shell block of the README runs as printed, in order, in one bash
// -e session at the repository's root, against a local system started as
// `make dev` starts it (on free ports), with the environment the README
// tells the reader to set: API, the address `make dev` printed, and
// S3_PORT, its emulator's port. Nothing else: no AWS credentials (the
// README's commands must bring their own where they need them). curl fails
// on an HTTP error status, so an example that answers 400 fails too. Blocks
// annotated `<!-- docscheck: skip (reason) -->` are not run; the test logs
// them with their reasons (go test -v ./shared/local/docscheck).
func TestREADMECommandsRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the local system and runs the README's commands")
	}
	root := fixture.Root()
	blocks, err := docscheck.Blocks(string(fixture.Read(t, "README.md")))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	var run []docscheck.Block
	for _, b := range blocks {
		switch {
		case !b.Shell():
		case b.Skip != "":
			t.Logf("README.md:%d: skipped (%s):\n%s", b.Line, b.Skip, indent(b.Text))
		default:
			run = append(run, b)
		}
	}
	if len(run) == 0 {
		t.Fatal("README.md has no shell block to run")
	}

	dependOnTree(t, root)

	limit := readmeDeadline(t)
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	st, err := devstack.Start(ctx, devstack.Options{})
	if err != nil {
		t.Fatalf("start the local system as make dev does: %v", err)
	}
	defer st.Close()
	u, err := url.Parse(st.S3Endpoint)
	if err != nil {
		t.Fatal(err)
	}

	// The session: each block after a marker that names it.
	var script strings.Builder
	script.WriteString("set -e\n")
	for i, b := range run {
		fmt.Fprintf(&script, "printf '\\n%s\\n' >&2\n%s", marker(i), b.Text)
	}
	cmd := exec.CommandContext(ctx, "bash", "-e", "-c", script.String())
	cmd.Dir = root
	cmd.Env = append(userEnv(), "API="+st.API, "S3_PORT="+u.Port(), "PATH="+curlFailingOnErrors(t)+string(os.PathListSeparator)+os.Getenv("PATH"))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out fixture.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	t.Logf("running %d blocks of README.md with API=%s S3_PORT=%s", len(run), st.API, u.Port())
	start := time.Now()
	err = cmd.Run()
	t.Logf("ran in %v", time.Since(start).Round(time.Millisecond))
	if err == nil {
		if os.Getenv("DOCSCHECK_OUTPUT") != "" {
			t.Log(out.String())
		}
		return
	}
	// The failing block is the last one whose marker was printed.
	text := out.String()
	failed := -1
	for i := range run {
		if strings.Contains(text, marker(i)) {
			failed = i
		}
	}
	if failed < 0 {
		t.Fatalf("bash failed before the first block: %v\n%s", err, text)
	}
	why := err.Error()
	if ctx.Err() != nil {
		why = fmt.Sprintf("did not finish within %v", limit.Round(time.Second))
	}
	output := text[strings.Index(text, marker(failed))+len(marker(failed)):]
	t.Fatalf("README.md:%d: this block failed (%s):\n%s\nits output:\n%s", run[failed].Line, why, indent(run[failed].Text), indent(output))
}

// dependOnTree looks at every file of the repository, so that go test's
// cache runs this test again when any of them changes: the README's
// commands build and run the whole repository (Makefile, scripts, Go code,
// test data), which the test binary itself does not link or open. Outputs
// and installed tools are left out.
func dependOnTree(t *testing.T, root string) {
	skip := map[string]bool{".git": true, "node_modules": true, ".venv": true, "bin": true, "build": true, "cdk.out": true, ".dev": true}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && skip[d.Name()] {
			return filepath.SkipDir
		}
		if !d.IsDir() {
			_, err = os.Stat(path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func marker(i int) string { return fmt.Sprintf("@@docscheck block %d@@", i) }

// userEnv is this process's environment as a reader's terminal would have
// it: without the AWS settings the local system put here, and without
// make's variables (make test runs this test).
func userEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(k, "AWS_"), k == "MAKEFLAGS", k == "MFLAGS", k == "MAKELEVEL",
			k == "API", k == "S3_PORT", k == "API_PORT", k == "BUCKET", k == "PATH":
			continue
		}
		env = append(env, kv)
	}
	return env
}

// curlFailingOnErrors returns a directory holding a curl that runs the
// real one with --fail-with-body (--fail before curl 7.76): a README
// example answered with 400 or 500 fails the block, with the answer shown.
func curlFailingOnErrors(t *testing.T) string {
	real, err := exec.LookPath("curl")
	if err != nil {
		t.Fatalf("the README's examples use curl: %v", err)
	}
	flag := "--fail"
	if help, err := exec.Command(real, "--help", "all").Output(); err == nil && bytes.Contains(help, []byte("--fail-with-body")) {
		flag = "--fail-with-body"
	}
	dir := t.TempDir()
	shim := fmt.Sprintf("#!/bin/sh\nexec '%s' %s \"$@\"\n", real, flag)
	if err := os.WriteFile(filepath.Join(dir, "curl"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return "    (nothing)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
