// Command ingest is the ingest Lambda function: S3 event notifications,
// through SQS or directly, in; analysed policies in DynamoDB out. See
// package ingest; the configuration is read by settings.LoadIngest.
package main

import (
	"os"

	"github.com/policylens/policylens/shared/service/ingest"
)

func main() {
	if err := ingest.Start(); err != nil {
		os.Exit(1)
	}
}
