// Package settings reads the configuration of the policylens functions from
// their environment variables, named in package topology. Every variable
// has a documented default except the table name; a malformed value is an
// error naming the variable, so a misconfigured function fails at its cold
// start instead of misbehaving.
package settings

import (
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/topology"
)

// Ingest is the configuration of the ingest function.
type Ingest struct {
	Table string
	// Limits bound the work on one object: MaxBytes from MAX_OBJECT_BYTES,
	// MaxPages from MAX_PDF_PAGES, Timeout from PDF_TIMEOUT, and MaxMemory,
	// the analysis worker's memory, from the function's memory
	// (AWS_LAMBDA_FUNCTION_MEMORY_SIZE) less HandlerMemory.
	Limits policy.Limits
	// HandlerMemory is the memory the handler keeps for itself beside the
	// worker (topology.HandlerMemory); 0 when the function's memory is not
	// known (outside Lambda and make dev).
	HandlerMemory int64
	// KeyPrefix, when set, restricts ingestion to keys under it.
	KeyPrefix string
	// MaxReceiveCount is the ingest queue's maxReceiveCount, from
	// MAX_RECEIVE_COUNT: a message received that many times is on its last
	// delivery.
	MaxReceiveCount int
	// EventBus names the EventBridge bus the change events go to
	// (EVENT_BUS_NAME); empty: no events are sent.
	EventBus string
	// KeepVersions is how many versions of each policy are kept
	// (KEEP_VERSIONS).
	KeepVersions int
	// Shards is how many partitions each index key is spread over
	// (INDEX_SHARDS).
	Shards   int
	LogLevel slog.Level
}

// Lookup is the configuration of the lookup function.
type Lookup struct {
	Table string
	// CursorSecretARN names the Secrets Manager secret that signs
	// pagination cursors (CURSOR_SECRET_ARN). When empty, the function
	// signs with a random key of its own, which no other instance knows.
	CursorSecretARN string
	MaxPageSize     int
	// Shards is how many partitions each index key is spread over
	// (INDEX_SHARDS).
	Shards   int
	LogLevel slog.Level
}

// LoadIngest reads the ingest configuration through getenv (os.Getenv).
func LoadIngest(getenv func(string) string) (Ingest, error) {
	c := Ingest{Limits: policy.DefaultLimits(), KeyPrefix: getenv(topology.EnvKeyPrefix), MaxReceiveCount: topology.MaxReceiveCount,
		EventBus: strings.TrimSpace(getenv(topology.EnvEventBusName))}
	var errs []error
	var err error
	c.Table, err = required(getenv, topology.EnvTableName)
	errs = append(errs, err)
	c.Limits.MaxBytes, err = positive(getenv, topology.EnvMaxBytes, c.Limits.MaxBytes, 1<<40)
	errs = append(errs, err)
	pages, err := positive(getenv, topology.EnvMaxPages, int64(c.Limits.MaxPages), 1<<20)
	c.Limits.MaxPages = int(pages)
	errs = append(errs, err)
	if v := getenv(topology.EnvPDFTimeout); v != "" {
		d, perr := time.ParseDuration(v)
		if perr != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q: want a positive Go duration such as 60s or 2m", topology.EnvPDFTimeout, v))
		} else {
			c.Limits.Timeout = d
		}
	}
	n, err := positive(getenv, topology.EnvMaxReceiveCount, topology.MaxReceiveCount, 1000)
	c.MaxReceiveCount = int(n)
	errs = append(errs, err)
	n, err = positive(getenv, topology.EnvKeepVersions, topology.DefaultKeepVersions, topology.MaxKeepVersions)
	c.KeepVersions = int(n)
	errs = append(errs, err)
	c.Shards, err = shards(getenv)
	errs = append(errs, err)
	if v := getenv(topology.EnvFunctionMemory); v != "" {
		mb, perr := strconv.Atoi(strings.TrimSpace(v))
		worker := topology.WorkerMemory(mb, c.Limits.MaxBytes, c.Limits.MaxMemory)
		switch {
		case perr != nil || mb <= 0:
			errs = append(errs, fmt.Errorf("%s=%q: want the function's memory in MB", topology.EnvFunctionMemory, v))
		case worker < c.Limits.MaxMemory:
			errs = append(errs, fmt.Errorf("%s=%s leaves %d MB for the analysis worker, which needs %d MB, beside a handler that needs %d MB for objects of up to %d bytes (%s); give the function at least %d MB",
				topology.EnvFunctionMemory, v, max(worker, 0)>>20, c.Limits.MaxMemory>>20, topology.HandlerMemory(c.Limits.MaxBytes)>>20,
				c.Limits.MaxBytes, topology.EnvMaxBytes, (topology.HandlerMemory(c.Limits.MaxBytes)+c.Limits.MaxMemory+1<<20-1)>>20))
		default:
			c.Limits.MaxMemory = worker
			c.HandlerMemory = topology.HandlerMemory(c.Limits.MaxBytes)
		}
	}
	c.LogLevel, err = logLevel(getenv)
	errs = append(errs, err)
	return c, errors.Join(errs...)
}

// LoadLookup reads the lookup configuration through getenv (os.Getenv).
func LoadLookup(getenv func(string) string) (Lookup, error) {
	c := Lookup{CursorSecretARN: strings.TrimSpace(getenv(topology.EnvCursorSecretARN))}
	var errs []error
	var err error
	c.Table, err = required(getenv, topology.EnvTableName)
	errs = append(errs, err)
	n, err := positive(getenv, topology.EnvMaxPageSize, api.DefaultMaxPageSize, api.MaxMaxPageSize)
	c.MaxPageSize = int(n)
	errs = append(errs, err)
	c.Shards, err = shards(getenv)
	errs = append(errs, err)
	c.LogLevel, err = logLevel(getenv)
	errs = append(errs, err)
	return c, errors.Join(errs...)
}

// S3PathStyle reports whether S3 requests should use path-style addressing
// (http://host/bucket/key): when an endpoint override points the SDK at an
// emulator, whose host name has no per-bucket subdomains.
func S3PathStyle(getenv func(string) string) bool {
	return getenv("AWS_ENDPOINT_URL_S3") != "" || getenv("AWS_ENDPOINT_URL") != ""
}

// S3Options configures an S3 client for the environment read through
// getenv: path-style addressing under an endpoint override (see
// S3PathStyle), and no log line for responses that carry no checksum, as
// emulators' do not.
func S3Options(getenv func(string) string) func(*s3.Options) {
	pathStyle := S3PathStyle(getenv)
	return func(o *s3.Options) {
		o.UsePathStyle = pathStyle
		o.DisableLogOutputChecksumValidationSkipped = true
	}
}

// shards reads INDEX_SHARDS.
func shards(getenv func(string) string) (int, error) {
	n, err := positive(getenv, topology.EnvIndexShards, topology.Shards, 256)
	return int(n), err
}

func required(getenv func(string) string, name string) (string, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return "", fmt.Errorf("%s is not set", name)
	}
	return v, nil
}

func positive(getenv func(string) string, name string, def, max int64) (int64, error) {
	v := getenv(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 || n > max {
		return def, fmt.Errorf("%s=%q: want a whole number from 1 to %d", name, v, max)
	}
	return n, nil
}

// logLevel reads LOG_LEVEL, falling back to the level Lambda's advanced
// logging controls set in AWS_LAMBDA_LOG_LEVEL.
func logLevel(getenv func(string) string) (slog.Level, error) {
	name := topology.EnvLogLevel
	v := getenv(name)
	if v == "" {
		name = "AWS_LAMBDA_LOG_LEVEL"
		v = getenv(name)
	}
	if v == "" {
		return slog.LevelInfo, nil
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(strings.TrimSpace(v)))); err != nil {
		return slog.LevelInfo, fmt.Errorf("%s=%q: want debug, info, warn or error", name, v)
	}
	return l, nil
}
