// Package runtimeapi serves the AWS Lambda Runtime API on a loopback port,
// so that a function binary (a provided.al2023 `bootstrap`) runs unchanged
// outside Lambda: start the binary with AWS_LAMBDA_RUNTIME_API set to Addr,
// then Invoke it. Tests use it to prove the built functions work with the
// sample events, as `sam local invoke` would.
package runtimeapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const prefix = "/2018-06-01/runtime/"

// Server is a Runtime API for one function instance.
type Server struct {
	ln      net.Listener
	srv     *http.Server
	pending chan *invocation
	mu      sync.Mutex
	running map[string]*invocation
	seq     int
	// InitError receives the body of an init error report.
	initErr chan string
	// ready is closed when the function first asks for an invocation: its
	// initialisation is over.
	ready     chan struct{}
	readyOnce sync.Once
}

type invocation struct {
	id       string
	payload  []byte
	deadline time.Time
	done     chan result
}

type result struct {
	body   []byte
	failed bool
}

// Start serves the API on 127.0.0.1 and a free port.
func Start() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen: %w", err)
	}
	s := &Server{ln: ln, pending: make(chan *invocation), running: map[string]*invocation{}, initErr: make(chan string, 1), ready: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"invocation/next", s.next)
	mux.HandleFunc("POST "+prefix+"invocation/{id}/response", s.finish(false))
	mux.HandleFunc("POST "+prefix+"invocation/{id}/error", s.finish(true))
	mux.HandleFunc("POST "+prefix+"init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case s.initErr <- string(b):
		default:
		}
		w.WriteHeader(http.StatusAccepted)
	})
	s.srv = &http.Server{Handler: mux}
	go s.srv.Serve(ln)
	return s, nil
}

// Addr is the value for AWS_LAMBDA_RUNTIME_API.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops serving.
func (s *Server) Close() error { return s.srv.Close() }

// ErrFunction reports that the function returned an error; its body is
// the error document.
var ErrFunction = errors.New("function returned an error")

// Invoke sends payload to the function and waits for its response, for at
// most timeout (which is also the deadline the function sees).
func (s *Server) Invoke(ctx context.Context, payload []byte, timeout time.Duration) ([]byte, error) {
	s.mu.Lock()
	s.seq++
	inv := &invocation{id: "invocation-" + strconv.Itoa(s.seq), payload: payload,
		deadline: time.Now().Add(timeout), done: make(chan result, 1)}
	s.mu.Unlock()
	ctx, cancel := context.WithDeadline(ctx, inv.deadline.Add(time.Second))
	defer cancel()
	select {
	case s.pending <- inv:
	case msg := <-s.initErr:
		return nil, fmt.Errorf("function failed to start: %s", msg)
	case <-ctx.Done():
		return nil, fmt.Errorf("function did not ask for an invocation: %w", ctx.Err())
	}
	select {
	case r := <-inv.done:
		if r.failed {
			return r.body, fmt.Errorf("%w: %s", ErrFunction, strings.TrimSpace(string(r.body)))
		}
		return r.body, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("no response: %w", ctx.Err())
	}
}

// Ready is closed when the function first asks for an invocation, that
// is, when its initialisation (everything main does before lambda.Start
// polls) is over.
func (s *Server) Ready() <-chan struct{} { return s.ready }

func (s *Server) next(w http.ResponseWriter, r *http.Request) {
	s.readyOnce.Do(func() { close(s.ready) })
	select {
	case inv := <-s.pending:
		s.mu.Lock()
		s.running[inv.id] = inv
		s.mu.Unlock()
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(inv.deadline.UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:000000000000:function:local")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (s *Server) finish(failed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		s.mu.Lock()
		inv := s.running[id]
		delete(s.running, id)
		s.mu.Unlock()
		if inv == nil {
			http.Error(w, `{"errorMessage":"unknown invocation"}`, http.StatusBadRequest)
			return
		}
		b, _ := io.ReadAll(r.Body)
		inv.done <- result{body: b, failed: failed}
		w.WriteHeader(http.StatusAccepted)
	}
}

// Process is a function binary running against its own Server.
type Process struct {
	*Server
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	out  bytes.Buffer
}

// Run starts the function binary with environment env (plus
// AWS_LAMBDA_RUNTIME_API). Its output is kept (see Output) and, when out is
// not nil, copied to out.
func Run(binary string, env []string, out io.Writer) (*Process, error) {
	s, err := Start()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(binary)
	cmd.Env = append(env, "AWS_LAMBDA_RUNTIME_API="+s.Addr())
	p := &Process{Server: s, cmd: cmd, done: make(chan struct{})}
	var w io.Writer = (*processOutput)(p)
	if out != nil {
		w = io.MultiWriter(w, out)
	}
	cmd.Stdout, cmd.Stderr = w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		s.Close()
		return nil, fmt.Errorf("start %s: %w", binary, err)
	}
	go func() {
		cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Output returns what the process has printed so far.
func (p *Process) Output() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return bytes.Clone(p.out.Bytes())
}

type processOutput Process

func (o *processOutput) Write(b []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.out.Write(b)
}

// Stop ends the process, by its PID, and the server.
func (p *Process) Stop() {
	_ = p.cmd.Process.Kill()
	<-p.done
	p.Server.Close()
}
