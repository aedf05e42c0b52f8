// Package isolate runs a function on untrusted input in a child process, so
// that a hard time limit and a memory limit can end the work for real: a
// goroutine stuck in an endless loop cannot be stopped, a process can be
// killed.
//
// The child is the current executable, started again with an environment
// variable that names the worker. A package registers its worker from an
// init function with Worker; in the child, that call serves the one request
// and exits before main runs. This works the same in a CLI, in a Lambda
// function (provided.al2023, /var/task/bootstrap) and in a go test binary,
// as long as the package that calls Worker is linked into the binary.
package isolate

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Environment variables that turn a process into a worker.
const (
	envWorker   = "POLICYLENS_ISOLATE_WORKER"
	envDeadline = "POLICYLENS_ISOLATE_DEADLINE" // Unix time in nanoseconds
	envMemory   = "POLICYLENS_ISOLATE_MEMORY"   // bytes
	envSize     = "POLICYLENS_ISOLATE_SIZE"     // request bytes
)

// resultFD is the file descriptor on which the child writes its result
// (stdout is left to whatever the linked code prints): a status byte (0
// for a response, 1 for an error message), the length of what follows as
// 8 bytes big-endian, and the response or message. The parent allocates
// the response once, at its size, and the child reads a request of known
// size the same way: a 50 MB input is not copied into growing buffers.
const resultFD = 3

// headerLen is the size of the result header: status and length.
const headerLen = 9

// Func is the work done in the child: it gets the request bytes and
// returns the response bytes. An error is reported to the caller of Run as
// a *WorkerError.
type Func func(in []byte) ([]byte, error)

// Limits bound one child process.
type Limits struct {
	// Timeout bounds the child's wall time, start-up included. Zero means
	// no limit other than the context's.
	Timeout time.Duration
	// MaxMemory bounds the child's resident memory, in bytes. Zero means
	// no limit. The child also gets it as its Go soft memory limit.
	MaxMemory int64
	// MaxOutput bounds the response size; zero means 256 MB.
	MaxOutput int64
	// Stderr, when set, also gets what the child writes to its standard
	// error (its log lines), as it writes it.
	Stderr io.Writer
}

var (
	// ErrTimeout reports a child killed at the time limit.
	ErrTimeout = errors.New("time limit exceeded")
	// ErrMemory reports a child killed over the memory limit, or one that
	// ran out of memory.
	ErrMemory = errors.New("memory limit exceeded")
	// ErrUnavailable reports that no child process could be started; the
	// caller may fall back to doing the work in-process.
	ErrUnavailable = errors.New("cannot start a worker process")
)

// CrashError reports a child that exited without a result: a fatal
// runtime error (such as a stack overflow), a signal, or a panic in Func.
type CrashError struct {
	ExitCode int
	Stderr   string // the end of the child's standard error
}

func (e *CrashError) Error() string {
	msg := strings.TrimSpace(e.Stderr)
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	if msg == "" {
		return fmt.Sprintf("worker exited with status %d", e.ExitCode)
	}
	return fmt.Sprintf("worker exited with status %d: %s", e.ExitCode, msg)
}

// WorkerError is an error returned by Func in the child.
type WorkerError struct{ Msg string }

func (e *WorkerError) Error() string { return e.Msg }

// Worker registers fn as the worker called name. Call it from an init
// function. In a process that Run started for this name, Worker does the
// work and exits the process; otherwise it returns at once.
func Worker(name string, fn Func) {
	registry.Store(name, true)
	if os.Getenv(envWorker) != name {
		return
	}
	os.Exit(serve(fn))
}

// registry holds the names registered with Worker in this executable; Run
// only starts workers the child is sure to know.
var registry sync.Map

// IsWorker reports whether this process is a worker started by Run.
func IsWorker() bool { return os.Getenv(envWorker) != "" }

// maxStack bounds a worker's goroutine stacks, so that runaway recursion
// crashes quickly instead of growing to the default 1 GB.
const maxStack = 128 << 20

func serve(fn Func) (code int) {
	debug.SetMaxStack(maxStack)
	if m, err := strconv.ParseInt(os.Getenv(envMemory), 10, 64); err == nil && m > 0 {
		debug.SetMemoryLimit(m * 8 / 10)
	}
	if d, err := strconv.ParseInt(os.Getenv(envDeadline), 10, 64); err == nil && d > 0 {
		// Should the parent die without killing us, stop anyway.
		time.AfterFunc(time.Until(time.Unix(0, d))+2*time.Second, func() { os.Exit(3) })
	}
	out := os.NewFile(resultFD, "result")
	if out == nil {
		fmt.Fprintln(os.Stderr, "isolate: no result descriptor")
		return 2
	}
	in, err := readRequest(os.Stdin, os.Getenv(envSize))
	if err != nil {
		fmt.Fprintf(os.Stderr, "isolate: read request: %v\n", err)
		return 2
	}
	res, err := callSafely(fn, in)
	status := byte(0)
	if err != nil {
		status, res = 1, []byte(err.Error())
	}
	var hdr [headerLen]byte
	hdr[0] = status
	binary.BigEndian.PutUint64(hdr[1:], uint64(len(res)))
	if _, err := out.Write(hdr[:]); err != nil {
		fmt.Fprintf(os.Stderr, "isolate: write result: %v\n", err)
		return 2
	}
	if _, err := out.Write(res); err != nil {
		fmt.Fprintf(os.Stderr, "isolate: write result: %v\n", err)
		return 2
	}
	return 0
}

// readRequest reads the whole request: into one buffer of the announced
// size when there is one.
func readRequest(r io.Reader, size string) ([]byte, error) {
	n, err := strconv.ParseInt(size, 10, 64)
	if err != nil || n < 0 || n > 1<<40 {
		return io.ReadAll(r)
	}
	in := make([]byte, n)
	if _, err := io.ReadFull(r, in); err != nil {
		return nil, err
	}
	var extra [1]byte
	if k, _ := r.Read(extra[:]); k > 0 {
		return nil, errors.New("request longer than announced")
	}
	return in, nil
}

func callSafely(fn Func, in []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "isolate: worker panicked: %v\n%s", r, debug.Stack())
			os.Exit(2)
		}
	}()
	return fn(in)
}

// tailBuffer keeps the first and the last max bytes written to it: a
// crash report starts with its cause and may go on for megabytes.
type tailBuffer struct {
	mu         sync.Mutex
	head, tail []byte
	cut        bool
	max        int
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(p)
	if room := t.max - len(t.head); room > 0 {
		k := min(room, len(p))
		t.head = append(t.head, p[:k]...)
		p = p[k:]
	}
	t.tail = append(t.tail, p...)
	if len(t.tail) > t.max {
		t.tail = append(t.tail[:0], t.tail[len(t.tail)-t.max:]...)
		t.cut = true
	}
	return n, nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cut {
		return string(t.head) + "\n...\n" + string(t.tail)
	}
	return string(t.head) + string(t.tail)
}

// pollInterval is how often the child's memory is checked.
const pollInterval = 5 * time.Millisecond

// Run starts the current executable as the worker called name, sends it in
// and returns its response. It kills the child when ctx is done (returning
// ctx.Err(), wrapped), at lim.Timeout (ErrTimeout) or when its resident
// memory exceeds lim.MaxMemory (ErrMemory).
func Run(ctx context.Context, name string, in []byte, lim Limits) ([]byte, error) {
	return RunParts(ctx, name, lim, in)
}

// RunParts is Run with a request made of parts sent one after the other,
// so that a caller can send a header and a large input without copying
// them into one buffer.
func RunParts(ctx context.Context, name string, lim Limits, parts ...[]byte) ([]byte, error) {
	if _, ok := registry.Load(name); !ok {
		return nil, fmt.Errorf("%w: no worker %q in this executable", ErrUnavailable, name)
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("isolate %s: %w", name, err)
	}
	start := time.Now()
	deadline := time.Time{}
	if lim.Timeout > 0 {
		deadline = start.Add(lim.Timeout)
	}
	if d, ok := ctx.Deadline(); ok && (deadline.IsZero() || d.Before(deadline)) {
		deadline = d
	}
	maxOut := lim.MaxOutput
	if maxOut <= 0 {
		maxOut = 256 << 20
	}

	rd, wr, err := os.Pipe()
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	defer rd.Close()
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), envWorker+"="+name)
	if !deadline.IsZero() {
		cmd.Env = append(cmd.Env, envDeadline+"="+strconv.FormatInt(deadline.UnixNano(), 10))
	}
	if lim.MaxMemory > 0 {
		cmd.Env = append(cmd.Env, envMemory+"="+strconv.FormatInt(lim.MaxMemory, 10))
	}
	size := 0
	readers := make([]io.Reader, len(parts))
	for i, p := range parts {
		size += len(p)
		readers[i] = bytes.NewReader(p)
	}
	cmd.Env = append(cmd.Env, envSize+"="+strconv.Itoa(size))
	cmd.Stdin = io.MultiReader(readers...)
	stderr := &tailBuffer{max: 4 << 10}
	cmd.Stderr = stderr
	if lim.Stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, lim.Stderr)
	}
	cmd.ExtraFiles = []*os.File{wr}
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		wr.Close()
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	wr.Close()

	resCh := make(chan result, 1)
	go func() { resCh <- readResult(rd, maxOut) }()
	waitCh := make(chan error, 1)
	go func() { waitCh <- cmd.Wait() }()

	var timer <-chan time.Time
	if !deadline.IsZero() {
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		timer = t.C
	}
	var tick <-chan time.Time
	if lim.MaxMemory > 0 && canMeasureRSS() {
		t := time.NewTicker(pollInterval)
		defer t.Stop()
		tick = t.C
	}
	kill := func() {
		_ = cmd.Process.Kill()
		<-waitCh
	}
	for {
		select {
		case werr := <-waitCh:
			return finish(name, werr, resCh, stderr)
		case <-ctx.Done():
			kill()
			return nil, fmt.Errorf("isolate %s: %w", name, ctx.Err())
		case <-timer:
			kill()
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("isolate %s: %w", name, err)
			}
			return nil, fmt.Errorf("isolate %s: %w after %v", name, ErrTimeout, time.Since(start).Round(time.Millisecond))
		case <-tick:
			if rss, ok := residentBytes(cmd.Process.Pid); ok && rss > lim.MaxMemory {
				kill()
				return nil, fmt.Errorf("isolate %s: %w: %d MB resident, limit %d MB", name, ErrMemory, rss>>20, lim.MaxMemory>>20)
			}
		}
	}
}

type result struct {
	status byte
	b      []byte
	err    error
	// none: the child wrote nothing (it died before writing its result).
	none bool
}

// errOutputSize reports a response over the limit.
var errOutputSize = errors.New("response too large")

// readResult reads the child's result header and the response it
// announces, in one allocation of its size.
func readResult(r io.Reader, maxOut int64) result {
	var hdr [headerLen]byte
	n, err := io.ReadFull(r, hdr[:])
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		_, _ = io.Copy(io.Discard, r)
		return result{none: true}
	}
	if err != nil {
		_, _ = io.Copy(io.Discard, r)
		return result{err: fmt.Errorf("truncated result header: %w", err)}
	}
	size := binary.BigEndian.Uint64(hdr[1:])
	if size > uint64(maxOut) {
		_, _ = io.Copy(io.Discard, r)
		return result{err: fmt.Errorf("%w: %d bytes, limit %d", errOutputSize, size, maxOut)}
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		_, _ = io.Copy(io.Discard, r)
		return result{err: fmt.Errorf("truncated result: %w", err)}
	}
	_, _ = io.Copy(io.Discard, r)
	return result{status: hdr[0], b: b}
}

func finish(name string, werr error, resCh chan result, stderr *tailBuffer) ([]byte, error) {
	res := <-resCh
	if werr != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				// Killed by someone else: on Linux, the kernel's OOM killer.
				return nil, fmt.Errorf("isolate %s: %w: the worker was killed", name, ErrMemory)
			}
		}
		msg := stderr.String()
		if strings.Contains(msg, "out of memory") || strings.Contains(msg, "cannot allocate memory") {
			return nil, fmt.Errorf("isolate %s: %w: %s", name, ErrMemory, firstLine(msg))
		}
		return nil, fmt.Errorf("isolate %s: %w", name, &CrashError{ExitCode: code, Stderr: msg})
	}
	if res.err != nil {
		return nil, fmt.Errorf("isolate %s: read result: %w", name, res.err)
	}
	if res.none {
		return nil, fmt.Errorf("isolate %s: %w", name, &CrashError{ExitCode: 0, Stderr: "no result: " + stderr.String()})
	}
	if res.status != 0 {
		return nil, fmt.Errorf("isolate %s: %w", name, &WorkerError{Msg: string(res.b)})
	}
	return res.b, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
