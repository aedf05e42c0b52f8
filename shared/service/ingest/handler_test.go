package ingest_test

// The ingest handler's decisions, with small fakes for S3, the store and
// the analyser.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
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
	data    []byte
	size    int64  // ContentLength when not len(data)
	eTag    string // of the current object; "abc" (the events' ETag) when empty
	version string // version id of the current object
	err     error
	headErr error // HeadObject's error; err when nil
	read    int   // bytes read from bodies
	mu      sync.Mutex
	gets    []*s3.GetObjectInput
	heads   int
}

func (f *fakeS3) current() string {
	if f.eTag == "" {
		return "abc"
	}
	return f.eTag
}

func (f *fakeS3) GetObject(ctx context.Context, in *s3.GetObjectInput, _ ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.gets = append(f.gets, in)
	if f.err != nil {
		return nil, f.err
	}
	if in.IfMatch != nil && *in.IfMatch != `"`+f.current()+`"` {
		return nil, apiErr("PreconditionFailed")
	}
	n := f.size
	if n == 0 {
		n = int64(len(f.data))
	}
	out := &s3.GetObjectOutput{ContentLength: aws.Int64(n), ETag: aws.String(`"` + f.current() + `"`),
		Body: io.NopCloser(&countingReader{r: bytes.NewReader(f.data), f: f})}
	if f.version != "" {
		out.VersionId = aws.String(f.version)
	}
	return out, nil
}

func (f *fakeS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.heads++
	switch {
	case f.headErr != nil:
		return nil, f.headErr
	case f.err != nil:
		return nil, f.err
	}
	out := &s3.HeadObjectOutput{ContentLength: aws.Int64(int64(len(f.data))), ETag: aws.String(`"` + f.current() + `"`)}
	if f.version != "" {
		out.VersionId = aws.String(f.version)
	}
	return out, nil
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
	mu        sync.Mutex
	snapshot  *store.Policy
	beginErrs []error // returned by successive Begins, then nil
	writeErr  error
	finErr    error
	removeErr error
	calls     []string
	outcome   *store.Outcome
	begun     []policy.Version
	// versions are the analyses ReadVersion returns, by generation;
	// pending the events TakeEvent hands out, by generation.
	versions map[string]*policy.Analysis
	pending  map[string][]byte
	takeErr  error
	sent     map[string]bool
	// applyFinish makes a successful Finish change the snapshot, as the
	// table would.
	applyFinish bool
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

func (f *fakeStore) Begin(ctx context.Context, v policy.Version, seen *store.Policy) (store.Claim, error) {
	f.call("Begin")
	f.mu.Lock()
	defer f.mu.Unlock()
	f.begun = append(f.begun, v)
	if len(f.beginErrs) > 0 {
		err := f.beginErrs[0]
		f.beginErrs = f.beginErrs[1:]
		if err != nil {
			return store.Claim{}, err
		}
	}
	return store.Claim{Rev: "r1", Gen: "r1", Prev: seen}, nil
}

func (f *fakeStore) WriteClauses(ctx context.Context, v policy.Version, c store.Claim, res *policy.Analysis) error {
	f.call("WriteClauses")
	return f.writeErr
}

func (f *fakeStore) Finish(ctx context.Context, v policy.Version, c store.Claim, o store.Outcome) error {
	f.call("Finish")
	f.outcome = &o
	if f.finErr == nil && f.applyFinish && o.Reason == "" {
		f.mu.Lock()
		f.snapshot = &store.Policy{ID: v.ID, Bucket: v.Bucket, Key: v.Key, ETag: v.ETag, Seq: v.Seq, Status: policy.Ready, Rev: "r2", Gen: c.Gen}
		f.mu.Unlock()
	}
	return f.finErr
}

func (f *fakeStore) Remove(ctx context.Context, v policy.Version, seen *store.Policy) error {
	f.call("Remove")
	return f.removeErr
}

func (f *fakeStore) Abandon(ctx context.Context, v policy.Version, c store.Claim) error {
	f.call("Abandon")
	return nil
}

func (f *fakeStore) Sweep(ctx context.Context, p *store.Policy) error {
	f.call("Sweep")
	return nil
}

func (f *fakeStore) ReadVersion(ctx context.Context, id, gen string) (*policy.Analysis, error) {
	f.call("ReadVersion")
	return f.versions[gen], nil
}

func (f *fakeStore) TakeEvent(ctx context.Context, id, gen, holder string, until time.Time) ([]byte, error) {
	f.call("TakeEvent")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.takeErr != nil {
		return nil, f.takeErr
	}
	if gen == f.outcomeGen() && f.outcome != nil && f.outcome.Event != nil && !f.sent[gen] {
		return f.outcome.Event, nil
	}
	return f.pending[gen], nil
}

// outcomeGen is the generation of the claims Begin hands out.
func (f *fakeStore) outcomeGen() string { return "r1" }

func (f *fakeStore) EventSent(ctx context.Context, id, gen, eventID string) error {
	f.call("EventSent")
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.sent == nil {
		f.sent = map[string]bool{}
	}
	f.sent[gen] = true
	delete(f.pending, gen)
	return nil
}

// fakeAnalyzer returns a fixed result or error, or panics, or waits for
// its context to end.
type fakeAnalyzer struct {
	res   *policy.Analysis
	err   error
	panic bool
	block bool
	mu    sync.Mutex
	// deadlines are the deadlines of the contexts it was called with.
	deadlines []time.Time
}

func (f *fakeAnalyzer) Analyze(ctx context.Context, name string, data []byte) (*policy.Analysis, error) {
	d, _ := ctx.Deadline()
	f.mu.Lock()
	f.deadlines = append(f.deadlines, d)
	f.mu.Unlock()
	if f.panic {
		var m map[string]int
		m["boom"]++ // a nil map write, as a bug would
	}
	if f.block {
		<-ctx.Done()
		return nil, fmt.Errorf("analyze %s: %w", name, ctx.Err())
	}
	return f.res, f.err
}

func oneClause() *policy.Analysis {
	return &policy.Analysis{Clauses: []policy.Clause{{Ordinal: 1, Text: "We keep data."}}}
}

// message returns an SQS message carrying an S3 event for key, received
// for the first time.
func message(t *testing.T, id, eventName, key, seq string) events.SQSMessage {
	t.Helper()
	return messageAt(t, id, eventName, key, seq, "2025-03-03T10:00:00.000Z")
}

func messageAt(t *testing.T, id, eventName, key, seq, eventTime string) events.SQSMessage {
	t.Helper()
	body, err := json.Marshal(map[string]any{"Records": []any{map[string]any{
		"eventSource": "aws:s3", "eventName": eventName, "eventTime": eventTime,
		"s3": map[string]any{"bucket": map[string]any{"name": "bucket"},
			"object": map[string]any{"key": key, "size": 10, "eTag": "abc", "sequencer": seq}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	return events.SQSMessage{MessageId: id, Body: string(body), EventSource: "aws:sqs",
		Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
}

// delivered returns m as received for the nth time.
func delivered(m events.SQSMessage, n int) events.SQSMessage {
	m.Attributes = map[string]string{"ApproximateReceiveCount": fmt.Sprint(n)}
	return m
}

func newHandler(obj *fakeS3, st *fakeStore, an *fakeAnalyzer, logs io.Writer) *ingest.Handler {
	return &ingest.Handler{S3: obj, Store: st, Analyzer: an, Log: slog.New(slog.NewJSONHandler(logs, nil)),
		MaxBytes: 1000, Reserve: time.Second, MaxReceiveCount: 5}
}

func failures(resp events.SQSEventResponse) []string {
	var out []string
	for _, f := range resp.BatchItemFailures {
		out = append(out, f.ItemIdentifier)
	}
	return out
}

func apiErr(code string) error { return &smithy.GenericAPIError{Code: code, Message: code} }

// stored returns a policy item for bucket/p.txt holding the object with
// entity tag eTag, as applied by the event with sequencer seq.
func stored(status policy.Status, eTag, seq string) *store.Policy {
	p := &store.Policy{Bucket: "bucket", Key: "p.txt", Seq: token(seq), Status: status, Rev: "r0"}
	if status == policy.Processing {
		p.PendingETag = eTag
	} else {
		p.ETag = eTag
	}
	return p
}

func TestHandlerOutcomes(t *testing.T) {
	corrupt := fault.E(fault.Corrupt, "the file ends in the middle of an object; upload it again")
	huge := strings.Repeat("f", 32)
	tests := []struct {
		name     string
		key      string
		attempt  int // ApproximateReceiveCount; 1 when 0
		s3       *fakeS3
		store    *fakeStore
		analyzer *fakeAnalyzer
		prefix   string
		// what must happen
		failed    bool
		calls     []string
		reason    string // reason recorded by Finish, "" for none
		retryable bool
		outcome   string
	}{
		{name: "analysed", key: "p.txt", s3: &fakeS3{data: []byte("text")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "input error marks FAILED", key: "p.pdf", s3: &fakeS3{data: []byte("%PDF-1.7")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{err: corrupt},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: corrupt.Error(), outcome: "failed"},
		{name: "wrapped input error marks FAILED", key: "p.pdf", s3: &fakeS3{data: []byte("%PDF-1.7")}, store: &fakeStore{},
			analyzer: &fakeAnalyzer{err: errors.Join(errors.New("analyze p.pdf"), corrupt)},
			calls:    []string{"Snapshot", "Begin", "Finish"}, reason: corrupt.Error(), outcome: "failed"},
		{name: "analysis out of time marks FAILED", key: "p.md", s3: &fakeS3{data: []byte("# h")}, store: &fakeStore{},
			analyzer: &fakeAnalyzer{err: fault.E(fault.Timeout, "the analysis took longer than 60s")},
			calls:    []string{"Snapshot", "Begin", "Finish"}, reason: "took longer than 60s", outcome: "failed"},
		{name: "analysis out of memory marks FAILED", key: "p.md", s3: &fakeS3{data: []byte("# h")}, store: &fakeStore{},
			analyzer: &fakeAnalyzer{err: fault.E(fault.TooComplex, "the analysis needed more than 512 MB")},
			calls:    []string{"Snapshot", "Begin", "Finish"}, reason: "more than 512 MB", outcome: "failed"},
		{name: "over-size object is not read", key: "p.txt", s3: &fakeS3{data: []byte("x"), size: 5000}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: "over the limit of 1000 bytes (MAX_OBJECT_BYTES)", outcome: "failed"},
		{name: "object longer than it said", key: "p.txt", s3: &fakeS3{data: bytes.Repeat([]byte("x"), 1500), size: 10}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: "over the limit of 1000 bytes (MAX_OBJECT_BYTES)", outcome: "failed"},
		{name: "unknown file type", key: "p.docx", s3: &fakeS3{data: []byte("PK")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: `unsupported file type ".docx"`, outcome: "failed"},
		{name: "cancelled analysis is retried", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{err: context.DeadlineExceeded},
			failed: true, calls: []string{"Snapshot", "Begin"}, outcome: "error"},
		{name: "cancelled analysis on the last delivery marks FAILED", key: "p.txt", attempt: 5, s3: &fakeS3{data: []byte("t")}, store: &fakeStore{},
			analyzer: &fakeAnalyzer{err: context.DeadlineExceeded}, failed: true,
			calls: []string{"Snapshot", "Begin", "Finish"}, reason: "could not be processed after 5 attempts: the invocation ran out of time",
			retryable: true, outcome: "failed"},
		{name: "S3 throttling is retried", key: "p.txt", attempt: 4, s3: &fakeS3{err: apiErr("SlowDown")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{res: oneClause()},
			failed: true, calls: []string{"Snapshot"}, outcome: "error"},
		{name: "S3 throttling on the last delivery marks FAILED", key: "p.txt", attempt: 5, s3: &fakeS3{err: apiErr("SlowDown")}, store: &fakeStore{},
			analyzer: &fakeAnalyzer{res: oneClause()}, failed: true,
			calls: []string{"Snapshot", "Snapshot", "Begin", "Finish"}, reason: "could not be processed after 5 attempts: throttled:", retryable: true, outcome: "failed"},
		{name: "table throttling is retried", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{writeErr: apiErr("ThrottlingException")}, analyzer: &fakeAnalyzer{res: oneClause()},
			failed: true, calls: []string{"Snapshot", "Begin", "WriteClauses"}, outcome: "error"},
		{name: "object gone", key: "p.txt", s3: &fakeS3{err: &s3types.NoSuchKey{}}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			calls: []string{"Snapshot"}, outcome: "gone"},
		{name: "object replaced since", key: "p.txt", s3: &fakeS3{eTag: "newer"}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			calls: []string{"Snapshot"}, outcome: "superseded"},
		{name: "same object applied", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{snapshot: stored(policy.Ready, "abc", "0A")},
			analyzer: &fakeAnalyzer{}, calls: []string{"Snapshot", "Sweep"}, outcome: "duplicate"},
		{name: "same object applied by a newer event", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{snapshot: stored(policy.Failed, "abc", "0B")},
			analyzer: &fakeAnalyzer{}, calls: []string{"Snapshot", "Sweep"}, outcome: "duplicate"},
		{name: "same bytes uploaded again", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{snapshot: stored(policy.Failed, "abc", "09")},
			analyzer: &fakeAnalyzer{res: oneClause()}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "other object under a forged huge token", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{snapshot: stored(policy.Ready, "forged", huge)},
			analyzer: &fakeAnalyzer{res: oneClause()}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "same object unfinished", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{snapshot: stored(policy.Processing, "abc", "0A")},
			analyzer: &fakeAnalyzer{res: oneClause()}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "redrive after running out of deliveries", key: "p.txt", s3: &fakeS3{data: []byte("t")},
			store:    &fakeStore{snapshot: func() *store.Policy { p := stored(policy.Failed, "abc", "0A"); p.Retryable = true; return p }()},
			analyzer: &fakeAnalyzer{res: oneClause()}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "claim lost once, then won", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{beginErrs: []error{store.ErrSuperseded}},
			analyzer: &fakeAnalyzer{res: oneClause()}, calls: []string{"Snapshot", "Begin", "Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "claim lost again and again", key: "p.txt", s3: &fakeS3{data: []byte("t")},
			store:    &fakeStore{beginErrs: []error{store.ErrSuperseded, store.ErrSuperseded, store.ErrSuperseded, store.ErrSuperseded}},
			analyzer: &fakeAnalyzer{res: oneClause()}, failed: true,
			calls: []string{"Snapshot", "Begin", "Snapshot", "Begin", "Snapshot", "Begin", "Snapshot", "Begin"}, outcome: "error"},
		{name: "claim lost at finish", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{finErr: store.ErrSuperseded}, analyzer: &fakeAnalyzer{res: oneClause()},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish", "Abandon"}, outcome: "superseded"},
		{name: "panic fails the record", key: "p.txt", s3: &fakeS3{data: []byte("t")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{panic: true},
			failed: true, calls: []string{"Snapshot", "Begin"}, outcome: "error"},
		{name: "panic on the last delivery marks FAILED", key: "p.txt", attempt: 5, s3: &fakeS3{data: []byte("t")}, store: &fakeStore{}, analyzer: &fakeAnalyzer{panic: true},
			failed: true, calls: []string{"Snapshot", "Begin", "Snapshot", "Begin", "Finish"}, reason: "could not be processed after 5 attempts: internal error: a bug;",
			retryable: true, outcome: "failed"},
		{name: "outside the key prefix", key: "other/p.txt", prefix: "policies/", s3: &fakeS3{}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			outcome: "ignored"},
		{name: "folder marker", key: "policies/", s3: &fakeS3{}, store: &fakeStore{}, analyzer: &fakeAnalyzer{},
			outcome: "ignored"},
		{name: "id collision", key: "p.txt", s3: &fakeS3{}, store: &fakeStore{snapshot: &store.Policy{Bucket: "bucket", Key: "other.txt", Seq: token("01")}},
			analyzer: &fakeAnalyzer{}, calls: []string{"Snapshot"}, outcome: "malformed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			h := newHandler(tt.s3, tt.store, tt.analyzer, &logs)
			h.KeyPrefix = tt.prefix
			m := delivered(message(t, "m1", "ObjectCreated:Put", tt.key, "0A"), max(tt.attempt, 1))
			resp, err := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{m}})
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
			if o := tt.store.outcome; o != nil && (o.Retryable != tt.retryable || len(o.Reason) > 300 || strings.ContainsAny(o.Reason, "\n\r\t")) {
				t.Errorf("recorded outcome %+v: want retryable %v and one line of at most 300 bytes", o, tt.retryable)
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

// Without a version id, the handler asks S3 for the current object on
// condition that it is the event's (If-Match on its ETag); with one, it also
// checks that the current object is that version.
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
	const ver = "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"
	versioned := strings.Replace(string(put), `"sequencer"`, `"versionId": "`+ver+`", "sequencer"`, 1)
	for _, tt := range []struct {
		current string
		want    []string
	}{
		{ver, []string{"Snapshot", "Begin", "WriteClauses", "Finish"}},
		{"a-newer-version", []string{"Snapshot"}},
	} {
		obj := &fakeS3{data: []byte("t"), eTag: "df3a94a18c5dede95070053243a04e4e", version: tt.current}
		st := &fakeStore{}
		h := newHandler(obj, st, &fakeAnalyzer{res: oneClause()}, io.Discard)
		if _, err := h.Invoke(context.Background(), json.RawMessage(versioned)); err != nil {
			t.Fatal(err)
		}
		if in := obj.gets[0]; in.VersionId != nil || aws.ToString(in.IfMatch) != `"df3a94a18c5dede95070053243a04e4e"` {
			t.Errorf("GetObject version %v If-Match %q, want the current object on the event's ETag", in.VersionId, aws.ToString(in.IfMatch))
		}
		if !slices.Equal(st.calls, tt.want) {
			t.Errorf("current version %s: store calls %v, want %v", tt.current, st.calls, tt.want)
		}
	}
}

// Malformed messages and records are acknowledged, so that they are not
// delivered again and again; a message that failed for a reason that may
// pass fails alone, and the others are processed.
func TestHandlerFailsMessagesIndependently(t *testing.T) {
	st := &fakeStore{}
	obj := &fakeS3{data: []byte("t"), headErr: &s3types.NotFound{}}
	var logs bytes.Buffer
	h := newHandler(obj, st, &fakeAnalyzer{res: oneClause()}, &logs)
	resp, _ := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m1", "ObjectCreated:Put", "a.txt", "01"),
		{MessageId: "m2", Body: "{not json"},
		message(t, "m3", "ObjectRemoved:Delete", "b.txt", "02"),
		message(t, "m4", "ObjectCreated:Put", "c.txt", "not-a-sequencer"),
		message(t, "m5", "ObjectCreated:Put", "d.docx", "03"),
	}})
	if got := failures(resp); len(got) != 0 {
		t.Errorf("failed messages %v, want none", got)
	}
	if n := strings.Count(strings.Join(st.calls, " "), "Finish"); n != 2 {
		t.Errorf("store calls %v, want two Finish (one READY, one FAILED)", st.calls)
	}
	if n := strings.Count(logs.String(), `"outcome":"malformed"`); n != 2 {
		t.Errorf("%d malformed outcomes logged, want 2:\n%s", n, logs.String())
	}
	// One message whose object S3 cannot read right now.
	obj.err = apiErr("SlowDown")
	resp, _ = h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m6", "ObjectCreated:Put", "e.txt", "04"),
	}})
	if got := failures(resp); !slices.Equal(got, []string{"m6"}) {
		t.Errorf("failed messages %v, want [m6]", got)
	}
}

// An event dated more than 15 minutes ahead cannot come from S3: it is
// logged and acknowledged without touching the store or S3.
func TestFutureEventIsMalformed(t *testing.T) {
	for _, name := range []string{"ObjectCreated:Put", "ObjectRemoved:Delete"} {
		st := &fakeStore{}
		obj := &fakeS3{data: []byte("t")}
		var logs bytes.Buffer
		h := newHandler(obj, st, &fakeAnalyzer{res: oneClause()}, &logs)
		h.Now = func() time.Time { return time.Date(2025, 3, 3, 10, 0, 0, 0, time.UTC) }
		resp, _ := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{
			messageAt(t, "m1", name, "p.txt", "", "2099-01-01T00:00:00.000Z"),
			messageAt(t, "m2", name, "p.txt", "", "2025-03-03T10:14:00.000Z"),
		}})
		if len(resp.BatchItemFailures) != 0 {
			t.Errorf("%s: failures %v", name, failures(resp))
		}
		if !strings.Contains(logs.String(), `"outcome":"malformed"`) || !strings.Contains(logs.String(), "in the future") {
			t.Errorf("%s: no malformed outcome logged:\n%s", name, logs.String())
		}
		// Only the second event (a minute of clock skew) reached the store.
		if st.calls[0] != "Snapshot" || strings.Count(strings.Join(st.calls, " "), "Snapshot") != 1 {
			t.Errorf("%s: store calls %v, want one event's", name, st.calls)
		}
	}
}

// A removal is applied only when S3 has no object under the key any more.
func TestRemovalIsCheckedAgainstS3(t *testing.T) {
	tests := []struct {
		name    string
		s3      *fakeS3
		snap    *store.Policy
		version string // of the removal event
		calls   []string
		outcome string
	}{
		{"object gone", &fakeS3{headErr: &s3types.NotFound{}}, stored(policy.Ready, "abc", "01"), "",
			[]string{"Snapshot", "Remove"}, "deleted"},
		{"object gone, policy unknown", &fakeS3{headErr: &s3types.NotFound{}}, nil, "",
			[]string{"Snapshot", "Sweep"}, "deleted"},
		{"forged removal of an object that exists", &fakeS3{data: []byte("t")}, stored(policy.Ready, "abc", "01"), "",
			[]string{"Snapshot", "Sweep"}, "ignored"},
		{"removal before an upload whose event follows", &fakeS3{data: []byte("t"), eTag: "newer"}, stored(policy.Ready, "abc", "01"), "",
			[]string{"Snapshot"}, "superseded"},
		{"current version deleted, an older one current again", &fakeS3{data: []byte("t"), eTag: "older", version: "v1"},
			func() *store.Policy { p := stored(policy.Ready, "abc", "01"); p.VersionID = "v2"; return p }(), "v2",
			[]string{"Snapshot", "Snapshot", "Begin", "WriteClauses", "Finish"}, "ready"},
		{"S3 unavailable", &fakeS3{headErr: apiErr("ServiceUnavailable")}, stored(policy.Ready, "abc", "01"), "",
			[]string{"Snapshot"}, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{snapshot: tt.snap}
			var logs bytes.Buffer
			h := newHandler(tt.s3, st, &fakeAnalyzer{res: oneClause()}, &logs)
			m := message(t, "m1", "ObjectRemoved:Delete", "p.txt", "05")
			if tt.version != "" {
				m.Body = strings.Replace(m.Body, `"sequencer"`, `"versionId":"`+tt.version+`","sequencer"`, 1)
			}
			h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{m}})
			if !slices.Equal(st.calls, tt.calls) {
				t.Errorf("store calls %v, want %v", st.calls, tt.calls)
			}
			if !strings.Contains(logs.String(), `"outcome":"`+tt.outcome+`"`) {
				t.Errorf("want outcome %s:\n%s", tt.outcome, logs.String())
			}
			if tt.s3.heads != 1 {
				t.Errorf("%d HeadObject calls, want 1", tt.s3.heads)
			}
		})
	}
}

// Close to the deadline, the handler stops and fails the remaining
// messages, so that they are delivered again, instead of being killed
// mid-way; a message on its last delivery is tried all the same, and its
// policy marked FAILED when it cannot finish (the message fails too, for
// the dead-letter queue).
func TestHandlerStopsBeforeDeadline(t *testing.T) {
	st := &fakeStore{}
	h := newHandler(&fakeS3{data: []byte("t")}, st, &fakeAnalyzer{block: true}, io.Discard)
	h.Reserve = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, _ := h.HandleSQS(ctx, events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m1", "ObjectCreated:Put", "a.txt", "01"),
		message(t, "m2", "ObjectCreated:Put", "b.txt", "02"),
		delivered(message(t, "m3", "ObjectCreated:Put", "c.txt", "03"), 5),
	}})
	if got := failures(resp); !slices.Equal(got, []string{"m1", "m2", "m3"}) {
		t.Errorf("failed messages %v, want all three", got)
	}
	if o := st.outcome; o == nil || !o.Retryable || !strings.Contains(o.Reason, "after 5 attempts") {
		t.Errorf("the last delivery's outcome %+v, want a retryable FAILED", o)
	}
	if len(st.begun) != 1 || st.begun[0].Key != "c.txt" {
		t.Errorf("claimed %v, want only the message on its last delivery", st.begun)
	}
}

// Every message of a batch gets its share of the time left, so that a
// message that hangs cannot take the time of those behind it; the hung
// one is retried, the others are processed.
func TestMessagesShareTheTime(t *testing.T) {
	st := &fakeStore{}
	an := &fakeAnalyzer{block: true}
	h := newHandler(&fakeS3{data: []byte("t")}, st, an, io.Discard)
	h.Reserve = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	resp, _ := h.HandleSQS(ctx, events.SQSEvent{Records: []events.SQSMessage{
		message(t, "m1", "ObjectCreated:Put", "a.txt", "01"),
		message(t, "m2", "ObjectCreated:Put", "b.txt", "02"),
		message(t, "m3", "ObjectCreated:Put", "c.txt", "03"),
	}})
	if got := failures(resp); !slices.Equal(got, []string{"m1", "m2", "m3"}) {
		t.Errorf("failed %v, want all three (each hung until its share ran out)", got)
	}
	if len(an.deadlines) != 3 {
		t.Fatalf("%d analyses, want 3: a hung message kept the others from running", len(an.deadlines))
	}
	// Shares of what was left: about a third, then a half, then the rest.
	first := an.deadlines[0].Sub(start)
	if first > 1200*time.Millisecond || first < 700*time.Millisecond {
		t.Errorf("the first message had %v of 2.9s for three", first)
	}
	if d, _ := ctx.Deadline(); an.deadlines[2].After(d.Add(-h.Reserve)) {
		t.Errorf("the last message may run into the reserve")
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
		st := &fakeStore{snapshot: &store.Policy{Bucket: "policylens-local", Key: "policies/Privacy Policy+2025.txt", Status: policy.Ready, ETag: "older", Rev: "r0"}}
		obj := &fakeS3{data: []byte("t"), eTag: "df3a94a18c5dede95070053243a04e4e"}
		if strings.Contains(tt.file, "delete") {
			obj.headErr = &s3types.NotFound{}
		}
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
