// Command ingest is the ingest Lambda function: S3 event notifications,
// through SQS or directly, in; analysed policies in DynamoDB out. See
// package ingest; the configuration is read by settings.LoadIngest.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/logging"
	"github.com/policylens/policylens/shared/service/settings"
)

func main() {
	cfg, err := settings.LoadIngest(os.Getenv)
	log := logging.New(os.Stdout, cfg.LogLevel)
	if err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	// Once per cold start. Endpoints for emulators come from the SDK's own
	// AWS_ENDPOINT_URL[_<SERVICE>] variables.
	awsCfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		log.Error("load AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	h, err := ingest.NewFromConfig(awsCfg, cfg, log)
	if err != nil {
		log.Error("start", "error", err.Error())
		os.Exit(1)
	}
	lambda.Start(h.Invoke)
}
