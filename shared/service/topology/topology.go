// Package topology describes the AWS resources of policylens once, for every
// place that creates or uses them: the CDK stack (infra), the local
// development system (make dev) and the store. Names, keys, indexes, queue
// settings and environment variable names live here and nowhere else.
package topology

import "time"

// Table keys. Every item has a string partition key and a string sort key.
const (
	PartitionKey = "pk"
	SortKey      = "sk"
)

// TTLAttribute is the table's time-to-live attribute (a number, seconds
// since the epoch): the store sets it on the tombstones of deleted policies
// so that DynamoDB removes them after a while. Enable TTL on it.
const TTLAttribute = "expiresAt"

// Index is a global secondary index of the table. All attributes are
// projected; both keys are strings.
type Index struct {
	Name         string
	PartitionKey string
	SortKey      string
}

// The table's global secondary indexes.
var (
	// ByLabel holds one entry per (clause, label) pair, partitioned by label
	// and shard, sorted by score: clauses of one label across all policies.
	// The attribute index shares it: entries per (clause, attribute value),
	// (clause, attribute), (clause, mention value) and (clause, mention
	// kind), under partition keys of their own (docs/data-model.md).
	ByLabel = Index{Name: "byLabel", PartitionKey: "gsi1pk", SortKey: "gsi1sk"}
	// ByRecency holds one entry per policy, partitioned by shard, sorted by
	// the time the policy was last updated: the newest policies first.
	ByRecency = Index{Name: "byRecency", PartitionKey: "gsi2pk", SortKey: "gsi2sk"}
)

// Indexes lists every global secondary index.
var Indexes = []Index{ByLabel, ByRecency}

// Shards is the number of partitions each index key is spread over, so that
// no single label or listing becomes one hot partition. Changing it changes
// where existing items are found: it is fixed for the life of a table.
const Shards = 16

// Queue settings shared by the stack and the local system.
const (
	// MaxReceiveCount is how many times a message is received before it
	// moves to the dead-letter queue. The stack passes it to the ingest
	// function (EnvMaxReceiveCount), which marks a policy FAILED when its
	// message fails on this last receive.
	MaxReceiveCount = 5
	// DLQRetentionDays is how long the dead-letter queue keeps messages.
	DLQRetentionDays = 14
)

// The ingest queue's event source.
const (
	// IngestBatchSize is the most messages per ingest invocation.
	IngestBatchSize = 4
	// IngestMaxConcurrency is the most concurrent ingest invocations.
	IngestMaxConcurrency = 5
)

// VisibilityTimeout is the ingest queue's visibility timeout for a
// function timeout: six times it, as AWS recommends for an SQS event
// source, so that a message is not handed out again while a batch holding
// it may still run.
func VisibilityTimeout(functionTimeout time.Duration) time.Duration { return 6 * functionTimeout }

// The memory of an ingest invocation is shared by the handler and the
// child process that analyses one file at a time (the analysis worker).
// The handler holds the object, the copy it sends to the worker and the
// analysis it gets back, each about the size of the object at most, plus
// the runtime, the model and the SDK clients: HandlerMemory. The worker
// gets the rest, up to its own cap (policy.DefaultMaxMemory); a function
// that leaves it less than that cap is refused by the stack, and refuses
// to start.
const handlerBaseBytes = 128 << 20

// HandlerMemory is the memory the ingest handler keeps for itself beside
// the analysis worker, for objects of up to maxObjectBytes.
func HandlerMemory(maxObjectBytes int64) int64 { return handlerBaseBytes + 4*maxObjectBytes }

// WorkerMemory is the memory left for the analysis worker in an ingest
// function of functionMB megabytes that accepts objects of up to
// maxObjectBytes, at most capBytes.
func WorkerMemory(functionMB int, maxObjectBytes, capBytes int64) int64 {
	return min(capBytes, int64(functionMB)<<20-HandlerMemory(maxObjectBytes))
}

// Default resource names for the local development system. In AWS,
// CloudFormation names the resources and passes them in environment variables.
const (
	LocalBucket = "policylens-local"
	LocalTable  = "policylens-local"
	LocalQueue  = "policylens-local-ingest"
	LocalDLQ    = "policylens-local-ingest-dlq"
	// LocalCursorSecret is the Secrets Manager secret (by name) that signs
	// the local API's cursors; make dev fills it with a random value.
	LocalCursorSecret = "policylens-local-cursor"
	// LocalEventBus receives the change events; a rule delivers them to
	// LocalChangesQueue, which `make changes` follows.
	LocalEventBus     = "policylens-local"
	LocalChangesQueue = "policylens-local-changes"
)

// The change events ingest puts on the event bus: one per new version of a
// policy that differs from the previous one (see package notify). Rules
// match them on source and detail type.
const (
	EventSource     = "policylens"
	EventDetailType = "Policy Changed"
)

// Version history: ingest keeps the analyses of the newest KEEP_VERSIONS
// versions of each policy.
const (
	DefaultKeepVersions = 10
	// MaxKeepVersions bounds the history so that the policy item, which
	// lists the kept versions, stays far below DynamoDB's item size limit.
	MaxKeepVersions = 100
)

// Environment variables read by the functions.
const (
	EnvTableName   = "TABLE_NAME"       // DynamoDB table (both functions)
	EnvMaxBytes    = "MAX_OBJECT_BYTES" // ingest: largest object accepted
	EnvMaxPages    = "MAX_PDF_PAGES"    // ingest: most PDF pages accepted
	EnvPDFTimeout  = "PDF_TIMEOUT"      // ingest: PDF extraction time limit (Go duration)
	EnvKeyPrefix   = "KEY_PREFIX"       // ingest: only keys under this prefix are policies
	EnvLogLevel    = "LOG_LEVEL"        // both: debug, info, warn, error
	EnvMaxPageSize = "MAX_PAGE_SIZE"    // lookup: largest `limit` accepted
	// EnvMaxReceiveCount is the ingest queue's maxReceiveCount (ingest):
	// a message received that many times is on its last delivery.
	EnvMaxReceiveCount = "MAX_RECEIVE_COUNT"
	// EnvCursorSecretARN names the Secrets Manager secret (its ARN or
	// name) whose value signs pagination cursors (lookup). The function
	// reads it through the SDK at its start: the value is never in the
	// environment.
	EnvCursorSecretARN = "CURSOR_SECRET_ARN"
	// EnvEventBusName names the EventBridge bus that receives the change
	// events (ingest). Unset, ingest sends none.
	EnvEventBusName = "EVENT_BUS_NAME"
	// EnvIndexShards is how many partitions each index key is spread over
	// (both functions): Shards unless set. It is fixed for the life of a
	// table; make dev, whose table starts empty at every run, uses 1.
	EnvIndexShards = "INDEX_SHARDS"
	// EnvKeepVersions is how many versions of each policy ingest keeps
	// (ingest), 1 to MaxKeepVersions.
	EnvKeepVersions = "KEEP_VERSIONS"
	// EnvFunctionMemory is the function's memory in MB, set by Lambda (and
	// by make dev) in every function's environment.
	EnvFunctionMemory = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
)

// Function is the deployed shape of one Lambda function: what the stack
// configures by default, and what `make dev` and `make invoke` impose
// locally as Lambda would.
type Function struct {
	// Name is the short name ("ingest"), the directory under functions/
	// and under build/.
	Name string
	// LogicalID is the function's logical ID in the template, which SAM
	// and events/env.json use.
	LogicalID string
	MemoryMB  int
	// TimeoutSeconds is the function's timeout.
	TimeoutSeconds int
}

// The functions, with their default sizes (docs/deploy.md says why).
var (
	Ingest = Function{Name: "ingest", LogicalID: "IngestFunction", MemoryMB: 1024, TimeoutSeconds: 300}
	Lookup = Function{Name: "lookup", LogicalID: "LookupFunction", MemoryMB: 512, TimeoutSeconds: 10}
)

// Functions lists the functions.
var Functions = []Function{Ingest, Lookup}

// Timeout returns the function's timeout.
func (f Function) Timeout() time.Duration { return time.Duration(f.TimeoutSeconds) * time.Second }
