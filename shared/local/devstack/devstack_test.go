package devstack

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/topology"
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

// What was uploaded survives a stop: the next start restores the bucket
// from the state directory and ingests it again; a fresh start forgets it.
func TestStackKeepsUploadsAcrossRestarts(t *testing.T) {
	state := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	var files []string
	for i, text := range []string{"We collect your email address when you register.", "We keep order records for six years."} {
		f := filepath.Join(dir, fmt.Sprintf("policy-%d.txt", i))
		os.WriteFile(f, []byte("Privacy Policy\n\n"+text+"\n"), 0o600)
		files = append(files, f)
	}
	start := func(fresh bool) *Stack {
		t.Helper()
		st, err := Start(ctx, Options{StateDir: state, Fresh: fresh})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	st := start(false)
	if st.Restored != 0 {
		t.Errorf("restored %d objects from an empty state directory", st.Restored)
	}
	if err := st.Upload(ctx, files...); err != nil {
		t.Fatal(err)
	}
	before, err := st.WaitSettled(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = start(false)
	if st.Restored != 2 {
		t.Errorf("restored %d objects, want 2", st.Restored)
	}
	after, err := st.WaitSettled(ctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(before)
	slices.Sort(after)
	if !slices.Equal(before, after) {
		t.Errorf("policies after the restart %v, want %v", after, before)
	}
	for _, id := range after {
		body, err := st.Get(ctx, "/policies/"+id)
		if err != nil || !strings.Contains(string(body), `"READY"`) {
			t.Errorf("%s after the restart: %v %s", id, err, body)
		}
	}
	st.Close()

	st = start(true)
	defer st.Close()
	if st.Restored != 0 {
		t.Errorf("a fresh start restored %d objects", st.Restored)
	}
	if body, err := st.Get(ctx, "/policies"); err != nil || strings.Contains(string(body), `"id"`) {
		t.Errorf("a fresh start lists %s (%v)", body, err)
	}
}

// The functions run as in Lambda, with their configured memory: ingest
// splits it between the handler and the analysis worker as it would in
// AWS.
func TestFunctionsRunWithTheirMemory(t *testing.T) {
	out := &fixture.Buffer{}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := Start(ctx, Options{Ingest: topology.Function{MemoryMB: 700, TimeoutSeconds: 60}, FunctionOutput: out})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := filepath.Join(t.TempDir(), "p.txt")
	os.WriteFile(f, []byte("Privacy Policy\n\nWe collect your email address.\n"), 0o600)
	if err := st.Upload(ctx, f); err != nil {
		t.Fatal(err)
	}
	if _, err := st.WaitSettled(ctx, 1); err != nil {
		t.Fatal(err)
	}
	worker := topology.WorkerMemory(700, policy.DefaultMaxBytes, policy.DefaultMaxMemory) >> 20
	if want := fmt.Sprintf(`"functionMemoryMB":"700","handlerMemoryMB":%d,"workerMemoryMB":%d`,
		topology.HandlerMemory(policy.DefaultMaxBytes)>>20, worker); !strings.Contains(out.String(), want) {
		t.Errorf("the ingest function did not start with 700 MB (want %s):\n%s", want, out.String())
	}
}

// A new version that differs from the previous one sends a change event,
// which the rule on the local bus delivers to the changes queue, where
// FollowChanges prints it; the path it names serves the report.
func TestChangeEventsAreFollowed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	st, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	f := filepath.Join(t.TempDir(), "acme.txt")
	for i, text := range []string{"We keep order records for six years.", "We keep order records for ten years and then erase them."} {
		os.WriteFile(f, []byte("Acme Privacy Policy\n\nWe collect your email address when you register.\n\n"+text+"\n"), 0o600)
		if err := st.Upload(ctx, f); err != nil {
			t.Fatal(err)
		}
		ids, err := st.WaitSettled(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		for {
			body, err := st.Get(ctx, "/policies/"+ids[0]+"/versions")
			if err == nil && strings.Count(string(body), `"version"`) == i+1 {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("version %d never listed: %s %v", i+1, body, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	fctx, stop := context.WithCancel(ctx)
	defer stop()
	r, w := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- FollowChanges(fctx, st.S3Endpoint, w, false); w.Close() }()
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	stop()
	go io.Copy(io.Discard, r)
	if err := <-done; err != nil {
		t.Errorf("FollowChanges: %v", err)
	}
	if !strings.Contains(line, "Policy Changed: acme-txt-") || !strings.Contains(line, "(acme.txt)") || !strings.Contains(line, "1 modified") {
		t.Errorf("printed %q", line)
	}
	_, path, ok := strings.Cut(strings.TrimSpace(line), "; GET ")
	if !ok {
		t.Fatalf("no path in %q", line)
	}
	body, err := st.Get(ctx, path)
	if err != nil || !strings.Contains(string(body), `"modified":1`) || !strings.Contains(string(body), "ten years") {
		t.Errorf("GET %s: %v %s", path, err, body)
	}
}
