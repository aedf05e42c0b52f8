// Command analyzemem measures the peak resident memory and the wall time
// of `policylens analyze` on generated hostile and extreme inputs, all
// within the default size limit (50 MiB): the figures of docs/limits.md.
//
//	go run ./scripts/analyzemem [-root checkout] [-only a,b] [-cap MB] [-keep dir]
//
// It builds policylens from this checkout (and, with -root, from another
// one, such as a git worktree of an older commit, to compare before and
// after in one run), generates the inputs in a temporary directory (or
// -keep dir) and runs `policylens analyze --format json FILE` on each,
// one at a time. For each run it reports the peak resident memory of the
// largest process (the CLI or its worker, from the rusage of the waited
// child, as /usr/bin/time -v reports it), the peak of their sum sampled
// every 2 ms from /proc, the wall time and the outcome (the first words of
// the error). A run whose processes together go over -cap MB is killed and
// reported as such, so that an old binary cannot take the machine down.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	root := flag.String("root", "", "also measure policylens built in this checkout (the reference, 'before')")
	only := flag.String("only", "", "comma-separated input names to run (default all)")
	capMB := flag.Int64("cap", 3072, "kill a run whose processes together go over this many MB")
	keep := flag.String("keep", "", "write the inputs to this directory and keep them")
	timeout := flag.Duration("timeout", 3*time.Minute, "kill a run after this long")
	flag.Parse()

	tmp, err := os.MkdirTemp("", "analyzemem")
	check(err)
	defer os.RemoveAll(tmp)
	dir := tmp
	if *keep != "" {
		dir = *keep
		check(os.MkdirAll(dir, 0o755))
	}
	after := filepath.Join(tmp, "policylens-after")
	check(build("", after))
	bins := []string{after}
	names := []string{"this checkout"}
	if *root != "" {
		before := filepath.Join(tmp, "policylens-before")
		check(build(*root, before))
		bins = []string{before, after}
		names = []string{"reference (" + *root + ")", "this checkout"}
	}
	want := map[string]bool{}
	for _, n := range strings.Split(*only, ",") {
		if n != "" {
			want[n] = true
		}
	}
	fmt.Printf("peak RSS = largest process (rusage); sum = CLI + worker sampled every 2 ms; cap %d MB, timeout %v\n", *capMB, *timeout)
	for i, n := range names {
		fmt.Printf("run %d: %s\n", i+1, n)
	}
	fmt.Printf("\n%-26s %8s", "input", "MB")
	for i := range bins {
		fmt.Printf(" | %9s %7s %7s  %-34s", fmt.Sprintf("%d: peak", i+1), "sum", "time", "outcome")
	}
	fmt.Println()
	worst := make([]int64, len(bins))
	for _, in := range inputs {
		if len(want) > 0 && !want[in.name] {
			continue
		}
		path := filepath.Join(dir, in.name)
		check(writeInput(path, in))
		st, err := os.Stat(path)
		check(err)
		fmt.Printf("%-26s %8.1f", in.name, float64(st.Size())/(1<<20))
		for i, bin := range bins {
			r := measure(bin, path, *capMB<<20, *timeout)
			fmt.Printf(" | %7d MB %4d MB %6.1fs  %-34s", r.maxRSS>>20, r.sum>>20, r.wall.Seconds(), clip(r.outcome, 34))
			worst[i] = max(worst[i], r.maxRSS, r.sum)
		}
		fmt.Println()
		if *keep == "" {
			os.Remove(path)
		}
	}
	fmt.Println()
	for i, n := range names {
		fmt.Printf("worst peak (largest process or sum) of run %d, %s: %d MB\n", i+1, n, worst[i]>>20)
	}
}

type result struct {
	maxRSS, sum int64
	wall        time.Duration
	outcome     string
}

func measure(bin, path string, capBytes int64, timeout time.Duration) result {
	cmd := exec.Command(bin, "analyze", "--format", "json", path)
	var stderr bytes.Buffer
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	check(cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var sum int64
	killed := ""
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	var err error
loop:
	for {
		select {
		case err = <-done:
			break loop
		case <-deadline:
			killed = "killed at the timeout"
			_ = cmd.Process.Kill()
		case <-tick.C:
			s := treeRSS(cmd.Process.Pid)
			sum = max(sum, s)
			if s > capBytes && killed == "" {
				killed = fmt.Sprintf("killed over %d MB", capBytes>>20)
				_ = cmd.Process.Kill()
			}
		}
	}
	r := result{wall: time.Since(start), sum: sum}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss << 10 // KB on Linux
	}
	switch {
	case killed != "":
		r.outcome = killed
	case err == nil:
		r.outcome = "ok"
	default:
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		msg = strings.TrimPrefix(msg, "policylens analyze: ")
		if _, rest, ok := strings.Cut(msg, ": "); ok && strings.HasPrefix(msg, "analyze ") {
			msg = rest
		}
		r.outcome = msg
	}
	return r
}

// treeRSS sums the resident memory of pid and its descendants.
func treeRSS(pid int) int64 {
	total := rss(pid)
	// Each thread has its own list of the children it started.
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range strings.Fields(string(b)) {
			if c, err := strconv.Atoi(f); err == nil {
				total += treeRSS(c)
			}
		}
	}
	return total
}

func rss(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	i := bytes.Index(b, []byte("VmRSS:"))
	if i < 0 {
		return 0
	}
	f := bytes.Fields(b[i+6:])
	if len(f) < 1 {
		return 0
	}
	kb, _ := strconv.ParseInt(string(f[0]), 10, 64)
	return kb << 10
}

func build(root, out string) error {
	cmd := exec.Command("go", "build", "-o", out, "./cmd/policylens")
	if root != "" {
		cmd.Dir = root
	}
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "analyzemem:", err)
		os.Exit(1)
	}
}

func writeInput(path string, in input) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	in.gen(w)
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
