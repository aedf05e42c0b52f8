// Package s3event says what an S3 event notification means for a policy:
// which policy it is about (the policy id of its bucket and key), where it
// stands among the other events of that key (its order token), and whether
// it creates, removes or does not concern a policy. It reads the bodies SQS
// delivers, plain or wrapped in an SNS notification.
package s3event

import (
	"encoding/json"
	"net/url"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Event is an S3 event notification. The event time is kept as a string:
// emulators write it without a time zone, which time.Time does not parse.
type Event struct {
	Records []Record `json:"Records"`
	// Service and Event are set on the test event S3 sends when a
	// notification is configured.
	Service string `json:"Service"`
	Event   string `json:"Event"`
}

// Record is one record of an S3 event notification.
type Record struct {
	EventSource string `json:"eventSource"`
	EventName   string `json:"eventName"`
	EventTime   string `json:"eventTime"`
	S3          struct {
		Bucket struct {
			Name string `json:"name"`
		} `json:"bucket"`
		Object struct {
			Key       string `json:"key"`
			Size      int64  `json:"size"`
			ETag      string `json:"eTag"`
			VersionID string `json:"versionId"`
			Sequencer string `json:"sequencer"`
		} `json:"object"`
	} `json:"s3"`
}

// Kind is what an event means for a policy.
type Kind int

// The kinds of events.
const (
	Other   Kind = iota // not about a policy's content: ignored
	Created             // a new object or a new version
	Removed             // the object is gone
)

// Change is one S3 event record, decoded.
type Change struct {
	Kind Kind
	// EventName is the record's event name, such as "ObjectCreated:Put".
	EventName string
	// EventTime is the record's event time as written.
	EventTime string
	// Version is the object version the event is about; zero for Other.
	Version policy.Version
	// Size is the object size the event states (0 for removals).
	Size int64
}

// MaxClockSkew is how far in the future an event's time may lie: S3 stamps
// events when it makes them, so a later time is a forged or broken event.
const MaxClockSkew = 15 * time.Minute

// Decode checks an S3 event record and decodes its key. A record that can
// never be processed is a fault.Invalid error; so is one whose event time
// lies more than MaxClockSkew after now.
func Decode(r Record, now time.Time) (Change, error) {
	c := Change{EventName: r.EventName, EventTime: r.EventTime}
	switch {
	case strings.HasPrefix(r.EventName, "ObjectCreated:"):
		c.Kind = Created
	case strings.HasPrefix(r.EventName, "ObjectRemoved:"),
		r.EventName == "LifecycleExpiration:Delete", r.EventName == "LifecycleExpiration:DeleteMarkerCreated":
		c.Kind = Removed
	default:
		return c, nil
	}
	o := r.S3.Object
	if r.S3.Bucket.Name == "" || o.Key == "" {
		return c, fault.E(fault.Invalid, "%s record without bucket name or object key", r.EventName)
	}
	// Keys arrive URL-encoded as in a query string: '+' for a space and
	// %2B for a plus.
	key, err := url.QueryUnescape(o.Key)
	if err != nil {
		return c, fault.E(fault.Invalid, "object key %q is not URL-encoded: %v", o.Key, err)
	}
	seq, err := OrderToken(o.Sequencer, r.EventTime)
	if err != nil {
		return c, fault.Wrap(fault.Invalid, err, "")
	}
	if t, err := parseEventTime(r.EventTime); err == nil && t.After(now.Add(MaxClockSkew)) {
		return c, fault.E(fault.Invalid, "event time %s is %s in the future: the event was not made by S3",
			r.EventTime, t.Sub(now).Round(time.Second))
	}
	c.Version = NewVersion(r.S3.Bucket.Name, key, o.VersionID, strings.Trim(o.ETag, `"`), seq)
	c.Size = o.Size
	return c, nil
}

// NewVersion returns the version of bucket/key with the given S3 version
// id, entity tag and order token, and the id of its policy.
func NewVersion(bucket, key, versionID, eTag, seq string) policy.Version {
	return policy.Version{ID: PolicyID(bucket, key), Bucket: bucket, Key: key, VersionID: versionID, ETag: eTag, Seq: seq}
}

// ParseBody reads the body of an SQS message: an S3 event notification,
// possibly wrapped in an SNS notification. It returns no records for S3's
// test event. A body that can never be processed is a fault.Invalid error.
func ParseBody(body string) ([]Record, error) {
	var wrapped struct {
		Type    string `json:"Type"`
		Message string `json:"Message"`
	}
	if err := json.Unmarshal([]byte(body), &wrapped); err != nil {
		return nil, fault.E(fault.Invalid, "message body is not JSON: %v", err)
	}
	if wrapped.Type == "Notification" && wrapped.Message != "" {
		body = wrapped.Message
	}
	var ev Event
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return nil, fault.E(fault.Invalid, "message body is not an S3 event: %v", err)
	}
	if ev.Event == "s3:TestEvent" {
		return nil, nil
	}
	if len(ev.Records) == 0 {
		return nil, fault.E(fault.Invalid, "message body holds no S3 event records")
	}
	for _, r := range ev.Records {
		if r.EventSource != "aws:s3" {
			return nil, fault.E(fault.Invalid, "record from %q, not aws:s3", r.EventSource)
		}
	}
	return ev.Records, nil
}

// String names the kind.
func (k Kind) String() string {
	switch k {
	case Created:
		return "created"
	case Removed:
		return "removed"
	}
	return "other"
}
