package ingest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/policylens/policylens/shared/service/store"
)

// s3Event is an S3 event notification. The event time is kept as a string:
// emulators write it without a time zone, which time.Time does not parse.
type s3Event struct {
	Records []s3Record `json:"Records"`
	// Service and Event are set on the test event S3 sends when a
	// notification is configured.
	Service string `json:"Service"`
	Event   string `json:"Event"`
}

type s3Record struct {
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

// kind is what an S3 event means for a policy.
type kind int

const (
	other   kind = iota // not about a policy's content: ignored
	created             // a new object or a new version
	removed             // the object is gone
)

// change is one S3 event, decoded.
type change struct {
	kind      kind
	eventName string
	version   store.Version
	size      int64
}

// errMalformed marks events that can never be processed: retrying them
// only moves them to the dead-letter queue, where someone can look at them.
var errMalformed = errors.New("malformed event")

// decode checks an S3 event record and decodes its key.
func decode(r s3Record) (change, error) {
	c := change{eventName: r.EventName}
	switch {
	case strings.HasPrefix(r.EventName, "ObjectCreated:"):
		c.kind = created
	case strings.HasPrefix(r.EventName, "ObjectRemoved:"),
		r.EventName == "LifecycleExpiration:Delete", r.EventName == "LifecycleExpiration:DeleteMarkerCreated":
		c.kind = removed
	default:
		return c, nil
	}
	o := r.S3.Object
	if r.S3.Bucket.Name == "" || o.Key == "" {
		return c, fmt.Errorf("%w: %s record without bucket name or object key", errMalformed, r.EventName)
	}
	// Keys arrive URL-encoded as in a query string: '+' for a space and
	// %2B for a plus.
	key, err := url.QueryUnescape(o.Key)
	if err != nil {
		return c, fmt.Errorf("%w: object key %q is not URL-encoded: %v", errMalformed, o.Key, err)
	}
	seq, err := store.OrderToken(o.Sequencer, r.EventTime)
	if err != nil {
		return c, fmt.Errorf("%w: %v", errMalformed, err)
	}
	c.version = store.Version{
		Bucket: r.S3.Bucket.Name, Key: key, VersionID: o.VersionID,
		ETag: strings.Trim(o.ETag, `"`), Seq: seq,
	}
	c.size = o.Size
	return c, nil
}

// parseBody reads the body of an SQS message: an S3 event notification,
// possibly wrapped in an SNS notification. It returns no records for S3's
// test event.
func parseBody(body string) ([]s3Record, error) {
	var wrapped struct {
		Type    string `json:"Type"`
		Message string `json:"Message"`
	}
	if err := json.Unmarshal([]byte(body), &wrapped); err != nil {
		return nil, fmt.Errorf("%w: message body is not JSON: %v", errMalformed, err)
	}
	if wrapped.Type == "Notification" && wrapped.Message != "" {
		body = wrapped.Message
	}
	var ev s3Event
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		return nil, fmt.Errorf("%w: message body is not an S3 event: %v", errMalformed, err)
	}
	if ev.Event == "s3:TestEvent" {
		return nil, nil
	}
	if len(ev.Records) == 0 {
		return nil, fmt.Errorf("%w: message body holds no S3 event records", errMalformed)
	}
	for _, r := range ev.Records {
		if r.EventSource != "aws:s3" {
			return nil, fmt.Errorf("%w: record from %q, not aws:s3", errMalformed, r.EventSource)
		}
	}
	return ev.Records, nil
}
