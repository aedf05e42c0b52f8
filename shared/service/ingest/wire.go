package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/service/logging"
	"github.com/policylens/policylens/shared/service/notify"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// NewFromConfig builds the handler the ingest function runs: SDK clients
// from awsCfg (whose endpoints honour AWS_ENDPOINT_URL and
// AWS_ENDPOINT_URL_<SERVICE>), the embedded model, and cfg's table and
// limits. The function's main and the local development system both use
// it, so they run the same thing.
func NewFromConfig(awsCfg aws.Config, cfg settings.Ingest, log *slog.Logger) (*Handler, error) {
	model, err := classify.Default()
	if err != nil {
		return nil, fmt.Errorf("load model: %w", err)
	}
	lim := cfg.Limits.WithDefaults()
	st := store.New(dynamodb.NewFromConfig(awsCfg), cfg.Table)
	st.KeepVersions = cfg.KeepVersions
	st.Shards = cfg.Shards
	var events Events
	if cfg.EventBus != "" {
		events = notify.NewPublisher(eventbridge.NewFromConfig(awsCfg), cfg.EventBus)
	}
	return &Handler{
		S3:              s3.NewFromConfig(awsCfg, settings.S3Options(os.Getenv)),
		Store:           st,
		Events:          events,
		Analyzer:        analyze.New(model, cfg.Limits),
		Log:             log,
		MaxBytes:        lim.MaxBytes,
		KeyPrefix:       cfg.KeyPrefix,
		Reserve:         DefaultReserve,
		RecordTime:      lim.Timeout + writeAllowance,
		MaxReceiveCount: cfg.MaxReceiveCount,
	}, nil
}

// writeAllowance is the time a record may need beyond its analysis: reading
// the object and writing its clauses.
const writeAllowance = 30 * time.Second

// Start runs the ingest function in a Lambda runtime: configuration from
// the environment (settings.LoadIngest), a soft memory limit that keeps the
// handler inside its share of the function's memory (the analysis worker
// has the rest), and h.Invoke for every invocation. It returns only if the
// function cannot start.
func Start() error {
	cfg, err := settings.LoadIngest(os.Getenv)
	log := logging.New(os.Stdout, cfg.LogLevel)
	if err != nil {
		log.Error("bad configuration", "error", err.Error())
		return err
	}
	if cfg.HandlerMemory > 0 {
		debug.SetMemoryLimit(cfg.HandlerMemory)
	}
	// Once per cold start. Endpoints for emulators come from the SDK's own
	// AWS_ENDPOINT_URL[_<SERVICE>] variables.
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("load AWS configuration", "error", err.Error())
		return err
	}
	h, err := NewFromConfig(awsCfg, cfg, log)
	if err != nil {
		log.Error("start", "error", err.Error())
		return err
	}
	log.Info("ingest started", "functionMemoryMB", os.Getenv(topology.EnvFunctionMemory),
		"handlerMemoryMB", cfg.HandlerMemory>>20, "workerMemoryMB", cfg.Limits.MaxMemory>>20,
		"analysisTimeout", cfg.Limits.Timeout.String(), "maxObjectBytes", cfg.Limits.MaxBytes,
		"keepVersions", cfg.KeepVersions, "eventBus", cfg.EventBus)
	lambda.Start(h.Invoke)
	return nil
}
