package policy

// Status is the processing state of a stored policy.
type Status string

// Policy states. Deleted marks a tombstone: the item that remembers a
// deletion so that an older event arriving late cannot bring the policy
// back. Readers never see tombstones.
const (
	Processing Status = "PROCESSING"
	Ready      Status = "READY"
	Failed     Status = "FAILED"
	Deleted    Status = "DELETED"
)

// Version identifies the version of a policy object that an event is
// about.
type Version struct {
	// ID is the policy's id, derived from Bucket and Key (see package
	// s3event).
	ID          string
	Bucket, Key string
	// VersionID is the S3 version id, empty for unversioned buckets.
	VersionID string
	// ETag is the object's entity tag without quotes, when known.
	ETag string
	// Seq is the event's order token: tokens of one key compare as strings
	// in the order S3 applied the events (see package s3event).
	Seq string
}
