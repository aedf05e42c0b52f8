package stack

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// AuthMode says how callers of the lookup API authenticate.
type AuthMode string

// The authorization modes of the lookup API.
const (
	// AuthIAM requires requests signed with AWS Signature Version 4 by a
	// principal allowed to call execute-api:Invoke on the API.
	AuthIAM AuthMode = "iam"
	// AuthJWT validates a bearer JWT against an issuer and audience (for
	// example an Amazon Cognito user pool or any OIDC provider).
	AuthJWT AuthMode = "jwt"
	// AuthNone leaves the API open to anyone who knows its URL.
	AuthNone AuthMode = "none"
)

// Context keys, set in cdk.json or with `cdk synth -c key=value`. They are
// documented in docs/configuration.md; every one is optional.
const (
	CtxStackName            = "policylens:stackName"
	CtxAssetDir             = "policylens:assetDir"
	CtxKeyPrefix            = "policylens:keyPrefix"
	CtxRemovalPolicy        = "policylens:removalPolicy"
	CtxAuthMode             = "policylens:authMode"
	CtxJWTIssuer            = "policylens:jwtIssuer"
	CtxJWTAudience          = "policylens:jwtAudience"
	CtxAlarmEmail           = "policylens:alarmEmail"
	CtxIngestMemoryMB       = "policylens:ingestMemoryMB"
	CtxIngestTimeoutSeconds = "policylens:ingestTimeoutSeconds"
	CtxIngestBatchSize      = "policylens:ingestBatchSize"
	CtxIngestMaxConcurrency = "policylens:ingestMaxConcurrency"
	CtxLookupMemoryMB       = "policylens:lookupMemoryMB"
	CtxLookupTimeoutSeconds = "policylens:lookupTimeoutSeconds"
	CtxThrottleRate         = "policylens:throttleRatePerSecond"
	CtxThrottleBurst        = "policylens:throttleBurst"
	CtxLogRetentionDays     = "policylens:logRetentionDays"
	CtxLogLevel             = "policylens:logLevel"
	CtxMaxObjectBytes       = "policylens:maxObjectBytes"
	CtxMaxPDFPages          = "policylens:maxPdfPages"
	CtxPDFTimeout           = "policylens:pdfTimeout"
	CtxMaxPageSize          = "policylens:maxPageSize"
	CtxKeepVersions         = "policylens:keepVersions"
	CtxChangesEmail         = "policylens:changesEmail"
)

// contextKeys lists every option, to catch misspelt ones.
var contextKeys = []string{
	CtxStackName, CtxAssetDir, CtxKeyPrefix, CtxRemovalPolicy, CtxAuthMode, CtxJWTIssuer,
	CtxJWTAudience, CtxAlarmEmail, CtxIngestMemoryMB, CtxIngestTimeoutSeconds,
	CtxIngestBatchSize, CtxIngestMaxConcurrency, CtxLookupMemoryMB, CtxLookupTimeoutSeconds,
	CtxThrottleRate, CtxThrottleBurst, CtxLogRetentionDays, CtxLogLevel, CtxMaxObjectBytes,
	CtxMaxPDFPages, CtxPDFTimeout, CtxMaxPageSize, CtxKeepVersions, CtxChangesEmail,
}

// retired are options that no longer exist, with what to do instead.
var retired = map[string]string{
	"policylens:alarmTopic": "the alarm topic is always created; subscribe with " + CtxAlarmEmail + " or as docs/operations.md says",
}

// Config is everything about the stack that a user may choose. The zero
// value is not useful: start from DefaultConfig or ConfigFromContext.
type Config struct {
	StackName string
	// AssetDir holds ingest/bootstrap and lookup/bootstrap, as `make build`
	// writes them.
	AssetDir string
	// KeyPrefix limits ingestion to object keys under it ("" for the whole
	// bucket). It filters the bucket notifications, scopes the ingest
	// function's read permission and is passed to the function.
	KeyPrefix string
	// Retain keeps the bucket, table, secret and log groups when the stack is
	// deleted, and turns on the table's deletion protection. Turn it off only
	// for throw-away development stacks.
	Retain bool

	AuthMode    AuthMode
	JWTIssuer   string
	JWTAudience []string

	// AlarmEmail, when set, subscribes this address to the alarm topic,
	// which the stack always creates. Without it, synthesis warns that
	// nobody is subscribed.
	AlarmEmail string

	// KeepVersions is how many versions of each policy are kept
	// (KEEP_VERSIONS).
	KeepVersions int
	// ChangesEmail, when set, subscribes this address to the topic that
	// receives the change events.
	ChangesEmail string

	IngestMemoryMB       int
	IngestTimeout        time.Duration
	IngestBatchSize      int
	IngestMaxConcurrency int
	LookupMemoryMB       int
	LookupTimeout        time.Duration

	ThrottleRate  float64
	ThrottleBurst int

	LogRetentionDays int
	LogLevel         string

	MaxObjectBytes int64
	MaxPDFPages    int
	PDFTimeout     time.Duration
	MaxPageSize    int
}

// DefaultConfig returns the configuration used for every option not set in
// the context. The functions' sizes come from package topology, where make
// dev reads them too; the reasons for the numbers are in docs/deploy.md.
func DefaultConfig() Config {
	return Config{
		StackName:            "PolicyLens",
		AssetDir:             "build",
		Retain:               true,
		AuthMode:             AuthIAM,
		IngestMemoryMB:       topology.Ingest.MemoryMB,
		IngestTimeout:        topology.Ingest.Timeout(),
		IngestBatchSize:      topology.IngestBatchSize,
		IngestMaxConcurrency: topology.IngestMaxConcurrency,
		LookupMemoryMB:       topology.Lookup.MemoryMB,
		LookupTimeout:        topology.Lookup.Timeout(),
		ThrottleRate:         50,
		ThrottleBurst:        100,
		LogRetentionDays:     30,
		LogLevel:             "info",
		MaxObjectBytes:       policy.DefaultMaxBytes,
		MaxPDFPages:          policy.DefaultMaxPages,
		PDFTimeout:           policy.DefaultTimeout,
		MaxPageSize:          100,
		KeepVersions:         topology.DefaultKeepVersions,
	}
}

// VisibilityTimeout is the ingest queue's visibility timeout: six times the
// function timeout, as AWS recommends for an SQS event source, so that a
// message is not handed out again while a batch holding it may still run
// (including the event source's own retries on throttling).
func (c Config) VisibilityTimeout() time.Duration { return topology.VisibilityTimeout(c.IngestTimeout) }

// ConfigFromContext reads the options from the CDK context (all of it, as
// Node.GetAllContext returns it): a value is a string when given with -c, a
// JSON value when written in cdk.json. A "policylens:" key that is not an
// option is an error, so that a misspelt option is not silently ignored.
func ConfigFromContext(ctx map[string]any) (Config, error) {
	c := DefaultConfig()
	r := reader{get: func(key string) any { return ctx[key] }}
	for key := range ctx {
		switch {
		case retired[key] != "":
			r.errs = append(r.errs, fmt.Errorf("%s: no longer an option: %s", key, retired[key]))
		case strings.HasPrefix(key, "policylens:") && !slices.Contains(contextKeys, key):
			r.errs = append(r.errs, fmt.Errorf("%s: unknown option (the options are listed in docs/configuration.md)", key))
		}
	}
	r.str(CtxStackName, &c.StackName)
	r.str(CtxAssetDir, &c.AssetDir)
	r.str(CtxKeyPrefix, &c.KeyPrefix)
	var removal string
	r.str(CtxRemovalPolicy, &removal)
	switch strings.ToLower(removal) {
	case "", "retain":
	case "destroy":
		c.Retain = false
	default:
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not retain or destroy", CtxRemovalPolicy, removal))
	}
	var mode string
	r.str(CtxAuthMode, &mode)
	if mode != "" {
		c.AuthMode = AuthMode(strings.ToLower(mode))
	}
	r.str(CtxJWTIssuer, &c.JWTIssuer)
	var audience string
	r.str(CtxJWTAudience, &audience)
	for _, a := range strings.Split(audience, ",") {
		if a = strings.TrimSpace(a); a != "" {
			c.JWTAudience = append(c.JWTAudience, a)
		}
	}
	r.str(CtxAlarmEmail, &c.AlarmEmail)
	r.str(CtxChangesEmail, &c.ChangesEmail)
	r.integer(CtxKeepVersions, &c.KeepVersions)
	r.integer(CtxIngestMemoryMB, &c.IngestMemoryMB)
	r.seconds(CtxIngestTimeoutSeconds, &c.IngestTimeout)
	r.integer(CtxIngestBatchSize, &c.IngestBatchSize)
	r.integer(CtxIngestMaxConcurrency, &c.IngestMaxConcurrency)
	r.integer(CtxLookupMemoryMB, &c.LookupMemoryMB)
	r.seconds(CtxLookupTimeoutSeconds, &c.LookupTimeout)
	r.float(CtxThrottleRate, &c.ThrottleRate)
	r.integer(CtxThrottleBurst, &c.ThrottleBurst)
	r.integer(CtxLogRetentionDays, &c.LogRetentionDays)
	r.str(CtxLogLevel, &c.LogLevel)
	var maxBytes int
	if r.integer(CtxMaxObjectBytes, &maxBytes) {
		c.MaxObjectBytes = int64(maxBytes)
	}
	r.integer(CtxMaxPDFPages, &c.MaxPDFPages)
	r.duration(CtxPDFTimeout, &c.PDFTimeout)
	r.integer(CtxMaxPageSize, &c.MaxPageSize)
	if err := errors.Join(r.errs...); err != nil {
		return Config{}, err
	}
	return c, c.Validate()
}

// Validate reports every option that CloudFormation would reject or that
// would make the system misbehave, naming the context key to fix.
func (c Config) Validate() error {
	var errs []error
	bad := func(key, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", key, fmt.Sprintf(format, args...)))
	}
	if !stackNameRE(c.StackName) {
		bad(CtxStackName, "%q is not a CloudFormation stack name (letters, digits and hyphens, starting with a letter, at most 128)", c.StackName)
	}
	if c.AssetDir == "" {
		bad(CtxAssetDir, "must not be empty")
	}
	if strings.HasPrefix(c.KeyPrefix, "/") || strings.ContainsAny(c.KeyPrefix, "*?") {
		bad(CtxKeyPrefix, "%q must not start with / or contain wildcards: S3 keys have no leading slash and notification filters are literal", c.KeyPrefix)
	}
	switch c.AuthMode {
	case AuthIAM, AuthNone:
	case AuthJWT:
		if u, err := url.Parse(c.JWTIssuer); err != nil || u.Scheme != "https" || u.Host == "" {
			bad(CtxJWTIssuer, "%q must be the https URL of the token issuer when %s is jwt", c.JWTIssuer, CtxAuthMode)
		}
		if len(c.JWTAudience) == 0 {
			bad(CtxJWTAudience, "at least one audience (comma-separated) is required when %s is jwt", CtxAuthMode)
		}
	default:
		bad(CtxAuthMode, "%q is not iam, jwt or none", c.AuthMode)
	}
	for key, addr := range map[string]string{CtxAlarmEmail: c.AlarmEmail, CtxChangesEmail: c.ChangesEmail} {
		if addr == "" {
			continue
		}
		if a, err := mail.ParseAddress(addr); err != nil || a.Address != addr {
			bad(key, "%q is not an email address", addr)
		}
	}
	if c.KeepVersions < 1 || c.KeepVersions > topology.MaxKeepVersions {
		bad(CtxKeepVersions, "%d is outside 1 to %d", c.KeepVersions, topology.MaxKeepVersions)
	}
	memory := func(key string, mb int) {
		if mb < 128 || mb > 10240 {
			bad(key, "%d MB is outside Lambda's 128 to 10240 MB", mb)
		}
	}
	memory(CtxIngestMemoryMB, c.IngestMemoryMB)
	memory(CtxLookupMemoryMB, c.LookupMemoryMB)
	// The analysis worker runs beside the handler, inside the function's
	// memory: what the handler needs for objects of MaxObjectBytes must
	// leave the worker enough.
	if c.IngestMemoryMB >= 128 && c.MaxObjectBytes > 0 {
		if w := topology.WorkerMemory(c.IngestMemoryMB, c.MaxObjectBytes, policy.DefaultMaxMemory); w < policy.DefaultMaxMemory {
			need := (topology.HandlerMemory(c.MaxObjectBytes) + policy.DefaultMaxMemory + 1<<20 - 1) >> 20
			bad(CtxIngestMemoryMB, "%d MB leaves the analysis worker %d MB of the %d MB it needs, beside a handler that needs %d MB for objects of up to %d bytes (%s); give ingest at least %d MB or lower %s",
				c.IngestMemoryMB, max(w, 0)>>20, policy.DefaultMaxMemory>>20, topology.HandlerMemory(c.MaxObjectBytes)>>20, c.MaxObjectBytes, CtxMaxObjectBytes, need, CtxMaxObjectBytes)
		}
	}
	if c.IngestTimeout < time.Second || c.IngestTimeout > 900*time.Second {
		bad(CtxIngestTimeoutSeconds, "%s is outside Lambda's 1 to 900 seconds", c.IngestTimeout)
	}
	if c.VisibilityTimeout() > 12*time.Hour {
		bad(CtxIngestTimeoutSeconds, "six times %s exceeds SQS's 12-hour visibility timeout", c.IngestTimeout)
	}
	// API Gateway HTTP APIs give up on an integration after 30 seconds.
	if c.LookupTimeout < time.Second || c.LookupTimeout > 30*time.Second {
		bad(CtxLookupTimeoutSeconds, "%s is outside 1 to 30 seconds (the HTTP API integration limit)", c.LookupTimeout)
	}
	if c.IngestBatchSize < 1 || c.IngestBatchSize > 10000 {
		bad(CtxIngestBatchSize, "%d is outside SQS's 1 to 10000", c.IngestBatchSize)
	}
	if c.IngestBatchSize > 10 {
		// Larger batches need a batching window; one slow PDF already
		// holds back every other record of its batch.
		bad(CtxIngestBatchSize, "%d is over 10: larger batches only delay records behind slow PDFs", c.IngestBatchSize)
	}
	if c.IngestMaxConcurrency < 2 || c.IngestMaxConcurrency > 1000 {
		bad(CtxIngestMaxConcurrency, "%d is outside the event source's 2 to 1000", c.IngestMaxConcurrency)
	}
	// A batch whose PDFs all run to the extraction limit must still finish
	// inside the function timeout, with room to write the results.
	if worst := time.Duration(c.IngestBatchSize)*c.PDFTimeout + 15*time.Second; c.PDFTimeout > 0 && worst > c.IngestTimeout {
		bad(CtxIngestTimeoutSeconds, "%s is too short for %d PDFs of up to %s each (%s=%d, %s=%s): needs at least %s",
			c.IngestTimeout, c.IngestBatchSize, c.PDFTimeout, CtxIngestBatchSize, c.IngestBatchSize, CtxPDFTimeout, c.PDFTimeout, worst)
	}
	if c.PDFTimeout <= 0 {
		bad(CtxPDFTimeout, "%s must be positive", c.PDFTimeout)
	}
	if c.ThrottleRate <= 0 {
		bad(CtxThrottleRate, "%g must be positive", c.ThrottleRate)
	}
	if c.ThrottleBurst < 1 {
		bad(CtxThrottleBurst, "%d must be positive", c.ThrottleBurst)
	}
	if !validRetention(c.LogRetentionDays) {
		bad(CtxLogRetentionDays, "%d is not a CloudWatch Logs retention (%s)", c.LogRetentionDays, retentionList())
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad(CtxLogLevel, "%q is not debug, info, warn or error", c.LogLevel)
	}
	if c.MaxObjectBytes < 1 {
		bad(CtxMaxObjectBytes, "%d must be positive", c.MaxObjectBytes)
	}
	if c.MaxPDFPages < 1 {
		bad(CtxMaxPDFPages, "%d must be positive", c.MaxPDFPages)
	}
	// The lookup function refuses a MAX_PAGE_SIZE over 1000 at cold start.
	if c.MaxPageSize < 1 || c.MaxPageSize > 1000 {
		bad(CtxMaxPageSize, "%d is outside 1 to 1000", c.MaxPageSize)
	}
	return errors.Join(errs...)
}

// retentions are the values CloudWatch Logs accepts for a retention in days.
var retentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

func validRetention(days int) bool {
	for _, d := range retentions {
		if d == days {
			return true
		}
	}
	return false
}

func retentionList() string {
	s := make([]string, len(retentions))
	for i, d := range retentions {
		s[i] = strconv.Itoa(d)
	}
	return strings.Join(s, ", ")
}

func stackNameRE(name string) bool {
	if name == "" || len(name) > 128 {
		return false
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case i > 0 && (r >= '0' && r <= '9' || r == '-'):
		default:
			return false
		}
	}
	return true
}

// reader converts context values, collecting every error so that one run
// reports all bad options at once.
type reader struct {
	get  func(string) any
	errs []error
}

func (r *reader) raw(key string) (string, bool) {
	v := r.get(key)
	switch v := v.(type) {
	case nil:
		return "", false
	case string:
		return strings.TrimSpace(v), true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	default:
		r.errs = append(r.errs, fmt.Errorf("%s: %v (%T) is not a string, number or boolean", key, v, v))
		return "", false
	}
}

func (r *reader) str(key string, dst *string) {
	if v, ok := r.raw(key); ok {
		*dst = v
	}
}

func (r *reader) integer(key string, dst *int) bool {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a whole number", key, v))
		return false
	}
	*dst = n
	return true
}

func (r *reader) float(key string, dst *float64) {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a number", key, v))
		return
	}
	*dst = f
}

func (r *reader) seconds(key string, dst *time.Duration) {
	var n int
	if r.integer(key, &n) {
		*dst = time.Duration(n) * time.Second
	}
}

func (r *reader) duration(key string, dst *time.Duration) {
	v, ok := r.raw(key)
	if !ok || v == "" {
		return
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		r.errs = append(r.errs, fmt.Errorf("%s: %q is not a Go duration such as 30s", key, v))
		return
	}
	*dst = d
}

// assetPath is where the binary of a function is expected.
func (c Config) assetPath(function string) string {
	return filepath.Join(c.AssetDir, function)
}
