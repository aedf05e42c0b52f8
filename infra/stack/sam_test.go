package stack

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/api"
)

// TestSAMFindsFunctions checks what `sam local invoke -t
// cdk.out/PolicyLens.template.json IngestFunction` needs: the functions under
// readable logical IDs, and asset metadata that leads to a directory with
// the bootstrap binary. (SAM is not installed here: these are its inputs.)
func TestSAMFindsFunctions(t *testing.T) {
	fns := defaultStack.resources("AWS::Lambda::Function")
	for _, id := range []string{IngestFunctionID, LookupFunctionID} {
		fn, ok := fns[id]
		if !ok {
			t.Errorf("no AWS::Lambda::Function with logical ID %s", id)
			continue
		}
		meta, _ := fn["Metadata"].(map[string]any)
		if meta["aws:asset:property"] != "Code" {
			t.Errorf("%s: aws:asset:property = %v, want Code", id, meta["aws:asset:property"])
		}
		if got, want := meta["aws:cdk:path"], defaultStack.cfg.StackName+"/"+id+"/Resource"; got != want {
			t.Errorf("%s: aws:cdk:path = %v, want %s (a direct child of the stack)", id, got, want)
		}
		dir, _ := meta["aws:asset:path"].(string)
		if dir == "" || filepath.IsAbs(dir) {
			t.Errorf("%s: aws:asset:path = %q, want a directory relative to the template", id, dir)
			continue
		}
		info, err := os.Stat(filepath.Join(assemblyDir, dir, "bootstrap"))
		if err != nil || info.Mode()&0o111 == 0 {
			t.Errorf("%s: asset %s has no executable bootstrap: %v", id, dir, err)
		}
	}
}

// TestSAMRoutes checks the HTTP API's routes the way `sam local start-api`
// reads them: "METHOD path" (or $default), through the route's integration,
// to the lookup function.
func TestSAMRoutes(t *testing.T) {
	s := defaultStack
	integrations := s.resources("AWS::ApiGatewayV2::Integration")
	var paths []string
	for id, r := range s.resources("AWS::ApiGatewayV2::Route") {
		p := props(r)
		key := p["RouteKey"].(string)
		if key != "$default" {
			method, path, ok := strings.Cut(key, " ")
			if !ok || method != "GET" || !strings.HasPrefix(path, "/") || strings.Contains(path, " ") {
				t.Errorf("route %s: key %q is not \"GET /path\"", id, key)
			}
			paths = append(paths, path)
		}
		// SAM resolves the Fn::Join to "integrations/<logical ID>".
		parts := p["Target"].(map[string]any)["Fn::Join"].([]any)[1].([]any)
		target := parts[0].(string) + parts[1].(map[string]any)["Ref"].(string)
		_, integrationID, _ := strings.Cut(target, "/")
		uri := props(integrations[integrationID])["IntegrationUri"]
		if !jsonEqual(uri, getAtt(LookupFunctionID, "Arn")) {
			t.Errorf("route %s: %s leads to %v, not to %s", key, target, uri, LookupFunctionID)
		}
	}
	slices.Sort(paths)
	var want []string
	for _, r := range api.Routes() {
		want = append(want, r.Pattern)
	}
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Errorf("route paths %q, want %q", paths, want)
	}
}

// TestSAMEnvVars checks events/env.json against the template: SAM only
// overrides variables that the template declares for the function named.
func TestSAMEnvVars(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "events", "env.json"))
	if err != nil {
		t.Fatal(err)
	}
	var env map[string]map[string]any
	if err := json.Unmarshal(raw, &env); err != nil {
		t.Fatalf("events/env.json: %v", err)
	}
	fns := defaultStack.resources("AWS::Lambda::Function")
	for name, vars := range env {
		if name == "Parameters" {
			continue
		}
		fn, ok := fns[name]
		if !ok {
			t.Errorf("events/env.json names %q, which is no function's logical ID", name)
			continue
		}
		declared := props(fn)["Environment"].(map[string]any)["Variables"].(map[string]any)
		for v := range vars {
			if _, ok := declared[v]; !ok {
				t.Errorf("events/env.json sets %s for %s, which the template does not declare: SAM would ignore it", v, name)
			}
		}
	}
}

// TestSAMEvents checks the sample events SAM is run with: each file decodes
// as the event its function handles, an S3 notification names an object the
// bucket's notification filters would deliver, and an HTTP request carries
// one of the API's route keys.
func TestSAMEvents(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(repoRoot, "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	files = slices.DeleteFunc(files, func(f string) bool { return filepath.Base(f) == "env.json" })
	if len(files) == 0 {
		t.Fatal("no sample events in events/")
	}
	routeKeys := map[string]bool{}
	for _, r := range defaultStack.resources("AWS::ApiGatewayV2::Route") {
		routeKeys[props(r)["RouteKey"].(string)] = true
	}
	kinds := map[string]int{}
	for _, f := range files {
		name := filepath.Base(f)
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var probe struct {
			Records []struct {
				EventSource string `json:"eventSource"`
			} `json:"Records"`
			RouteKey string `json:"routeKey"`
			Version  string `json:"version"`
		}
		if err := json.Unmarshal(raw, &probe); err != nil {
			t.Errorf("%s: not JSON: %v", name, err)
			continue
		}
		switch {
		case len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:s3":
			var ev events.S3Event
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Errorf("%s: not an S3 event: %v", name, err)
				continue
			}
			kinds["s3"]++
			checkS3Records(t, name, ev.Records)
		case len(probe.Records) > 0 && probe.Records[0].EventSource == "aws:sqs":
			var ev events.SQSEvent
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Errorf("%s: not an SQS event: %v", name, err)
				continue
			}
			kinds["sqs"]++
			for _, m := range ev.Records {
				var body struct {
					events.S3Event
					Event string // "s3:TestEvent", sent once when notifications are set up
				}
				if err := json.Unmarshal([]byte(m.Body), &body); err == nil && body.Event == "s3:TestEvent" {
					continue
				}
				if err := json.Unmarshal([]byte(m.Body), &body); err != nil || len(body.Records) == 0 {
					t.Errorf("%s: message %s does not carry an S3 notification: %v", name, m.MessageId, err)
					continue
				}
				checkS3Records(t, name, body.Records)
			}
		case probe.Version == "2.0" && probe.RouteKey != "":
			var ev events.APIGatewayV2HTTPRequest
			if err := json.Unmarshal(raw, &ev); err != nil {
				t.Errorf("%s: not an HTTP API v2 request: %v", name, err)
				continue
			}
			kinds["http"]++
			if !routeKeys[ev.RouteKey] {
				t.Errorf("%s: route key %q is not one of the API's", name, ev.RouteKey)
			}
			if ev.RequestContext.HTTP.Method == "" || !strings.HasPrefix(ev.RawPath, "/") {
				t.Errorf("%s: no method or raw path (%q %q)", name, ev.RequestContext.HTTP.Method, ev.RawPath)
			}
		default:
			t.Errorf("%s: neither an S3, an SQS nor an HTTP API v2 event", name)
		}
	}
	for _, k := range []string{"s3", "sqs", "http"} {
		if kinds[k] == 0 {
			t.Errorf("no %s sample event in events/", k)
		}
	}
}

// checkS3Records checks that the stack's notification filters would deliver
// each record: an ObjectCreated or ObjectRemoved event for a key (URL-encoded,
// as S3 sends it) ending in an accepted suffix.
func checkS3Records(t *testing.T, name string, recs []events.S3EventRecord) {
	t.Helper()
	for _, r := range recs {
		if !strings.HasPrefix(r.EventName, "ObjectCreated:") && !strings.HasPrefix(r.EventName, "ObjectRemoved:") {
			t.Errorf("%s: event %q is neither ObjectCreated nor ObjectRemoved", name, r.EventName)
		}
		if r.S3.Bucket.Name == "" {
			t.Errorf("%s: no bucket name", name)
		}
		key, err := url.QueryUnescape(r.S3.Object.Key)
		if err != nil {
			t.Errorf("%s: key %q is not URL-encoded as S3 sends it: %v", name, r.S3.Object.Key, err)
		}
		if !slices.ContainsFunc(policy.Extensions, func(s string) bool { return strings.HasSuffix(key, s) }) {
			t.Errorf("%s: key %q has no suffix the notifications deliver (%v)", name, key, policy.Extensions)
		}
	}
}
