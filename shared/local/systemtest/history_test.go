package systemtest_test

// Version history, change reports and change events, through the whole
// system: uploads to S3, the queue, the ingest handler, the table, the
// lookup API, and the events through EventBridge to the changes queue.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/notify"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/topology"
)

type (
	versionDoc struct {
		Version  string  `json:"version"`
		Status   string  `json:"status"`
		Received string  `json:"received"`
		SHA256   string  `json:"sha256"`
		Clauses  int     `json:"clauses"`
		Updated  *string `json:"updated"`
		Current  bool    `json:"current"`
	}
	versionListDoc struct {
		PolicyID   string       `json:"policyId"`
		Items      []versionDoc `json:"items"`
		NextCursor string       `json:"nextCursor"`
	}
	// reportDoc keeps the members of a change report as sent, to compare
	// them with a report computed here.
	reportDoc struct {
		Policy     string          `json:"policy"`
		From       *string         `json:"from"`
		To         string          `json:"to"`
		Summary    changes.Summary `json:"summary"`
		Labels     json.RawMessage `json:"labels"`
		Facts      json.RawMessage `json:"facts"`
		Headings   json.RawMessage `json:"headings"`
		Clauses    []json.RawMessage
		NextCursor string `json:"nextCursor"`
	}
	// changeEventDoc is a change event as the rule delivers it.
	changeEventDoc struct {
		Source     string        `json:"source"`
		DetailType string        `json:"detail-type"`
		Detail     notify.Detail `json:"detail"`
	}
)

// changeEvents takes the change events waiting in the changes queue.
func (s *system) changeEvents() []changeEventDoc {
	s.t.Helper()
	ctx := context.Background()
	var out []changeEventDoc
	for {
		got, err := s.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(s.res.ChangesQueueURL), MaxNumberOfMessages: 10})
		if err != nil {
			s.t.Fatal(err)
		}
		if len(got.Messages) == 0 {
			return out
		}
		for _, m := range got.Messages {
			var ev changeEventDoc
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil {
				s.t.Fatalf("change event %s: %v", aws.ToString(m.Body), err)
			}
			out = append(out, ev)
			s.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(s.res.ChangesQueueURL), ReceiptHandle: m.ReceiptHandle})
		}
	}
}

// transitions lists the events' versions as from>to.
func transitions(evs []changeEventDoc) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Detail.From+">"+e.Detail.To)
	}
	return out
}

func (s *system) versions(id string) []versionDoc {
	s.t.Helper()
	var list versionListDoc
	s.mustGet("/policies/"+id+"/versions", &list)
	return list.Items
}

// policyOf writes a policy of the given paragraphs.
func policyOf(paragraphs ...string) []byte {
	return []byte("Acme Privacy Policy\n\nLast updated: March 3, 2025\n\n" + strings.Join(paragraphs, "\n\n") + "\n")
}

var baseParagraphs = []string{
	"We collect the e-mail address and delivery address you give us when you order, and use them to deliver the order.",
	"We share your address with the courier that delivers your parcel and with nobody else.",
	"Order records are kept for six years and then erased; usage logs are deleted after one year.",
	"You may download a copy of your data or delete your account from the settings page.",
	"Write to our data protection officer at privacy@acme.example with any question about your data.",
}

// edited returns the base policy with paragraph i replaced (i < 0: none)
// and extra paragraphs added.
func edited(i int, text string, extra ...string) []byte {
	p := slices.Clone(baseParagraphs)
	if i >= 0 {
		p[i] = text
	}
	return policyOf(append(p, extra...)...)
}

// The history lists each new version, newest first; the same bytes again
// are no new version; any kept version's clauses and the report between
// any two are served; a change event goes out for the one version that
// changed more than cosmetically, through EventBridge to the queue.
func TestVersionHistoryChangesAndEvents(t *testing.T) {
	s := newSystem(t, options{})
	const key = "history/acme.txt"
	id := s3event.PolicyID(s.res.Bucket, key)
	v1 := policyOf(baseParagraphs...)
	v2 := edited(2, "Order records are kept for ten years and then erased; usage logs are deleted after one year.",
		"We show you advertising based on the approximate location of your device; write to ads@acme.example to stop it.")
	v4 := bytes.ReplaceAll(v2, []byte("nobody else."), []byte("nobody  else!"))
	v4 = bytes.ReplaceAll(v4, []byte("March 3, 2025"), []byte("June 1, 2025"))
	a1, a2, a4 := s.analysis("acme.txt", v1), s.analysis("acme.txt", v2), s.analysis("acme.txt", v4)
	if r := changes.Compare(a1, a2); r.Quiet() || len(r.Facts) == 0 || !changes.Compare(a2, a4).Quiet() {
		t.Fatal("the test's versions do not change as it needs: v2 must differ from v1 (with a new key fact), v4 only cosmetically from v2")
	}
	for _, v := range [][]byte{v1, v2, v2, v4} {
		s.put(key, v)
		s.drain()
	}
	vs := s.versions(id)
	if len(vs) != 3 {
		t.Fatalf("versions %+v, want three (the same bytes twice are one version)", vs)
	}
	for i, want := range []*struct {
		sha     string
		clauses int
		current bool
	}{{a4.Policy.SHA256, len(a4.Clauses), true}, {a2.Policy.SHA256, len(a2.Clauses), false}, {a1.Policy.SHA256, len(a1.Clauses), false}} {
		v := vs[i]
		if v.SHA256 != want.sha || v.Clauses != want.clauses || v.Current != want.current || v.Status != "READY" || v.Received == "" ||
			v.Updated == nil || len(v.Version) != 16 {
			t.Errorf("version %d: %+v, want sha256 %s, %d clauses, current %v", i, v, want.sha, want.clauses, want.current)
		}
	}
	if *vs[0].Updated != "2025-06-01" || *vs[2].Updated != "2025-03-03" {
		t.Errorf("the policy's own dates: %s, %s", *vs[0].Updated, *vs[2].Updated)
	}
	if outs := s.outcomes(key); !slices.Equal(outs, []string{"ready", "ready", "unchanged", "ready"}) {
		t.Errorf("outcomes %v", outs)
	}
	var p policyDoc
	s.mustGet("/policies/"+id, &p)
	var detail struct{ Version string }
	s.mustGet("/policies/"+id, &detail)
	if detail.Version != vs[0].Version {
		t.Errorf("the policy shows version %s, the history's newest is %s", detail.Version, vs[0].Version)
	}

	// Any kept version's clauses, filtered as the current ones.
	if got := texts(s.allClauses(id, "version="+vs[2].Version, 2)); !slices.Equal(got, wantTexts(a1)) {
		t.Errorf("clauses of v1 %q, want %q", got, wantTexts(a1))
	}
	for _, label := range []string{"data-retention", "third-party-sharing-collection"} {
		var want []string
		for _, c := range a1.Clauses {
			for _, l := range c.Labels {
				if strings.EqualFold(strings.ReplaceAll(strings.ReplaceAll(l.Label, "/", "-"), " ", "-"), label) {
					want = append(want, c.Text)
				}
			}
		}
		if got := texts(s.allClauses(id, "version="+vs[2].Version+"&label="+label, 2)); !slices.Equal(got, want) {
			t.Errorf("v1's %s clauses %q, want %q", label, got, want)
		}
	}

	// The report between two versions is the one changes.Compare makes of
	// their analyses, page by page.
	want := changes.Compare(a1, a2)
	var pages []reportDoc
	cursor := ""
	for {
		q := url.Values{"from": {vs[2].Version}, "to": {vs[1].Version}, "limit": {"1"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var r reportDoc
		s.mustGet("/policies/"+id+"/changes?"+q.Encode(), &r)
		pages = append(pages, r)
		if cursor = r.NextCursor; cursor == "" {
			break
		}
	}
	var gotClauses []string
	for _, r := range pages {
		if r.Policy != id || *r.From != vs[2].Version || r.To != vs[1].Version || r.Summary != want.Summary || !sameJSON(r.Labels, want.Labels) || !sameJSON(r.Facts, want.Facts) {
			t.Errorf("page %+v, want summary %+v, labels %+v, facts %+v", r, want.Summary, want.Labels, want.Facts)
		}
		for _, c := range r.Clauses {
			gotClauses = append(gotClauses, string(c))
		}
	}
	var wantClauses []string
	for _, c := range want.Clauses {
		b, _ := json.Marshal(c)
		wantClauses = append(wantClauses, string(b))
	}
	if !slices.Equal(gotClauses, wantClauses) || len(pages) != max(1, len(want.Clauses)) {
		t.Errorf("clause changes in %d pages:\n%s\nwant\n%s", len(pages), strings.Join(gotClauses, "\n"), strings.Join(wantClauses, "\n"))
	}
	// Previous to current: v2 to v4, cosmetic only.
	var latest reportDoc
	s.mustGet("/policies/"+id+"/changes", &latest)
	if *latest.From != vs[1].Version || latest.To != vs[0].Version || len(latest.Clauses) != 0 || latest.Summary.Cosmetic == 0 {
		t.Errorf("previous to current: %+v", latest)
	}
	var prob problemDoc
	if resp := s.get("/policies/"+id+"/changes?from=nope", &prob); resp.StatusCode != 404 || !strings.Contains(prob.Detail, "nope") {
		t.Errorf("an unknown version: %d %+v", resp.StatusCode, prob)
	}
	if resp := s.get("/policies/"+id+"/clauses?version=nope", &prob); resp.StatusCode != 404 {
		t.Errorf("clauses of an unknown version: %d %+v", resp.StatusCode, prob)
	}

	// One event: v1 to v2. Not for the same bytes again, not for the
	// cosmetic edit.
	evs := s.changeEvents()
	if got := transitions(evs); !slices.Equal(got, []string{vs[2].Version + ">" + vs[1].Version}) {
		t.Fatalf("change events %v, want one from v1 to v2", got)
	}
	ev := evs[0]
	if ev.Source != "policylens" || ev.DetailType != "Policy Changed" || ev.Detail.Policy != id || ev.Detail.Bucket != s.res.Bucket ||
		ev.Detail.Key != key || ev.Detail.Summary != want.Summary || !sameJSON(mustJSON(ev.Detail.Labels), want.Labels) ||
		!sameJSON(mustJSON(ev.Detail.Facts), want.Facts) {
		t.Errorf("event %+v, want summary %+v", ev, want.Summary)
	}
	var viaEvent reportDoc
	s.mustGet(ev.Detail.Changes, &viaEvent)
	if viaEvent.Summary != want.Summary {
		t.Errorf("the event's path %s serves %+v", ev.Detail.Changes, viaEvent.Summary)
	}
}

func sameJSON(got json.RawMessage, want any) bool {
	w, _ := json.Marshal(want)
	if string(w) == "null" {
		w = []byte("[]")
	}
	return string(got) == string(w)
}

func mustJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v)
	return b
}

// An older version whose notification arrives late never becomes current
// and sends no event backwards; a duplicate delivery sends nothing new.
func TestLateAndDuplicateDeliveriesSendNothingNew(t *testing.T) {
	s := newSystem(t, options{})
	const key = "late/acme.txt"
	id := s3event.PolicyID(s.res.Bucket, key)
	s.put(key, policyOf(baseParagraphs...))
	s.drain()
	s.put(key, edited(1, "We share your address with the courier and with our insurer."))
	s.put(key, edited(3, "You may download a copy of your data from the settings page."))
	msgs := s.receiveS3()
	if len(msgs) != 2 {
		t.Fatalf("%d notifications, want 2", len(msgs))
	}
	if f := s.handle(msgs[1]); len(f) != 0 {
		t.Fatalf("the newest version failed: %v", f)
	}
	for _, m := range []events.SQSMessage{msgs[0], msgs[1], msgs[0]} {
		if f := s.handle(m); len(f) != 0 {
			t.Fatalf("a late or repeated delivery failed: %v", f)
		}
	}
	vs := s.versions(id)
	if len(vs) != 2 || !vs[0].Current {
		t.Fatalf("versions %+v, want the first and the newest", vs)
	}
	if got := transitions(s.changeEvents()); !slices.Equal(got, []string{vs[1].Version + ">" + vs[0].Version}) {
		t.Errorf("change events %v, want one, first to newest", got)
	}
	if outs := s.outcomes(key); !slices.Equal(outs, []string{"ready", "ready", "superseded", "duplicate", "superseded"}) {
		t.Errorf("outcomes %v", outs)
	}
}

// flaky fails the first fail publications, as an EventBridge outage or a
// crash between the switch and PutEvents would leave them unsent.
type flaky struct {
	ingest.Events
	fail atomic.Int32
}

func (f *flaky) Publish(ctx context.Context, detail []byte) (string, error) {
	if f.fail.Add(-1) >= 0 {
		return "", errors.New("connection reset")
	}
	return f.Events.Publish(ctx, detail)
}

// An event that could not be sent after its version became current is
// sent by the next delivery of the message, once; deliveries at the same
// time send it once.
func TestChangeEventSentOnce(t *testing.T) {
	var fl *flaky
	s := newSystem(t, options{events: func(e ingest.Events) ingest.Events { fl = &flaky{Events: e}; return fl }})
	const key = "once/acme.txt"
	s.put(key, policyOf(baseParagraphs...))
	s.drain()
	s.put(key, edited(0, "We collect the e-mail address you give us when you order, and use it to confirm the order."))
	msgs := s.receiveS3()
	fl.fail.Store(1)
	if f := s.handle(msgs...); len(f) != 1 {
		t.Fatalf("the delivery whose event failed: failures %v, want the message", f)
	}
	id := s3event.PolicyID(s.res.Bucket, key)
	if vs := s.versions(id); len(vs) != 2 || !vs[0].Current {
		t.Fatalf("the new version is not current after the switch: %+v", vs)
	}
	if evs := s.changeEvents(); len(evs) != 0 {
		t.Fatalf("events %v before the message was delivered again", transitions(evs))
	}
	// Delivered again before its holder's lease ended (while the
	// invocation that holds it may still run): not yet.
	if f := s.handle(msgs...); len(f) != 1 {
		t.Fatalf("a delivery during the holder's lease: failures %v, want the message", f)
	}
	// Delivered again after (as SQS does, after the visibility timeout):
	// sent.
	s.store.Now = func() time.Time { return time.Now().Add(topology.VisibilityTimeout(topology.Ingest.Timeout())) }
	if f := s.handle(msgs...); len(f) != 0 {
		t.Fatalf("the delivery after the lease failed: %v", f)
	}
	s.store.Now = time.Now
	if got := s.changeEvents(); len(got) != 1 {
		t.Errorf("events after the second delivery: %v, want one", transitions(got))
	}
	// A third version, delivered four times at once: one event.
	s.put(key, edited(4, "Write to privacy@acme.example with any question about your data."))
	msgs = s.receiveS3()
	var wg sync.WaitGroup
	var failed atomic.Int32
	for range 4 {
		wg.Go(func() { failed.Add(int32(len(s.handle(msgs...)))) })
	}
	wg.Wait()
	// Those that found the event held by another delivery come back.
	for failed.Load() > 0 {
		failed.Store(int32(len(s.handle(msgs...))))
	}
	if got := s.changeEvents(); len(got) != 1 {
		t.Errorf("events of one version delivered four times at once: %v, want one", transitions(got))
	}
}

// Only the newest versions are kept: older ones are deleted with their
// clauses.
func TestHistoryKeepsTheNewest(t *testing.T) {
	s := newSystem(t, options{keep: 2})
	const key = "window/acme.txt"
	id := s3event.PolicyID(s.res.Bucket, key)
	for i := range 4 {
		s.put(key, edited(i, fmt.Sprintf("Paragraph %d was rewritten in version %d of the policy.", i, i+2)))
		s.drain()
	}
	vs := s.versions(id)
	if len(vs) != 2 {
		t.Fatalf("%d versions kept, want 2", len(vs))
	}
	if parts := s.genPartitions(id); len(parts) != 2 {
		t.Errorf("clause partitions %v, want the two kept versions'", parts)
	}
	if got := transitions(s.changeEvents()); len(got) != 3 {
		t.Errorf("change events %v, want three", got)
	}
}

// In a versioned bucket, as in AWS, a version's id is its S3 version id.
func TestVersionIDsAreS3s(t *testing.T) {
	s := newSystem(t, options{})
	ctx := context.Background()
	if _, err := s.s3.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String(s.res.Bucket),
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	const key = "versioned/acme.txt"
	s.put(key, policyOf(baseParagraphs...))
	s.drain()
	s.put(key, edited(2, "Order records are kept for eight years."))
	s.drain()
	out, err := s.s3.ListObjectVersions(ctx, &s3.ListObjectVersionsInput{Bucket: aws.String(s.res.Bucket), Prefix: aws.String(key)})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, v := range out.Versions {
		want = append(want, aws.ToString(v.VersionId))
	}
	var got []string
	for _, v := range s.versions(s3event.PolicyID(s.res.Bucket, key)) {
		got = append(got, v.Version)
	}
	if len(want) != 2 || !slices.Equal(got, want) {
		t.Errorf("versions %v, S3's (newest first) %v", got, want)
	}
	if evs := s.changeEvents(); len(evs) != 1 || evs[0].Detail.From != want[1] || evs[0].Detail.To != want[0] {
		t.Errorf("change events %v, want %s>%s", transitions(evs), want[1], want[0])
	}
}
