package devstack

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
)

func startStack(t *testing.T) *Stack {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	st, err := Start(ctx, Options{})
	if errors.Is(err, motoserver.ErrNotInstalled) {
		t.Fatalf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestStackIngestsUploadsAndServesThem(t *testing.T) {
	st := startStack(t)
	defer st.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	dir := t.TempDir()
	good := filepath.Join(dir, "acme privacy.txt")
	os.WriteFile(good, []byte("Acme Privacy Policy\n\n1. Data We Collect\n\nWe collect your email address when you register.\n"), 0o600)
	bad := filepath.Join(dir, "logo.txt")
	os.WriteFile(bad, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00"), 0o600)
	if err := st.Upload(ctx, good, bad); err != nil {
		t.Fatal(err)
	}
	ids, err := st.WaitSettled(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	status := map[string]string{}
	for _, id := range ids {
		body, err := st.Get(ctx, "/policies/"+id)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Key, Status, Reason string
		}
		if err := json.Unmarshal(body, &p); err != nil {
			t.Fatal(err)
		}
		status[p.Key] = p.Status
		if p.Key == "logo.txt" && !strings.Contains(strings.ToLower(p.Reason), "png") {
			t.Errorf("reason for the image %q does not say what it is", p.Reason)
		}
	}
	if status["acme privacy.txt"] != "READY" || status["logo.txt"] != "FAILED" {
		t.Errorf("statuses %v", status)
	}
	body, err := st.Get(ctx, "/policies/"+ids[0]+"/clauses")
	if err != nil || !strings.Contains(string(body), `"items"`) {
		t.Errorf("clauses: %v %s", err, body)
	}
}

func TestCloseStopsEverything(t *testing.T) {
	st := startStack(t)
	pid, api := st.MotoPID, strings.TrimPrefix(st.API, "http://")
	st.Close()
	st.Close() // idempotent
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("emulator pid %d still running after Close", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if c, err := net.DialTimeout("tcp", api, time.Second); err == nil {
		c.Close()
		t.Errorf("API %s still accepts connections after Close", api)
	}
}

func TestStartFailsClearlyOnBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	for _, opt := range []Options{{APIPort: port}, {S3Port: port}} {
		_, err := Start(context.Background(), opt)
		if err == nil || !strings.Contains(err.Error(), "_PORT") {
			t.Errorf("Start(%+v) = %v; want an error naming the variable to change", opt, err)
		}
	}
}

// TestMakefileDefaultsMatch keeps the Makefile's defaults for make dev and
// make upload in step with the code.
func TestMakefileDefaultsMatch(t *testing.T) {
	mk, err := os.ReadFile(fixture.Path("Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"S3_PORT ?= " + strconv.Itoa(DefaultS3Port),
		"API_PORT ?= " + strconv.Itoa(DefaultAPIPort),
		"BUCKET ?= " + provision.LocalNames().Bucket,
	} {
		if !strings.Contains(string(mk), "\n"+want+"\n") {
			t.Errorf("Makefile lacks the line %q", want)
		}
	}
}
