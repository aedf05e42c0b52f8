package runtimeapi

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

// work is what the test function is asked to do.
type work struct {
	SleepMs int  `json:"sleepMs"`
	AllocMB int  `json:"allocMB"`
	Fail    bool `json:"fail"`
}

type reply struct {
	PID      int    `json:"pid"`
	MemoryMB string `json:"memoryMB"`
	Deadline int64  `json:"deadlineMs"`
}

func init() {
	Serve("test-function", func() error {
		var keep [][]byte
		lambda.Start(func(ctx context.Context, w work) (reply, error) {
			if w.Fail {
				return reply{}, errors.New("asked to fail")
			}
			for range w.AllocMB {
				b := make([]byte, 1<<20)
				for i := range b {
					b[i] = 1 // resident, not only reserved
				}
				keep = append(keep, b)
			}
			runtime.KeepAlive(keep)
			time.Sleep(time.Duration(w.SleepMs) * time.Millisecond)
			d, _ := ctx.Deadline()
			return reply{PID: os.Getpid(), MemoryMB: os.Getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"), Deadline: d.UnixMilli()}, nil
		})
		return nil
	})
}

func invoke(t *testing.T, s *Sandbox, w work) (reply, error) {
	t.Helper()
	payload, _ := json.Marshal(w)
	out, err := s.Invoke(context.Background(), payload)
	var r reply
	if err == nil {
		if err := json.Unmarshal(out, &r); err != nil {
			t.Fatalf("response %s: %v", out, err)
		}
	}
	return r, err
}

// Invocations run in a process of their own that lives from one invocation
// to the next; one that runs out of time or memory is killed, fails, and
// the next invocation gets a new process.
func TestSandboxEnforcesTimeoutAndMemory(t *testing.T) {
	s, err := NewSandbox("test-function", 160, 2*time.Second, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	first, err := invoke(t, s, work{})
	if err != nil {
		t.Fatal(err)
	}
	if first.MemoryMB != "160" || first.Deadline < start.Add(time.Second).UnixMilli() || first.Deadline > time.Now().Add(2*time.Second).UnixMilli() {
		t.Errorf("the function saw memory %q and deadline %v", first.MemoryMB, time.UnixMilli(first.Deadline))
	}
	warm, err := invoke(t, s, work{})
	if err != nil || warm.PID != first.PID {
		t.Errorf("second invocation: pid %d (first %d), %v; want the same process", warm.PID, first.PID, err)
	}
	if _, err := invoke(t, s, work{Fail: true}); !errors.Is(err, ErrFunction) {
		t.Errorf("a function error: %v, want ErrFunction", err)
	}

	start = time.Now()
	if _, err := invoke(t, s, work{SleepMs: 5000}); !errors.Is(err, ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("an invocation over the timeout: %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the timed-out invocation took %v", d)
	}
	if err := syscall.Kill(first.PID, 0); err == nil {
		t.Errorf("process %d still runs after its invocation timed out", first.PID)
	}
	after, err := invoke(t, s, work{})
	if err != nil || after.PID == first.PID {
		t.Errorf("after a timeout: pid %d, %v; want a new process", after.PID, err)
	}

	if _, err := invoke(t, s, work{AllocMB: 400, SleepMs: 3000}); !errors.Is(err, ErrOutOfMemory) {
		t.Errorf("an invocation over the memory: %v, want ErrOutOfMemory", err)
	}
	if r, err := invoke(t, s, work{AllocMB: 20}); err != nil || r.PID == after.PID {
		t.Errorf("after running out of memory: pid %d, %v; want a new process", r.PID, err)
	}
}

func TestSandboxUnknownFunction(t *testing.T) {
	if _, err := NewSandbox("no-such-function", 128, time.Second, nil, nil); err == nil {
		t.Error("a sandbox for a function this executable does not have")
	}
}
