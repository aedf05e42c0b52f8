// Command ingest is the ingest Lambda function: S3 event notifications,
// through SQS or directly, in; analysed policies in DynamoDB out. See
// package ingest; the configuration is read by settings.LoadIngest.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/analyze"
	"github.com/policylens/policylens/shared/classify"
	"github.com/policylens/policylens/shared/ingest"
	"github.com/policylens/policylens/shared/logging"
	"github.com/policylens/policylens/shared/settings"
	"github.com/policylens/policylens/shared/store"
)

func main() {
	cfg, err := settings.LoadIngest(os.Getenv)
	log := logging.New(os.Stdout, cfg.LogLevel)
	if err != nil {
		log.Error("bad configuration", "error", err.Error())
		os.Exit(1)
	}
	ctx := context.Background()
	// Endpoints for emulators come from AWS_ENDPOINT_URL[_<SERVICE>].
	aws, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Error("load AWS configuration", "error", err.Error())
		os.Exit(1)
	}
	model, err := classify.Default()
	if err != nil {
		log.Error("load model", "error", err.Error())
		os.Exit(1)
	}
	h := &ingest.Handler{
		S3:        s3.NewFromConfig(aws, settings.S3Options(os.Getenv)),
		Store:     store.New(dynamodb.NewFromConfig(aws), cfg.Table),
		Analyzer:  analyze.New(model, cfg.Limits),
		Log:       log,
		MaxBytes:  cfg.Limits.MaxBytes,
		KeyPrefix: cfg.KeyPrefix,
		Reserve:   ingest.DefaultReserve,
	}
	lambda.Start(h.Invoke)
}
