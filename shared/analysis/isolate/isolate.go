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
	"sync/atomic"
	"syscall"
	"time"
)

// Environment variables that turn a process into a worker.
const (
	envWorker = "POLICYLENS_ISOLATE_WORKER"
	envMemory = "POLICYLENS_ISOLATE_MEMORY" // bytes
	// envReuse "off" starts a new process for every call (see RunParts).
	envReuse = "POLICYLENS_ISOLATE_REUSE"
)

// A child reads requests from its standard input, one after the other:
// the length of the request as 8 bytes big-endian, its deadline as 8
// bytes (Unix time in nanoseconds, 0 for none), then the request. It
// writes each result on file descriptor resultFD (stdout is left to
// whatever the linked code prints): a status byte (0 for a response, 1 for
// an error message), the length of what follows as 8 bytes, the CPU time
// the child has used so far in nanoseconds as 8 bytes, and the response or
// message. Each side allocates what it reads once, at its announced size:
// a 50 MB input is not copied into growing buffers. At the end of its
// standard input the child exits.
const (
	resultFD  = 3
	reqHeader = 16
	headerLen = 17
)

// Func is the work done in the child: it gets the request bytes and
// returns the response bytes. An error is reported to the caller of Run as
// a *WorkerError. A child serves many requests: Func must not keep state
// from one request that changes the next one's result.
type Func func(in []byte) ([]byte, error)

// Limits bound one call.
type Limits struct {
	// Timeout bounds the call's wall time, the child's start-up included
	// when it needs a new one. Zero means no limit other than the
	// context's.
	Timeout time.Duration
	// MaxMemory bounds the child's resident memory, in bytes. Zero means
	// no limit. The child also gets it as its Go soft memory limit;
	// children are kept apart by their MaxMemory.
	MaxMemory int64
	// MaxOutput bounds the response size; zero means 256 MB.
	MaxOutput int64
	// Stderr, when set, also gets what the child writes to its standard
	// error (its log lines) during the call, as it writes it.
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
// function. In a process that Run started for this name, Worker serves
// requests until its standard input ends and exits the process; otherwise
// it returns at once.
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

// deadlineGrace is how long after a request's deadline a child that is
// still working ends itself, should its parent be gone without killing it.
const deadlineGrace = 2 * time.Second

func serve(fn Func) (code int) {
	debug.SetMaxStack(maxStack)
	if m, err := strconv.ParseInt(os.Getenv(envMemory), 10, 64); err == nil && m > 0 {
		debug.SetMemoryLimit(m * 8 / 10)
	}
	out := os.NewFile(resultFD, "result")
	if out == nil {
		fmt.Fprintln(os.Stderr, "isolate: no result descriptor")
		return 2
	}
	for {
		in, deadline, err := readRequest(os.Stdin)
		if err == io.EOF {
			return 0
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "isolate: read request: %v\n", err)
			return 2
		}
		var stop func() bool
		if deadline > 0 {
			stop = time.AfterFunc(time.Until(time.Unix(0, deadline))+deadlineGrace, func() { os.Exit(3) }).Stop
		}
		res, err := callSafely(fn, in)
		if stop != nil {
			stop()
		}
		in = nil
		status := byte(0)
		if err != nil {
			status, res = 1, []byte(err.Error())
		}
		var hdr [headerLen]byte
		hdr[0] = status
		binary.BigEndian.PutUint64(hdr[1:], uint64(len(res)))
		binary.BigEndian.PutUint64(hdr[9:], uint64(cpuTime()))
		if _, err := out.Write(hdr[:]); err != nil {
			fmt.Fprintf(os.Stderr, "isolate: write result: %v\n", err)
			return 2
		}
		if _, err := out.Write(res); err != nil {
			fmt.Fprintf(os.Stderr, "isolate: write result: %v\n", err)
			return 2
		}
	}
}

// readRequest reads one request, into one buffer of its announced size,
// and its deadline; io.EOF at the end of the input.
func readRequest(r io.Reader) (in []byte, deadline int64, err error) {
	var hdr [reqHeader]byte
	if n, err := io.ReadFull(r, hdr[:]); err != nil {
		if n == 0 && err == io.EOF {
			return nil, 0, io.EOF
		}
		return nil, 0, err
	}
	n := binary.BigEndian.Uint64(hdr[:])
	if n > 1<<40 {
		return nil, 0, fmt.Errorf("request of %d bytes", n)
	}
	in = make([]byte, n)
	if _, err := io.ReadFull(r, in); err != nil {
		return nil, 0, err
	}
	return in, int64(binary.BigEndian.Uint64(hdr[8:])), nil
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
//
// A child that answered is kept for the next call with the same name and
// MaxMemory (at most maxIdle of them wait), so that most calls do not pay
// for starting a process: a call that ends any other way (time limit,
// memory limit, cancellation, a crash, a response over MaxOutput) kills
// its child, and a child that holds more than retireBytes, or has served
// maxUses calls, is ended instead of kept. A kept child that turns out to
// be gone when it is next used is replaced, and the call made again, once.
// POLICYLENS_ISOLATE_REUSE=off starts a new child for every call. A child
// not kept is ended and waited for before the call returns.
func RunParts(ctx context.Context, name string, lim Limits, parts ...[]byte) ([]byte, error) {
	if _, ok := registry.Load(name); !ok {
		return nil, fmt.Errorf("%w: no worker %q in this executable", ErrUnavailable, name)
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
	if lim.MaxOutput <= 0 {
		lim.MaxOutput = 256 << 20
	}
	key := poolKey{name: name, mem: lim.MaxMemory}
	for attempt := 0; ; attempt++ {
		p, reused, err := acquire(key)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		out, keep, err := p.call(ctx, name, lim, start, deadline, parts)
		died := !keep && !p.alive() // it ended before any kill of ours
		if keep {
			release(p)
		} else {
			p.kill()
		}
		if died && reused && attempt == 0 {
			continue // a kept child that was gone, or died of this call: once more on a new one
		}
		return out, err
	}
}

// WorkerCPU is the CPU time (user and system) the children have reported
// using, in total, for the calls they answered: a child that is kept does
// not end, so its time is not among the process's children's.
func WorkerCPU() time.Duration { return time.Duration(workerCPU.Load()) }

var workerCPU atomic.Int64

// Pool bounds.
const (
	// maxIdle children of one name and memory limit wait for a call.
	maxIdle = 2
	// maxUses calls at most are served by one child.
	maxUses = 1000
	// retireBytes: a child resident over this after a call (or over half
	// its MaxMemory) is ended rather than kept.
	retireBytes = 96 << 20
)

type poolKey struct {
	name string
	mem  int64
}

var pool = struct {
	sync.Mutex
	idle map[poolKey][]*proc
}{idle: map[poolKey][]*proc{}}

func reuse() bool { return os.Getenv(envReuse) != "off" }

// acquire returns a waiting child of key that is still alive, or a new one.
func acquire(key poolKey) (p *proc, reused bool, err error) {
	if reuse() {
		pool.Lock()
		for len(pool.idle[key]) > 0 {
			idle := pool.idle[key]
			p = idle[len(idle)-1]
			pool.idle[key] = idle[:len(idle)-1]
			if p.alive() {
				pool.Unlock()
				return p, true, nil
			}
			p.kill()
		}
		pool.Unlock()
	}
	p, err = startProc(key)
	return p, false, err
}

// release keeps p for a later call, or ends it.
func release(p *proc) {
	keep := reuse() && p.uses < maxUses && p.alive()
	if keep && canMeasureRSS() {
		rss, ok := residentBytes(p.cmd.Process.Pid)
		keep = ok && rss <= retireBytes && (p.key.mem <= 0 || rss <= p.key.mem/2)
	}
	if keep {
		pool.Lock()
		if len(pool.idle[p.key]) < maxIdle {
			pool.idle[p.key] = append(pool.idle[p.key], p)
			pool.Unlock()
			return
		}
		pool.Unlock()
	}
	// Ended at once and waited for: its memory is free and its CPU time
	// is the process's children's before the call returns.
	p.kill()
}

// proc is a child process and the pipes to it.
type proc struct {
	key    poolKey
	cmd    *exec.Cmd
	req    *os.File // the child's standard input
	res    *os.File // the child's result descriptor
	exited chan struct{}
	werr   error // once exited is closed
	stderr *procStderr
	cpu    time.Duration // the CPU time the child last reported
	uses   int
}

func startProc(key poolKey) (*proc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	reqR, reqW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	resR, resW, err := os.Pipe()
	if err != nil {
		reqR.Close()
		reqW.Close()
		return nil, err
	}
	p := &proc{key: key, req: reqW, res: resR, exited: make(chan struct{}), stderr: &procStderr{}}
	p.cmd = exec.Command(exe)
	p.cmd.Env = append(os.Environ(), envWorker+"="+key.name)
	if key.mem > 0 {
		p.cmd.Env = append(p.cmd.Env, envMemory+"="+strconv.FormatInt(key.mem, 10))
	}
	p.cmd.Stdin = reqR
	p.cmd.Stderr = p.stderr
	p.cmd.ExtraFiles = []*os.File{resW}
	p.cmd.SysProcAttr = sysProcAttr()
	err = p.cmd.Start()
	reqR.Close()
	resW.Close()
	if err != nil {
		reqW.Close()
		resR.Close()
		return nil, err
	}
	go func() {
		p.werr = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

func (p *proc) alive() bool {
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// kill ends the child at once and waits for it: between calls it holds
// nothing that needs a goodbye.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.exited
	p.req.Close()
	p.res.Close()
}

// call sends one request and waits for its result, enforcing the limits.
// keep reports whether the child is fit for another call.
func (p *proc) call(ctx context.Context, name string, lim Limits, start, deadline time.Time, parts [][]byte) (out []byte, keep bool, err error) {
	p.uses++
	tail := p.stderr.begin(lim.Stderr)
	go func() {
		var hdr [reqHeader]byte
		size := 0
		for _, b := range parts {
			size += len(b)
		}
		binary.BigEndian.PutUint64(hdr[:], uint64(size))
		if !deadline.IsZero() {
			binary.BigEndian.PutUint64(hdr[8:], uint64(deadline.UnixNano()))
		}
		// A child that dies makes these writes fail; the call learns of
		// it from the child's exit.
		if _, err := p.req.Write(hdr[:]); err != nil {
			return
		}
		for _, b := range parts {
			if _, err := p.req.Write(b); err != nil {
				return
			}
		}
	}()
	resCh := make(chan result, 1)
	go func() { resCh <- readResult(p.res, lim.MaxOutput) }()

	var timer <-chan time.Time
	if !deadline.IsZero() {
		t := time.NewTimer(time.Until(deadline))
		defer t.Stop()
		timer = t.C
	}
	var tick <-chan time.Time
	if p.key.mem > 0 && canMeasureRSS() {
		t := time.NewTicker(pollInterval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case res := <-resCh:
			switch {
			case res.none:
				<-p.exited // the child died before writing its result
				return finish(name, p.werr, res, tail)
			case res.err != nil:
				return nil, false, fmt.Errorf("isolate %s: read result: %w", name, res.err)
			}
			if d := res.cpu - p.cpu; d > 0 {
				workerCPU.Add(int64(d))
			}
			p.cpu = res.cpu
			if res.status != 0 {
				return nil, true, fmt.Errorf("isolate %s: %w", name, &WorkerError{Msg: string(res.b)})
			}
			return res.b, true, nil
		case <-p.exited:
			return finish(name, p.werr, <-resCh, tail)
		case <-ctx.Done():
			return nil, false, fmt.Errorf("isolate %s: %w", name, ctx.Err())
		case <-timer:
			if err := ctx.Err(); err != nil {
				return nil, false, fmt.Errorf("isolate %s: %w", name, err)
			}
			if d, ok := ctx.Deadline(); ok && !d.After(deadline) {
				// The context's deadline, reached a moment before the
				// context itself says so.
				return nil, false, fmt.Errorf("isolate %s: %w", name, context.DeadlineExceeded)
			}
			return nil, false, fmt.Errorf("isolate %s: %w after %v", name, ErrTimeout, time.Since(start).Round(time.Millisecond))
		case <-tick:
			if rss, ok := residentBytes(p.cmd.Process.Pid); ok && rss > p.key.mem {
				return nil, false, fmt.Errorf("isolate %s: %w: %d MB resident, limit %d MB", name, ErrMemory, rss>>20, p.key.mem>>20)
			}
		}
	}
}

// procStderr is a child's standard error: the end of what it writes during
// a call is kept for a crash report, and passed on to the call's
// Limits.Stderr. What it writes arrives through a pipe of its own, a
// moment after it is written: lines that trail a call's result go to that
// call's writer until the next call begins.
type procStderr struct {
	mu   sync.Mutex
	tail *tailBuffer
	to   io.Writer
}

func (e *procStderr) begin(to io.Writer) *tailBuffer {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tail, e.to = &tailBuffer{max: 4 << 10}, to
	return e.tail
}

func (e *procStderr) Write(b []byte) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.tail != nil {
		e.tail.Write(b)
	}
	if e.to != nil {
		e.to.Write(b)
	}
	return len(b), nil
}

type result struct {
	status byte
	b      []byte
	cpu    time.Duration
	err    error
	// none: the child wrote nothing (it died before writing its result).
	none bool
}

// errOutputSize reports a response over the limit.
var errOutputSize = errors.New("response too large")

// readResult reads one result header and the response it announces, in
// one allocation of its size.
func readResult(r io.Reader, maxOut int64) result {
	var hdr [headerLen]byte
	n, err := io.ReadFull(r, hdr[:])
	if n == 0 && (err == io.EOF || err == io.ErrUnexpectedEOF) {
		return result{none: true}
	}
	if err != nil {
		return result{err: fmt.Errorf("truncated result header: %w", err)}
	}
	size := binary.BigEndian.Uint64(hdr[1:])
	if size > uint64(maxOut) {
		return result{err: fmt.Errorf("%w: %d bytes, limit %d", errOutputSize, size, maxOut)}
	}
	b := make([]byte, size)
	if _, err := io.ReadFull(r, b); err != nil {
		return result{err: fmt.Errorf("truncated result: %w", err)}
	}
	return result{status: hdr[0], b: b, cpu: time.Duration(binary.BigEndian.Uint64(hdr[9:]))}
}

// finish reports a child that exited during a call, with what it wrote of
// its result; a child that exited is never kept.
func finish(name string, werr error, res result, stderr *tailBuffer) (out []byte, keep bool, err error) {
	if werr != nil {
		code := -1
		var ee *exec.ExitError
		if errors.As(werr, &ee) {
			code = ee.ExitCode()
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
				// Killed by someone else: on Linux, the kernel's OOM killer.
				return nil, false, fmt.Errorf("isolate %s: %w: the worker was killed", name, ErrMemory)
			}
		}
		msg := stderr.String()
		if strings.Contains(msg, "out of memory") || strings.Contains(msg, "cannot allocate memory") {
			return nil, false, fmt.Errorf("isolate %s: %w: %s", name, ErrMemory, firstLine(msg))
		}
		return nil, false, fmt.Errorf("isolate %s: %w", name, &CrashError{ExitCode: code, Stderr: msg})
	}
	if res.err != nil {
		return nil, false, fmt.Errorf("isolate %s: read result: %w", name, res.err)
	}
	if res.none {
		return nil, false, fmt.Errorf("isolate %s: %w", name, &CrashError{ExitCode: 0, Stderr: "no result: " + stderr.String()})
	}
	if res.status != 0 {
		return nil, false, fmt.Errorf("isolate %s: %w", name, &WorkerError{Msg: string(res.b)})
	}
	return res.b, false, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
