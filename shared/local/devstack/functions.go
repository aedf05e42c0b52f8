package devstack

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"sync"

	"github.com/aws/aws-lambda-go/events"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/runtimeapi"
	"github.com/policylens/policylens/shared/service/ingest"
	"github.com/policylens/policylens/shared/service/lookup"
	"github.com/policylens/policylens/shared/service/topology"
)

// The functions this executable can run in a sandbox: the same code the
// Lambda binaries run (functions/ingest and functions/lookup call the same
// Start functions).
const (
	ingestFunction = "ingest"
	lookupFunction = "lookup"
)

func init() {
	runtimeapi.Serve(ingestFunction, ingest.Start)
	runtimeapi.Serve(lookupFunction, lookup.Start)
}

// LocalShards is the number of index shards of make dev's table: one, so
// that a listing is one query. Shards spread the load of a large table over
// DynamoDB partitions; in the emulator every query of an index reads the
// whole index, so 16 shards cost 16 times as much and spread nothing. The
// local table starts empty at every run, so its shard count may differ from
// a deployed table's.
const LocalShards = 1

func shards(opt Options) int {
	if opt.Shards > 0 {
		return opt.Shards
	}
	return LocalShards
}

// ingestEnv is the ingest function's environment, as the stack sets it.
func ingestEnv(table, keyPrefix, eventBus string, lim policy.Limits, shards int) []string {
	lim = lim.WithDefaults()
	return []string{
		topology.EnvTableName + "=" + table,
		topology.EnvEventBusName + "=" + eventBus,
		topology.EnvKeepVersions + "=" + strconv.Itoa(topology.DefaultKeepVersions),
		topology.EnvIndexShards + "=" + strconv.Itoa(shards),
		topology.EnvKeyPrefix + "=" + keyPrefix,
		topology.EnvMaxBytes + "=" + strconv.FormatInt(lim.MaxBytes, 10),
		topology.EnvMaxPages + "=" + strconv.Itoa(lim.MaxPages),
		topology.EnvPDFTimeout + "=" + lim.Timeout.String(),
		topology.EnvMaxReceiveCount + "=" + strconv.Itoa(topology.MaxReceiveCount),
		topology.EnvLogLevel + "=info",
	}
}

// lookupEnv is the lookup function's environment, as the stack sets it.
func lookupEnv(table, secretARN string, shards int) []string {
	return []string{
		topology.EnvTableName + "=" + table,
		topology.EnvCursorSecretARN + "=" + secretARN,
		topology.EnvIndexShards + "=" + strconv.Itoa(shards),
		topology.EnvLogLevel + "=info",
	}
}

// sqsHandler invokes the ingest function in sb with an SQS event, as the
// event source mapping does. A failed invocation (a crash, a timeout, too
// much memory) fails the whole batch.
func sqsHandler(sb *runtimeapi.Sandbox) eventsource.Handler {
	return func(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
		var resp events.SQSEventResponse
		payload, err := json.Marshal(ev)
		if err != nil {
			return resp, err
		}
		out, err := sb.Invoke(ctx, payload)
		if err != nil {
			return resp, err
		}
		if err := json.Unmarshal(out, &resp); err != nil {
			return resp, fmt.Errorf("ingest response %q: %w", out, err)
		}
		return resp, nil
	}
}

// pool runs up to max sandboxes of one function, one invocation each at a
// time, as Lambda scales a function out to concurrent requests.
type pool struct {
	newSandbox func() (*runtimeapi.Sandbox, error)
	slots      chan struct{}
	mu         sync.Mutex
	idle       []*runtimeapi.Sandbox
	all        []*runtimeapi.Sandbox
}

func newPool(max int, newSandbox func() (*runtimeapi.Sandbox, error)) *pool {
	return &pool{newSandbox: newSandbox, slots: make(chan struct{}, max)}
}

// Invoke runs one invocation in an idle sandbox, a new one if none is idle
// and fewer than max exist, or waits for one.
func (p *pool) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-p.slots }()
	p.mu.Lock()
	var sb *runtimeapi.Sandbox
	if n := len(p.idle); n > 0 {
		sb, p.idle = p.idle[n-1], p.idle[:n-1]
	}
	p.mu.Unlock()
	if sb == nil {
		var err error
		if sb, err = p.newSandbox(); err != nil {
			return nil, err
		}
		p.mu.Lock()
		p.all = append(p.all, sb)
		p.mu.Unlock()
	}
	defer func() {
		p.mu.Lock()
		p.idle = append(p.idle, sb)
		p.mu.Unlock()
	}()
	return sb.Invoke(ctx, payload)
}

// Close stops every sandbox.
func (p *pool) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, sb := range p.all {
		sb.Close()
	}
}

// apiHandler answers API Gateway requests with the lookup function in p.
func apiHandler(p *pool) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		var resp events.APIGatewayV2HTTPResponse
		payload, err := json.Marshal(req)
		if err != nil {
			return resp, err
		}
		out, err := p.Invoke(ctx, payload)
		if err != nil {
			return resp, err
		}
		if err := json.Unmarshal(out, &resp); err != nil {
			return resp, fmt.Errorf("lookup response %q: %w", out, err)
		}
		return resp, nil
	}
}

// output is where the functions write their logs: whole lines, so that
// the lines of concurrent functions do not interleave.
type output struct {
	mu sync.Mutex
	w  io.Writer
}

func newOutput(w io.Writer) *output {
	if w == nil {
		w = io.Discard
	}
	return &output{w: w}
}

// writer returns a writer for one function process.
func (o *output) writer() io.Writer { return &lineWriter{o: o} }

type lineWriter struct {
	o   *output
	buf []byte
}

func (l *lineWriter) Write(p []byte) (int, error) {
	l.buf = append(l.buf, p...)
	if i := bytes.LastIndexByte(l.buf, '\n'); i >= 0 {
		l.o.mu.Lock()
		_, err := l.o.w.Write(l.buf[:i+1])
		l.o.mu.Unlock()
		l.buf = append(l.buf[:0], l.buf[i+1:]...)
		if err != nil {
			return len(p), err
		}
	}
	return len(p), nil
}
