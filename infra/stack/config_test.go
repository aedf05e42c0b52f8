package stack

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
)

func TestConfigFromContext(t *testing.T) {
	tests := []struct {
		name    string
		ctx     map[string]any
		want    func(*Config)
		wantErr []string // substrings of the error, each naming a key
	}{
		{name: "defaults", want: func(*Config) {}},
		{
			name: "strings from -c",
			ctx: map[string]any{
				CtxKeyPrefix: "policies/", CtxRemovalPolicy: "destroy", CtxAuthMode: "JWT",
				CtxJWTIssuer: "https://login.example.com/", CtxJWTAudience: " a, b ,,",
				CtxAlarmEmail: "ops@example.com", CtxIngestMemoryMB: "2048", CtxIngestTimeoutSeconds: "300",
				CtxIngestMaxConcurrency: "10", CtxThrottleRate: "12.5", CtxLogRetentionDays: "90",
				CtxPDFTimeout: "45s", CtxStackName: "PolicyLens-dev", CtxKeepVersions: "3", CtxChangesEmail: "privacy@example.com",
			},
			want: func(c *Config) {
				c.KeyPrefix, c.Retain, c.AuthMode = "policies/", false, AuthJWT
				c.JWTIssuer, c.JWTAudience = "https://login.example.com/", []string{"a", "b"}
				c.AlarmEmail, c.IngestMemoryMB, c.IngestTimeout = "ops@example.com", 2048, 300*time.Second
				c.IngestMaxConcurrency, c.ThrottleRate, c.LogRetentionDays = 10, 12.5, 90
				c.PDFTimeout, c.StackName = 45*time.Second, "PolicyLens-dev"
				c.KeepVersions, c.ChangesEmail = 3, "privacy@example.com"
			},
		},
		{
			name: "JSON values from cdk.json",
			ctx:  map[string]any{CtxLookupMemoryMB: float64(256), CtxMaxPageSize: float64(50)},
			want: func(c *Config) { c.LookupMemoryMB, c.MaxPageSize = 256, 50 },
		},
		{
			name:    "every bad value reported at once",
			ctx:     map[string]any{CtxIngestMemoryMB: "lots", CtxRemovalPolicy: "keep", "policylens:alarmTopic": "true"},
			wantErr: []string{CtxIngestMemoryMB, CtxRemovalPolicy, "policylens:alarmTopic: no longer an option: the alarm topic is always created"},
		},
		{
			name:    "the analysis worker must fit beside the handler",
			ctx:     map[string]any{CtxIngestMemoryMB: "448"},
			wantErr: []string{CtxIngestMemoryMB + ": 448 MB leaves the analysis worker 120 MB of the 184 MB it needs", "give ingest at least 512 MB"},
		},
		{
			name: "a smaller function for smaller objects",
			ctx:  map[string]any{CtxIngestMemoryMB: "384", CtxMaxObjectBytes: "10485760"},
			want: func(c *Config) { c.IngestMemoryMB, c.MaxObjectBytes = 384, 10<<20 },
		},
		{
			name:    "jwt needs issuer and audience",
			ctx:     map[string]any{CtxAuthMode: "jwt", CtxJWTIssuer: "http://insecure.example.com"},
			wantErr: []string{CtxJWTIssuer, CtxJWTAudience},
		},
		{
			name:    "misspelt option",
			ctx:     map[string]any{"policylens:authmode": "jwt", "@aws-cdk/core:target-partitions": []any{"aws"}},
			wantErr: []string{"policylens:authmode: unknown option"},
		},
		{
			name:    "unknown auth mode",
			ctx:     map[string]any{CtxAuthMode: "apikey"},
			wantErr: []string{CtxAuthMode},
		},
		{
			name: "limits of Lambda, SQS and API Gateway",
			ctx: map[string]any{
				CtxIngestMemoryMB: "64", CtxLookupTimeoutSeconds: "31", CtxIngestMaxConcurrency: "1",
				CtxLogRetentionDays: "31", CtxIngestBatchSize: "0", CtxAlarmEmail: "not an address",
				CtxMaxPageSize: "5000", CtxKeepVersions: "0", CtxChangesEmail: "team",
			},
			wantErr: []string{CtxIngestMemoryMB, CtxLookupTimeoutSeconds, CtxIngestMaxConcurrency,
				CtxLogRetentionDays, CtxIngestBatchSize, CtxAlarmEmail, CtxMaxPageSize, CtxKeepVersions + ": 0 is outside 1 to 100", CtxChangesEmail},
		},
		{
			name:    "a batch of slow PDFs must fit in the timeout",
			ctx:     map[string]any{CtxIngestTimeoutSeconds: "60", CtxPDFTimeout: "30s"},
			wantErr: []string{CtxIngestTimeoutSeconds + ": 1m0s is too short for 4 PDFs"},
		},
		{
			name:    "prefix must be a literal S3 key prefix",
			ctx:     map[string]any{CtxKeyPrefix: "/uploads/*"},
			wantErr: []string{CtxKeyPrefix},
		},
		{
			name:    "stack name",
			ctx:     map[string]any{CtxStackName: "policy_lens"},
			wantErr: []string{CtxStackName},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ConfigFromContext(tt.ctx)
			if len(tt.wantErr) > 0 {
				if err == nil {
					t.Fatalf("no error, want one naming %q", tt.wantErr)
				}
				for _, w := range tt.wantErr {
					if !strings.Contains(err.Error(), w) {
						t.Errorf("error %q does not mention %q", err, w)
					}
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			want := DefaultConfig()
			tt.want(&want)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

// TestOptionsDocumented keeps docs/configuration.md in step with the
// options.
func TestOptionsDocumented(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(repoRoot, "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range contextKeys {
		if !strings.Contains(string(doc), "| `"+key+"` |") {
			t.Errorf("docs/configuration.md has no row for %s in its table of options", key)
		}
	}
}

func TestDefaultsFitTogether(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.VisibilityTimeout() != 6*c.IngestTimeout {
		t.Errorf("visibility timeout %s, want 6 x %s", c.VisibilityTimeout(), c.IngestTimeout)
	}
}

func TestMissingBinary(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "ingest"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "ingest", "bootstrap"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.StackName = "MissingBinary"
	cfg.AssetDir = dir
	_, err := New(awscdk.NewApp(nil), cfg, nil)
	if !errors.Is(err, ErrMissingBinary) {
		t.Fatalf("got %v, want ErrMissingBinary", err)
	}
	for _, want := range []string{filepath.Join(dir, "lookup", "bootstrap"), "make build"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
}
