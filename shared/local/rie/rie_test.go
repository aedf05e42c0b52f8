package rie_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/local/rie"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }

// Every sample event of events/ goes to the function it is for, built as
// the deployment builds it and run under the Lambda Runtime Interface
// Emulator with events/env.json's settings, against the emulated AWS of
// `make dev`: what `sam local invoke -e events/<file>.json --env-vars
// events/env.json` does.
func TestSampleEventsUnderTheEmulator(t *testing.T) {
	if testing.Short() {
		t.Skip("builds both functions and the emulator")
	}
	ctx := context.Background()
	root := fixture.Root()
	build := t.TempDir()
	emu, err := rie.Install(ctx, rie.CacheDir(t.TempDir()))
	if err != nil {
		t.Fatal(err)
	}
	boot := map[string]string{}
	for _, fn := range topology.Functions {
		if _, err := rie.Build(ctx, root, fn, build, "arm64"); err != nil {
			t.Fatal(err)
		}
		path, deployed, err := rie.Bootstrap(ctx, root, fn, build)
		if err != nil {
			t.Fatal(err)
		}
		if !deployed {
			t.Logf("%s: this machine cannot run linux/arm64 (no qemu-aarch64): testing the same build for this machine", fn.Name)
		}
		boot[fn.Name] = path
	}

	moto := motoserver.ForTest(t)
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl := provision.NewClients(cfg)
	res, err := provision.Create(ctx, cl, provision.LocalNames())
	if err != nil {
		t.Fatal(err)
	}
	// The object the sample S3 events name.
	var put events.S3Event
	if err := json.Unmarshal(fixture.Read(t, "events", "s3-put.json"), &put); err != nil {
		t.Fatal(err)
	}
	key, err := url.QueryUnescape(put.Records[0].S3.Object.Key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(res.Bucket), Key: aws.String(key),
		Body: bytes.NewReader(fixture.Read(t, "testdata", "aws", "privacy-policy-2025.txt"))}); err != nil {
		t.Fatal(err)
	}
	st := store.New(cl.DynamoDB, res.Table)
	id := s3event.PolicyID(res.Bucket, key)

	start := func(fn topology.Function) *rie.Emulator {
		env, err := rie.FunctionEnv(fixture.Path("events", "env.json"), fn.LogicalID, moto.Env()["AWS_ENDPOINT_URL"])
		if err != nil {
			t.Fatal(err)
		}
		e, err := rie.Start(ctx, emu, boot[fn.Name], rie.Options{Env: env, MemoryMB: fn.MemoryMB,
			Timeout: time.Duration(fn.TimeoutSeconds) * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Stop)
		return e
	}
	ingest, lookup := start(topology.Ingest), start(topology.Lookup)
	covered := map[string]bool{}
	invoke := func(e *rie.Emulator, file string) []byte {
		t.Helper()
		if rie.FunctionFor(file) == topology.Ingest && e != ingest || rie.FunctionFor(file) == topology.Lookup && e != lookup {
			t.Fatalf("%s is not an event for this function", file)
		}
		covered[file] = true
		out, err := e.Invoke(ctx, fixture.Read(t, "events", file))
		if err != nil {
			t.Fatalf("%s: %v\n%s", file, err, e.Output())
		}
		return out
	}
	status := func(file string) int {
		t.Helper()
		var resp events.APIGatewayV2HTTPResponse
		out := invoke(lookup, file)
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("%s: response %s: %v", file, out, err)
		}
		if ct := resp.Headers["Content-Type"]; !strings.Contains(ct, "json") || !json.Valid([]byte(resp.Body)) {
			t.Errorf("%s: %s body %q is not JSON", file, ct, resp.Body)
		}
		return resp.StatusCode
	}

	if out := invoke(ingest, "sqs-s3-put.json"); string(out) != `{"batchItemFailures":[]}` {
		t.Errorf("sqs-s3-put.json: response %s, want no failures\n%s", out, ingest.Output())
	}
	if p, err := st.Policy(ctx, id); err != nil || p.Status != policy.Ready || p.Clauses == 0 {
		t.Fatalf("the sample upload is not READY: %+v %v\n%s", p, err, ingest.Output())
	}
	if out := invoke(ingest, "s3-put.json"); string(out) != "null" {
		t.Errorf("s3-put.json: response %s, want null", out)
	}
	if out := invoke(ingest, "sqs-s3-test-event.json"); string(out) != `{"batchItemFailures":[]}` {
		t.Errorf("sqs-s3-test-event.json: response %s, want no failures", out)
	}
	files, _ := filepath.Glob(fixture.Path("events", "api-*.json"))
	for _, f := range files {
		if got := status(filepath.Base(f)); got != 200 {
			t.Errorf("%s: status %d, want 200", filepath.Base(f), got)
		}
	}
	if _, err := cl.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(res.Bucket), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
	if out := invoke(ingest, "s3-delete.json"); string(out) != "null" {
		t.Errorf("s3-delete.json: response %s, want null", out)
	}
	if _, err := st.Policy(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("policy after the sample delete: %v, want not found", err)
	}
	if got := status("api-policy.json"); got != 404 {
		t.Errorf("api-policy.json after the delete: status %d, want 404", got)
	}

	var outcomes []string
	for _, line := range strings.Split(ingest.Output(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil && rec["outcome"] != nil {
			outcomes = append(outcomes, rec["outcome"].(string))
		}
	}
	if want := []string{"ready", "duplicate", "ignored", "deleted"}; !slices.Equal(outcomes, want) {
		t.Errorf("logged outcomes %v, want %v\n%s", outcomes, want, ingest.Output())
	}
	all, _ := filepath.Glob(fixture.Path("events", "*.json"))
	for _, f := range all {
		if b := filepath.Base(f); b != "env.json" && !covered[b] {
			t.Errorf("events/%s is not invoked by this test", b)
		}
	}
}
