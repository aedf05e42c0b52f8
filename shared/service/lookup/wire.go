package lookup

import (
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
)

// NewFromConfig builds the handler the lookup function runs, reading the
// table of cfg with a DynamoDB client from awsCfg (whose endpoint honours
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_DYNAMODB). The function's main and
// the local development system both use it.
func NewFromConfig(awsCfg aws.Config, cfg settings.Lookup, log *slog.Logger) *Handler {
	return New(store.New(dynamodb.NewFromConfig(awsCfg), cfg.Table), cfg, log)
}
