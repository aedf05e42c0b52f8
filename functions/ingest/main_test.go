package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/local/runtimeapi"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
)

func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }

// The built function processes the sample events of events/ through the
// Lambda Runtime API, configured by events/env.json, as under
// `sam local invoke`: the SQS message, then the same notification as a
// plain S3 event (a duplicate), then the deletion.
func TestBinaryProcessesSampleEvents(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if err := runtimeapi.Build(".", bin); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	moto := motoserver.ForTest(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range moto.Env() {
		env = append(env, k+"="+v)
	}
	// events/env.json as SAM would apply it, but with moto's endpoint.
	fnEnv, err := runtimeapi.FunctionEnv(fixture.Path("events", "env.json"), "IngestFunction", "AWS_ENDPOINT_URL")
	if err != nil {
		t.Fatal(err)
	}
	env = append(env, fnEnv...)
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cl := provision.NewClients(cfg)
	res, err := provision.Create(ctx, cl, provision.LocalNames())
	if err != nil {
		t.Fatal(err)
	}
	// The object the sample events describe (its ETag is in them).
	const key = "policies/Privacy Policy+2025.txt"
	data, err := os.ReadFile(fixture.Path("testdata", "aws", "privacy-policy-2025.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.S3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(res.Bucket), Key: aws.String(key), Body: bytes.NewReader(data)}); err != nil {
		t.Fatal(err)
	}
	p, err := runtimeapi.Run(bin, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	invoke := func(file string) []byte {
		t.Helper()
		payload, err := os.ReadFile(fixture.Path("events", file))
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Invoke(ctx, payload, time.Minute)
		if err != nil {
			t.Fatalf("%s: %v\n%s", file, err, string(p.Output()))
		}
		return out
	}
	st := store.New(cl.DynamoDB, res.Table)
	id := s3event.PolicyID(res.Bucket, key)

	if out := invoke("sqs-s3-put.json"); string(out) != `{"batchItemFailures":[]}` {
		t.Errorf("sqs-s3-put.json: response %s, want no failures\n%s", out, string(p.Output()))
	}
	pol, err := st.Policy(ctx, id)
	if err != nil || pol.Status != policy.Ready || pol.Clauses == 0 {
		t.Fatalf("policy after the sample upload: %+v %v\n%s", pol, err, string(p.Output()))
	}
	if out := invoke("s3-put.json"); string(out) != "null" {
		t.Errorf("s3-put.json: response %s", out)
	}
	invoke("sqs-s3-test-event.json")
	// The deletion the sample event reports, then the event.
	if _, err := cl.S3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(res.Bucket), Key: aws.String(key)}); err != nil {
		t.Fatal(err)
	}
	invoke("s3-delete.json")
	if _, err := st.Policy(ctx, id); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("policy after the sample delete: %v, want not found", err)
	}
	var outcomes []string
	for _, line := range bytes.Split(p.Output(), []byte("\n")) {
		var rec map[string]any
		if json.Unmarshal(line, &rec) == nil && rec["outcome"] != nil {
			outcomes = append(outcomes, rec["outcome"].(string))
		}
	}
	if want := []string{"ready", "duplicate", "ignored", "deleted"}; !slices.Equal(outcomes, want) {
		t.Errorf("logged outcomes %v, want %v\n%s", outcomes, want, string(p.Output()))
	}
}
