package ingest

import (
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
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
	return &Handler{
		S3:        s3.NewFromConfig(awsCfg, settings.S3Options(os.Getenv)),
		Store:     store.New(dynamodb.NewFromConfig(awsCfg), cfg.Table),
		Analyzer:  analyze.New(model, cfg.Limits),
		Log:       log,
		MaxBytes:  cfg.Limits.MaxBytes,
		KeyPrefix: cfg.KeyPrefix,
		Reserve:   DefaultReserve,
	}, nil
}
