// Package faultload runs policylens under load and faults against
// moto_server and checks the result against the bucket, object by object:
// concurrent uploads with overwrites and deletes, notifications delivered
// twice and out of order by concurrent invocations, and invocations killed
// mid-ingest (the function's process, as a crash or a Lambda timeout would
// end it). Nothing may be lost (every object in the bucket has a READY
// policy whose analysis is the object's), duplicated (one generation of
// clauses per policy, with exactly the analysis's items) or stuck (no policy
// PROCESSING, no message left in the queues).
//
// scripts/loadfault runs it for the figure in docs/operations.md; a system
// test runs a small one.
package faultload

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/local/runtimeapi"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/topology"
)

// function is the ingest function as this package runs it, in sandboxes.
const function = "faultload-ingest"

func init() { runtimeapi.Serve(function, ingest.Start) }

// Config sizes a run; zero fields take the defaults.
type Config struct {
	// Ops is how many writes the uploaders make (default 200): PUTs of new
	// content, many of them overwriting a key, and DELETEs.
	Ops int
	// Keys is how many distinct keys they write (default 2/5 of Ops).
	Keys int
	// Uploaders is how many write at the same time (default 16).
	Uploaders int
	// DeleteShare is the share of writes that are deletes (default 0.2).
	DeleteShare float64
	// DuplicateShare is the share of notifications delivered twice
	// (default 0.25).
	DuplicateShare float64
	// Invokers is how many invocations run at the same time (default 4).
	Invokers int
	// Crashes is how many invocations are killed mid-ingest (default 2).
	Crashes int
	// Seed makes the run repeatable (the order of concurrent work aside).
	Seed uint64
	// Progress, when set, receives a line per phase.
	Progress io.Writer
}

func (c Config) withDefaults() Config {
	if c.Ops <= 0 {
		c.Ops = 200
	}
	if c.Keys <= 0 {
		c.Keys = max(1, c.Ops*2/5)
	}
	if c.Uploaders <= 0 {
		c.Uploaders = 16
	}
	if c.DeleteShare <= 0 {
		c.DeleteShare = 0.2
	}
	if c.DuplicateShare <= 0 {
		c.DuplicateShare = 0.25
	}
	if c.Invokers <= 0 {
		c.Invokers = 4
	}
	if c.Crashes < 0 {
		c.Crashes = 0
	} else if c.Crashes == 0 {
		c.Crashes = 2
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

// Report is what a run did and found.
type Report struct {
	Config Config
	// Writes. CrashPuts are large policies written after the load, when
	// it left crashes owing.
	Puts, Overwrites, Deletes, CrashPuts int
	// Deliveries.
	Notifications, Duplicates, Invocations, FailedInvocations int
	// StaleDeletes counts processed messages received again before they
	// were deleted (an invocation longer than the visibility timeout).
	StaleDeletes int
	// Crashes: invocations killed mid-ingest, the messages they held, and
	// the policies they left PROCESSING.
	Crashes, CrashedMessages, LeftProcessing int
	// The final state.
	Objects, Ready int
	// Lost: objects without a READY policy that matches them, or policies
	// of deleted objects. Duplicated: extra clause items or generations.
	// Stuck: policies PROCESSING or FAILED, messages left in the queues.
	Lost, Duplicated, Stuck int
	// Change events delivered; sent twice; missing (a version kept after
	// another without its event, or an event left pending).
	Events, DuplicateEvents, MissingEvents int
	// Problems describes each finding.
	Problems []string
	Elapsed  time.Duration
}

// OK reports whether nothing was lost, duplicated or stuck.
func (r Report) OK() bool {
	return r.Lost == 0 && r.Duplicated == 0 && r.Stuck == 0 && r.DuplicateEvents == 0 && r.MissingEvents == 0 && len(r.Problems) == 0
}

func (r Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d writes on %d keys by %d uploaders at once: %d PUTs (%d overwriting a key), %d DELETEs\n",
		r.Puts+r.Deletes, r.Config.Keys, r.Config.Uploaders, r.Puts, r.Overwrites, r.Deletes)
	fmt.Fprintf(&b, "%d notifications delivered %d times (%d twice), shuffled, in %d invocations, %d at once; %d failed\n",
		r.Notifications, r.Notifications+r.Duplicates, r.Duplicates, r.Invocations, r.Config.Invokers, r.FailedInvocations)
	if r.StaleDeletes > 0 {
		fmt.Fprintf(&b, "%d processed %s received again before %s deleted (invocations longer than the visibility timeout)\n",
			r.StaleDeletes, plural(r.StaleDeletes, "message", "messages"), plural(r.StaleDeletes, "it was", "they were"))
	}
	if r.CrashPuts > 0 {
		fmt.Fprintf(&b, "%d large %s written after the load for the crashes it left owing\n", r.CrashPuts, plural(r.CrashPuts, "policy", "policies"))
	}
	fmt.Fprintf(&b, "%d %s killed while writing clauses, holding %d %s, leaving %d %s PROCESSING\n",
		r.Crashes, plural(r.Crashes, "invocation", "invocations"), r.CrashedMessages, plural(r.CrashedMessages, "message", "messages"),
		r.LeftProcessing, plural(r.LeftProcessing, "policy", "policies"))
	fmt.Fprintf(&b, "final state: %d objects in the bucket, %d READY policies matching them; lost %d, duplicated %d, stuck %d; %.1f s\n",
		r.Objects, r.Ready, r.Lost, r.Duplicated, r.Stuck, r.Elapsed.Seconds())
	fmt.Fprintf(&b, "change events: %d delivered, %d sent twice, %d missing\n", r.Events, r.DuplicateEvents, r.MissingEvents)
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  %s\n", p)
	}
	return b.String()
}

// restoreEnv returns a function that gives the variables names the values
// they have now.
func restoreEnv(names []string) func() {
	saved := map[string]*string{}
	for _, n := range names {
		if v, ok := os.LookupEnv(n); ok {
			saved[n] = &v
		} else {
			saved[n] = nil
		}
	}
	return func() {
		for n, v := range saved {
			if v == nil {
				os.Unsetenv(n)
			} else {
				os.Setenv(n, *v)
			}
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// run is one run's state.
type run struct {
	cfg    Config
	rep    Report
	res    provision.Resources
	s3     *s3.Client
	sqs    *sqs.Client
	db     *dynamodb.Client
	rnd    *rand.Rand // the event source's: deliveries and their order
	mu     sync.Mutex
	logf   func(string, ...any)
	crashN int
}

// visibility is the queue's visibility timeout: short, so that the
// messages of a killed invocation come back within seconds.
const visibility = 5 * time.Second

// The sandboxed functions' timeout and the queue's receives. The deployed
// stack keeps a message hidden for six function timeouts
// (topology.VisibilityTimeout), so a change event taken by an invocation
// that was killed (held until that invocation's deadline) is free long
// before the message's receives run out; with a visibility of seconds the
// run keeps that promise by allowing as many receives as fit in a function
// timeout, plus the stack's. The timeout is the shortest that leaves a
// record its time (the analysis limit and the writes), so that a killed
// holder's events wait two minutes, not five.
const (
	functionTimeout = 2 * time.Minute
	maxReceives     = int(functionTimeout/visibility) + topology.MaxReceiveCount
)

// Run runs the load on a moto_server of its own and checks the result.
func Run(ctx context.Context, cfg Config) (Report, error) {
	cfg = cfg.withDefaults()
	start := time.Now()
	r := &run{cfg: cfg, rep: Report{Config: cfg}, rnd: rand.New(rand.NewPCG(cfg.Seed, 7))}
	r.logf = func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, "faultload: "+format+"\n", args...)
		}
	}
	moto, err := motoserver.Start(ctx, motoserver.Options{})
	if err != nil {
		return r.rep, err
	}
	defer moto.Stop()
	// The functions find the emulator through the SDK's variables, set
	// for the run only: a test binary's other tests have an emulator of
	// their own.
	defer restoreEnv(append(slices.Collect(maps.Keys(moto.Env())), "AWS_SESSION_TOKEN", "AWS_PROFILE"))()
	if err := moto.SetEnv(); err != nil {
		return r.rep, err
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return r.rep, err
	}
	cl := provision.NewClients(awsCfg)
	names := provision.Names{Bucket: "faultload", Table: "faultload", Queue: "faultload", DLQ: "faultload-dlq", VisibilityTimeout: visibility,
		EventBus: "faultload", ChangesQueue: "faultload-changes", MaxReceiveCount: maxReceives}
	if r.res, err = provision.Create(ctx, cl, names); err != nil {
		return r.rep, err
	}
	r.s3, r.sqs, r.db = cl.S3, cl.SQS, cl.DynamoDB

	uploaded := make(chan struct{})
	go func() {
		r.upload(ctx)
		close(uploaded)
	}()
	if err := r.deliver(ctx, uploaded, awsCfg.Region); err != nil {
		return r.rep, err
	}
	// Whether an invocation is caught writing clauses depends on timing:
	// on a busy machine every large policy of the load may be written
	// before the watcher looks, or be replaced first. Then large policies
	// of their own, one at a time, get the crashes the run owes.
	for attempt := 0; r.rep.Crashes < cfg.Crashes && attempt < 3*cfg.Crashes; attempt++ {
		key := fmt.Sprintf("load/crash-%d policy.txt", attempt)
		r.logf("%d of %d crashes so far: one more large policy, %s", r.rep.Crashes, cfg.Crashes, key)
		if _, err := r.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(r.res.Bucket), Key: aws.String(key),
			Body: bytes.NewReader(policyText("crash round "+key, 900))}); err != nil {
			return r.rep, fmt.Errorf("write %s: %w", key, err)
		}
		r.rep.CrashPuts++
		if err := r.deliver(ctx, uploaded, awsCfg.Region); err != nil {
			return r.rep, err
		}
	}
	r.logf("queues empty; checking the table against the bucket")
	if err := r.check(ctx, cl); err != nil {
		return r.rep, err
	}
	r.rep.Elapsed = time.Since(start)
	return r.rep, nil
}

// upload makes the writes, Uploaders at a time.
func (r *run) upload(ctx context.Context) {
	type op struct {
		key  string
		del  bool
		body []byte
	}
	// The writes are drawn from the seed alone, before anything runs.
	rnd := rand.New(rand.NewPCG(r.cfg.Seed, 1))
	ops := make([]op, r.cfg.Ops)
	written := map[string]bool{}
	for i := range ops {
		key := fmt.Sprintf("load/%03d policy.txt", rnd.IntN(r.cfg.Keys))
		if written[key] && rnd.Float64() < r.cfg.DeleteShare {
			ops[i] = op{key: key, del: true}
			r.rep.Deletes++
			continue
		}
		// A few large policies, so that an invocation takes long enough
		// to be killed in the middle of writing.
		n := 3 + rnd.IntN(12)
		if i < 2*r.cfg.Crashes || rnd.IntN(10) == 0 {
			n = 600 + rnd.IntN(400)
		}
		ops[i] = op{key: key, body: policyText(fmt.Sprintf("write %d to %s", i, key), n)}
		if written[key] {
			r.rep.Overwrites++
		}
		written[key] = true
		r.rep.Puts++
	}
	r.logf("%d writes: %d PUTs (%d overwrites), %d DELETEs on %d keys", len(ops), r.rep.Puts, r.rep.Overwrites, r.rep.Deletes, r.cfg.Keys)
	work := make(chan op)
	var wg sync.WaitGroup
	for u := range r.cfg.Uploaders {
		// Writes spread over time at about ten a second, so that deletes
		// and overwrites meet policies already analysed as well as
		// notifications still queued.
		pause := rand.New(rand.NewPCG(r.cfg.Seed, 100+uint64(u)))
		wg.Go(func() {
			for o := range work {
				time.Sleep(time.Duration(pause.Int64N(int64(r.cfg.Uploaders) * int64(200*time.Millisecond))))
				var err error
				if o.del {
					_, err = r.s3.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(r.res.Bucket), Key: aws.String(o.key)})
				} else {
					_, err = r.s3.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(r.res.Bucket), Key: aws.String(o.key), Body: bytes.NewReader(o.body)})
				}
				if err != nil {
					r.problem("write %s: %v", o.key, err)
				}
			}
		})
	}
	for _, o := range ops {
		work <- o
	}
	close(work)
	wg.Wait()
}

func (r *run) problem(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rep.Problems = append(r.rep.Problems, fmt.Sprintf(format, args...))
}

// delivery is one message to deliver: an original, whose receipt handle
// deletes it once processed, or a duplicate.
type delivery struct {
	msg       events.SQSMessage
	duplicate bool
}

// deliver is the event source: it receives the notifications, delivers
// some twice, shuffles them into batches for concurrent invocations of the
// ingest function, deletes what succeeded and kills a few invocations
// mid-ingest, until the uploads are done and the queue is empty.
func (r *run) deliver(ctx context.Context, uploaded <-chan struct{}, region string) error {
	batches := make(chan []delivery)
	var inflight sync.WaitGroup
	var wg sync.WaitGroup
	for range r.cfg.Invokers {
		sb, err := runtimeapi.NewSandbox(function, topology.Ingest.MemoryMB, functionTimeout, []string{
			topology.EnvTableName + "=" + r.res.Table,
			topology.EnvEventBusName + "=" + r.res.EventBus,
			topology.EnvMaxReceiveCount + "=" + strconv.Itoa(maxReceives),
			topology.EnvLogLevel + "=warn",
		}, os.Stderr)
		if err != nil {
			return err
		}
		defer sb.Close()
		wg.Go(func() {
			for b := range batches {
				r.invoke(ctx, sb, b)
				inflight.Done()
			}
		})
	}
	defer func() {
		close(batches)
		wg.Wait()
	}()
	var later []delivery // duplicates, delivered in a later round
	done := false
	for !done {
		out, err := r.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(r.res.QueueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			return fmt.Errorf("receive: %w", err)
		}
		var round []delivery
		for _, m := range out.Messages {
			if strings.Contains(aws.ToString(m.Body), `"s3:TestEvent"`) {
				r.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.res.QueueURL), ReceiptHandle: m.ReceiptHandle})
				continue
			}
			ev := events.SQSMessage{MessageId: aws.ToString(m.MessageId), ReceiptHandle: aws.ToString(m.ReceiptHandle),
				Body: aws.ToString(m.Body), Attributes: m.Attributes, EventSource: "aws:sqs", EventSourceARN: r.res.QueueARN, AWSRegion: region}
			if m.Attributes["ApproximateReceiveCount"] == "1" {
				r.rep.Notifications++
				if r.rnd.Float64() < r.cfg.DuplicateShare {
					dup := ev
					dup.MessageId += "-again"
					later = append(later, delivery{msg: dup, duplicate: true})
					r.rep.Duplicates++
				}
			}
			round = append(round, delivery{msg: ev})
		}
		if len(out.Messages) == 0 || r.rnd.IntN(3) == 0 {
			round, later = append(round, later...), nil
		}
		r.rnd.Shuffle(len(round), func(i, j int) { round[i], round[j] = round[j], round[i] })
		for len(round) > 0 {
			n := min(topology.IngestBatchSize, len(round))
			inflight.Add(1)
			batches <- round[:n]
			round = round[n:]
		}
		if len(out.Messages) == 0 && len(later) == 0 {
			select {
			case <-uploaded:
				inflight.Wait()
				done = r.queuesEmpty(ctx)
			default:
			}
		}
	}
	return nil
}

// queuesEmpty reports whether the ingest queue holds no message, visible
// or in flight.
func (r *run) queuesEmpty(ctx context.Context) bool {
	out, err := r.sqs.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(r.res.QueueURL),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages,
			sqstypes.QueueAttributeNameApproximateNumberOfMessagesNotVisible},
	})
	if err != nil {
		return false
	}
	return out.Attributes["ApproximateNumberOfMessages"] == "0" && out.Attributes["ApproximateNumberOfMessagesNotVisible"] == "0"
}

// crashLimit bounds how long a crash waits for its invocation to start
// writing clauses.
const crashLimit = 20 * time.Second

// invoke runs one batch as the event source mapping does, or kills it in
// the middle of writing a large policy's clauses.
func (r *run) invoke(ctx context.Context, sb *runtimeapi.Sandbox, b []delivery) {
	ev := events.SQSEvent{}
	var big []string // policy ids of large objects
	for _, d := range b {
		ev.Records = append(ev.Records, d.msg)
		big = append(big, bigPolicies(d.msg.Body)...)
	}
	payload, _ := json.Marshal(ev)
	ictx := ctx
	crash := false
	r.mu.Lock()
	r.rep.Invocations++
	if len(big) > 0 && r.crashN < r.cfg.Crashes {
		r.crashN++
		crash = true
	}
	r.mu.Unlock()
	killed := make(chan bool, 1)
	if crash {
		var cancel context.CancelFunc
		ictx, cancel = context.WithCancel(ctx)
		defer cancel()
		go func() { killed <- r.killWhenWriting(ictx, cancel, big) }()
	}
	out, err := sb.Invoke(ictx, payload)
	if crash && (err == nil || !<-killed) {
		// It finished before it wrote anything to kill: try another one.
		r.mu.Lock()
		r.crashN--
		r.mu.Unlock()
		crash = false
	}
	if err != nil {
		r.mu.Lock()
		r.rep.FailedInvocations++
		if crash {
			r.rep.Crashes++
			r.rep.CrashedMessages += len(b)
		}
		r.mu.Unlock()
		if crash {
			r.logf("killed an invocation of %d messages while it wrote clauses", len(b))
			r.countProcessing(ctx)
		}
		return
	}
	var resp events.SQSEventResponse
	if err := json.Unmarshal(out, &resp); err != nil {
		r.problem("invocation response %s: %v", out, err)
		return
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		failed[f.ItemIdentifier] = true
	}
	for _, d := range b {
		if d.duplicate || failed[d.msg.MessageId] {
			continue
		}
		_, err := r.sqs.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(r.res.QueueURL), ReceiptHandle: aws.String(d.msg.ReceiptHandle)})
		var ae smithy.APIError
		switch {
		case err == nil:
		case errors.As(err, &ae) && ae.ErrorCode() == "ReceiptHandleIsInvalid":
			// The invocation outlasted the visibility timeout and the
			// message was received again: moto refuses the old receipt
			// handle, where SQS accepts it (the message may stay, and
			// its next delivery finds the work done). Not a problem.
			r.mu.Lock()
			r.rep.StaleDeletes++
			r.mu.Unlock()
		default:
			r.problem("delete a processed message: %v", err)
		}
	}
}

// killWhenWriting watches the policies ids until one is PROCESSING with
// clause items in its claim's generation, then kills the invocation (kill
// ends ctx, and the sandbox kills the function's process). It reports
// whether it killed.
func (r *run) killWhenWriting(ctx context.Context, kill context.CancelFunc, ids []string) bool {
	deadline := time.Now().Add(crashLimit)
	for time.Now().Before(deadline) {
		for _, id := range ids {
			out, err := r.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(r.res.Table), ConsistentRead: aws.Bool(true),
				Key: map[string]dbtypes.AttributeValue{"pk": &dbtypes.AttributeValueMemberS{Value: "P#" + id}, "sk": &dbtypes.AttributeValueMemberS{Value: "P"}}})
			if err != nil {
				return false
			}
			var p struct {
				Status, Rev, Gen string
			}
			attributevalue.UnmarshalMap(out.Item, &p)
			if p.Status != "PROCESSING" || p.Rev == "" || p.Rev == p.Gen {
				continue
			}
			q, err := r.db.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(r.res.Table), Limit: aws.Int32(1),
				KeyConditionExpression:    aws.String("pk = :pk"),
				ExpressionAttributeValues: map[string]dbtypes.AttributeValue{":pk": &dbtypes.AttributeValueMemberS{Value: "C#" + id + "#" + p.Rev}}})
			if err == nil && len(q.Items) > 0 {
				kill()
				return true
			}
		}
		select {
		case <-ctx.Done():
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	return false
}

// bigPolicies returns the policy ids of the large objects a notification
// is about.
func bigPolicies(body string) []string {
	var ev struct {
		Records []struct {
			S3 struct {
				Bucket struct {
					Name string `json:"name"`
				} `json:"bucket"`
				Object struct {
					Key  string `json:"key"`
					Size int64  `json:"size"`
				} `json:"object"`
			} `json:"s3"`
		} `json:"Records"`
	}
	if json.Unmarshal([]byte(body), &ev) != nil {
		return nil
	}
	var ids []string
	for _, rec := range ev.Records {
		key, err := url.QueryUnescape(rec.S3.Object.Key)
		if err == nil && rec.S3.Object.Size > 50<<10 {
			ids = append(ids, s3event.PolicyID(rec.S3.Bucket.Name, key))
		}
	}
	return ids
}

// policyText writes a policy of n paragraphs that name marker.
func policyText(marker string, n int) []byte {
	practices := []string{
		"We collect the e-mail address and delivery address you give us when you order, and use them to deliver it",
		"We share your address with the courier that delivers your parcel and with nobody else",
		"You can opt out of marketing e-mails at any time with the link at the bottom of each message",
		"You may download a copy of your data or delete your account from the settings page",
		"Order records are kept for six years and then erased; usage logs are deleted after one year",
		"Your data is encrypted in transit and at rest, and access is limited to staff who need it",
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s (%s, part %d of %d).\n\n", practices[i%len(practices)], marker, i+1, n)
	}
	return []byte(b.String())
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
