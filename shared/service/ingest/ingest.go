// Package ingest is the ingest function: it turns S3 event notifications,
// delivered through SQS (or directly), into analysed policies in the store.
//
// An event is a hint that an object changed, never the truth: ingest checks
// it against S3 before it acts. A creation is applied only while the object
// it names is the key's current object, a removal only once the key holds no
// object, so forged or late events can neither hide nor freeze a policy.
// Every write to the store is conditional on the policy item the decision
// was taken on (see package store), so concurrent deliveries cannot
// overwrite each other's newer result.
//
// A file that cannot be analysed is a handled outcome: its policy is marked
// FAILED with a reason the user can act on and the message succeeds. A
// malformed event is logged and acknowledged: delivering it again cannot
// help. Anything else that goes wrong (throttled or failing AWS calls,
// running out of time) fails the message, so SQS delivers it again; when it
// fails on its last delivery (topology.MaxReceiveCount), the policy is
// marked FAILED before the message moves to the dead-letter queue, so no
// policy stays PROCESSING, and a redrive of the message processes it again.
package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// Objects reads objects from S3; *s3.Client implements it.
type Objects interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
	HeadObject(ctx context.Context, in *s3.HeadObjectInput, opts ...func(*s3.Options)) (*s3.HeadObjectOutput, error)
}

// Store is what ingest needs of the store; *store.Store implements it.
type Store interface {
	Snapshot(ctx context.Context, id string) (*store.Policy, error)
	Begin(ctx context.Context, v policy.Version, seen *store.Policy) (store.Claim, error)
	WriteClauses(ctx context.Context, v policy.Version, c store.Claim, res *policy.Analysis) error
	Finish(ctx context.Context, v policy.Version, c store.Claim, o store.Outcome) error
	Remove(ctx context.Context, v policy.Version, seen *store.Policy) error
	Abandon(ctx context.Context, v policy.Version, c store.Claim) error
	Sweep(ctx context.Context, p *store.Policy) error
	ReadVersion(ctx context.Context, id, gen string) (*policy.Analysis, error)
	TakeEvent(ctx context.Context, id, gen, holder string, until time.Time) ([]byte, error)
	EventSent(ctx context.Context, id, gen, eventID string) error
}

// Events sends change events; *notify.Publisher implements it.
type Events interface {
	Publish(ctx context.Context, detail []byte) (eventID string, err error)
}

// Analyzer analyses a policy file; *analyze.Analyzer implements it.
type Analyzer interface {
	Analyze(ctx context.Context, name string, data []byte) (*policy.Analysis, error)
}

// modelNamer is an Analyzer that names the models and rules its analyses
// come from (analyze.Analyzer does): the label model's version, the
// attribute model's ("" when it has none) and the rules'.
type modelNamer interface {
	Versions() policy.Versions
}

// Handler processes S3 events.
type Handler struct {
	S3       Objects
	Store    Store
	Analyzer Analyzer
	// Events, when set, receives a change event for every new version
	// that differs from the previous one.
	Events Events
	Log    *slog.Logger
	// MaxBytes is the largest object analysed; larger ones are marked
	// FAILED without being read.
	MaxBytes int64
	// KeyPrefix, when set, restricts ingestion to keys under it; events of
	// other keys are ignored.
	KeyPrefix string
	// Reserve is the time kept back before the invocation's deadline to
	// stop work, mark a policy whose message is on its last delivery, and
	// report which messages failed.
	Reserve time.Duration
	// RecordTime is the time one message may take at least when the
	// invocation has that much left, even if that leaves the messages
	// after it less than their share (0: no floor). Every message gets at
	// least its share of the time left, so that one slow message cannot
	// take the time of those behind it.
	RecordTime time.Duration
	// MaxReceiveCount is the queue's maxReceiveCount: a message received
	// that many times is on its last delivery. Zero means
	// topology.MaxReceiveCount.
	MaxReceiveCount int
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// DefaultReserve is the time kept back before the deadline.
const DefaultReserve = 3 * time.Second

// Outcomes of one event, as logged.
const (
	outReady      = "ready"      // analysed; clauses switched to this version
	outFailed     = "failed"     // the file cannot be analysed, or its message ran out of deliveries; policy FAILED with a reason
	outDeleted    = "deleted"    // policy and clauses deleted
	outDuplicate  = "duplicate"  // this object was already applied
	outUnchanged  = "unchanged"  // the same bytes as the current version: the object recorded, no new version
	outSuperseded = "superseded" // the object is no longer the key's current one, or the policy changed meanwhile
	outGone       = "gone"       // the object no longer exists; its removal event decides
	outIgnored    = "ignored"    // not an event about a policy, or a removal of an object that still exists
	outMalformed  = "malformed"  // the event can never be processed; acknowledged, not retried
	outError      = "error"      // not processed; the message will be retried
)

// delivery is what the handler knows about the SQS delivery of a record.
type delivery struct {
	messageID string
	// attempt is the message's ApproximateReceiveCount, 0 when unknown
	// (an S3 event invoked directly).
	attempt, maxAttempts int
}

// last reports whether this is the message's last delivery before the
// dead-letter queue.
func (d delivery) last() bool { return d.attempt > 0 && d.attempt >= d.maxAttempts }

// Invoke handles a Lambda invocation: an SQS event whose messages carry S3
// event notifications (it returns the messages that failed, for
// ReportBatchItemFailures), or a plain S3 event (it returns an error if any
// record failed).
func (h *Handler) Invoke(ctx context.Context, payload json.RawMessage) (any, error) {
	var probe struct {
		Records []struct {
			EventSource string `json:"eventSource"`
		} `json:"Records"`
		Event string `json:"Event"`
	}
	if err := json.Unmarshal(payload, &probe); err != nil {
		return nil, fault.E(fault.Invalid, "invocation payload is not JSON: %v", err)
	}
	switch {
	case probe.Event == "s3:TestEvent":
		h.Log.InfoContext(ctx, "S3 test event ignored")
		return nil, nil
	case len(probe.Records) == 0:
		return nil, fault.E(fault.Invalid, "invocation payload has no Records")
	case probe.Records[0].EventSource == "aws:sqs":
		var ev events.SQSEvent
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fault.E(fault.Invalid, "SQS event: %v", err)
		}
		return h.HandleSQS(ctx, ev)
	case probe.Records[0].EventSource == "aws:s3":
		var ev s3event.Event
		if err := json.Unmarshal(payload, &ev); err != nil {
			return nil, fault.E(fault.Invalid, "S3 event: %v", err)
		}
		wctx, cancel := h.workContext(ctx, 1)
		defer cancel()
		return nil, h.handleRecords(wctx, ev.Records, delivery{})
	default:
		return nil, fault.E(fault.Invalid, "events from %q are not handled", probe.Records[0].EventSource)
	}
}

// HandleSQS processes the messages of an SQS event one after the other and
// reports those that failed, so that only they are delivered again. It
// never returns an error: a failure is always one message's.
func (h *Handler) HandleSQS(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for i, m := range ev.Records {
		d := delivery{messageID: m.MessageId, maxAttempts: h.maxReceiveCount()}
		d.attempt, _ = strconv.Atoi(m.Attributes["ApproximateReceiveCount"])
		if err := h.message(ctx, m, d, len(ev.Records)-i); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp, nil
}

// message processes one SQS message, with left messages (itself included)
// still to do in this invocation.
func (h *Handler) message(ctx context.Context, m events.SQSMessage, d delivery, left int) error {
	if h.outOfTime(ctx) && !d.last() {
		h.Log.WarnContext(ctx, "not enough time left; message left for a later delivery",
			"messageId", m.MessageId, "attempt", d.attempt, "outcome", outError)
		return context.DeadlineExceeded
	}
	recs, err := s3event.ParseBody(m.Body)
	if err != nil {
		h.Log.ErrorContext(ctx, "malformed message acknowledged", "messageId", m.MessageId,
			"outcome", outMalformed, "error", err.Error(), "body", excerpt(m.Body))
		return nil
	}
	if recs == nil {
		h.Log.InfoContext(ctx, "S3 test event ignored", "messageId", m.MessageId, "outcome", outIgnored)
		return nil
	}
	wctx, cancel := h.workContext(ctx, left)
	defer cancel()
	return h.handleRecords(wctx, recs, d)
}

// handleRecords processes every record and returns the first failure.
func (h *Handler) handleRecords(ctx context.Context, recs []s3event.Record, d delivery) error {
	var first error
	for _, r := range recs {
		if err := h.record(ctx, r, d); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// report is what the log line of one record says.
type report struct {
	outcome string
	reason  string
	bytes   int64
	pages   int
	clauses int
	// version is the id of the version recorded; change says how it
	// differs from the previous one (first, quiet or changed), and events
	// how many change events were sent.
	version string
	change  string
	events  int
}

// record processes one S3 event record and logs one line about it. It
// never panics: a panic fails the record.
func (h *Handler) record(ctx context.Context, r s3event.Record, d delivery) (err error) {
	start := h.now()
	rep := report{}
	c, derr := s3event.Decode(r, start)
	defer func() {
		if p := recover(); p != nil {
			err = fault.Wrap(fault.Internal, fmt.Errorf("panic: %v", p), "a bug; see the ingest function's log")
			h.Log.ErrorContext(ctx, "panic while processing a record", "error", fmt.Sprint(p), "stack", string(debug.Stack()))
			err = h.settle(ctx, c.Kind, c.Version, nil, nil, err, d, &rep)
		}
		h.logRecord(ctx, r, c, d, start, rep, err)
	}()
	if derr != nil {
		rep.outcome, rep.reason = outMalformed, fault.Message(derr)
		return nil
	}
	if c.Kind == s3event.Other {
		rep.outcome = outIgnored
		return nil
	}
	if strings.HasSuffix(c.Version.Key, "/") {
		// A folder marker, as the S3 console creates.
		rep.outcome, rep.reason = outIgnored, "key names a folder"
		return nil
	}
	if h.KeyPrefix != "" && !strings.HasPrefix(c.Version.Key, h.KeyPrefix) {
		rep.outcome, rep.reason = outIgnored, "key is outside "+topology.EnvKeyPrefix
		return nil
	}
	if c.Kind == s3event.Removed {
		return h.remove(ctx, c, d, &rep)
	}
	return h.ingest(ctx, c, d, &rep)
}

// logRecord writes the one line logged per record.
func (h *Handler) logRecord(ctx context.Context, r s3event.Record, c s3event.Change, d delivery, start time.Time, rep report, err error) {
	bucket, key := c.Version.Bucket, c.Version.Key
	if key == "" {
		// Not decoded: as the event wrote them.
		bucket, key = excerpt(r.S3.Bucket.Name), excerpt(r.S3.Object.Key)
	}
	attrs := []any{
		"event", excerpt(r.EventName), "bucket", bucket, "key", key,
		"durationMs", h.now().Sub(start).Milliseconds(),
	}
	if d.messageID != "" {
		attrs = append(attrs, "messageId", d.messageID)
	}
	if d.attempt > 1 {
		attrs = append(attrs, "attempt", d.attempt)
	}
	if c.Version.Key != "" {
		attrs = append(attrs, "policyId", c.Version.ID)
	}
	if c.Version.VersionID != "" {
		attrs = append(attrs, "versionId", c.Version.VersionID)
	}
	if rep.bytes > 0 {
		attrs = append(attrs, "bytes", rep.bytes)
	}
	if rep.pages > 0 {
		attrs = append(attrs, "pages", rep.pages)
	}
	if rep.outcome == outReady {
		attrs = append(attrs, "clauses", rep.clauses)
	}
	if rep.version != "" {
		attrs = append(attrs, "version", rep.version)
	}
	if rep.change != "" {
		attrs = append(attrs, "change", rep.change)
	}
	if rep.events > 0 {
		attrs = append(attrs, "eventsSent", rep.events)
	}
	if rep.reason != "" {
		attrs = append(attrs, "reason", rep.reason)
	}
	switch {
	case err != nil && rep.outcome == outFailed:
		attrs = append(attrs, "outcome", outFailed, "error", err.Error())
		h.Log.ErrorContext(ctx, "record failed on its last delivery; policy marked FAILED, message left for the dead-letter queue", attrs...)
	case err != nil:
		attrs = append(attrs, "outcome", outError, "error", err.Error())
		h.Log.ErrorContext(ctx, "record failed; it will be retried", attrs...)
	case rep.outcome == outMalformed:
		attrs = append(attrs, "outcome", rep.outcome, "eventTime", excerpt(r.EventTime))
		h.Log.ErrorContext(ctx, "malformed record acknowledged", attrs...)
	default:
		attrs = append(attrs, "outcome", rep.outcome)
		h.Log.InfoContext(ctx, "record processed", attrs...)
	}
}

// workContext returns the context of one message, with left messages (it
// included) still to do: it ends Reserve before ctx's deadline, and sooner
// when the others need their share of the time left.
func (h *Handler) workContext(ctx context.Context, left int) (context.Context, context.CancelFunc) {
	d, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	end := d.Add(-h.Reserve)
	now := h.now()
	if left > 1 {
		share := end.Sub(now) / time.Duration(left)
		if h.RecordTime > share {
			share = h.RecordTime
		}
		if t := now.Add(share); t.Before(end) {
			end = t
		}
	}
	return context.WithDeadline(ctx, end)
}

func (h *Handler) outOfTime(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && d.Sub(h.now()) < 2*h.Reserve
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func (h *Handler) maxReceiveCount() int {
	if h.MaxReceiveCount > 0 {
		return h.MaxReceiveCount
	}
	return topology.MaxReceiveCount
}

// excerpt bounds a message body for the log.
func excerpt(s string) string {
	const max = 512
	if len(s) <= max {
		return s
	}
	return oneLine(s, max)
}
