// Package devstack runs the whole of policylens on one machine, without an
// AWS account: moto_server stands in for S3, SQS, DynamoDB, Secrets Manager
// and EventBridge (whose rule delivers the change events to a queue that
// FollowChanges prints), the resources are created from package topology as the CDK stack
// creates them in AWS, the ingest function consumes the queue as a Lambda
// event source mapping would, and the lookup function answers HTTP requests
// in the HTTP API v2 event format, as `sam local start-api` would. Each
// function runs as Lambda runs it: in processes of its own, with its
// configured memory and timeout enforced on every invocation
// (runtimeapi.Sandbox), so a file too big for AWS is too big here. The
// bucket's objects are kept on disk between runs (StateDir).
package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/localapi"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/local/runtimeapi"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/topology"
)

// Default ports: moto_server's usual port for the emulator, and
// `sam local start-api`'s for the API.
const (
	DefaultS3Port  = 5000
	DefaultAPIPort = 3000
)

// Options configure Start.
type Options struct {
	// S3Port is the emulator's port (S3, SQS, DynamoDB and Secrets Manager
	// share it); 0 picks a free one.
	S3Port int
	// APIPort is the lookup API's port; 0 picks a free one.
	APIPort int
	// Names of the resources; zero means provision.LocalNames().
	Names provision.Names
	// Limits bound the analysis of each upload (MAX_OBJECT_BYTES,
	// MAX_PDF_PAGES, PDF_TIMEOUT); zero fields take defaults.
	Limits policy.Limits
	// Ingest and Lookup size the functions; zero means the stack's
	// defaults, topology.Ingest and topology.Lookup.
	Ingest, Lookup topology.Function
	// StateDir, when set, keeps the bucket's objects on disk: they are
	// uploaded again (and ingested) at start. Fresh empties it first.
	StateDir string
	Fresh    bool
	// Shards is the number of index shards of the table (INDEX_SHARDS);
	// 0 means LocalShards.
	Shards int
	// Log receives the local system's own JSON logs; nil discards them.
	Log *slog.Logger
	// FunctionOutput receives the functions' JSON logs; nil discards them.
	FunctionOutput io.Writer
	// EmulatorOutput receives moto_server's own output; nil discards it.
	EmulatorOutput io.Writer
}

// lookupInstances bounds the lookup function's concurrent invocations.
const lookupInstances = 4

// Stack is a running local system.
type Stack struct {
	// S3Endpoint is the emulator's URL, for the aws CLI's --endpoint-url.
	S3Endpoint string
	// API is the lookup API's base URL.
	API       string
	Resources provision.Resources
	// MotoPID is the process id of the emulator.
	MotoPID int
	// Restored is how many objects were uploaded again from StateDir.
	Restored int

	moto    *motoserver.Server
	cfg     aws.Config
	server  *http.Server
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
	ingest  []*runtimeapi.Sandbox
	lookup  *pool
	mirror  *mirror
	log     *slog.Logger
	workers sync.WaitGroup
}

// Start runs the system. It returns once the API answers and the queue is
// being consumed; Close stops everything it started.
func Start(ctx context.Context, opt Options) (*Stack, error) {
	log := opt.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	names := opt.Names
	if names.Bucket == "" {
		names = provision.LocalNames()
	}
	// Take the API port first: if it is busy there is no point starting
	// the emulator.
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(opt.APIPort)))
	if err != nil {
		return nil, fmt.Errorf("listen for the API on 127.0.0.1:%d (choose another with API_PORT): %w", opt.APIPort, err)
	}
	if opt.S3Port != 0 {
		if err := portFree(opt.S3Port); err != nil {
			ln.Close()
			return nil, fmt.Errorf("start the emulator on 127.0.0.1:%d (choose another with S3_PORT): %w", opt.S3Port, err)
		}
	}
	// The emulator lives until Close, not until ctx ends.
	moto, err := motoserver.Start(context.WithoutCancel(ctx), motoserver.Options{Port: opt.S3Port, Output: opt.EmulatorOutput})
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("start the emulator: %w", err)
	}
	s := &Stack{S3Endpoint: moto.URL, API: "http://" + ln.Addr().String(), MotoPID: moto.PID(), moto: moto, log: log}
	if err := s.run(ctx, ln, names, opt); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Stack) run(ctx context.Context, ln net.Listener, names provision.Names, opt Options) error {
	log := s.log
	// The functions find the emulator the way they would in a Lambda
	// pointed at one: through the SDK's standard environment variables.
	if err := s.moto.SetEnv(); err != nil {
		return fmt.Errorf("point the AWS SDK at the emulator: %w", err)
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	ingestFn, lookupFn := opt.Ingest, opt.Lookup
	if ingestFn.MemoryMB == 0 {
		ingestFn = topology.Ingest
	}
	if lookupFn.MemoryMB == 0 {
		lookupFn = topology.Lookup
	}
	// Long enough that a message is not delivered again while a batch
	// holding it may still run; shorter than in AWS (6 times), so that a
	// failed message comes back within minutes.
	names.VisibilityTimeout = ingestFn.Timeout() + 30*time.Second
	res, err := provision.Create(ctx, provision.NewClients(awsCfg), names)
	if err != nil {
		return fmt.Errorf("create the bucket, queues, table, secret and event bus: %w", err)
	}
	s.Resources, s.cfg = res, awsCfg

	out := newOutput(opt.FunctionOutput)
	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	q := sqs.NewFromConfig(awsCfg)
	for range topology.IngestMaxConcurrency {
		sb, err := runtimeapi.NewSandbox(ingestFunction, ingestFn.MemoryMB, ingestFn.Timeout(),
			ingestEnv(res.Table, names.KeyPrefix, res.EventBus, opt.Limits, shards(opt)), out.writer())
		if err != nil {
			return err
		}
		s.ingest = append(s.ingest, sb)
		poller := eventsource.New(q, res.QueueURL, res.QueueARN, awsCfg.Region, sqsHandler(sb), log)
		poller.BatchSize = topology.IngestBatchSize
		poller.Timeout = ingestFn.Timeout() + 10*time.Second
		s.workers.Go(func() { poller.Run(runCtx) })
	}
	s.lookup = newPool(lookupInstances, func() (*runtimeapi.Sandbox, error) {
		return runtimeapi.NewSandbox(lookupFunction, lookupFn.MemoryMB, lookupFn.Timeout(), lookupEnv(res.Table, res.CursorSecretARN, shards(opt)), out.writer())
	})
	api, err := localapi.New(apiHandler(s.lookup), api.RouteKeys(), log)
	if err != nil {
		return fmt.Errorf("start the API: %w", err)
	}

	if opt.StateDir != "" {
		if opt.Fresh {
			if err := os.RemoveAll(opt.StateDir); err != nil {
				return fmt.Errorf("start clean: %w", err)
			}
		}
		m, err := newMirror(opt.StateDir, res.Bucket, s3.NewFromConfig(awsCfg, settings.S3Options(os.Getenv)), log)
		if err != nil {
			return err
		}
		if s.Restored, err = m.restore(ctx); err != nil {
			return fmt.Errorf("restore the bucket from %s: %w", opt.StateDir, err)
		}
		s.mirror = m
		s.workers.Go(func() { m.run(runCtx) })
	}

	s.server = api.HTTPServer()
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.server.Serve(api.Listener(ln)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("API server stopped", "error", err)
		}
	}()
	return nil
}

// Close stops the API, the queue consumers and the functions, saves the
// bucket to StateDir a last time, and stops the emulator (by its process
// id). It is safe to call more than once.
func (s *Stack) Close() {
	s.once.Do(func() {
		if s.server != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			s.server.Shutdown(ctx)
			cancel()
		}
		if s.cancel != nil {
			s.cancel()
		}
		s.wg.Wait()
		s.workers.Wait()
		if s.mirror != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			if err := s.mirror.sync(ctx); err != nil {
				s.log.Error("saving the bucket to disk failed", "dir", s.mirror.dir, "error", err.Error())
			}
			cancel()
		}
		for _, sb := range s.ingest {
			sb.Close()
		}
		if s.lookup != nil {
			s.lookup.Close()
		}
		s.moto.Stop()
	})
}

func portFree(port int) error {
	ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return err
	}
	return ln.Close()
}
