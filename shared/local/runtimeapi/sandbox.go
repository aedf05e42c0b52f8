package runtimeapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// The variable that makes this executable run a function registered with
// Serve instead of its main.
const envFunction = "POLICYLENS_LOCAL_FUNCTION"

// Serve registers start as the function called name. Call it from an init
// function: in a process a Sandbox started for name, Serve calls start
// (which runs the function's Lambda runtime loop, lambda.Start) and exits;
// in any other process it returns at once.
func Serve(name string, start func() error) {
	registered.Store(name, true)
	if os.Getenv(envFunction) != name {
		return
	}
	if err := start(); err != nil {
		os.Exit(1)
	}
	os.Exit(0)
}

var registered sync.Map

// Errors of Sandbox.Invoke: the invocation's process was killed, as Lambda
// kills a sandbox whose function runs out of time or memory, and the next
// invocation starts a new one.
var (
	// ErrTimeout reports an invocation that outlived the function's
	// timeout. It wraps context.DeadlineExceeded.
	ErrTimeout = fmt.Errorf("task timed out: %w", context.DeadlineExceeded)
	// ErrOutOfMemory reports a function whose processes together used
	// more than its memory.
	ErrOutOfMemory = errors.New("runtime exited: out of memory (signal: killed)")
	// ErrExited reports a function process that ended during an
	// invocation.
	ErrExited = errors.New("runtime exited during the invocation")
)

// Sandbox runs one function of this executable the way Lambda runs it: in a
// process of its own that serves one invocation at a time through the
// Runtime API, with the function's memory (AWS_LAMBDA_FUNCTION_MEMORY_SIZE)
// and timeout on every invocation. When an invocation runs past the
// timeout, or the function's processes (the function and any worker it
// starts) together hold more resident memory than the function has, the
// processes are killed and the invocation fails; the next one starts a
// new process, a cold start. Memory is measured on Linux only.
type Sandbox struct {
	name     string
	memoryMB int
	timeout  time.Duration
	env      []string
	out      io.Writer

	mu   sync.Mutex // one invocation at a time
	proc *sandboxProcess
}

// NewSandbox returns a sandbox for the function name (registered with
// Serve) with memoryMB of memory and the given timeout. env is the
// function's environment, besides what Lambda sets; the function's output
// goes to out (nil: discarded).
func NewSandbox(name string, memoryMB int, timeout time.Duration, env []string, out io.Writer) (*Sandbox, error) {
	if _, ok := registered.Load(name); !ok {
		return nil, fmt.Errorf("no function %q in this executable (runtimeapi.Serve)", name)
	}
	if out == nil {
		out = io.Discard
	}
	return &Sandbox{name: name, memoryMB: memoryMB, timeout: timeout, env: env, out: out}, nil
}

type sandboxProcess struct {
	srv  *Server
	cmd  *exec.Cmd
	done chan struct{}
}

// memoryPoll is how often the function's memory is measured.
const memoryPoll = 20 * time.Millisecond

// Invoke runs one invocation with payload and returns the function's
// response. A function that returns an error gives ErrFunction with the
// error document; one killed for time or memory gives ErrTimeout or
// ErrOutOfMemory.
func (s *Sandbox) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc == nil {
		p, err := s.start()
		if err != nil {
			return nil, err
		}
		s.proc = p
	}
	p := s.proc
	type result struct {
		out []byte
		err error
	}
	res := make(chan result, 1)
	go func() {
		out, err := p.srv.Invoke(ctx, payload, s.timeout)
		res <- result{out, err}
	}()
	timer := time.NewTimer(s.timeout)
	defer timer.Stop()
	var tick <-chan time.Time
	if canMeasure() {
		t := time.NewTicker(memoryPoll)
		defer t.Stop()
		tick = t.C
	}
	limit := int64(s.memoryMB) << 20
	for {
		select {
		case r := <-res:
			return r.out, r.err
		case <-timer.C:
			s.kill()
			return nil, fmt.Errorf("%s: %w after %v", s.name, ErrTimeout, s.timeout)
		case <-tick:
			if rss := groupRSS(p.cmd.Process.Pid); rss > limit {
				s.kill()
				return nil, fmt.Errorf("%s: %w: %d MB used, %d MB configured", s.name, ErrOutOfMemory, rss>>20, s.memoryMB)
			}
		case <-p.done:
			s.kill()
			return nil, fmt.Errorf("%s: %w", s.name, ErrExited)
		case <-ctx.Done():
			s.kill()
			return nil, ctx.Err()
		}
	}
}

// start runs a new function process against a Runtime API of its own and
// waits until it asks for its first invocation.
func (s *Sandbox) start() (*sandboxProcess, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	srv, err := Start()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(append(os.Environ(), s.env...),
		envFunction+"="+s.name,
		"AWS_LAMBDA_RUNTIME_API="+srv.Addr(),
		"AWS_LAMBDA_FUNCTION_NAME="+s.name,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(s.memoryMB),
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
	)
	cmd.Stdout, cmd.Stderr = s.out, s.out
	// A process group of its own, so that its workers are measured and
	// killed with it; killed if this process dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		srv.Close()
		return nil, fmt.Errorf("start function %s: %w", s.name, err)
	}
	p := &sandboxProcess{srv: srv, cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	select {
	case <-srv.Ready():
		return p, nil
	case msg := <-srv.initErr:
		s.stop(p)
		return nil, fmt.Errorf("function %s failed to start: %s", s.name, msg)
	case <-p.done:
		s.stop(p)
		return nil, fmt.Errorf("function %s exited while starting (its log tells why)", s.name)
	case <-time.After(s.timeout):
		s.stop(p)
		return nil, fmt.Errorf("function %s did not start within %v", s.name, s.timeout)
	}
}

// kill ends the current process and its workers.
func (s *Sandbox) kill() {
	if s.proc != nil {
		s.stop(s.proc)
		s.proc = nil
	}
}

func (s *Sandbox) stop(p *sandboxProcess) {
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	p.srv.Close()
}

// Close stops the function's process, if one runs.
func (s *Sandbox) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.kill()
}
