package s3event

import (
	"encoding/json"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/local/fixture"
)

func record(name, key, seq, eventTime string) Record {
	var r Record
	r.EventSource, r.EventName, r.EventTime = "aws:s3", name, eventTime
	r.S3.Bucket.Name = "bucket"
	r.S3.Object.Key, r.S3.Object.Sequencer = key, seq
	return r
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name, key string
		seq, time string
		wantKind  Kind
		wantKey   string
		wantErr   bool
	}{
		{"ObjectCreated:Put", "policies/Privacy+Policy%2Bv2.md", "0A", "", Created, "policies/Privacy Policy+v2.md", false},
		{"ObjectCreated:CompleteMultipartUpload", "caf%C3%A9+%281%29.pdf", "0B", "", Created, "café (1).pdf", false},
		{"ObjectCreated:Copy", "a%2Fb%25c.txt", "0C", "", Created, "a/b%c.txt", false},
		{"ObjectRemoved:Delete", "old.txt", "", "2025-01-01T00:00:00.000Z", Removed, "old.txt", false},
		{"ObjectRemoved:DeleteMarkerCreated", "old.txt", "0D", "", Removed, "old.txt", false},
		{"LifecycleExpiration:Delete", "old.txt", "0E", "", Removed, "old.txt", false},
		{"ObjectRestore:Post", "x.txt", "", "", Other, "", false},
		{"ObjectTagging:Put", "x.txt", "", "", Other, "", false},
		{"ObjectCreated:Put", "bad%zzkey", "0A", "", Created, "", true},
		{"ObjectCreated:Put", "x.txt", "not-hex", "", Created, "", true},
		{"ObjectCreated:Put", "x.txt", "", "", Created, "", true},
		{"ObjectCreated:Put", "", "0A", "", Created, "", true},
		// Event times in the future: a little is clock skew, a lot is
		// forged, with or without a sequencer.
		{"ObjectCreated:Put", "x.txt", "", "2025-06-01T12:14:00.000Z", Created, "x.txt", false},
		{"ObjectCreated:Put", "x.txt", "", "2025-06-01T12:16:00.000Z", Created, "", true},
		{"ObjectRemoved:Delete", "x.txt", "", "2099-01-01T00:00:00.000Z", Removed, "", true},
		{"ObjectRemoved:Delete", "x.txt", "0F", "2099-01-01T00:00:00.000Z", Removed, "", true},
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range tests {
		c, err := Decode(record(tt.name, tt.key, tt.seq, tt.time), now)
		if (err != nil) != tt.wantErr {
			t.Errorf("Decode(%s %q) error = %v, want error %v", tt.name, tt.key, err, tt.wantErr)
			continue
		}
		if err != nil {
			if !errors.Is(err, fault.Invalid) {
				t.Errorf("Decode(%s %q) error %v is not fault.Invalid", tt.name, tt.key, err)
			}
			continue
		}
		if c.Kind != tt.wantKind || c.Version.Key != tt.wantKey {
			t.Errorf("Decode(%s %q) = kind %d key %q, want %d %q", tt.name, tt.key, c.Kind, c.Version.Key, tt.wantKind, tt.wantKey)
		}
	}
}

func TestParseBody(t *testing.T) {
	put, err := os.ReadFile(fixture.Path("events", "s3-put.json"))
	if err != nil {
		t.Fatal(err)
	}
	sns, _ := json.Marshal(map[string]string{"Type": "Notification", "Message": string(put)})
	tests := []struct {
		name    string
		body    string
		records int
		wantErr bool
	}{
		{"S3 event", string(put), 1, false},
		{"S3 event inside an SNS notification", string(sns), 1, false},
		{"S3 test event", `{"Service":"Amazon S3","Event":"s3:TestEvent","Bucket":"b"}`, 0, false},
		{"not JSON", "hello", 0, true},
		{"JSON without records", `{"hello":"world"}`, 0, true},
		{"records from elsewhere", `{"Records":[{"eventSource":"aws:dynamodb"}]}`, 0, true},
		{"records of the wrong shape", `{"Records":"many"}`, 0, true},
	}
	for _, tt := range tests {
		recs, err := ParseBody(tt.body)
		if (err != nil) != tt.wantErr || len(recs) != tt.records {
			t.Errorf("%s: %d records, error %v; want %d, error %v", tt.name, len(recs), err, tt.records, tt.wantErr)
		}
	}
}
