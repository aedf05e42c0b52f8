package stack

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// The tests synthesize one app, once per test binary, holding three stacks
// that between them cover every option: the defaults, a JWT-authorized stack
// with alarm and change e-mails, a key prefix, a shorter history and the
// destroy removal policy, and an open API without an alarm email.
var (
	defaultStack, jwtStack, openStack *synthesized
	assemblyDir                       string
	repoRoot                          string
)

// synthesized is one stack of the app, its configuration and its template
// both as the assertions library sees it and as plain JSON.
type synthesized struct {
	cfg         Config
	stack       awscdk.Stack
	template    assertions.Template
	annotations assertions.Annotations
	json        map[string]any
}

func TestMain(m *testing.M) {
	code, err := run(m)
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "infra/stack tests:", err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	// The machine's node may be past its end of life for jsii; the banner
	// says so once per test binary, which is noise here.
	if os.Getenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") == "" {
		os.Setenv("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
	}
	var err error
	repoRoot, err = findRepoRoot()
	if err != nil {
		return 0, err
	}
	tmp, err := os.MkdirTemp("", "policylens-infra-test-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(tmp)
	assets, err := placeholderAssets(filepath.Join(tmp, "build"))
	if err != nil {
		return 0, err
	}
	ctx, err := cdkJSONContext(repoRoot)
	if err != nil {
		return 0, err
	}
	// What the CDK CLI adds to the context by default: SAM relies on both.
	ctx["aws:cdk:enable-asset-metadata"] = true
	ctx["aws:cdk:enable-path-metadata"] = true
	ctx[CtxAssetDir] = assets

	assemblyDir = filepath.Join(tmp, "cdk.out")
	app := awscdk.NewApp(&awscdk.AppProps{Context: &ctx, Outdir: jsii.String(assemblyDir)})
	base, err := ConfigFromContext(ctx)
	if err != nil {
		return 0, fmt.Errorf("cdk.json context: %w", err)
	}

	jwt := base
	jwt.StackName = "PolicyLensJwt"
	jwt.AuthMode = AuthJWT
	jwt.JWTIssuer = "https://issuer.example.com/pool"
	jwt.JWTAudience = []string{"client-a", "client-b"}
	jwt.AlarmEmail = "alerts@example.com"
	jwt.ChangesEmail = "privacy-team@example.com"
	jwt.KeepVersions = 3
	jwt.KeyPrefix = "policies/"
	jwt.Retain = false

	open := base
	open.StackName = "PolicyLensOpen"
	open.AuthMode = AuthNone

	var stacks []*synthesized
	for _, cfg := range []Config{base, jwt, open} {
		s, err := New(app, cfg, nil)
		if err != nil {
			return 0, fmt.Errorf("stack %s: %w", cfg.StackName, err)
		}
		stacks = append(stacks, &synthesized{cfg: cfg, stack: s})
	}
	Check(app)
	app.Synth(nil)
	for _, s := range stacks {
		s.template = assertions.Template_FromStack(s.stack, nil)
		s.annotations = assertions.Annotations_FromStack(s.stack)
		raw, err := os.ReadFile(filepath.Join(assemblyDir, s.cfg.StackName+".template.json"))
		if err != nil {
			return 0, err
		}
		if err := json.Unmarshal(raw, &s.json); err != nil {
			return 0, err
		}
	}
	defaultStack, jwtStack, openStack = stacks[0], stacks[1], stacks[2]
	return m.Run(), nil
}

func findRepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "cdk.json")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("cdk.json not found above the working directory")
		}
		dir = parent
	}
}

// cdkJSONContext is the context of cdk.json: the feature flags and options
// the CDK CLI passes to the app.
func cdkJSONContext(root string) (map[string]any, error) {
	raw, err := os.ReadFile(filepath.Join(root, "cdk.json"))
	if err != nil {
		return nil, err
	}
	var cfg struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		return nil, fmt.Errorf("cdk.json: %w", err)
	}
	return cfg.Context, nil
}

// placeholderAssets writes a build directory shaped like the one `make
// build` produces. The template does not depend on what the binaries do;
// scripts/cdk-check.sh synthesizes with the real ones.
func placeholderAssets(dir string) (string, error) {
	for _, fn := range []string{"ingest", "lookup"} {
		if err := os.MkdirAll(filepath.Join(dir, fn), 0o755); err != nil {
			return "", err
		}
		body := "#!/bin/sh\necho 'placeholder " + fn + " binary written by the infra tests' >&2\nexit 1\n"
		if err := os.WriteFile(filepath.Join(dir, fn, "bootstrap"), []byte(body), 0o755); err != nil {
			return "", err
		}
	}
	return dir, nil
}

// check runs an assertion of the assertions library, which panics on
// failure, and turns the panic into a test error.
func check(t *testing.T, what string, assert func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s: %v", what, r)
		}
	}()
	assert()
}

// Shorthands for the assertions library's matchers.
func like(m map[string]any) assertions.Matcher { return assertions.Match_ObjectLike(&m) }
func arrayWith(v ...any) assertions.Matcher    { return assertions.Match_ArrayWith(&v) }
func arrayEquals(v ...any) assertions.Matcher  { return assertions.Match_ArrayEquals(&v) }
func absent() assertions.Matcher               { return assertions.Match_Absent() }
func anyValue() assertions.Matcher             { return assertions.Match_AnyValue() }

// resources returns the resources of a type in a stack's template, by
// logical ID.
func (s *synthesized) resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for id, r := range s.json["Resources"].(map[string]any) {
		res := r.(map[string]any)
		if res["Type"] == typ {
			out[id] = res
		}
	}
	return out
}

// only returns the single resource of a type whose logical ID starts with
// prefix, failing the test unless there is exactly one.
func (s *synthesized) only(t *testing.T, typ, prefix string) (string, map[string]any) {
	t.Helper()
	var ids []string
	var found map[string]any
	for id, r := range s.resources(typ) {
		if strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
			found = r
		}
	}
	if len(ids) != 1 {
		t.Fatalf("%s: want one %s with logical ID %s*, found %v", s.cfg.StackName, typ, prefix, ids)
	}
	return ids[0], found
}

func props(r map[string]any) map[string]any {
	p, _ := r["Properties"].(map[string]any)
	return p
}

func ref(id string) map[string]any { return map[string]any{"Ref": id} }
func getAtt(id, attr string) map[string]any {
	return map[string]any{"Fn::GetAtt": []any{id, attr}}
}
