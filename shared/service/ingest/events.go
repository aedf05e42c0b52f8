package ingest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/notify"
	"github.com/policylens/policylens/shared/service/store"
)

// What a new version is to the previous one, as logged.
const (
	changeFirst   = "first"   // no previous version to compare with
	changeQuiet   = "quiet"   // cosmetic only: no event
	changeChanged = "changed" // a change event
	// The same bytes as the current version, analysed again because other
	// models analysed it: a new version, no event (the document did not
	// change).
	changeReanalysed = "reanalysed"
)

// changeEvent compares the analysis res of the version claim c records
// with the newest kept version and returns the detail of its change
// event, or nil when there is none to send: no event bus, no previous
// version, or a quiet report.
func (h *Handler) changeEvent(ctx context.Context, v policy.Version, c store.Claim, res *policy.Analysis, received time.Time, rep *report) ([]byte, error) {
	prev := c.Prev.Latest()
	if prev == nil {
		rep.change = changeFirst
		return nil, nil
	}
	if h.Events == nil {
		return nil, nil
	}
	old, err := h.Store.ReadVersion(ctx, v.ID, prev.Gen)
	if err != nil {
		return nil, err
	}
	r := changes.Compare(old, res)
	if r.Quiet() {
		rep.change = changeQuiet
		return nil, nil
	}
	rep.change = changeChanged
	d := notify.NewDetail(v.ID, v.Bucket, v.Key, res.Policy.Title, prev.Version, store.VersionID(v, c),
		received.UTC().Format(time.RFC3339), r)
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode the change event: %w", err)
	}
	return b, nil
}

// sendEvents sends the change events p lists as possibly unsent, for
// holder (the claim that recorded them, or "" for any other delivery,
// which may send them once their holder's lease has run out). An event
// another delivery holds is ErrEventInFlight: the message is delivered
// again later, when it is sent or its holder gave up.
func (h *Handler) sendEvents(ctx context.Context, p *store.Policy, holder string, rep *report) error {
	if p == nil || len(p.Notify) == 0 || h.Events == nil {
		return nil
	}
	if holder == "" {
		holder = newHolder()
	}
	for _, gen := range p.Notify {
		detail, err := h.Store.TakeEvent(ctx, p.ID, gen, holder, h.lease(ctx))
		if err != nil {
			return err
		}
		if detail == nil {
			continue
		}
		id, err := h.Events.Publish(ctx, detail)
		if err != nil {
			return err
		}
		if err := h.Store.EventSent(ctx, p.ID, gen, id); err != nil {
			return err
		}
		rep.events++
		h.Log.InfoContext(ctx, "change event sent", "policyId", p.ID, "eventId", id, "detail", json.RawMessage(detail))
	}
	return nil
}

// lease is how long a change event taken now is held: until the
// invocation's deadline, after which its run has surely stopped (a
// message is delivered again only after its visibility timeout, which is
// longer).
func (h *Handler) lease(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d
	}
	return h.now().Add(5 * time.Minute)
}

// newHolder names a delivery that takes an event it did not record.
func newHolder() string {
	var b [8]byte
	rand.Read(b[:])
	return "d" + hex.EncodeToString(b[:])
}
