package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/local/motoserver"
)

// TestUpPrintsEndpointsAndStopsOnInterrupt checks the contract scripts and the
// README rely on: four lines naming the S3 endpoint, the bucket, the API and
// the queue of the change events, each on its own line, a working API and
// queue, and a clean stop when interrupted.
func TestUpPrintsEndpointsAndStopsOnInterrupt(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		code := run(ctx, []string{"up", "--s3-port", "0", "--api-port", "0", "--state-dir", t.TempDir(), "-v=false"}, pw, io.Discard)
		pw.Close()
		done <- code
	}()
	want := map[string]*regexp.Regexp{
		"S3 endpoint": regexp.MustCompile(`^S3 endpoint: (http://127\.0\.0\.1:\d+)$`),
		"Bucket":      regexp.MustCompile(`^Bucket: ([a-z0-9.-]+)$`),
		"API":         regexp.MustCompile(`^API: (http://127\.0\.0\.1:\d+)$`),
		"Changes":     regexp.MustCompile(`^Changes queue: (http://127\.0\.0\.1:\d+/\d+/policylens-local-changes)$`),
	}
	got := map[string]string{}
	sc := bufio.NewScanner(pr)
	deadline := time.AfterFunc(time.Minute, func() { pw.CloseWithError(io.ErrUnexpectedEOF) })
	defer deadline.Stop()
	for len(got) < len(want) && sc.Scan() {
		for name, re := range want {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				got[name] = m[1]
			}
		}
	}
	if len(got) != len(want) {
		t.Fatalf("printed %v before stopping; want all of S3 endpoint, Bucket, API, Changes queue", got)
	}
	go io.Copy(io.Discard, pr)
	resp, err := http.Get(got["API"] + "/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /health: %s", resp.Status)
	}
	// The queue is there.
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(motoserver.Region), config.WithBaseEndpoint(got["S3 endpoint"]),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(motoserver.AccessKey, motoserver.SecretKey, "")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqs.NewFromConfig(cfg).GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(got["Changes"])}); err != nil {
		t.Errorf("the changes queue %s: %v", got["Changes"], err)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit code %d after interrupt", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("did not stop after interrupt")
	}
	if _, err := http.Get(got["S3 endpoint"]); err == nil {
		t.Error("emulator still answers after stop")
	}
}

func TestUsageErrors(t *testing.T) {
	var stderr strings.Builder
	if code := run(context.Background(), []string{"up", "--no-such-flag"}, io.Discard, &stderr); code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
}
