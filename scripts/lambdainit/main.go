// Command lambdainit measures what a Lambda cold start costs in each
// function: the size of the binary as deployed (linux/arm64, stripped) and
// the init time, from exec until the binary first asks the Runtime API for
// an invocation, on this machine, against a hello-world function with the
// AWS SDK and a DynamoDB client measured in the same run, the functions'
// cold starts taken in turn.
//
//	go run ./scripts/lambdainit [-n 31] [-root checkout] [dir ...]
//
// The directories default to ./functions/ingest and ./functions/lookup;
// the reference is ./scripts/lambdainit/hello, always of this checkout.
// With -root, the functions are built in another checkout (a git worktree
// of an older commit, say), to compare before and after in one run.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/policylens/policylens/shared/local/runtimeapi"
)

const reference = "./scripts/lambdainit/hello"

func main() {
	n := flag.Int("n", 31, "cold starts per function")
	root := flag.String("root", "", "build the functions in this checkout instead of this one")
	flag.Parse()
	dirs := flag.Args()
	if len(dirs) == 0 {
		dirs = []string{"./functions/ingest", "./functions/lookup"}
	}
	dirs = append([]string{reference}, dirs...)
	tmp, err := os.MkdirTemp("", "lambdainit")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(tmp)
	fmt.Printf("%-28s %14s %12s %12s %8s\n", "function", "arm64 bytes", "init p50", "init p90", "ratio")
	hosts := make([]string, len(dirs))
	sizes := make([]int64, len(dirs))
	for i, dir := range dirs {
		arm := filepath.Join(tmp, fmt.Sprintf("arm%d", i))
		hosts[i] = filepath.Join(tmp, fmt.Sprintf("host%d", i))
		in := ""
		if i > 0 {
			in = *root
		}
		if err := build(in, dir, arm, "linux", "arm64"); err != nil {
			fail(err)
		}
		if err := build(in, dir, hosts[i], "", ""); err != nil {
			fail(err)
		}
		st, err := os.Stat(arm)
		if err != nil {
			fail(err)
		}
		sizes[i] = st.Size()
	}
	// One cold start of each function in turn, n times: a machine that
	// gets busier or quieter during the run weighs on every function alike.
	times := make([][]time.Duration, len(dirs))
	for range *n {
		for i, bin := range hosts {
			d, err := initTime(bin)
			if err != nil {
				fail(fmt.Errorf("%s: %w", dirs[i], err))
			}
			times[i] = append(times[i], d)
		}
	}
	var ref time.Duration
	for i, dir := range dirs {
		t := times[i]
		slices.Sort(t)
		p50, p90 := t[len(t)/2], t[len(t)*9/10]
		if i == 0 {
			ref = p50
		}
		name := dir
		if i > 0 && *root != "" {
			name = filepath.Join(*root, dir)
		}
		fmt.Printf("%-28s %14d %12s %12s %7.2fx\n", name, sizes[i], p50.Round(10*time.Microsecond), p90.Round(10*time.Microsecond), float64(p50)/float64(ref))
	}
}

// build compiles dir of the checkout root (this one when empty) as the
// Makefile builds a function for Lambda, for goos/goarch (this machine when
// empty).
func build(root, dir, out, goos, goarch string) error {
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, dir)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOWORK=off")
	if goos != "" {
		cmd.Env = append(cmd.Env, "GOOS="+goos, "GOARCH="+goarch)
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %v\n%s", dir, err, b)
	}
	return nil
}

// initTime starts the binary once and returns its init time.
func initTime(bin string) (time.Duration, error) {
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(),
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test",
		"AWS_EC2_METADATA_DISABLED=true", "TABLE_NAME=policylens-init", "AWS_LAMBDA_FUNCTION_NAME=init",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=1024",
	}
	start := time.Now()
	p, err := runtimeapi.Run(bin, env, nil)
	if err != nil {
		return 0, err
	}
	defer p.Stop()
	select {
	case <-p.Ready():
		return time.Since(start), nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("no request for an invocation within 10s; output:\n%s", p.Output())
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "lambdainit:", err)
	os.Exit(1)
}
