package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/local/runtimeapi"
)

func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }

// The built function answers the sample requests of events/ through the
// Lambda Runtime API, configured by events/env.json, as under
// `sam local invoke`.
func TestBinaryAnswersSampleEvents(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "bootstrap")
	if err := runtimeapi.Build(".", bin); err != nil {
		t.Fatal(err)
	}
	moto := motoserver.ForTest(t)
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range moto.Env() {
		env = append(env, k+"="+v)
	}
	// events/env.json as SAM would apply it, but with moto's endpoint.
	fnEnv, err := runtimeapi.FunctionEnv(fixture.Path("events", "env.json"), "LookupFunction", "AWS_ENDPOINT_URL")
	if err != nil {
		t.Fatal(err)
	}
	env = append(env, fnEnv...)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := provision.CreateTable(context.Background(), dynamodb.NewFromConfig(cfg), provision.LocalNames().Table); err != nil {
		t.Fatal(err)
	}
	// The secret events/env.json names, as make dev makes it.
	if _, err := provision.CreateCursorSecret(context.Background(), secretsmanager.NewFromConfig(cfg), provision.LocalNames().CursorSecret); err != nil {
		t.Fatal(err)
	}
	p, err := runtimeapi.Run(bin, env, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	files, _ := filepath.Glob(fixture.Path("events", "api-*.json"))
	for _, f := range files {
		payload, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		out, err := p.Invoke(context.Background(), payload, 30*time.Second)
		if err != nil {
			t.Fatalf("%s: %v\n%s", f, err, string(p.Output()))
		}
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("%s: response %s: %v", f, out, err)
		}
		// The table is empty: the policy of the sample events is unknown.
		want := 200
		if strings.Contains(f, "api-policy") && !strings.Contains(f, "policies") {
			want = 404
		}
		if resp.StatusCode != want {
			t.Errorf("%s: status %d, want %d: %s", f, resp.StatusCode, want, resp.Body)
		}
	}
}
