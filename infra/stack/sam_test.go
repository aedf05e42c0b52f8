package stack

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
	want := slices.Clone(Routes)
	slices.Sort(want)
	if !slices.Equal(paths, want) {
		t.Errorf("route paths %q, want %q", paths, want)
	}
}

// TestSAMEnvVars checks events/env.json against the template: SAM only
// overrides variables that the template declares for the function named.
func TestSAMEnvVars(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(repoRoot, "events", "env.json"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("events/env.json is not in the repository yet")
	}
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
