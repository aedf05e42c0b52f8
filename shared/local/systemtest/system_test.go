package systemtest_test

// The system under test: the real ingest and lookup handlers on a bucket,
// queue and table in moto_server, created from topology by package
// provision, with S3 delivering its notifications to the queue.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/local/localapi"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/logging"
	"github.com/policylens/policylens/shared/service/lookup"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
)

func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }

// system is one isolated copy of policylens in the emulator.
type system struct {
	t        testing.TB
	res      provision.Resources
	s3       *s3.Client
	sqs      *sqs.Client
	db       *dynamodb.Client
	store    *store.Store
	analyzer *analyze.Analyzer
	ingest   *ingest.Handler
	lookup   *lookup.Handler
	api      *httptest.Server
	logs     *fixture.Buffer
	region   string
}

// options change the system a test builds.
type options struct {
	maxBytes int64
	// limits, when set, bound the analysis (maxBytes aside).
	limits policy.Limits
	// db wraps the table client the store uses; bucket is the system's.
	db func(db store.DB, bucket string) store.DB
	// visibility is the queue's visibility timeout.
	visibility time.Duration
	// keep is how many versions of each policy are kept (0: the default).
	keep int
	// events wraps the publisher of the change events.
	events func(ingest.Events) ingest.Events
}

var sysSeq struct {
	sync.Mutex
	n int
}

func newSystem(t testing.TB, opt options) *system {
	t.Helper()
	motoserver.ForTest(t)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sysSeq.Lock()
	sysSeq.n++
	n := sysSeq.n
	sysSeq.Unlock()
	h := fnv.New32a()
	h.Write([]byte(t.Name()))
	name := fmt.Sprintf("it-%08x-%d", h.Sum32(), n)
	names := provision.Names{Bucket: name, Table: name, Queue: name, DLQ: name + "-dlq", VisibilityTimeout: opt.visibility,
		EventBus: name, ChangesQueue: name + "-changes"}
	cl := provision.NewClients(cfg)
	res, err := provision.Create(ctx, cl, names)
	if err != nil {
		t.Fatalf("provision: %v", err)
	}
	s := &system{t: t, res: res, s3: cl.S3, sqs: cl.SQS, db: cl.DynamoDB, logs: &fixture.Buffer{}, region: cfg.Region}
	lim := opt.limits.WithDefaults()
	if opt.maxBytes > 0 {
		lim.MaxBytes = opt.maxBytes
	}
	log := logging.New(s.logs, slog.LevelDebug)
	// The handlers as the functions build them.
	s.ingest, err = ingest.NewFromConfig(cfg, settings.Ingest{Table: res.Table, Limits: lim, EventBus: res.EventBus, KeepVersions: opt.keep}, log)
	if err != nil {
		t.Fatal(err)
	}
	if opt.events != nil {
		s.ingest.Events = opt.events(s.ingest.Events)
	}
	var db store.DB = cl.DynamoDB
	if opt.db != nil {
		db = opt.db(db, res.Bucket)
	}
	s.store = store.New(db, res.Table)
	s.store.KeepVersions = opt.keep
	s.ingest.Store = s.store
	// The reference the stored analyses are compared with.
	model, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	s.analyzer = analyze.New(model, lim)
	s.lookup, err = lookup.NewFromConfig(ctx, cfg, settings.Lookup{Table: res.Table, MaxPageSize: api.DefaultMaxPageSize}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := localapi.New(s.lookup.Handle, api.RouteKeys(), nil)
	if err != nil {
		t.Fatal(err)
	}
	// Served as make dev serves it: through the guard that passes paths on
	// as sent.
	s.api = httptest.NewUnstartedServer(srv)
	s.api.Listener = srv.Listener(s.api.Listener)
	s.api.Config = srv.HTTPServer()
	s.api.Start()
	t.Cleanup(s.api.Close)
	t.Cleanup(func() {
		if t.Failed() || os.Getenv("SHOW_LOGS") != "" {
			t.Logf("handler logs:\n%s", s.logs.String())
		}
	})
	return s
}

func (s *system) put(key string, body []byte) {
	s.t.Helper()
	if _, err := s.s3.PutObject(context.Background(), &s3.PutObjectInput{
		Bucket: aws.String(s.res.Bucket), Key: aws.String(key), Body: bytes.NewReader(body),
	}); err != nil {
		s.t.Fatalf("put %s: %v", key, err)
	}
}

func (s *system) remove(key string) {
	s.t.Helper()
	if _, err := s.s3.DeleteObject(context.Background(), &s3.DeleteObjectInput{
		Bucket: aws.String(s.res.Bucket), Key: aws.String(key),
	}); err != nil {
		s.t.Fatalf("delete %s: %v", key, err)
	}
}

// receive takes every message waiting in the queue without handling it,
// as the SQS event Lambda would build, and deletes them from the queue.
func (s *system) receive() events.SQSEvent {
	s.t.Helper()
	ctx := context.Background()
	var ev events.SQSEvent
	for {
		out, err := s.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(s.res.QueueURL), MaxNumberOfMessages: 10,
		})
		if err != nil {
			s.t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return ev
		}
		for _, m := range out.Messages {
			ev.Records = append(ev.Records, events.SQSMessage{
				MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
				Body: aws.ToString(m.Body), EventSource: "aws:sqs", EventSourceARN: s.res.QueueARN, AWSRegion: s.region,
			})
			if _, err := s.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{
				QueueUrl: aws.String(s.res.QueueURL), ReceiptHandle: m.ReceiptHandle,
			}); err != nil {
				s.t.Fatal(err)
			}
		}
	}
}

// receiveS3 is receive without S3's test event.
func (s *system) receiveS3() []events.SQSMessage {
	s.t.Helper()
	var out []events.SQSMessage
	for _, m := range s.receive().Records {
		if !strings.Contains(m.Body, `"s3:TestEvent"`) {
			out = append(out, m)
		}
	}
	return out
}

// handle runs the ingest handler on msgs as one SQS batch and returns the
// ids of the messages it reported as failed.
func (s *system) handle(msgs ...events.SQSMessage) []string {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	resp, err := s.ingest.HandleSQS(ctx, events.SQSEvent{Records: msgs})
	if err != nil {
		s.t.Fatalf("HandleSQS returned an error: %v", err)
	}
	var ids []string
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}

// drain delivers the queue's messages to the ingest handler through the
// event source, as Lambda would, until the queue is empty; every message
// must succeed.
func (s *system) drain() {
	s.t.Helper()
	var failed []string
	p := eventsource.New(s.sqs, s.res.QueueURL, s.res.QueueARN, s.region,
		func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			resp, err := s.ingest.HandleSQS(ctx, ev)
			for _, f := range resp.BatchItemFailures {
				failed = append(failed, f.ItemIdentifier)
			}
			return resp, err
		}, nil)
	p.Wait = 0
	for {
		n, err := p.PollOnce(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if len(failed) > 0 {
		s.t.Fatalf("messages failed: %v", failed)
	}
}

// get calls the lookup API over HTTP and decodes the JSON body into out
// (when not nil). It returns the response.
func (s *system) get(path string, out any) *http.Response {
	s.t.Helper()
	return s.do(http.MethodGet, path, out)
}

func (s *system) do(method, path string, out any) *http.Response {
	s.t.Helper()
	req, err := http.NewRequest(method, s.api.URL+path, nil)
	if err != nil {
		s.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			s.t.Fatalf("%s %s: body is not JSON: %v\n%s", method, path, err, body)
		}
	}
	return resp
}

// mustGet is get expecting 200.
func (s *system) mustGet(path string, out any) {
	s.t.Helper()
	var raw json.RawMessage
	resp := s.get(path, &raw)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: status %d: %s", path, resp.StatusCode, raw)
	}
	if err := json.Unmarshal(raw, out); err != nil {
		s.t.Fatal(err)
	}
}

// Documents of the API, as a client decodes them.
type (
	policyDoc struct {
		ID          string         `json:"id"`
		Bucket      string         `json:"bucket"`
		Key         string         `json:"key"`
		Status      string         `json:"status"`
		Reason      string         `json:"reason"`
		Clauses     int            `json:"clauses"`
		Bytes       int64          `json:"bytes"`
		SHA256      string         `json:"sha256"`
		Format      string         `json:"format"`
		Language    string         `json:"language"`
		Notes       []string       `json:"notes"`
		Company     string         `json:"company"`
		Regulations []string       `json:"regulations"`
		LabelCounts map[string]int `json:"labelCounts"`
		UpdatedAt   string         `json:"updatedAt"`
	}
	policyListDoc struct {
		Items      []policyDoc `json:"items"`
		NextCursor string      `json:"nextCursor"`
	}
	clauseDoc struct {
		Ordinal int      `json:"ordinal"`
		Heading []string `json:"heading"`
		Text    string   `json:"text"`
		Labels  []struct {
			Label string  `json:"label"`
			Slug  string  `json:"slug"`
			Score float64 `json:"score"`
		} `json:"labels"`
		Scores map[string]float64 `json:"scores"`
	}
	clauseListDoc struct {
		PolicyID   string      `json:"policyId"`
		Status     string      `json:"status"`
		Items      []clauseDoc `json:"items"`
		NextCursor string      `json:"nextCursor"`
	}
	labelClauseDoc struct {
		PolicyID string  `json:"policyId"`
		Ordinal  int     `json:"ordinal"`
		Text     string  `json:"text"`
		Score    float64 `json:"score"`
	}
	labelClauseListDoc struct {
		Label struct {
			Name string `json:"name"`
			Slug string `json:"slug"`
		} `json:"label"`
		Items      []labelClauseDoc `json:"items"`
		NextCursor string           `json:"nextCursor"`
	}
	problemDoc struct {
		Type      string `json:"type"`
		Title     string `json:"title"`
		Status    int    `json:"status"`
		Detail    string `json:"detail"`
		Instance  string `json:"instance"`
		Parameter string `json:"parameter"`
	}
)

// allClauses pages through the clauses of a policy with the given query
// (without limit or cursor) and page size.
func (s *system) allClauses(id, query string, limit int) []clauseDoc {
	s.t.Helper()
	var all []clauseDoc
	cursor := ""
	for pages := 0; ; pages++ {
		q := url.Values{}
		if query != "" {
			var err error
			if q, err = url.ParseQuery(query); err != nil {
				s.t.Fatal(err)
			}
		}
		q.Set("limit", fmt.Sprint(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page clauseListDoc
		s.mustGet("/policies/"+id+"/clauses?"+q.Encode(), &page)
		if len(page.Items) > limit {
			s.t.Fatalf("page of %d clauses with limit %d", len(page.Items), limit)
		}
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		if pages > 10000 {
			s.t.Fatal("pagination does not end")
		}
		cursor = page.NextCursor
	}
}

// allLabelClauses pages through the clauses of a label.
func (s *system) allLabelClauses(label, query string, limit int) []labelClauseDoc {
	s.t.Helper()
	var all []labelClauseDoc
	cursor := ""
	for pages := 0; ; pages++ {
		q, err := url.ParseQuery(query)
		if err != nil {
			s.t.Fatal(err)
		}
		q.Set("limit", fmt.Sprint(limit))
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page labelClauseListDoc
		s.mustGet("/labels/"+url.PathEscape(label)+"/clauses?"+q.Encode(), &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" {
			return all
		}
		if pages > 10000 {
			s.t.Fatal("pagination does not end")
		}
		cursor = page.NextCursor
	}
}

// items counts the table's items by the prefix of their partition key, by
// scanning the table: the raw truth about what is stored.
func (s *system) items(pkPrefix string) int {
	s.t.Helper()
	n := 0
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{
		TableName:                 aws.String(s.res.Table),
		FilterExpression:          aws.String("begins_with(pk, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: pkPrefix}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		out, err := p.NextPage(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		n += len(out.Items)
	}
	return n
}

// genPartitions returns the distinct clause partitions of a policy.
func (s *system) genPartitions(id string) []string {
	s.t.Helper()
	seen := map[string]bool{}
	var out []string
	p := dynamodb.NewScanPaginator(s.db, &dynamodb.ScanInput{
		TableName:                 aws.String(s.res.Table),
		FilterExpression:          aws.String("begins_with(pk, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "C#" + id + "#"}},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		for _, it := range page.Items {
			pk := it["pk"].(*types.AttributeValueMemberS).Value
			if !seen[pk] {
				seen[pk] = true
				out = append(out, pk)
			}
		}
	}
	return out
}

// logLines returns the handler's log records whose key is key.
func (s *system) logRecords(key string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			s.t.Fatalf("log line is not JSON: %q", line)
		}
		if rec["key"] == key {
			out = append(out, rec)
		}
	}
	return out
}
