package lookup

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/policylens/policylens/shared/service/logging"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// NewFromConfig builds the handler the lookup function runs, reading the
// table of cfg with a DynamoDB client from awsCfg (whose endpoint honours
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_DYNAMODB), and the cursor secret
// cfg names through Secrets Manager. Without a secret it signs cursors with
// a random key of its own. The function's main and the local development
// system both use it.
func NewFromConfig(ctx context.Context, awsCfg aws.Config, cfg settings.Lookup, log *slog.Logger) (*Handler, error) {
	keys := RandomKeys()
	if cfg.CursorSecretARN != "" {
		var err error
		if keys, err = LoadKeys(ctx, secretsmanager.NewFromConfig(awsCfg), cfg.CursorSecretARN, log); err != nil {
			return nil, err
		}
	} else {
		log.WarnContext(ctx, topology.EnvCursorSecretARN+" is not set: cursors are signed with a random key and are valid on this instance only")
	}
	st := store.New(dynamodb.NewFromConfig(awsCfg), cfg.Table)
	st.Shards = cfg.Shards
	return New(st, keys, cfg, log), nil
}

// Start runs the lookup function in a Lambda runtime: configuration from
// the environment (settings.LoadLookup), the cursor keys from Secrets
// Manager, and h.Handle for every request. It returns only if the function
// cannot start.
func Start() error {
	cfg, err := settings.LoadLookup(os.Getenv)
	log := logging.New(os.Stdout, cfg.LogLevel)
	if err != nil {
		log.Error("bad configuration", "error", err.Error())
		return err
	}
	// Once per cold start. Endpoints for emulators come from the SDK's own
	// AWS_ENDPOINT_URL[_<SERVICE>] variables.
	ctx := context.Background()
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Error("load AWS configuration", "error", err.Error())
		return err
	}
	h, err := NewFromConfig(ctx, awsCfg, cfg, log)
	if err != nil {
		log.Error("start", "error", err.Error())
		return err
	}
	lambda.Start(h.Handle)
	return nil
}
