// Package devstack runs the whole of policylens on one machine, without an
// AWS account: moto_server stands in for S3, SQS and DynamoDB, the resources
// are created from package topology as the CDK stack creates them in AWS, the
// real ingest handler consumes the queue as a Lambda event source mapping
// would, and the real lookup handler answers HTTP requests in the HTTP API
// v2 event format, as `sam local start-api` would.
package devstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/localapi"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/lookup"
	"github.com/policylens/policylens/shared/service/settings"
)

// Default ports: moto_server's usual port for the emulator, and
// `sam local start-api`'s for the API.
const (
	DefaultS3Port  = 5000
	DefaultAPIPort = 3000
)

// Options configure Start.
type Options struct {
	// S3Port is the emulator's port (S3, SQS and DynamoDB share it); 0 picks
	// a free one.
	S3Port int
	// APIPort is the lookup API's port; 0 picks a free one.
	APIPort int
	// Names of the resources; zero means provision.LocalNames().
	Names provision.Names
	// Limits bound the analysis of each upload; zero fields take defaults.
	Limits policy.Limits
	// Log receives the functions' JSON logs; nil discards them.
	Log *slog.Logger
	// EmulatorOutput receives moto_server's own output; nil discards it.
	EmulatorOutput io.Writer
}

// Stack is a running local system.
type Stack struct {
	// S3Endpoint is the emulator's URL, for the aws CLI's --endpoint-url.
	S3Endpoint string
	// API is the lookup API's base URL.
	API       string
	Resources provision.Resources
	// MotoPID is the process id of the emulator.
	MotoPID int

	moto   *motoserver.Server
	cfg    aws.Config
	server *http.Server
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
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
	s := &Stack{S3Endpoint: moto.URL, API: "http://" + ln.Addr().String(), MotoPID: moto.PID(), moto: moto}
	if err := s.run(ctx, ln, names, opt.Limits, log); err != nil {
		ln.Close()
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Stack) run(ctx context.Context, ln net.Listener, names provision.Names, lim policy.Limits, log *slog.Logger) error {
	// The functions find the emulator the way they would in a Lambda
	// pointed at one: through the SDK's standard environment variables.
	if err := s.moto.SetEnv(); err != nil {
		return fmt.Errorf("point the AWS SDK at the emulator: %w", err)
	}
	awsCfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	res, err := provision.Create(ctx, provision.NewClients(awsCfg), names)
	if err != nil {
		return fmt.Errorf("create the bucket, queues and table: %w", err)
	}
	s.Resources, s.cfg = res, awsCfg

	ing, err := ingest.NewFromConfig(awsCfg, settings.Ingest{Table: res.Table, Limits: lim, KeyPrefix: names.KeyPrefix}, log)
	if err != nil {
		return fmt.Errorf("start ingest: %w", err)
	}
	lk, err := lookup.NewFromConfig(ctx, awsCfg, settings.Lookup{Table: res.Table, MaxPageSize: api.DefaultMaxPageSize}, log)
	if err != nil {
		return fmt.Errorf("start lookup: %w", err)
	}
	api, err := localapi.New(lk.Handle, api.RouteKeys(), log)
	if err != nil {
		return fmt.Errorf("start the API: %w", err)
	}

	runCtx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	poller := eventsource.New(sqs.NewFromConfig(awsCfg), res.QueueURL, res.QueueARN, awsCfg.Region, ing.HandleSQS, log)
	s.wg.Add(2)
	go func() {
		defer s.wg.Done()
		poller.Run(runCtx)
	}()
	s.server = &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer s.wg.Done()
		if err := s.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("API server stopped", "error", err)
		}
	}()
	return nil
}

// Close stops the API, the queue consumer and the emulator (by its process
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
