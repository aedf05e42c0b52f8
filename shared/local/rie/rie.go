// Package rie runs a function's deployed binary under the AWS Lambda Runtime
// Interface Emulator, the component `sam local invoke` and `sam local
// start-api` run inside their container: the emulator starts the bootstrap,
// serves it the Runtime API and turns an HTTP POST into one invocation. What
// passes here passes under SAM, short of Docker itself.
//
// The emulator is built from its Go module (Install). A linux/arm64
// bootstrap, as the stack deploys it, runs natively on arm64 and through
// qemu-aarch64 user emulation elsewhere when that is installed; without it,
// Install's caller builds the bootstrap for this machine with the deploy's
// flags instead (see BootstrapArch).
package rie

import (
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// Module and Version name the emulator's Go module as the module proxy
// serves it.
const (
	Module  = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	Version = "v0.0.0-20261030222936-bef5c4ba774d"
)

// CacheDir is where the emulator's binary is kept between runs, for every
// checkout of this machine: policylens/rie-<Version> in the user's cache
// directory, or bin under root when there is none.
func CacheDir(root string) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		return filepath.Join(root, "bin")
	}
	return filepath.Join(dir, "policylens", "rie-"+Version)
}

// Install builds the emulator into dir (once; an existing binary is kept)
// and returns its path. Several processes may install into the same dir at
// once: each builds into a directory of its own and renames the binary into
// place, so none ever sees a partly written one.
func Install(ctx context.Context, dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(abs, "aws-lambda-rie")
	if st, err := os.Stat(bin); err == nil && st.Mode()&0o111 != 0 {
		return bin, nil
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(abs, ".install-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), "install", Module+"@"+Version)
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	cmd.Dir = os.TempDir()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build the Lambda Runtime Interface Emulator (%s@%s): %v\n%s", Module, Version, err, out)
	}
	if err := os.Rename(filepath.Join(tmp, "aws-lambda-rie"), bin); err != nil {
		return "", err
	}
	return bin, nil
}

// Emulator is a running emulator with one function.
type Emulator struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
	mu   sync.Mutex
	out  bytes.Buffer
	tee  io.Writer
}

// Options configure Start.
type Options struct {
	// Env is the function's environment (KEY=VALUE), as the stack or
	// env.json sets it; the emulator passes it on to the bootstrap.
	Env []string
	// Timeout is the function's timeout (AWS_LAMBDA_FUNCTION_TIMEOUT).
	Timeout time.Duration
	// MemoryMB is the function's memory size (AWS_LAMBDA_FUNCTION_MEMORY_SIZE).
	MemoryMB int
	// Output, when set, receives the emulator's and the function's output
	// as it comes.
	Output io.Writer
}

// Start runs bootstrap under the emulator at rieBin, on free loopback ports.
func Start(ctx context.Context, rieBin, bootstrap string, opt Options) (*Emulator, error) {
	bootstrap, err := filepath.Abs(bootstrap)
	if err != nil {
		return nil, err
	}
	argv, err := command(bootstrap)
	if err != nil {
		return nil, err
	}
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	addr := "127.0.0.1:" + strconv.Itoa(ports[0])
	args := append([]string{"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", "127.0.0.1:" + strconv.Itoa(ports[1])}, argv...)
	cmd := exec.Command(rieBin, args...)
	cmd.Dir = filepath.Dir(bootstrap)
	env := append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.TempDir(), "LOG_LEVEL=warn"}, opt.Env...)
	if opt.Timeout > 0 {
		env = append(env, "AWS_LAMBDA_FUNCTION_TIMEOUT="+strconv.Itoa(int(opt.Timeout.Seconds())))
	}
	if opt.MemoryMB > 0 {
		env = append(env, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE="+strconv.Itoa(opt.MemoryMB))
	}
	cmd.Env = env
	e := &Emulator{url: "http://" + addr + "/2015-03-31/functions/function/invocations", cmd: cmd, done: make(chan struct{}), tee: opt.Output}
	cmd.Stdout, cmd.Stderr = (*output)(e), (*output)(e)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	go func() {
		cmd.Wait()
		close(e.done)
	}()
	if err := e.waitListening(ctx, addr); err != nil {
		e.Stop()
		return nil, err
	}
	return e, nil
}

// command is how the emulator starts bootstrap: directly, or through
// qemu-aarch64 when it is a linux/arm64 binary on another machine.
func command(bootstrap string) ([]string, error) {
	arch, err := BootstrapArch(bootstrap)
	if err != nil {
		return nil, err
	}
	if arch == runtime.GOARCH {
		return []string{bootstrap}, nil
	}
	if arch == "arm64" {
		if q := Qemu(); q != "" {
			return []string{q, bootstrap}, nil
		}
	}
	return nil, fmt.Errorf("%s is a linux/%s binary and this machine runs %s: install qemu-user-static (qemu-aarch64) or build the bootstrap for this machine", bootstrap, arch, runtime.GOARCH)
}

// Qemu returns the path of the qemu-aarch64 user-mode emulator, or "" when
// none is installed.
func Qemu() string {
	for _, name := range []string{"qemu-aarch64-static", "qemu-aarch64"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// CanRun reports whether a bootstrap for linux/arch can run here.
func CanRun(arch string) bool {
	return runtime.GOOS == "linux" && (arch == runtime.GOARCH || arch == "arm64" && Qemu() != "")
}

// BootstrapArch returns the Go architecture of a linux ELF executable.
func BootstrapArch(path string) (string, error) {
	f, err := elf.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s is not a Lambda bootstrap (a linux executable): %w", path, err)
	}
	defer f.Close()
	switch f.Machine {
	case elf.EM_AARCH64:
		return "arm64", nil
	case elf.EM_X86_64:
		return "amd64", nil
	}
	return "", fmt.Errorf("%s is built for %v", path, f.Machine)
}

func (e *Emulator) waitListening(ctx context.Context, addr string) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-e.done:
			return fmt.Errorf("the emulator stopped: %s", e.Output())
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			c.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("the emulator did not listen on %s within 10s: %s", addr, e.Output())
}

// ErrFunction reports an invocation that ended in a function error: the
// response body is the error document.
var ErrFunction = errors.New("function error")

// Invoke sends payload to the function, as `sam local invoke -e` does, and
// returns the function's response.
func (e *Emulator) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.url, bytes.NewReader(payload))
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("invoke: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return body, fmt.Errorf("invoke: emulator answered %s: %s", resp.Status, bytes.TrimSpace(body))
	}
	if resp.Header.Get("X-Amz-Function-Error") != "" || bytes.HasPrefix(body, []byte(`{"errorMessage"`)) {
		return body, fmt.Errorf("%w: %s", ErrFunction, bytes.TrimSpace(body))
	}
	return body, nil
}

// Output returns what the emulator and the function printed so far.
func (e *Emulator) Output() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.out.String()
}

type output Emulator

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tee != nil {
		o.tee.Write(p)
	}
	return o.out.Write(p)
}

// Stop ends the emulator and the function, by process group.
func (e *Emulator) Stop() {
	if e.cmd.Process != nil {
		_ = syscall.Kill(-e.cmd.Process.Pid, syscall.SIGKILL)
	}
	<-e.done
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
