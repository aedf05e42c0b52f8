package systemtest_test

// Events are hints, checked against S3; one bad file never drags the
// others of its batch down.

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/s3event"
)

// forge sends an S3 event to the ingest queue, as anyone allowed to send
// to it could.
func (s *system) forge(name, key, eTag, sequencer, eventTime string) {
	s.t.Helper()
	obj := map[string]any{"key": key, "size": 10}
	if eTag != "" {
		obj["eTag"] = eTag
	}
	if sequencer != "" {
		obj["sequencer"] = sequencer
	}
	body, err := json.Marshal(map[string]any{"Records": []any{map[string]any{
		"eventVersion": "2.1", "eventSource": "aws:s3", "eventName": name, "eventTime": eventTime,
		"s3": map[string]any{"bucket": map[string]any{"name": s.res.Bucket}, "object": obj},
	}}})
	if err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.sqs.SendMessage(context.Background(), &sqs.SendMessageInput{
		QueueUrl: aws.String(s.res.QueueURL), MessageBody: aws.String(string(body)),
	}); err != nil {
		s.t.Fatal(err)
	}
}

// eTagOf returns the entity tag S3 holds for key.
func (s *system) eTagOf(key string) string {
	s.t.Helper()
	out, err := s.s3.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String(s.res.Bucket), Key: aws.String(key)})
	if err != nil {
		s.t.Fatal(err)
	}
	return strings.Trim(aws.ToString(out.ETag), `"`)
}

// Forged events, dated in the future by their event time (as moto sends
// events, without a sequencer) or by a sequencer near the maximum (as AWS
// orders events), neither hide an object nor freeze its key: the API keeps
// answering with the object S3 holds, and the next real upload is applied.
func TestForgedEventsNeitherHideNorFreeze(t *testing.T) {
	s := newSystem(t, options{})
	const key = "forged/policy.txt"
	id := s3event.PolicyID(s.res.Bucket, key)
	v1, v2 := policyText("first real upload", 3), policyText("second real upload", 2)
	s.put(key, v1)
	s.drain()
	now := time.Now().UTC()
	soon := now.Format(time.RFC3339Nano)
	const maxSeq = "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF"

	check := func(when string, want []byte) {
		t.Helper()
		var p policyDoc
		if resp := s.get("/policies/"+id, &p); resp.StatusCode != 200 || p.Status != "READY" {
			t.Fatalf("%s: GET /policies/%s = %d %+v, want READY", when, id, resp.StatusCode, p)
		}
		if got, w := texts(s.allClauses(id, "", 100)), wantTexts(s.analysis("policy.txt", want)); strings.Join(got, "|") != strings.Join(w, "|") {
			t.Errorf("%s: clauses %q, want %q", when, got, w)
		}
	}

	s.forge("ObjectRemoved:Delete", key, "", "", "2099-01-01T00:00:00.000Z")
	s.forge("ObjectRemoved:DeleteMarkerCreated", key, "", maxSeq, soon)
	s.forge("ObjectCreated:Put", key, "0123456789abcdef0123456789abcdef", maxSeq, soon)
	s.forge("ObjectCreated:Put", key, s.eTagOf(key), "", "2099-01-01T00:00:00.000Z")
	s.drain()
	check("after forged removals and creations of other content", v1)

	// A forged creation of the object S3 holds, under the largest token
	// there is: it changes nothing a reader sees, and freezes nothing.
	s.forge("ObjectCreated:Put", key, s.eTagOf(key), maxSeq, soon)
	s.drain()
	check("after a forged creation of the current object", v1)

	s.put(key, v2)
	s.drain()
	check("after the next real upload", v2)

	outs := strings.Join(s.outcomes(key), " ")
	for _, want := range []string{"malformed", "ignored", "superseded"} {
		if !strings.Contains(outs, want) {
			t.Errorf("outcomes %s: none %s", outs, want)
		}
	}
	if strings.Contains(outs, "deleted") || strings.Contains(outs, "error") {
		t.Errorf("outcomes %s: a forged event was applied or failed", outs)
	}
}

// Files that run out of time or memory in the analysis end FAILED with a
// reason, and the good files of the same batch are analysed: no message
// fails, none is delivered again.
func TestBadFilesDoNotDragTheirBatch(t *testing.T) {
	s := newSystem(t, options{limits: policy.Limits{Timeout: 2 * time.Second, MaxMemory: 128 << 20}})
	files := []struct {
		key    string
		data   []byte
		status string
		reason string
	}{
		{"batch/first.txt", policyText("first good policy", 3), "READY", ""},
		{"batch/loop.pdf", fixture.Read(t, "testdata", "pdf", "objstm-loop.pdf"), "FAILED", "took too long"},
		{"batch/bomb.pdf", fixture.Read(t, "testdata", "pdf", "bomb.pdf"), "FAILED", "too much memory"},
		{"batch/last.md", policyText("last good policy", 4), "READY", ""},
	}
	for _, f := range files {
		s.put(f.key, f.data)
	}
	var failed []string
	p := eventsource.New(s.sqs, s.res.QueueURL, s.res.QueueARN, s.region,
		func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
			resp, err := s.ingest.HandleSQS(ctx, ev)
			for _, f := range resp.BatchItemFailures {
				failed = append(failed, f.ItemIdentifier)
			}
			return resp, err
		}, nil)
	p.Wait, p.BatchSize = 0, 10
	start := time.Now()
	for {
		n, err := p.PollOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if len(failed) > 0 {
		t.Errorf("messages failed: %v", failed)
	}
	if d := time.Since(start); d > time.Minute {
		t.Errorf("the batch took %v", d)
	}
	for _, f := range files {
		var doc policyDoc
		s.mustGet("/policies/"+s3event.PolicyID(s.res.Bucket, f.key), &doc)
		if doc.Status != f.status || !strings.Contains(doc.Reason, f.reason) {
			t.Errorf("%s: %s %q, want %s with a reason saying %q", f.key, doc.Status, doc.Reason, f.status, f.reason)
		}
	}
}
