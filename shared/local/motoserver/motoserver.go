// Package motoserver starts and stops moto_server, the AWS emulator the
// integration tests and the local development system run against. The
// server listens on 127.0.0.1 only, in a process group of its own, and is
// stopped by its process id.
package motoserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Install says how to install moto_server.
const Install = `pip install "moto[server]"`

// ErrNotInstalled reports that moto_server is not on the PATH.
var ErrNotInstalled = errors.New("moto_server is not installed (or not on PATH); install it with: " + Install)

// Region and credentials the emulator accepts; any values work, these are
// the conventional ones.
const (
	Region    = "us-east-1"
	AccessKey = "test"
	SecretKey = "test"
)

// Server is a running moto_server.
type Server struct {
	// URL is the endpoint, http://127.0.0.1:<port>.
	URL  string
	Port int

	cmd    *exec.Cmd
	writes *writeSerializer
	out    *syncBuffer
	done   chan struct{}
	once   sync.Once
	err    error
}

// Options configure Start.
type Options struct {
	// Port to listen on; 0 picks a free one.
	Port int
	// Program is the command to run; empty means "moto_server" on PATH.
	Program string
	// Ready bounds the wait for the server to answer.
	Ready time.Duration
	// Output, when set, receives the server's output as well.
	Output io.Writer
}

// Start runs moto_server and waits until it answers. The server runs
// until Stop, or until ctx is done.
func Start(ctx context.Context, opt Options) (*Server, error) {
	prog := opt.Program
	if prog == "" {
		prog = "moto_server"
	}
	path, err := exec.LookPath(prog)
	if err != nil {
		return nil, ErrNotInstalled
	}
	if opt.Ready <= 0 {
		opt.Ready = 60 * time.Second
	}
	// A port picked free can be taken before the server binds it: try a
	// few times.
	for attempt := 0; ; attempt++ {
		port := opt.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, err
			}
		}
		s, err := start(ctx, path, port, opt)
		if err == nil || opt.Port != 0 || attempt == 2 {
			return s, err
		}
	}
}

func start(ctx context.Context, path string, port int, opt Options) (*Server, error) {
	s := &Server{URL: "http://127.0.0.1:" + strconv.Itoa(port), Port: port, out: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(path, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto writes S3 event times in its local time without a zone; in UTC,
	// as AWS writes them, they mean the same on every machine.
	s.cmd.Env = append(os.Environ(), "TZ=UTC")
	var w io.Writer = s.out
	if opt.Output != nil {
		w = io.MultiWriter(s.out, opt.Output)
	}
	s.cmd.Stdout = w
	s.cmd.Stderr = w
	// Its own process group, so that Stop reaches anything it spawns; and
	// killed if this process dies without stopping it (a test that panics).
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start moto_server: %w", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	go func() {
		select {
		case <-ctx.Done():
			s.Stop()
		case <-s.done:
		}
	}()
	if err := s.wait(ctx, opt.Ready); err != nil {
		s.Stop()
		return nil, err
	}
	proxy, err := startWriteSerializer(s.URL)
	if err != nil {
		s.Stop()
		return nil, fmt.Errorf("start the DynamoDB write proxy: %w", err)
	}
	s.writes = proxy
	return s, nil
}

// wait polls the server until it answers HTTP.
func (s *Server) wait(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: time.Second}
	for {
		resp, err := client.Get(s.URL + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		select {
		case <-s.done:
			return fmt.Errorf("moto_server exited before it was ready (%v); its output:\n%s", s.err, s.out.String())
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("moto_server did not answer on %s within %v; its output:\n%s", s.URL, limit, s.out.String())
		}
	}
}

// PID returns the process id of the server.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Output returns what the server has printed.
func (s *Server) Output() string { return s.out.String() }

// Stop stops the server: SIGTERM to its process group, SIGKILL if it has
// not exited after five seconds. It is safe to call more than once.
func (s *Server) Stop() {
	s.once.Do(func() {
		if s.writes != nil {
			s.writes.close()
		}
		pid := s.cmd.Process.Pid
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-s.done
		}
	})
}

// Env returns the environment variables that point the AWS SDK (and the
// aws CLI) at the server: the endpoint (DynamoDB's through the proxy that
// makes its writes atomic), a region and dummy credentials.
func (s *Server) Env() map[string]string {
	dynamo := s.URL
	if s.writes != nil {
		dynamo = s.writes.URL()
	}
	return map[string]string{
		"AWS_ENDPOINT_URL":          s.URL,
		"AWS_ENDPOINT_URL_DYNAMODB": dynamo,
		"AWS_REGION":                Region,
		"AWS_DEFAULT_REGION":        Region,
		"AWS_ACCESS_KEY_ID":         AccessKey,
		"AWS_SECRET_ACCESS_KEY":     SecretKey,
	}
}

// SetEnv sets the variables of Env in this process.
func (s *Server) SetEnv() error {
	for k, v := range s.Env() {
		if err := os.Setenv(k, v); err != nil {
			return err
		}
	}
	// Profiles and real credentials must not leak into the emulator.
	os.Unsetenv("AWS_SESSION_TOKEN")
	os.Unsetenv("AWS_PROFILE")
	return nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// syncBuffer collects the server's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b.Len() > 1<<20 {
		// Keep memory bounded on a long run: the start is what explains a
		// failure to start.
		return len(p), nil
	}
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// Lazy starts a server the first time it is needed, for test packages
// whose unit tests should run without one:
//
//	var moto motoserver.Lazy
//
//	func TestMain(m *testing.M) {
//		code := m.Run()
//		moto.Stop()
//		os.Exit(code)
//	}
//
// A test that needs the emulator calls moto.Get, which also points the
// SDK's environment variables at it.
type Lazy struct {
	mu  sync.Mutex
	srv *Server
	err error
}

// Get returns the server, starting it on first use.
func (l *Lazy) Get() (*Server, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv == nil && l.err == nil {
		l.srv, l.err = Start(context.Background(), Options{})
		if l.err == nil {
			l.err = l.srv.SetEnv()
		}
	}
	return l.srv, l.err
}

// Stop stops the server if it was started.
func (l *Lazy) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.srv != nil {
		l.srv.Stop()
	}
}
