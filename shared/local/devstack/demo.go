package devstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/settings"
)

// Upload puts the named files into the stack's bucket under their base
// names, as `aws s3 cp FILE s3://BUCKET/` would.
func (s *Stack) Upload(ctx context.Context, files ...string) error {
	client := s3.NewFromConfig(s.cfg, settings.S3Options(os.Getenv))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		_, err = client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: aws.String(s.Resources.Bucket),
			Key:    aws.String(filepath.Base(f)),
			Body:   bytes.NewReader(data),
		})
		if err != nil {
			return fmt.Errorf("upload %s: %w", f, err)
		}
	}
	return nil
}

// policyList is the part of GET /policies the demo reads.
type policyList struct {
	Items []struct {
		ID     string `json:"id"`
		Key    string `json:"key"`
		Status string `json:"status"`
	} `json:"items"`
}

// WaitSettled polls GET /policies until n policies exist and none is still
// PROCESSING, or until ctx is done. It returns the ids of the policies.
func (s *Stack) WaitSettled(ctx context.Context, n int) ([]string, error) {
	for {
		var list policyList
		body, err := s.Get(ctx, "/policies?limit=100")
		if err == nil {
			err = json.Unmarshal(body, &list)
		}
		if err == nil && len(list.Items) >= n {
			var ids []string
			settled := true
			for _, p := range list.Items {
				ids = append(ids, p.ID)
				settled = settled && p.Status != "PROCESSING"
			}
			if settled {
				return ids, nil
			}
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("wait for %d policies to be processed: %w", n, ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Get fetches path from the lookup API and returns the body of a 2xx
// response.
func (s *Stack) Get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.API+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode/100 != 2 {
		return body, fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	return body, nil
}

// Demo uploads files, waits until each is processed, and prints to w what the
// lookup API then returns, request by request, as a newcomer would explore it
// with curl.
func (s *Stack) Demo(ctx context.Context, w io.Writer, files []string) error {
	fmt.Fprintf(w, "Uploading %d policies to s3://%s/ ...\n", len(files), s.Resources.Bucket)
	if err := s.Upload(ctx, files...); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	ids, err := s.WaitSettled(wctx, len(files))
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "All %d processed.\n", len(ids))
	paths := []string{
		"/policies",
		"/policies/" + url.PathEscape(ids[0]),
		"/policies/" + url.PathEscape(ids[0]) + "/clauses?limit=3",
		"/labels",
		"/labels/data-retention/clauses?limit=3",
		"/labels/do-not-track/clauses?limit=2",
	}
	for _, p := range paths {
		body, err := s.Get(ctx, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n$ curl %s%s\n", s.API, p)
		var pretty bytes.Buffer
		if json.Indent(&pretty, body, "", "  ") != nil {
			pretty.Reset()
			pretty.Write(body)
		}
		pretty.WriteByte('\n')
		if _, err := pretty.WriteTo(w); err != nil {
			return err
		}
	}
	return nil
}

// Redrive moves the messages of the dead-letter queue of the local system
// whose emulator listens at endpoint back to its ingest queue (see
// eventsource.Redrive) and returns how many it moved.
func Redrive(ctx context.Context, endpoint string) (int, error) {
	q, err := localSQS(ctx, endpoint)
	if err != nil {
		return 0, err
	}
	names := provision.LocalNames()
	dlq, err := queueURL(ctx, q, endpoint, names.DLQ)
	if err != nil {
		return 0, err
	}
	queue, err := queueURL(ctx, q, endpoint, names.Queue)
	if err != nil {
		return 0, err
	}
	return eventsource.Redrive(ctx, q, dlq, queue)
}

// localSQS is an SQS client of the local system whose emulator listens at
// endpoint.
func localSQS(ctx context.Context, endpoint string) (*sqs.Client, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRegion(motoserver.Region),
		config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(motoserver.AccessKey, motoserver.SecretKey, "")),
		config.WithBaseEndpoint(endpoint))
	if err != nil {
		return nil, err
	}
	return sqs.NewFromConfig(cfg), nil
}

func queueURL(ctx context.Context, q *sqs.Client, endpoint, name string) (string, error) {
	out, err := q.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(name)})
	if err != nil {
		return "", fmt.Errorf("find queue %s at %s (is make dev running?): %w", name, endpoint, err)
	}
	return aws.ToString(out.QueueUrl), nil
}
