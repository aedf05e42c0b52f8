package ingest_test

// Versions and change events: what the handler records and sends, with
// the fakes of handler_test.go.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/notify"
	"github.com/policylens/policylens/shared/service/store"
)

// fakeEvents records what is published, or fails.
type fakeEvents struct {
	mu   sync.Mutex
	sent []notify.Detail
	err  error
}

func (f *fakeEvents) Publish(ctx context.Context, detail []byte) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return "", f.err
	}
	var d notify.Detail
	if err := json.Unmarshal(detail, &d); err != nil {
		return "", err
	}
	f.sent = append(f.sent, d)
	return "event-1", nil
}

func analysisOf(texts ...string) *policy.Analysis {
	a := &policy.Analysis{Policy: policy.Summary{SHA256: "x", Facts: policy.Facts{Title: "Policy"}}}
	for i, t := range texts {
		a.Clauses = append(a.Clauses, policy.Clause{Ordinal: i + 1, Heading: []string{}, Text: t,
			Labels: []policy.LabelScore{{Label: "Data Retention", Score: 0.9}}})
	}
	return a
}

func hexSHA(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// readyWith is a READY policy item of bucket/p.txt whose current version
// (generation g0, id v0) has the given hash, recorded by an older event
// of another object.
func readyWith(sum string) *store.Policy {
	p := stored(policy.Ready, "older", "01")
	p.Gen, p.Version = "g0", "v0"
	p.Versions = []store.VersionEntry{{Version: "v0", Gen: "g0", SHA256: sum, Clauses: 2}}
	return p
}

// namedModels is an analyzer that names its models, as analyze.Analyzer
// does.
type namedModels struct {
	*fakeAnalyzer
	labels, attributes, rules string
}

func (n namedModels) Versions() policy.Versions {
	return policy.Versions{ModelVersion: n.labels, AttributeModelVersion: n.attributes, AnalysisVersion: n.rules}
}

// analysedBy is readyWith(sum) whose current version, of a policy in
// language lang, the models and rules named analysed.
func analysedBy(sum, lang, labels, attributes, rules string) *store.Policy {
	p := readyWith(sum)
	p.Language, p.ModelVersion, p.AttributeModelVersion, p.AnalysisVersion = lang, labels, attributes, rules
	return p
}

// runOne delivers one upload notification of key to h, whose log goes to
// logs.
func runOne(t *testing.T, h *ingest.Handler, key string) events.SQSEventResponse {
	t.Helper()
	resp, err := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{message(t, "m1", "ObjectCreated:Put", key, "0A")}})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestVersionsAndChangeEvents(t *testing.T) {
	data := []byte("new bytes")
	before := analysisOf("We keep data for a year.", "We share nothing.")
	changed := analysisOf("We keep data for a year.", "We share your address with couriers.")
	cosmetic := analysisOf("We keep data for a year!", "We  share nothing.")
	tests := []struct {
		name     string
		snapshot *store.Policy
		res      *policy.Analysis
		events   *fakeEvents
		pending  map[string][]byte
		takeErr  error
		models   []string // the label and attribute models and the rules the analyzer names, if it does
		// what must happen
		failed  bool
		calls   []string
		outcome string
		change  string
		sent    []string // from>to of the events published
		event   bool     // an event recorded with the outcome
	}{
		{name: "first version", res: changed, events: &fakeEvents{},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready", change: "first"},
		{name: "changed version", snapshot: readyWith("other"), res: changed, events: &fakeEvents{},
			calls:   []string{"Snapshot", "Begin", "WriteClauses", "ReadVersion", "Finish", "TakeEvent", "EventSent"},
			outcome: "ready", change: "changed", sent: []string{"v0>r1"}, event: true},
		{name: "cosmetic version", snapshot: readyWith("other"), res: cosmetic, events: &fakeEvents{},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "ReadVersion", "Finish"}, outcome: "ready", change: "quiet"},
		{name: "no event bus", snapshot: readyWith("other"), res: changed,
			calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready"},
		{name: "same bytes as the current version", snapshot: readyWith(hexSHA(data)), res: changed, events: &fakeEvents{},
			calls: []string{"Snapshot", "Begin", "Finish"}, outcome: "unchanged"},
		{name: "same bytes, same models", snapshot: analysedBy(hexSHA(data), "en", "m1", "a1", "r1"), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "Finish"}, outcome: "unchanged"},
		{name: "same bytes, another label model", snapshot: analysedBy(hexSHA(data), "en", "m0", "a1", "r1"), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready", change: "reanalysed"},
		{name: "same bytes, another attribute model", snapshot: analysedBy(hexSHA(data), "en", "m1", "a0", "r1"), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready", change: "reanalysed"},
		{name: "same bytes, no attribute model named yet", snapshot: analysedBy(hexSHA(data), "en", "m1", "", "r1"), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready", change: "reanalysed"},
		{name: "same bytes, other rules", snapshot: analysedBy(hexSHA(data), "en", "m1", "a1", "r0"), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready", change: "reanalysed"},
		{name: "same bytes, no rules named yet", snapshot: analysedBy(hexSHA(data), "fr", "m1", "", ""), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "WriteClauses", "Finish"}, outcome: "ready", change: "reanalysed"},
		{name: "same bytes in French, same label model", snapshot: analysedBy(hexSHA(data), "fr", "m1", "", "r1"), models: []string{"m1", "a1", "r1"},
			res: changed, events: &fakeEvents{}, calls: []string{"Snapshot", "Begin", "Finish"}, outcome: "unchanged"},
		{name: "same bytes as a version that is not current", snapshot: func() *store.Policy {
			p := readyWith(hexSHA(data))
			p.Status, p.Gen, p.Version = policy.Failed, "", ""
			return p
		}(), res: before, events: &fakeEvents{},
			calls: []string{"Snapshot", "Begin", "WriteClauses", "ReadVersion", "Finish"}, outcome: "ready", change: "quiet"},
		{name: "event not sent", snapshot: readyWith("other"), res: changed, events: &fakeEvents{err: errors.New("connection reset")},
			failed: true, calls: []string{"Snapshot", "Begin", "WriteClauses", "ReadVersion", "Finish", "TakeEvent"},
			outcome: "error", change: "changed", event: true},
		{name: "earlier event pending", snapshot: func() *store.Policy {
			p := readyWith("other")
			p.Notify = []string{"g0"}
			return p
		}(), pending: map[string][]byte{"g0": []byte(`{"from":"a","to":"v0"}`)}, res: changed, events: &fakeEvents{},
			calls:   []string{"Snapshot", "TakeEvent", "EventSent", "Begin", "WriteClauses", "ReadVersion", "Finish", "TakeEvent", "EventSent"},
			outcome: "ready", change: "changed", sent: []string{"a>v0", "v0>r1"}, event: true},
		{name: "earlier event held by another delivery", snapshot: func() *store.Policy {
			p := readyWith("other")
			p.Notify = []string{"g0"}
			return p
		}(), takeErr: store.ErrEventInFlight, res: changed, events: &fakeEvents{},
			failed: true, calls: []string{"Snapshot", "TakeEvent"}, outcome: "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := &fakeStore{snapshot: tt.snapshot, versions: map[string]*policy.Analysis{"g0": before}, pending: tt.pending, takeErr: tt.takeErr}
			var buf bytes.Buffer
			h := newHandler(&fakeS3{data: data}, st, &fakeAnalyzer{res: tt.res}, &buf)
			if tt.models != nil {
				h.Analyzer = namedModels{&fakeAnalyzer{res: tt.res}, tt.models[0], tt.models[1], tt.models[2]}
			}
			if tt.events != nil {
				h.Events = tt.events
			}
			resp := runOne(t, h, "p.txt")
			logs := buf.String()
			if got := len(resp.BatchItemFailures) == 1; got != tt.failed {
				t.Errorf("message failed = %v, want %v\n%s", got, tt.failed, logs)
			}
			if !slices.Equal(st.calls, tt.calls) {
				t.Errorf("store calls %v, want %v", st.calls, tt.calls)
			}
			var sent []string
			if tt.events != nil {
				for _, d := range tt.events.sent {
					sent = append(sent, d.From+">"+d.To)
				}
			}
			if !slices.Equal(sent, tt.sent) {
				t.Errorf("events sent %v, want %v", sent, tt.sent)
			}
			if o := st.outcome; o != nil && (o.Event != nil) != tt.event {
				t.Errorf("event recorded: %s, want one: %v", o.Event, tt.event)
			}
			if o := st.outcome; tt.outcome == "unchanged" && (o == nil || !o.Unchanged || o.Result != nil) {
				t.Errorf("outcome %+v, want an unchanged object", o)
			}
			if o := st.outcome; tt.change == "reanalysed" && (o == nil || o.Unchanged || o.Result != tt.res) {
				t.Errorf("outcome %+v, want the new analysis recorded", o)
			}
			lines := strings.Split(strings.TrimSpace(logs), "\n")
			var rec map[string]any
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &rec); err != nil {
				t.Fatal(err)
			}
			if rec["outcome"] != tt.outcome || (tt.change != "" && rec["change"] != tt.change) {
				t.Errorf("log line %v, want outcome %s and change %q", rec, tt.outcome, tt.change)
			}
		})
	}
}

// The detail of a change event says what changed, and where to read it.
func TestChangeEventDetail(t *testing.T) {
	before := analysisOf("We keep data for a year.", "We share your delivery address with the courier only.")
	after := analysisOf("We keep data for a year.", "We share your delivery address with the courier and the bank.", "We sell nothing.")
	after.Policy.Title = "Acme Privacy"
	snap := readyWith("other")
	snap.Key = "policies/p q.txt"
	st := &fakeStore{snapshot: snap, versions: map[string]*policy.Analysis{"g0": before}}
	ev := &fakeEvents{}
	h := newHandler(&fakeS3{data: []byte("x")}, st, &fakeAnalyzer{res: after}, io.Discard)
	h.Events = ev
	runOne(t, h, "policies/p q.txt")
	if len(ev.sent) != 1 {
		t.Fatalf("%d events sent", len(ev.sent))
	}
	d := ev.sent[0]
	if d.Bucket != "bucket" || d.Key != "policies/p q.txt" || d.From != "v0" || d.To != "r1" || d.Title != "Acme Privacy" ||
		d.Summary.Modified != 1 || d.Summary.Added != 1 || d.Summary.Unchanged != 1 ||
		len(d.Labels) != 1 || d.Labels[0].Before != 2 || d.Labels[0].After != 3 {
		t.Errorf("detail %+v", d)
	}
	if want := "/policies/policies-p-q-txt-" + d.Policy[len(d.Policy)-12:] + "/changes?from=v0&to=r1"; d.Changes != want {
		t.Errorf("changes path %q, want %q", d.Changes, want)
	}
}

// An event that cannot be sent on the message's last delivery leaves the
// new version READY: the message goes to the dead-letter queue, and its
// redrive sends the event.
func TestEventNotSentOnTheLastDelivery(t *testing.T) {
	before := analysisOf("We keep data for a year.", "We share your delivery address with the courier only.")
	after := analysisOf("We keep data for a year.", "We share your delivery address with the courier and the bank.")
	st := &fakeStore{snapshot: readyWith("other"), versions: map[string]*policy.Analysis{"g0": before}, applyFinish: true}
	h := newHandler(&fakeS3{data: []byte("x")}, st, &fakeAnalyzer{res: after}, io.Discard)
	h.Events = &fakeEvents{err: errors.New("connection reset")}
	m := delivered(message(t, "m1", "ObjectCreated:Put", "p.txt", "0A"), 5)
	resp, err := h.HandleSQS(context.Background(), events.SQSEvent{Records: []events.SQSMessage{m}})
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("failures %v, want the message", resp.BatchItemFailures)
	}
	if o := st.outcome; o == nil || o.Reason != "" || o.Result == nil {
		t.Errorf("recorded %+v, want the READY version only", o)
	}
	finishes := 0
	for _, c := range st.calls {
		if c == "Finish" {
			finishes++
		}
	}
	if slices.Contains(st.calls, "Abandon") || finishes != 1 {
		t.Errorf("store calls %v: the version was touched after its switch", st.calls)
	}
}
