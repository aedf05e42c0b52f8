// Command policylens-dev runs the whole of policylens locally, with no AWS
// account: `up` (make dev) starts the emulator, the resources, the ingest
// consumer and the lookup API, restores the bucket saved in the state
// directory, and runs until interrupted; `demo` (make demo) does the same
// on free ports and without saved state, uploads sample policies, prints
// what the API returns and stops; `redrive` (make redrive) moves the
// messages of the local dead-letter queue back to the ingest queue;
// `changes` (make changes) follows the local change events' queue and
// prints each event; `invoke` (make invoke) runs one sample event through
// a function's deployed binary under the Lambda Runtime Interface
// Emulator.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"github.com/policylens/policylens/shared/local/devstack"
	"github.com/policylens/policylens/shared/service/logging"
)

// demoPDF is added to the demo's default policies.
var demoPDF = filepath.Join("testdata", "pdf", "northwind-libreoffice.pdf")

// defaultStateDir is where make dev keeps the bucket (git-ignored).
const defaultStateDir = ".dev/bucket"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "invoke" {
		return runInvoke(ctx, args[1:], stdout, stderr)
	}
	cmd := "up"
	if len(args) > 0 && (args[0] == "up" || args[0] == "demo" || args[0] == "redrive" || args[0] == "changes") {
		cmd, args = args[0], args[1:]
	}
	fs := flag.NewFlagSet("policylens-dev "+cmd, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if cmd == "redrive" {
		port := fs.Int("s3-port", devstack.DefaultS3Port, "port of the emulator make dev runs")
		if err := fs.Parse(args); err != nil {
			return 2
		}
		n, err := devstack.Redrive(ctx, fmt.Sprintf("http://127.0.0.1:%d", *port))
		if err != nil {
			fmt.Fprintf(stderr, "policylens-dev redrive: %v\n", err)
			return 1
		}
		fmt.Fprintf(stdout, "moved %d messages from the dead-letter queue back to the ingest queue\n", n)
		return 0
	}
	if cmd == "changes" {
		port := fs.Int("s3-port", devstack.DefaultS3Port, "port of the emulator make dev runs")
		asJSON := fs.Bool("json", false, "print each event as EventBridge delivered it, one JSON object a line")
		if err := fs.Parse(args); err != nil {
			return 2
		}
		if !*asJSON {
			fmt.Fprintln(stderr, "following the change events of make dev (Ctrl-C stops)")
		}
		if err := devstack.FollowChanges(ctx, fmt.Sprintf("http://127.0.0.1:%d", *port), stdout, *asJSON); err != nil {
			fmt.Fprintf(stderr, "policylens-dev changes: %v\n", err)
			return 1
		}
		return 0
	}
	opt := devstack.Options{}
	stateDir := ""
	if cmd == "up" {
		opt.S3Port, opt.APIPort = devstack.DefaultS3Port, devstack.DefaultAPIPort
		stateDir = defaultStateDir
	}
	fs.IntVar(&opt.S3Port, "s3-port", opt.S3Port, "port of the S3/SQS/DynamoDB emulator (0: any free port)")
	fs.IntVar(&opt.APIPort, "api-port", opt.APIPort, "port of the lookup API (0: any free port)")
	fs.StringVar(&opt.StateDir, "state-dir", stateDir, "directory that keeps the bucket's objects between runs (empty: keep nothing)")
	fs.BoolVar(&opt.Fresh, "fresh", false, "empty the state directory first: start with an empty bucket")
	motoLog := fs.String("emulator-log", "", "file for moto_server's own output (default: discarded)")
	verbose := fs.Bool("v", cmd == "up", "print the functions' JSON logs")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *verbose {
		opt.Log = logging.New(stderr, slog.LevelInfo)
		opt.FunctionOutput = stderr
	}
	if *motoLog != "" {
		f, err := os.Create(*motoLog)
		if err != nil {
			fmt.Fprintf(stderr, "policylens-dev: %v\n", err)
			return 1
		}
		defer f.Close()
		opt.EmulatorOutput = f
	}
	files := fs.Args()
	if cmd == "demo" && len(files) == 0 {
		for _, pat := range []string{"*.txt", "*.md", "*.html", "*.pdf"} {
			m, _ := filepath.Glob(filepath.Join("testdata", "policies", pat))
			for _, f := range m {
				if filepath.Base(f) != "README.md" {
					files = append(files, f)
				}
			}
		}
		// One PDF too, made by LibreOffice from a policy written for the tests.
		if _, err := os.Stat(demoPDF); err == nil {
			files = append(files, demoPDF)
		}
		if len(files) == 0 {
			fmt.Fprintln(stderr, "policylens-dev demo: no files given and none in testdata/policies (run it from the repository root)")
			return 2
		}
	}

	st, err := devstack.Start(ctx, opt)
	if err != nil {
		fmt.Fprintf(stderr, "policylens-dev: %v\n", err)
		return 1
	}
	defer st.Close()

	if cmd == "demo" {
		if err := st.Demo(ctx, stdout, files); err != nil {
			fmt.Fprintf(stderr, "policylens-dev demo: %v\n", err)
			return 1
		}
		return 0
	}
	fmt.Fprintf(stdout, "S3 endpoint: %s\nBucket: %s\nAPI: %s\nChanges queue: %s\n", st.S3Endpoint, st.Resources.Bucket, st.API, st.Resources.ChangesQueueURL)
	if opt.StateDir != "" {
		fmt.Fprintf(stdout, "\nUploads are kept in %s/ between runs; %d restored and being ingested again (start empty: make dev-clean).\n"+
			"The table starts empty at every run: the version history begins with the restored objects.\n",
			opt.StateDir, st.Restored)
	}
	fmt.Fprintf(stdout, `
policylens is running locally (emulator pid %d). Try, in another terminal:
  make upload FILE=testdata/policies/lumen-fitness.txt%s
  curl %s/policies
  make changes%s   # prints each change event as new versions of policies arrive
or with the AWS CLI (the emulator takes any credentials):
  AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1 \
    aws --endpoint-url %s s3 cp testdata/policies/lumen-fitness.txt s3://%s/
Press Ctrl-C to stop everything.
`, st.MotoPID, portArg(st.S3Endpoint), st.API, portArg(st.S3Endpoint), st.S3Endpoint, st.Resources.Bucket)
	<-ctx.Done()
	fmt.Fprintln(stdout, "stopping")
	return 0
}

// portArg is the S3_PORT= argument `make upload` needs for an emulator on
// endpoint, empty for the default port.
func portArg(endpoint string) string {
	_, port, found := strings.Cut(strings.TrimPrefix(endpoint, "http://"), ":")
	if !found || port == strconv.Itoa(devstack.DefaultS3Port) {
		return ""
	}
	return " S3_PORT=" + port
}
