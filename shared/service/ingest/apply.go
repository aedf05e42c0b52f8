package ingest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
)

// claimTries bounds how often one record looks again after another
// delivery changed its policy between the look and the claim.
const claimTries = 4

// ingest applies a creation event: it reads the object, provided it is
// still the key's current object, analyses it and stores the result.
func (h *Handler) ingest(ctx context.Context, c s3event.Change, d delivery, rep *report) error {
	v := c.Version
	rep.bytes = c.Size
	for try := 1; ; try++ {
		// First what the store holds, then what S3 holds: a decision is
		// taken on a snapshot no older than the look at S3, and the claim
		// succeeds only if the snapshot is still true.
		snap, err := h.Store.Snapshot(ctx, v.ID)
		if err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		if snap != nil && (snap.Bucket != v.Bucket || snap.Key != v.Key) {
			return h.settle(ctx, c.Kind, v, nil, nil, fault.E(fault.Invalid, "policy id %s already belongs to s3://%s/%s: this object cannot be ingested",
				v.ID, snap.Bucket, snap.Key), d, rep)
		}
		// Change events of earlier versions that are not known to be
		// sent go out first.
		if err := h.sendEvents(ctx, snap, "", rep); err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		obj, err := h.current(ctx, v)
		if err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		v = obj.version
		if applied(snap, v) {
			obj.close()
			rep.outcome = outDuplicate
			return h.Store.Sweep(ctx, snap)
		}
		claim, err := h.Store.Begin(ctx, v, snap)
		if errors.Is(err, store.ErrSuperseded) {
			obj.close()
			if try < claimTries {
				continue
			}
			return fmt.Errorf("policy %s changed %d times while this event was processed", v.ID, try)
		}
		if err != nil {
			obj.close()
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		if obj.size > 0 {
			rep.bytes = obj.size
		}
		return h.recordVersion(ctx, c, v, claim, obj, d, rep)
	}
}

// recordVersion analyses the object claim holds and records it: as the policy's
// new version, or, when its bytes are those of the current version, as
// the same version again. A new version that differs from the previous
// one has a change event, sent once it is current. The same bytes as the
// current version are analysed again, as a new version without an event,
// when other models or rules analysed that version (staleAnalysis):
// after a deploy of new models or rules, uploading a policy again gives it
// their answers.
func (h *Handler) recordVersion(ctx context.Context, c s3event.Change, v policy.Version, claim store.Claim, obj *object, d delivery, rep *report) error {
	data, err := h.read(v, obj, rep)
	obj.close()
	if err != nil {
		return h.settle(ctx, c.Kind, v, &claim, nil, err, d, rep)
	}
	reanalysis := false
	if cur := currentVersion(claim.Prev); cur != nil && cur.SHA256 == sha(data) {
		if !h.staleAnalysis(claim.Prev) {
			rep.version, rep.clauses = cur.Version, cur.Clauses
			o := store.Outcome{Unchanged: true, Bytes: rep.bytes}
			if err := h.finish(ctx, v, claim, o, outUnchanged, rep); err != nil {
				return h.settle(ctx, c.Kind, v, &claim, nil, err, d, rep)
			}
			return nil
		}
		reanalysis = true
	}
	res, err := h.analyse(ctx, v, data, rep)
	if err != nil {
		return h.settle(ctx, c.Kind, v, &claim, res, err, d, rep)
	}
	if err := h.Store.WriteClauses(ctx, v, claim, res); err != nil {
		return h.settle(ctx, c.Kind, v, &claim, nil, err, d, rep)
	}
	rep.clauses = len(res.Clauses)
	rep.version = store.VersionID(v, claim)
	received := obj.received
	if received.IsZero() {
		received = h.now()
	}
	o := store.Outcome{Result: res, Bytes: rep.bytes, Received: received}
	if reanalysis {
		rep.change = changeReanalysed
	} else if o.Event, err = h.changeEvent(ctx, v, claim, res, received, rep); err != nil {
		if fault.KindOf(err) == fault.Conflict {
			// The previous version is being deleted: another version
			// became current meanwhile, and this claim cannot finish.
			rep.outcome = outSuperseded
			return h.Store.Abandon(ctx, v, claim)
		}
		return h.settle(ctx, c.Kind, v, &claim, nil, err, d, rep)
	}
	o.EventLease = h.lease(ctx)
	if err := h.finish(ctx, v, claim, o, outReady, rep); err != nil {
		return h.settle(ctx, c.Kind, v, &claim, nil, err, d, rep)
	}
	if rep.outcome == outReady && o.Event != nil {
		// This claim holds its event: it sends it now. If that fails, the
		// version is current all the same and the event pending: the
		// message is delivered again, and the delivery sends it.
		if err := h.sendEvents(ctx, &store.Policy{ID: v.ID, Notify: []string{claim.Gen}}, claim.Gen, rep); err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
	}
	return nil
}

// currentVersion returns the version whose analysis p shows, nil when
// there is none.
func currentVersion(p *store.Policy) *store.VersionEntry {
	if p == nil || p.Gen == "" {
		return nil
	}
	return p.FindGen(p.Gen)
}

// staleAnalysis reports whether p's current version was analysed by other
// rules or models than the analyzer's: another version of the rules (or
// none named: versions stored before it was), another label model, or,
// for a policy in English (or too short to tell), another attribute
// model, or none named (versions stored before the attribute model's
// version was). False when the analyzer does not name its models.
func (h *Handler) staleAnalysis(p *store.Policy) bool {
	n, ok := h.Analyzer.(modelNamer)
	if !ok || p == nil {
		return false
	}
	now, then := n.Versions(), p.AnalysedBy()
	if then.ModelVersion != now.ModelVersion || then.AnalysisVersion != now.AnalysisVersion {
		return true
	}
	english := p.Language == "" || p.Language == language.English
	return english && then.AttributeModelVersion != now.AttributeModelVersion
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// applied reports whether p already records version v, done: the same
// object, READY or FAILED for a reason of the file's, by an event at least
// as new. An upload of the same bytes (same entity tag) after it, or a
// redrive of a message that ran out of deliveries, is processed again.
func applied(p *store.Policy, v policy.Version) bool {
	if p == nil || !holds(p, v) {
		return false
	}
	done := p.Status == policy.Ready || p.Status == policy.Failed && !p.Retryable
	return done && p.Seq >= v.Seq
}

// holds reports whether policy item p is about the object of version v:
// the same S3 version, or in an unversioned bucket the same entity tag.
func holds(p *store.Policy, v policy.Version) bool {
	if p == nil {
		return false
	}
	ver, tag := p.Object()
	if ver != "" || v.VersionID != "" {
		return ver == v.VersionID
	}
	return tag != "" && tag == v.ETag
}

// remove applies a removal event, once S3 confirms the key holds no object.
func (h *Handler) remove(ctx context.Context, c s3event.Change, d delivery, rep *report) error {
	v := c.Version
	for try := 1; ; try++ {
		snap, err := h.Store.Snapshot(ctx, v.ID)
		if err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		if err := h.sendEvents(ctx, snap, "", rep); err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		cur, exists, err := h.head(ctx, v)
		if err != nil {
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		switch {
		case exists && holds(snap, cur):
			// A removal of an object that is there: a noncurrent version
			// was deleted, or the event is stale or forged.
			rep.outcome, rep.reason = outIgnored, "the object still exists"
			return h.Store.Sweep(ctx, snap)
		case exists && v.VersionID != "" && !strings.HasSuffix(c.EventName, "DeleteMarkerCreated"):
			// The current version was deleted and an older one is current
			// again (S3 sends no creation event for it): analyse it.
			cur.Seq = v.Seq
			return h.ingest(ctx, s3event.Change{Kind: s3event.Created, EventName: c.EventName, EventTime: c.EventTime, Version: cur}, d, rep)
		case exists:
			// The key was uploaded again since: that upload's event applies it.
			rep.outcome, rep.reason = outSuperseded, "the key holds a newer object"
			return nil
		case snap == nil || snap.Status == policy.Deleted:
			rep.outcome = outDeleted
			return h.Store.Sweep(ctx, snap)
		}
		switch err := h.Store.Remove(ctx, v, snap); {
		case errors.Is(err, store.ErrSuperseded) && try < claimTries:
			continue
		case err != nil:
			return h.settle(ctx, c.Kind, v, nil, nil, err, d, rep)
		}
		rep.outcome = outDeleted
		return nil
	}
}

// settle decides, from its kind alone, what an error of version v means:
// the file's fault marks the policy FAILED with the error as the reason; a
// malformed event is acknowledged; an object that is gone or no longer
// current leaves the decision to that object's own event; anything else
// fails the record, so that its message is delivered again, unless this
// was its last delivery: then the policy is marked FAILED as well. claim
// and res are what Begin and the analysis returned, if they ran.
func (h *Handler) settle(ctx context.Context, kind s3event.Kind, v policy.Version, claim *store.Claim, res *policy.Analysis, err error, d delivery, rep *report) error {
	switch k := fault.KindOf(err); {
	case k.Input() && claim != nil:
		rep.reason = oneLine(fault.Message(err), maxReasonLen)
		return h.finish(ctx, v, *claim, store.Outcome{Result: res, Reason: rep.reason, Bytes: rep.bytes}, outFailed, rep)
	case k == fault.Invalid:
		rep.outcome, rep.reason = outMalformed, oneLine(fault.Message(err), maxReasonLen)
		return nil
	case k == fault.NotFound:
		rep.outcome = outGone
		return nil
	case k == fault.Conflict:
		rep.outcome = outSuperseded
		return nil
	case d.last() && kind == s3event.Created:
		return h.giveUp(ctx, v, claim, err, d, rep)
	default:
		return err
	}
}

// giveUp marks the policy of version v FAILED because the message of its
// last delivery failed with err, and returns err: the message still fails
// and moves to the dead-letter queue, where an alarm reports it, and a
// redrive of it processes the policy again. It runs on a context of its
// own, so that a record that ran out of time can still be marked.
func (h *Handler) giveUp(ctx context.Context, v policy.Version, claim *store.Claim, err error, d delivery, rep *report) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), max(h.Reserve, time.Second))
	defer cancel()
	reason := oneLine(fmt.Sprintf("could not be processed after %d attempts: %s", d.attempt, failureText(err)), maxReasonLen)
	if claim == nil {
		snap, serr := h.Store.Snapshot(ctx, v.ID)
		if serr != nil {
			return err
		}
		if snap != nil && holds(snap, v) && snap.Status == policy.Ready {
			// An earlier delivery got there.
			return err
		}
		c, berr := h.Store.Begin(ctx, v, snap)
		if berr != nil {
			// Someone else changed the policy: it is not stuck.
			return err
		}
		claim = &c
	}
	switch ferr := h.Store.Finish(ctx, v, *claim, store.Outcome{Reason: reason, Retryable: true, Bytes: rep.bytes}); {
	case errors.Is(ferr, store.ErrSuperseded):
		h.Store.Abandon(ctx, v, *claim)
	case ferr == nil:
		rep.outcome, rep.reason = outFailed, reason
	}
	return err
}

// failureText says what went wrong, in words for the reason of a policy
// that ran out of deliveries: the message of a classified error, or its
// kind.
func failureText(err error) string {
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "the invocation ran out of time (see the ingest function's log)"
	case fault.KindOf(err) == fault.Other:
		return "internal error: " + err.Error()
	default:
		return fault.Message(err)
	}
}

// finish records the outcome and reports it as done; when another claim
// took the policy meanwhile, what this one wrote is abandoned.
func (h *Handler) finish(ctx context.Context, v policy.Version, c store.Claim, o store.Outcome, done string, rep *report) error {
	switch err := h.Store.Finish(ctx, v, c, o); {
	case errors.Is(err, store.ErrSuperseded):
		rep.outcome = outSuperseded
		if o.Reason != "" {
			return nil
		}
		return h.Store.Abandon(ctx, v, c)
	case err != nil:
		return err
	}
	rep.outcome = done
	return nil
}
