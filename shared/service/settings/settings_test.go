package settings

import (
	"encoding/json"
	"log/slog"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/topology"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadIngest(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Ingest) bool
		wantErr string
	}{
		{"defaults", map[string]string{"TABLE_NAME": "t"}, func(c Ingest) bool {
			return c.Table == "t" && c.Limits == policy.DefaultLimits() && c.KeyPrefix == "" && c.LogLevel == slog.LevelInfo &&
				c.MaxReceiveCount == topology.MaxReceiveCount && c.HandlerMemory == 0 &&
				c.KeepVersions == topology.DefaultKeepVersions && c.EventBus == ""
		}, ""},
		{"history and events", map[string]string{"TABLE_NAME": "t", "KEEP_VERSIONS": "3", "EVENT_BUS_NAME": " changes "}, func(c Ingest) bool {
			return c.KeepVersions == 3 && c.EventBus == "changes"
		}, ""},
		{"no history", map[string]string{"TABLE_NAME": "t", "KEEP_VERSIONS": "0"}, nil, "KEEP_VERSIONS"},
		{"too much history", map[string]string{"TABLE_NAME": "t", "KEEP_VERSIONS": "101"}, nil, "KEEP_VERSIONS"},
		// The worker gets what the handler leaves of the function's memory,
		// up to its own cap.
		{"in a 1024 MB function", map[string]string{"TABLE_NAME": "t", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1024"}, func(c Ingest) bool {
			return c.Limits.MaxMemory == policy.DefaultMaxMemory && c.HandlerMemory == topology.HandlerMemory(policy.DefaultMaxBytes) &&
				c.HandlerMemory+c.Limits.MaxMemory <= 1024<<20
		}, ""},
		{"in a 512 MB function", map[string]string{"TABLE_NAME": "t", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"}, func(c Ingest) bool {
			return c.Limits.MaxMemory == policy.DefaultMaxMemory && c.HandlerMemory+c.Limits.MaxMemory == 512<<20
		}, ""},
		{"too little memory", map[string]string{"TABLE_NAME": "t", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "448"}, nil, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=448 leaves 120 MB"},
		{"enough for smaller objects", map[string]string{"TABLE_NAME": "t", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "448", "MAX_OBJECT_BYTES": "10485760"}, func(c Ingest) bool {
			return c.Limits.MaxMemory == policy.DefaultMaxMemory
		}, ""},
		{"bad memory", map[string]string{"TABLE_NAME": "t", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "1 GB"}, nil, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"},
		{"receive count", map[string]string{"TABLE_NAME": "t", "MAX_RECEIVE_COUNT": "3"}, func(c Ingest) bool { return c.MaxReceiveCount == 3 }, ""},
		{"bad receive count", map[string]string{"TABLE_NAME": "t", "MAX_RECEIVE_COUNT": "0"}, nil, "MAX_RECEIVE_COUNT"},
		{"all set", map[string]string{"TABLE_NAME": "t", "MAX_OBJECT_BYTES": "1000", "MAX_PDF_PAGES": "20", "PDF_TIMEOUT": "90s",
			"KEY_PREFIX": "policies/", "LOG_LEVEL": "debug"}, func(c Ingest) bool {
			return c.Limits.MaxBytes == 1000 && c.Limits.MaxPages == 20 && c.Limits.Timeout == 90*time.Second &&
				c.KeyPrefix == "policies/" && c.LogLevel == slog.LevelDebug
		}, ""},
		{"Lambda's log level", map[string]string{"TABLE_NAME": "t", "AWS_LAMBDA_LOG_LEVEL": "WARN"}, func(c Ingest) bool {
			return c.LogLevel == slog.LevelWarn
		}, ""},
		{"no table", map[string]string{}, nil, "TABLE_NAME is not set"},
		{"bad size", map[string]string{"TABLE_NAME": "t", "MAX_OBJECT_BYTES": "50MB"}, nil, "MAX_OBJECT_BYTES"},
		{"zero pages", map[string]string{"TABLE_NAME": "t", "MAX_PDF_PAGES": "0"}, nil, "MAX_PDF_PAGES"},
		{"bad timeout", map[string]string{"TABLE_NAME": "t", "PDF_TIMEOUT": "60"}, nil, "PDF_TIMEOUT"},
		{"bad level", map[string]string{"TABLE_NAME": "t", "LOG_LEVEL": "loud"}, nil, "LOG_LEVEL"},
	}
	for _, tt := range tests {
		c, err := LoadIngest(env(tt.env))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want one naming %s", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !tt.check(c) {
			t.Errorf("%s: %+v, %v", tt.name, c, err)
		}
	}
}

func TestLoadLookup(t *testing.T) {
	c, err := LoadLookup(env(map[string]string{"TABLE_NAME": "t"}))
	if err != nil || c.MaxPageSize != api.DefaultMaxPageSize || c.CursorSecretARN != "" {
		t.Errorf("defaults: %+v %v", c, err)
	}
	const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:CursorSecret-AbCdEf"
	c, err = LoadLookup(env(map[string]string{"TABLE_NAME": "t", "MAX_PAGE_SIZE": "500", "CURSOR_SECRET_ARN": arn}))
	if err != nil || c.MaxPageSize != 500 || c.CursorSecretARN != arn {
		t.Errorf("set: %+v %v", c, err)
	}
	for _, bad := range []string{"0", "1001", "many"} {
		if _, err := LoadLookup(env(map[string]string{"TABLE_NAME": "t", "MAX_PAGE_SIZE": bad})); err == nil || !strings.Contains(err.Error(), "MAX_PAGE_SIZE") {
			t.Errorf("MAX_PAGE_SIZE=%s: %v", bad, err)
		}
	}
}

// events/env.json, for sam local --env-vars, sets only variables the
// functions read, with values they accept. AWS_ENDPOINT_URL, empty unless
// the functions should talk to an emulator, is the SDK's own.
func TestSAMEnvFile(t *testing.T) {
	b, err := os.ReadFile(fixture.Path("events", "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fns map[string]map[string]string
	if err := json.Unmarshal(b, &fns); err != nil {
		t.Fatal(err)
	}
	known := []string{topology.EnvTableName, topology.EnvMaxBytes, topology.EnvMaxPages, topology.EnvPDFTimeout,
		topology.EnvKeyPrefix, topology.EnvLogLevel, topology.EnvCursorSecretARN, topology.EnvMaxPageSize,
		topology.EnvMaxReceiveCount, topology.EnvEventBusName, topology.EnvKeepVersions, topology.EnvIndexShards, "AWS_ENDPOINT_URL"}
	for fn, vars := range fns {
		for k := range vars {
			if !slices.Contains(known, k) {
				t.Errorf("%s sets %s, which no function reads", fn, k)
			}
		}
	}
	if _, err := LoadIngest(env(fns["IngestFunction"])); err != nil {
		t.Errorf("IngestFunction: %v", err)
	}
	if _, err := LoadLookup(env(fns["LookupFunction"])); err != nil {
		t.Errorf("LookupFunction: %v", err)
	}
}

func TestS3PathStyle(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, true},
		{map[string]string{"AWS_ENDPOINT_URL_S3": "http://127.0.0.1:5000"}, true},
		{map[string]string{"AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:5000"}, false},
	} {
		if got := S3PathStyle(env(tt.env)); got != tt.want {
			t.Errorf("S3PathStyle(%v) = %v", tt.env, got)
		}
	}
}

// INDEX_SHARDS defaults to the deployed table's 16 and takes 1 to 256.
func TestIndexShards(t *testing.T) {
	for _, tt := range []struct {
		v    string
		want int
		ok   bool
	}{{"", topology.Shards, true}, {"1", 1, true}, {"16", 16, true}, {"0", 0, false}, {"257", 0, false}, {"x", 0, false}} {
		vars := map[string]string{"TABLE_NAME": "t", topology.EnvIndexShards: tt.v}
		i, ierr := LoadIngest(env(vars))
		l, lerr := LoadLookup(env(vars))
		if tt.ok && (ierr != nil || lerr != nil || i.Shards != tt.want || l.Shards != tt.want) {
			t.Errorf("INDEX_SHARDS=%q: ingest %d %v, lookup %d %v; want %d", tt.v, i.Shards, ierr, l.Shards, lerr, tt.want)
		}
		if !tt.ok && (ierr == nil || lerr == nil || !strings.Contains(ierr.Error(), topology.EnvIndexShards)) {
			t.Errorf("INDEX_SHARDS=%q accepted: %v %v", tt.v, ierr, lerr)
		}
	}
}
