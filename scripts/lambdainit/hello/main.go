// Command hello is the reference the function init times are measured
// against: a Lambda function that loads the AWS configuration, creates a
// DynamoDB client and starts, doing nothing else.
package main

import (
	"context"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func main() {
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		os.Exit(1)
	}
	db := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context) (string, error) {
		_ = db
		return "hello", nil
	})
}
