package isolate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"
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
