package isolate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/local/fixture"
)

// The test binary is its own worker: these registrations serve requests
// when Run re-executes it.
func init() {
	Worker("test-upper", func(in []byte) ([]byte, error) {
		fmt.Println("noise on stdout must not reach the result")
		return bytes.ToUpper(in), nil
	})
	Worker("test-fail", func(in []byte) ([]byte, error) {
		return nil, errors.New("refused: " + string(in))
	})
	Worker("test-panic", func(in []byte) ([]byte, error) {
		var m map[string]int
		m["boom"]++ // nil map write: a runtime panic
		return nil, nil
	})
	Worker("test-spin", func(in []byte) ([]byte, error) {
		for {
		}
	})
	Worker("test-alloc", func(in []byte) ([]byte, error) {
		var keep [][]byte
		for i := 0; i < 64; i++ { // up to 1 GB, touched
			b := make([]byte, 16<<20)
			for k := range b {
				if k%4096 == 0 {
					b[k] = 1
				}
			}
			keep = append(keep, b)
			time.Sleep(time.Millisecond)
		}
		return []byte(fmt.Sprint(len(keep))), nil
	})
	Worker("test-recurse", func(in []byte) ([]byte, error) {
		return []byte(fmt.Sprint(recurse(1))), nil
	})
	Worker("test-env", func(in []byte) ([]byte, error) {
		return []byte(os.Getenv(envWorker)), nil
	})
}

func recurse(n int) int {
	var pad [256]byte
	pad[n%256] = byte(n)
	return recurse(n+1) + int(pad[0])
}

func TestRun(t *testing.T) {
	tests := []struct {
		name    string
		worker  string
		in      string
		lim     Limits
		want    string
		wantErr error
		crash   bool
		msg     string
		maxTime time.Duration
	}{
		{name: "result", worker: "test-upper", in: "hello", want: "HELLO"},
		{name: "empty input", worker: "test-upper", in: "", want: ""},
		{name: "worker error", worker: "test-fail", in: "x", msg: "refused: x"},
		{name: "panic", worker: "test-panic", crash: true, msg: "assignment to entry in nil map"},
		{name: "stack overflow", worker: "test-recurse", crash: true, msg: "stack"},
		{name: "endless loop", worker: "test-spin", lim: Limits{Timeout: 300 * time.Millisecond}, wantErr: ErrTimeout, maxTime: 3 * time.Second},
		{name: "memory", worker: "test-alloc", lim: Limits{Timeout: 20 * time.Second, MaxMemory: 96 << 20}, wantErr: ErrMemory, maxTime: 15 * time.Second},
		{name: "worker name", worker: "test-env", want: "test-env"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			got, err := Run(context.Background(), tt.worker, []byte(tt.in), tt.lim)
			if tt.maxTime > 0 && time.Since(start) > tt.maxTime {
				t.Errorf("took %v, want under %v", time.Since(start), tt.maxTime)
			}
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
			case tt.crash:
				var ce *CrashError
				if !errors.As(err, &ce) {
					t.Fatalf("err = %v, want a CrashError", err)
				}
				if !strings.Contains(ce.Stderr, tt.msg) {
					t.Errorf("stderr = %q, want it to mention %q", ce.Stderr, tt.msg)
				}
			case tt.msg != "":
				var we *WorkerError
				if !errors.As(err, &we) || we.Msg != tt.msg {
					t.Fatalf("err = %v, want WorkerError %q", err, tt.msg)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if string(got) != tt.want {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			}
		})
	}
}

func TestRunContext(t *testing.T) {
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(200*time.Millisecond, cancel)
		start := time.Now()
		_, err := Run(ctx, "test-spin", nil, Limits{Timeout: time.Minute})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("cancellation took %v", time.Since(start))
		}
	})
	t.Run("context deadline before timeout", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		defer cancel()
		_, err := Run(ctx, "test-spin", nil, Limits{Timeout: time.Minute})
		if !errors.Is(err, context.DeadlineExceeded) || errors.Is(err, ErrTimeout) {
			t.Fatalf("err = %v, want context.DeadlineExceeded only", err)
		}
	})
	t.Run("already cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Run(ctx, "test-upper", []byte("x"), Limits{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestUnknownWorker(t *testing.T) {
	// A child started for a name nobody registered would run main instead.
	_, err := Run(context.Background(), "no-such-worker", nil, Limits{Timeout: 30 * time.Second})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}

// A request in parts arrives whole; a large response comes back whole, in
// one buffer of its size, and one over MaxOutput is refused.
func TestRunPartsAndLargeResponses(t *testing.T) {
	out, err := RunParts(context.Background(), "test-upper", Limits{Timeout: 10 * time.Second}, []byte("ab"), nil, []byte("cd"))
	if err != nil || string(out) != "ABCD" {
		t.Fatalf("RunParts = %q, %v; want ABCD", out, err)
	}
	big := bytes.Repeat([]byte("policy "), 3<<20) // 21 MB
	out, err = Run(context.Background(), "test-upper", big, Limits{Timeout: 20 * time.Second})
	if err != nil || !bytes.Equal(out, bytes.ToUpper(big)) || cap(out) != len(out) {
		t.Fatalf("21 MB round trip: %d bytes (cap %d), %v", len(out), cap(out), err)
	}
	if _, err := Run(context.Background(), "test-upper", big, Limits{Timeout: 20 * time.Second, MaxOutput: 1 << 20}); err == nil || !strings.Contains(err.Error(), "response too large") {
		t.Errorf("over MaxOutput: err = %v", err)
	}
}

func init() {
	Worker("test-pid", func(in []byte) ([]byte, error) {
		if len(in) > 0 {
			fmt.Fprintf(os.Stderr, "log line %s\n", in)
		}
		return []byte(strconv.Itoa(os.Getpid())), nil
	})
	Worker("test-pid-fail", func(in []byte) ([]byte, error) {
		return nil, fmt.Errorf("refused by %d", os.Getpid())
	})
	Worker("test-burn", func(in []byte) ([]byte, error) {
		// 30 ms of CPU time, however busy the machine (a wall-time bound
		// where CPU time is not measured).
		start, end := cpuTime(), time.Now().Add(2*time.Second)
		n := 0
		for cpuTime()-start < 30*time.Millisecond && time.Now().Before(end) {
			n++
		}
		return []byte(strconv.Itoa(n)), nil
	})
}

// pidOf calls the test-pid worker and returns the child's process ID.
func pidOf(t *testing.T, worker string, lim Limits) int {
	t.Helper()
	out, err := Run(context.Background(), worker, nil, lim)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(string(out))
	if err != nil {
		t.Fatalf("response %q: %v", out, err)
	}
	return pid
}

// A child that answered serves the next call; one that failed to answer
// (time limit, crash) is replaced; children of different memory limits
// are apart; with POLICYLENS_ISOLATE_REUSE=off every call starts its own.
func TestChildrenAreReused(t *testing.T) {
	lim := Limits{Timeout: 20 * time.Second}
	first := pidOf(t, "test-pid", lim)
	if again := pidOf(t, "test-pid", lim); again != first {
		t.Errorf("second call ran in process %d, want the first call's %d", again, first)
	}
	if other := pidOf(t, "test-pid", Limits{Timeout: 20 * time.Second, MaxMemory: 512 << 20}); other == first {
		t.Errorf("a call with another memory limit ran in the same process %d", other)
	}

	// A worker error is an answer: the child stays.
	_, err := Run(context.Background(), "test-pid-fail", nil, lim)
	var we *WorkerError
	if !errors.As(err, &we) {
		t.Fatalf("err = %v, want a WorkerError", err)
	}
	_, err = Run(context.Background(), "test-pid-fail", nil, lim)
	var we2 *WorkerError
	if !errors.As(err, &we2) || we2.Msg != we.Msg {
		t.Errorf("second refusal %v, want %q from the same process", err, we.Msg)
	}

	// A child killed while it waits is replaced without the caller
	// noticing.
	if err := syscall.Kill(first, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	if pid := pidOf(t, "test-pid", lim); pid == first {
		t.Errorf("call after the kill ran in the killed process %d", pid)
	}

	t.Setenv(envReuse, "off")
	a, b := pidOf(t, "test-pid", lim), pidOf(t, "test-pid", lim)
	if a == b {
		t.Errorf("with %s=off two calls ran in the same process %d", envReuse, a)
	}
	if err := syscall.Kill(a, 0); err == nil {
		t.Errorf("with %s=off the child %d is still running after its call", envReuse, a)
	}
}

// After a call that ends in a time limit, a crash or a cancellation, the
// next call gets a working child.
func TestFailedCallsDoNotPoisonThePool(t *testing.T) {
	lim := Limits{Timeout: 20 * time.Second}
	before := pidOf(t, "test-pid", lim)
	for _, fail := range []struct {
		worker string
		lim    Limits
	}{
		{"test-spin", Limits{Timeout: 200 * time.Millisecond}},
		{"test-panic", lim},
		{"test-recurse", lim},
	} {
		if _, err := Run(context.Background(), fail.worker, nil, fail.lim); err == nil {
			t.Fatalf("%s: no error", fail.worker)
		}
		if _, err := Run(context.Background(), fail.worker, nil, fail.lim); err == nil {
			t.Fatalf("%s again: no error", fail.worker)
		}
	}
	if after := pidOf(t, "test-pid", lim); after != before {
		t.Errorf("test-pid moved from process %d to %d though its own calls all answered", before, after)
	}
	out, err := Run(context.Background(), "test-upper", []byte("still fine"), lim)
	if err != nil || string(out) != "STILL FINE" {
		t.Fatalf("after failures: %q, %v", out, err)
	}
}

// Concurrent calls each get a child of their own and their own result;
// at most maxIdle children wait afterwards.
func TestConcurrentCalls(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 6; i++ {
				in := fmt.Sprintf("call %d.%d", g, i)
				out, err := Run(context.Background(), "test-upper", []byte(in), Limits{Timeout: 30 * time.Second})
				if err != nil {
					errs <- err
					return
				}
				if string(out) != strings.ToUpper(in) {
					errs <- fmt.Errorf("%s: got %q", in, out)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	pool.Lock()
	n := len(pool.idle[poolKey{name: "test-upper"}])
	pool.Unlock()
	if n > maxIdle {
		t.Errorf("%d children wait, want at most %d", n, maxIdle)
	}
}

// Each call's Limits.Stderr gets that call's log lines only, and
// WorkerCPU counts the CPU time of calls served by kept children.
func TestStderrAndCPUPerCall(t *testing.T) {
	lim := Limits{Timeout: 20 * time.Second}
	var one, two fixture.Buffer
	// The child writes its log line before its result; the pipe's copy
	// may trail the result by a moment.
	waitFor := func(b *fixture.Buffer, line string) {
		for end := time.Now().Add(10 * time.Second); !strings.Contains(b.String(), line) && time.Now().Before(end); {
			time.Sleep(5 * time.Millisecond)
		}
	}
	lim.Stderr = &one
	if _, err := Run(context.Background(), "test-pid", []byte("one"), lim); err != nil {
		t.Fatal(err)
	}
	waitFor(&one, "log line one")
	lim.Stderr = &two
	if _, err := Run(context.Background(), "test-pid", []byte("two"), lim); err != nil {
		t.Fatal(err)
	}
	waitFor(&two, "log line two")
	if !strings.Contains(one.String(), "log line one") || strings.Contains(one.String(), "two") {
		t.Errorf("first call's stderr %q", one.String())
	}
	if !strings.Contains(two.String(), "log line two") || strings.Contains(two.String(), "one") {
		t.Errorf("second call's stderr %q", two.String())
	}

	if cpuTime() == 0 {
		t.Skip("CPU time is not measured here")
	}
	before := WorkerCPU()
	for i := 0; i < 3; i++ {
		if _, err := Run(context.Background(), "test-burn", nil, Limits{Timeout: 20 * time.Second}); err != nil {
			t.Fatal(err)
		}
	}
	if got := WorkerCPU() - before; got < 60*time.Millisecond {
		t.Errorf("WorkerCPU grew by %v over three calls that each burn 30 ms of CPU", got)
	}
}
