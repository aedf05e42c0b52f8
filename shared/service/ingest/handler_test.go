package ingest_test

// The ingest handler's decisions, with small fakes for S3, the store and
// the analyser.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
)

// fakeS3 serves one object, or an error.
type fakeS3 struct {
	data []byte
	size int64 // ContentLength when not len(data)
	err  error
	read int // bytes read from bodies
	mu   sync.Mutex
	gets []*s3.GetObjectInput
}

func (f *fakeS3) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets = append(f.gets, in)
	if f.err != nil {
		return nil, f.err
	}
	n := f.size
	if n == 0 {
		n = int64(len(f.data))
	}
	return &s3.GetObjectOutput{ContentLength: aws.Int64(n), Body: io.NopCloser(&countingReader{r: bytes.NewReader(f.data), f: f})}, nil
}

type countingReader struct {
	r io.Reader
	f *fakeS3
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.f.read += n
	return n, err
}

// fakeStore records the calls ingest makes.
type fakeStore struct {
	mu       sync.Mutex
	snapshot *store.Policy
	beginErr error
	writeErr error
	finErr   error
	calls    []string
	outcome  *store.Outcome
}

func (f *fakeStore) call(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, name)
}

func (f *fakeStore) Snapshot(ctx context.Context, id string) (*store.Policy, error) {
	f.call("Snapshot")
	return f.snapshot, nil
}

func (f *fakeStore) Begin(ctx context.Context, v policy.Version) (*store.Policy, error) {
	f.call("Begin")
	return nil, f.beginErr
}

func (f *fakeStore) WriteClauses(ctx context.Context, v policy.Version, res *policy.Analysis) error {
	f.call("WriteClauses")
	return f.writeErr
}

func (f *fakeStore) Finish(ctx context.Context, v policy.Version, prev *store.Policy, o store.Outcome) error {
	f.call("Finish")
	f.outcome = &o
	return f.finErr
}

func (f *fakeStore) Remove(ctx context.Context, v policy.Version) error {
	f.call("Remove")
	return nil
}

func (f *fakeStore) Abandon(ctx context.Context, v policy.Version) error {
	f.call("Abandon")
	return nil
}

func (f *fakeStore) Sweep(ctx context.Context, p *store.Policy) error {
	f.call("Sweep")
	return nil
}

// fakeAnalyzer returns a fixed result or error, or panics.
type fakeAnalyzer struct {
	res   *policy.Analysis
	err   error
	panic bool
}

func (f *fakeAnalyzer) Analyze(ctx context.Context, name string, data []byte) (*policy.Analysis, error) {
	if f.panic {
		var m map[string]int
		m["boom"]++ // a nil map write, as a bug would
	}
	return f.res, f.err
}

func oneClause() *policy.Analysis {
	return &policy.Analysis{Clauses: []policy.Clause{{Ordinal: 1, Text: "We keep data."}}}
}

// message returns an SQS message carrying an S3 event for key.
func message(t *testing.T, id, eventName, key, seq string) events.SQSMessage {
	t.Helper()
	body, err := json.Marshal(map[string]any{"Records": []any{map[string]any{
		"eventSource": "aws:s3", "eventName": eventName, "eventTime": "2025-03-03T10:00:00.000Z",
		"s3": map[string]any{"bucket": map[string]any{"name": "bucket"},
			"object": map[string]any{"key": key, "size": 10, "eTag": "abc", "sequencer": seq}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return events.SQSMessage{MessageId: id, Body: string(body), EventSource: "aws:sqs"}
}

func newHandler(obj *fakeS3, st *fakeStore, an *fakeAnalyzer, logs io.Writer) *ingest.Handler {
	return &ingest.Handler{S3: obj, Store: st, Analyzer: an, Log: slog.New(slog.NewJSONHandler(logs, nil)),
		MaxBytes: 1000, Reserve: time.Second}
}

func failures(resp events.SQSEventResponse) []string {
	var out []string
	for _, f := range resp.BatchItemFailures {
		out = append(out, f.ItemIdentifier)
	}
	return out
}

func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

func TestHandlerOutcomes(t *testing.T) {
	corrupt := fault.E(fault.Corrupt, "the file ends in the middle of an object; upload it again")
	tests := []struct {
		name     string
		key      string
		s3       *fakeS3
		store    *fakeStore
		analyzer *fakeAnalyzer
		prefix   string
		// what must happen
		failed  bool
		calls   []string
		reason  string // reason recorded by Finish, "" for none
		outcome string
	}{
		{name: "analysed", key: "p.txt", s3: &fakeS3{data: []byte("text")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "input error marks FAILED", key: "p.pdf", s3: &fakeS3{data: []byte("%PDF-1.7")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{err: corrupt},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: corrupt.Error(), outcome: "failed"},
		{name: "wrapped input error marks FAILED", key: "p.pdf", s3: &fakeS3{data: []byte("%PDF-1.7")}, store: &fakeStore{},
			analyzer: &fakeAnalyzer{err: errors.Join(errors.New("analyze p.pdf"), corrupt)},
			calls:    []string{"Snapshot", "Begin", "Finish"}, reason: corrupt.Error(), outcome: "failed"},
		{name: "over-size object is not read", key: "p.txt", s3: &fakeS3{data: []byte("x"), size: 5000}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: "over the limit of 1000 bytes (MAX_OBJECT_BYTES)", outcome: "failed"},
		{name: "object longer than it said", key: "p.txt", s3: &fakeS3{data: bytes.Repeat([]byte("x"), 1500), size: 10}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: "over the limit of 1000 bytes (MAX_OBJECT_BYTES)", outcome: "failed"},
		{name: "unknown file type", key: "p.docx", s3: &fakeS3{data: []byte("PK")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: `unsupported file type ".docx"`, outcome: "failed"},
		{name: "cancelled analysis is retried", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{err: context.DeadlineExceeded},
			failed: true, calls: []string{"Snapshot", "Begin"}, outcome: "error"},
		{name: "S3 throttling is retried", key: "p.txt", s3: &fakeS3{err: apiErr("SlowDown")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			failed: true, calls: []string{"Snapshot"}, outcome: "error"},
		{name: "table throttling is retried", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{writeErr: apiErr("ThrottlingException")}, analyzer: &fakeAnalyzer{res: oneClause()},
			failed: true, calls: []string{"Snapshot", "Begin", "WriteClauses"}, outcome: "error"},
		{name: "object gone", key: "p.txt", s3: &fakeS3{err: &s3types.NoSuchKey{}}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			calls: []string{"Snapshot"}, outcome: "gone"},
		{name: "object replaced since", key: "p.txt", s3: &fakeS3{err: apiErr("PreconditionFailed")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			calls: []string{"Snapshot"}, outcome: "superseded"},
		{name: "newer event applied", key: "p.txt", s3: &fakeS3{}, store: &fakeStore{snapshot: &store.Policy{Bucket: "bucket", Key: "p.txt", Seq: strings.Repeat("f", 32), Status: policy.Ready}},
			analyzer: &fakeAnalyzer{}, calls: []string{"Snapshot", "Abandon", "Sweep"}, outcome: "stale"},
		{name: "same event applied", key: "p.txt", s3: &fakeS3{}, store: &fakeStore{snapshot: &store.Policy{Bucket: "bucket", Key: "p.txt", Seq: token("0A"), Status: policy.Ready}},
			analyzer: &fakeAnalyzer{}, calls: []string{"Snapshot", "Sweep"}, outcome: "duplicate"},
		{name: "same event unfinished", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{snapshot: &store.Policy{Bucket: "bucket", Key: "p.txt", Seq: token("0A"), Status: policy.Processing}},
			analyzer: &fakeAnalyzer{res: oneClause()}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "claim lost at begin", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{beginErr: store.ErrSuperseded}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Abandon"}, outcome: "stale"},
		{name: "claim lost at finish", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{finErr: store.ErrSuperseded}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish", "Abandon"}, outcome: "superseded"},
		{name: "panic fails the record", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{panic: true},
			failed: true, calls: []string{"Snapshot", "Begin"}, outcome: "error"},
		{name: "outside the key prefix", key: "other/p.txt", prefix: "policies/", s3: &fakeS3{}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			outcome: "ignored"},
		{name: "folder marker", key: "policies/", s3: &fakeS3{}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			outcome: "ignored"},
		{name: "id collision", key: "p.txt", s3: &fakeS3{}, store: &fakeStore{snapshot: &store.Policy{Bucket: "bucket", Key: "other.txt", Seq: token("01")}},
			analyzer: &fakeAnalyzer{}, failed: true, calls: []string{"Snapshot"}, outcome: "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newHandler(tt.s3, tt.store, tt.analyzer, &logs)
			h.KeyPrefix = tt.prefix
			resp, err := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
				message(t, "m1", "ObjectCreated:Put", tt.key, "0A"),
			}})
			if err != nil {
				t.Fatal(err)
			}
			if got := len(resp.BatchItemFailures) == 1; got != tt.failed {
				t.Errorf("message failed = %v, want %v\n%s", got, tt.failed, logs.String())
			}
			if !slices.Equal(tt.store.calls, tt.calls) {
				t.Errorf("store calls %v, want %v", tt.store.calls, tt.calls)
			}
			if tt.reason == "" && tt.store.outcome != nil && tt.store.outcome.Reason != "" {
				t.Errorf("recorded failure %q", tt.store.outcome.Reason)
			}
			if tt.reason != "" && (tt.store.outcome == nil || !strings.Contains(tt.store.outcome.Reason, tt.reason)) {
				t.Errorf("recorded outcome %+v, want a reason containing %q", tt.store.outcome, tt.reason)
			}
			if strings.Contains(tt.name, "not read") && tt.s3.read != 0 {
				t.Errorf("read %d bytes of an over-size object", tt.s3.read)
			}
			var rec map[string]any
			lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rec); err != nil {
				t.Fatalf("log line is not JSON: %q", lines[len(lines)-1])
			}
			if rec["outcome"] != tt.outcome || rec["key"] != tt.key || rec["bucket"] != "bucket" || rec["messageId"] != "m1" {
				t.Errorf("log line %v, want outcome %s for bucket/%s", rec, tt.outcome, tt.key)
			}
			if _, ok := rec["durationMs"]; !ok {
				t.Errorf("log line without durationMs: %v", rec)
			}
		})
	}
}

func token(seq string) string {
	t, _ := s3event.OrderToken(seq, "")
	return t
}

// Without a version id, the handler asks S3 for the version the event is
// about (If-Match on its ETag); with one, for that version.
func TestHandlerReadsTheEventsVersion(t *testing.T) {
	obj := &fakeS3{data: []byte("t")}
	h := newHandler(obj, &fakeStore{}, &fakeAnalyzer{res: oneClause()}, io.Discard)
	h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{message(t, "m1", "ObjectCreated:Put", "a.txt", "01")}})
	if in := obj.gets[0]; aws.ToString(in.IfMatch) != `"abc"` || in.VersionId != nil {
		t.Errorf("GetObject If-Match %q version %v, want the event's ETag", aws.ToString(in.IfMatch), in.VersionId)
	}
	put, err := os.ReadFile(fixture.Path("events", "s3-put.json"))
	if err != nil {
		t.Fatal(err)
	}
	versioned := strings.Replace(string(put), `"sequencer"`, `"versionId": "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", "sequencer"`, 1)
	obj.gets = nil
	if _, err := h.Invoke(context.Background(), json.RawMessage(versioned)); err != nil {
		t.Fatal(err)
	}
	if in := obj.gets[0]; aws.ToString(in.VersionId) != "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY" || in.IfMatch != nil {
		t.Errorf("GetObject version %q If-Match %v, want the event's version", aws.ToString(in.VersionId), in.IfMatch)
	}
}

// One bad message fails alone; the others are processed.
func TestHandlerFailsMessagesIndependently(t *testing.T) {
	st := &fakeStore{}
	h := newHandler(&fakeS3{data: []byte("t")}, st, &fakeAnalyzer{res: oneClause()}, io.Discard)
	resp, _ := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m1", "ObjectCreated:Put", "a.txt", "01"),
		{MessageId: "m2", Body: "{not json"},
		message(t, "m3", "ObjectRemoved:Delete", "b.txt", "02"),
		message(t, "m4", "ObjectCreated:Put", "c.txt", "not-a-sequencer"),
	}})
	if got := failures(resp); !slices.Equal(got, []string{"m2", "m4"}) {
		t.Errorf("failed messages %v, want [m2 m4]", got)
	}
	if n := strings.Count(strings.Join(st.calls, " "), "Finish"); n != 1 || !slices.Contains(st.calls, "Remove") {
		t.Errorf("store calls %v, want one Finish and one Remove", st.calls)
	}
}

// Close to the deadline, the handler stops and fails the remaining
// messages, so that they are delivered again, instead of being killed
// mid-way.
func TestHandlerStopsBeforeDeadline(t *testing.T) {
	st := &fakeStore{}
	h := newHandler(&fakeS3{data: []byte("t")}, st, &fakeAnalyzer{res: oneClause()}, io.Discard)
	h.Reserve = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, _ := h.HandleSQS(ctx, events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m1", "ObjectCreated:Put", "a.txt", "01"),
		message(t, "m2", "ObjectCreated:Put", "b.txt", "02"),
	}})
	if got := failures(resp); !slices.Equal(got, []string{"m1", "m2"}) {
		t.Errorf("failed messages %v, want both", got)
	}
	if len(st.calls) != 0 {
		t.Errorf("store calls %v with no time left", st.calls)
	}
}

// The invocation payloads of events/ are handled as AWS would send them.
func TestInvokeSampleEvents(t *testing.T) {
	tests := []struct {
		file    string
		wantSQS bool
		calls   []string
	}{
		{"s3-put.json", false, []string{"Snapshot", "Begin", "WriteClauses", "Finish"}},
		{"s3-delete.json", false, []string{"Snapshot", "Remove"}},
		{"sqs-s3-put.json", true, []string{"Snapshot", "Begin", "WriteClauses", "Finish"}},
		{"sqs-s3-test-event.json", true, nil},
	}
	for _, tt := range tests {
		payload, err := os.ReadFile(fixture.Path("events", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		st := &fakeStore{}
		obj := &fakeS3{data: []byte("t")}
		h := newHandler(obj, st, &fakeAnalyzer{res: oneClause()}, io.Discard)
		out, err := h.Invoke(context.Background(), payload)
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		resp, isSQS := out.(events.SQSEventResponse)
		if isSQS != tt.wantSQS || (isSQS && len(resp.BatchItemFailures) != 0) {
			t.Errorf("%s: returned %#v", tt.file, out)
		}
		if !slices.Equal(st.calls, tt.calls) {
			t.Errorf("%s: store calls %v, want %v", tt.file, st.calls, tt.calls)
		}
		if len(obj.gets) > 0 && aws.ToString(obj.gets[0].Key) != "policies/Privacy Policy+2025.txt" {
			t.Errorf("%s: read key %q, want it URL-decoded", tt.file, aws.ToString(obj.gets[0].Key))
		}
	}
	for _, bad := range []string{`[]`, `{"Records":[]}`, `{"Records":[{"eventSource":"aws:kinesis"}]}`, `nonsense`} {
		h := newHandler(&fakeS3{}, &fakeStore{}, &fakeAnalyzer{}, io.Discard)
		if _, err := h.Invoke(context.Background(), json.RawMessage(bad)); err == nil {
			t.Errorf("Invoke(%s) succeeded", bad)
		}
	}
}
