// Package store keeps policies and their classified clauses in one DynamoDB
// table: the data model of policylens and all access to the table. The
// model is described in docs/data-model.md.
//
// Ingest writes through Begin, WriteClauses, Finish, Remove and Abandon,
// which together make processing idempotent and safe against events that
// arrive twice or out of order, and keeps the history of each policy's
// versions with their change events (TakeEvent, EventSent). Lookup reads
// through Policy, Policies, Clauses, LabelClauses and ReadVersion, which
// never show a mix of two versions of a policy, and through IndexClauses,
// Summary and AttributeCounts, which serve what policies state: their
// attributes, mentions and privacy summaries (docs/data-model.md).
package store

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/service/topology"
)

// DB is the part of the DynamoDB API the store uses; *dynamodb.Client
// implements it.
type DB interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
}

// Errors of the store, of the kinds fault.NotFound and fault.Conflict.
// Throttling that outlasts the retries is a fault.Throttled error.
var (
	// ErrNotFound reports a policy that does not exist or was deleted.
	ErrNotFound error = &fault.Error{Kind: fault.NotFound, Detail: "policy not found"}
	// ErrSuperseded reports a write refused because a newer event of the
	// same object has been applied.
	ErrSuperseded error = &fault.Error{Kind: fault.Conflict, Detail: "a newer event of this object has been applied"}
	// ErrGenerationChanged reports a listing resumed after the policy was
	// re-analysed: its clauses are not the ones the listing started on.
	ErrGenerationChanged error = &fault.Error{Kind: fault.Conflict, Detail: "the policy was re-analysed since the listing started"}
)

// Store reads and writes the policylens table.
type Store struct {
	db    DB
	table string
	// Now returns the current time; tests replace it.
	Now func() time.Time
	// Writers is how many BatchWriteItem requests run at once while a
	// generation is written or deleted.
	Writers int
	// Retry bounds the retries of throttled or unprocessed batch requests.
	Retry Backoff
	// KeepVersions is how many versions of each policy are kept (see
	// Finish); 0 means topology.DefaultKeepVersions.
	KeepVersions int
	// Shards is how many partitions each index key is spread over; 0 means
	// topology.Shards. It is fixed for the life of a table: the readers of
	// a table must use the number its writers used.
	Shards int
}

func (s *Store) shards() int {
	if s.Shards <= 0 {
		return topology.Shards
	}
	return s.Shards
}

// Backoff describes exponential backoff with full jitter: attempt n waits a
// random time up to min(Max, Base*2^n).
type Backoff struct {
	Base, Max time.Duration
	Attempts  int
}

// DefaultBackoff suits DynamoDB: about 30 s of retries in the worst case.
var DefaultBackoff = Backoff{Base: 25 * time.Millisecond, Max: 3 * time.Second, Attempts: 14}

func (b Backoff) wait(ctx context.Context, attempt int) error {
	d := b.Max
	if attempt < 30 && b.Base<<attempt < b.Max {
		d = b.Base << attempt
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(rand.N(d) + 1)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// New returns a Store on the named table.
func New(db DB, table string) *Store {
	return &Store{db: db, table: table, Now: time.Now, Writers: 8, Retry: DefaultBackoff}
}

// Table returns the name of the table.
func (s *Store) Table() string { return s.table }
