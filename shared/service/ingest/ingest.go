// Package ingest is the ingest function: it turns S3 event notifications,
// delivered through SQS (or directly), into analysed policies in the store.
//
// Processing is idempotent and safe against events that arrive twice or
// out of order (see package store). A file that cannot be analysed is a
// handled outcome: its policy is marked FAILED with a reason the user can
// act on and the message succeeds. Anything else that goes wrong (throttled
// or failing AWS calls, running out of time) fails the message, so SQS
// delivers it again and, after topology.MaxReceiveCount attempts, moves it
// to the dead-letter queue.
package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// Objects reads objects from S3; *s3.Client implements it.
type Objects interface {
	GetObject(ctx context.Context, in *s3.GetObjectInput, opts ...func(*s3.Options)) (*s3.GetObjectOutput, error)
}

// Store is what ingest needs of the store; *store.Store implements it.
type Store interface {
	Snapshot(ctx context.Context, id string) (*store.Policy, error)
	Begin(ctx context.Context, v policy.Version) (*store.Policy, error)
	WriteClauses(ctx context.Context, v policy.Version, res *policy.Analysis) error
	Finish(ctx context.Context, v policy.Version, prev *store.Policy, o store.Outcome) error
	Remove(ctx context.Context, v policy.Version) error
	Abandon(ctx context.Context, v policy.Version) error
	Sweep(ctx context.Context, p *store.Policy) error
}

// Analyzer analyses a policy file; *analyze.Analyzer implements it.
type Analyzer interface {
	Analyze(ctx context.Context, name string, data []byte) (*policy.Analysis, error)
}

// Handler processes S3 events.
type Handler struct {
	S3       Objects
	Store    Store
	Analyzer Analyzer
	Log      *slog.Logger
	// MaxBytes is the largest object analysed; larger ones are marked
	// FAILED without being read.
	MaxBytes int64
	// KeyPrefix, when set, restricts ingestion to keys under it; events of
	// other keys are ignored.
	KeyPrefix string
	// Reserve is the time kept back before the invocation's deadline to
	// stop work and report which messages failed.
	Reserve time.Duration
}

// DefaultReserve is the time kept back before the deadline.
const DefaultReserve = 3 * time.Second

// Outcomes of one event, as logged.
const (
	outReady      = "ready"      // analysed; clauses switched to this version
	outFailed     = "failed"     // the file cannot be analysed; policy FAILED with a reason
	outDeleted    = "deleted"    // policy and clauses deleted
	outDuplicate  = "duplicate"  // this event was already applied
	outStale      = "stale"      // a newer event of the object was already applied
	outSuperseded = "superseded" // the object changed while this event was processed
	outGone       = "gone"       // the object no longer exists; its removal event decides
	outIgnored    = "ignored"    // not an event about a policy
	outError      = "error"      // not processed; the message will be retried
)

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
		return nil, h.handleRecords(ctx, ev.Records, "")
	default:
		return nil, fault.E(fault.Invalid, "events from %q are not handled", probe.Records[0].EventSource)
	}
}

// HandleSQS processes the messages of an SQS event one after the other and
// reports those that failed, so that only they are delivered again. It
// never returns an error: a failure is always one message's.
func (h *Handler) HandleSQS(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	for _, m := range ev.Records {
		if err := h.message(ctx, m); err != nil {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: m.MessageId})
		}
	}
	return resp, nil
}

func (h *Handler) message(ctx context.Context, m events.SQSMessage) error {
	if h.outOfTime(ctx) {
		h.Log.WarnContext(ctx, "not enough time left; message left for a later delivery",
			"messageId", m.MessageId, "outcome", outError)
		return context.DeadlineExceeded
	}
	recs, err := s3event.ParseBody(m.Body)
	if err != nil {
		h.Log.ErrorContext(ctx, "message cannot be processed", "messageId", m.MessageId,
			"outcome", outError, "error", err.Error())
		return err
	}
	if recs == nil {
		h.Log.InfoContext(ctx, "S3 test event ignored", "messageId", m.MessageId, "outcome", outIgnored)
		return nil
	}
	return h.handleRecords(ctx, recs, m.MessageId)
}

// handleRecords processes every record and returns the first failure.
func (h *Handler) handleRecords(ctx context.Context, recs []s3event.Record, messageID string) error {
	var first error
	for _, r := range recs {
		if err := h.record(ctx, r, messageID); err != nil && first == nil {
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
}

// record processes one S3 event record and logs one line about it. It
// never panics: a panic fails the record.
func (h *Handler) record(ctx context.Context, r s3event.Record, messageID string) (err error) {
	start := time.Now()
	rep := report{}
	c, derr := s3event.Decode(r)
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
			h.Log.ErrorContext(ctx, "panic while processing a record", "error", err.Error(), "stack", string(debug.Stack()))
		}
		attrs := []any{
			"event", r.EventName, "bucket", c.Version.Bucket, "key", c.Version.Key,
			"durationMs", time.Since(start).Milliseconds(),
		}
		if messageID != "" {
			attrs = append(attrs, "messageId", messageID)
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
		if rep.reason != "" {
			attrs = append(attrs, "reason", rep.reason)
		}
		if err != nil {
			attrs = append(attrs, "outcome", outError, "error", err.Error())
			h.Log.ErrorContext(ctx, "record failed; it will be retried", attrs...)
			return
		}
		attrs = append(attrs, "outcome", rep.outcome)
		h.Log.InfoContext(ctx, "record processed", attrs...)
	}()
	if derr != nil {
		return derr
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
	ctx, cancel := h.workContext(ctx)
	defer cancel()
	if c.Kind == s3event.Removed {
		return h.remove(ctx, c, &rep)
	}
	return h.ingest(ctx, c, &rep)
}

// workContext ends Reserve before ctx's deadline.
func (h *Handler) workContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok {
		return context.WithDeadline(ctx, d.Add(-h.Reserve))
	}
	return context.WithCancel(ctx)
}

func (h *Handler) outOfTime(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && time.Until(d) < 2*h.Reserve
}

// remove applies a removal event.
func (h *Handler) remove(ctx context.Context, c s3event.Change, rep *report) error {
	v := c.Version
	snap, err := h.Store.Snapshot(ctx, v.ID)
	if err != nil {
		return err
	}
	if snap != nil && snap.Seq > v.Seq {
		rep.outcome = outStale
		return h.Store.Sweep(ctx, snap)
	}
	// Permanently deleting an older version of a versioned object leaves
	// the analysed version in place.
	if c.EventName == "ObjectRemoved:Delete" && v.VersionID != "" && snap != nil &&
		snap.Status != policy.Deleted && snap.VersionID != "" && snap.VersionID != v.VersionID {
		rep.outcome, rep.reason = outIgnored, "a noncurrent version was deleted"
		return nil
	}
	switch err := h.Store.Remove(ctx, v); {
	case errors.Is(err, store.ErrSuperseded):
		rep.outcome = outStale
		return nil
	case err != nil:
		return err
	}
	rep.outcome = outDeleted
	return nil
}

// ingest applies a creation event: it reads the object, analyses it and
// stores the result.
func (h *Handler) ingest(ctx context.Context, c s3event.Change, rep *report) error {
	v := c.Version
	rep.bytes = c.Size
	snap, err := h.Store.Snapshot(ctx, v.ID)
	if err != nil {
		return err
	}
	if snap != nil && (snap.Bucket != v.Bucket || snap.Key != v.Key) {
		return fmt.Errorf("policy id %s already belongs to s3://%s/%s", v.ID, snap.Bucket, snap.Key)
	}
	if snap != nil && snap.Seq > v.Seq {
		rep.outcome = outStale
		// An earlier attempt of this event may have written clauses
		// before it was overtaken.
		if err := h.Store.Abandon(ctx, v); err != nil {
			return err
		}
		return h.Store.Sweep(ctx, snap)
	}
	if snap != nil && snap.Seq == v.Seq && snap.Status != policy.Processing {
		rep.outcome = outDuplicate
		return h.Store.Sweep(ctx, snap)
	}

	in := &s3.GetObjectInput{Bucket: &v.Bucket, Key: &v.Key}
	if v.VersionID != "" {
		in.VersionId = aws.String(v.VersionID)
	} else if v.ETag != "" {
		// Without versions, make sure this is still the object the event
		// is about; if not, a newer event is on its way.
		in.IfMatch = aws.String(`"` + v.ETag + `"`)
	}
	obj, err := h.S3.GetObject(ctx, in)
	if err != nil {
		return h.settle(ctx, v, nil, nil, objectError(v, err), rep)
	}
	defer obj.Body.Close()
	size := aws.ToInt64(obj.ContentLength)
	if size > 0 {
		rep.bytes = size
	}

	prev, err := h.Store.Begin(ctx, v)
	if errors.Is(err, store.ErrSuperseded) {
		rep.outcome = outStale
		return h.Store.Abandon(ctx, v)
	}
	if err != nil {
		return err
	}
	res, err := h.analyse(ctx, v, obj.Body, rep)
	if err != nil {
		return h.settle(ctx, v, prev, res, err, rep)
	}
	if err := h.Store.WriteClauses(ctx, v, res); err != nil {
		return err
	}
	rep.clauses = len(res.Clauses)
	return h.finish(ctx, v, prev, store.Outcome{Result: res, Bytes: rep.bytes}, outReady, rep)
}

// settle decides, from its kind alone, what an error of version v means:
// the file's fault marks the policy FAILED with the error as the reason;
// an object that is gone or was replaced leaves the decision to that
// object's own later event; anything else fails the record, so that its
// message is delivered again. prev and res are what Begin and the analysis
// returned, if they ran.
func (h *Handler) settle(ctx context.Context, v policy.Version, prev *store.Policy, res *policy.Analysis, err error, rep *report) error {
	switch k := fault.KindOf(err); {
	case k.Input():
		rep.reason = fault.Message(err)
		return h.finish(ctx, v, prev, store.Outcome{Result: res, Reason: rep.reason, Bytes: rep.bytes}, outFailed, rep)
	case k == fault.NotFound:
		rep.outcome = outGone
		return nil
	case k == fault.Conflict:
		rep.outcome = outSuperseded
		return nil
	default:
		return err
	}
}

// objectError classifies an error of reading version v from S3: a missing
// key or version is fault.NotFound; an ETag that no longer matches (a newer
// upload replaced the object) is fault.Conflict; S3 asking to slow down is
// fault.Throttled.
func objectError(v policy.Version, err error) error {
	k := fault.Other
	switch apiErrorCode(err) {
	case "NoSuchKey", "NoSuchVersion", "NotFound":
		k = fault.NotFound
	case "PreconditionFailed":
		k = fault.Conflict
	case "SlowDown", "ServiceUnavailable", "RequestTimeout":
		k = fault.Throttled
	}
	err = fmt.Errorf("get s3://%s/%s: %w", v.Bucket, v.Key, err)
	if k == fault.Other {
		return err
	}
	return fault.Wrap(k, err, "")
}

// analyse reads the object's body and analyses it. The ways the file can
// be at fault (an unsupported type, too large, too many clauses, or
// anything the analysis rejects) are errors of an input kind; the analysis
// is returned with them when there is one, to record what is known.
func (h *Handler) analyse(ctx context.Context, v policy.Version, body io.Reader, rep *report) (*policy.Analysis, error) {
	if reason := unsupportedType(v.Key); reason != "" {
		return nil, fault.E(fault.Unsupported, "%s", reason)
	}
	limit := h.maxBytes()
	if rep.bytes > limit {
		return nil, fault.E(fault.TooLarge, "%s", tooLarge(rep.bytes, limit))
	}
	data, err := io.ReadAll(io.LimitReader(body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read s3://%s/%s: %w", v.Bucket, v.Key, err)
	}
	if int64(len(data)) > limit {
		// The object is longer than its Content-Length said: its size is
		// not known, only that it is over the limit.
		rep.bytes = 0
		return nil, fault.E(fault.TooLarge, "the object is over the limit of %s (%s); split the policy into smaller files or raise the limit",
			sizeText(limit), topology.EnvMaxBytes)
	}
	rep.bytes = int64(len(data))
	res, err := h.Analyzer.Analyze(ctx, path.Base(v.Key), data)
	if err != nil {
		return nil, err
	}
	rep.pages = res.Policy.Pages
	if n := len(res.Clauses); n > store.MaxClauses {
		return res, fault.E(fault.TooLarge, "the policy has %d clauses, more than the %d policylens keeps for one policy; split it into smaller files",
			n, store.MaxClauses)
	}
	return res, nil
}

// finish records the outcome and reports it as done; when a newer event
// claimed the policy meanwhile, what this event wrote is abandoned.
func (h *Handler) finish(ctx context.Context, v policy.Version, prev *store.Policy, o store.Outcome, done string, rep *report) error {
	switch err := h.Store.Finish(ctx, v, prev, o); {
	case errors.Is(err, store.ErrSuperseded):
		rep.outcome = outSuperseded
		if o.Reason != "" {
			return nil
		}
		return h.Store.Abandon(ctx, v)
	case err != nil:
		return err
	}
	rep.outcome = done
	return nil
}

func (h *Handler) maxBytes() int64 {
	if h.MaxBytes <= 0 {
		return policy.DefaultMaxBytes
	}
	return h.MaxBytes
}

// unsupportedType returns a reason when key's extension names a format
// policylens does not read. Keys without an extension are left to content
// detection.
func unsupportedType(key string) string {
	ext := path.Ext(key)
	if ext == "" || slices.ContainsFunc(policy.Extensions, func(e string) bool { return strings.EqualFold(e, ext) }) {
		return ""
	}
	return fmt.Sprintf("unsupported file type %q: policylens reads PDF (.pdf), HTML (.html, .htm), Markdown (.md, .markdown) "+
		"and plain text (.txt, .text); convert the policy to one of these formats and upload it again", ext)
}

func tooLarge(n, max int64) string {
	return fmt.Sprintf("the object is %s, over the limit of %s (%s); split the policy into smaller files or raise the limit",
		sizeText(n), sizeText(max), topology.EnvMaxBytes)
}

// sizeText writes a byte count for people.
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB (%d bytes)", float64(n)/(1<<10), n)
	}
	return fmt.Sprintf("%d bytes", n)
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}
