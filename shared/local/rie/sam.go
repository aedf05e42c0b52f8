package rie

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"

	"github.com/policylens/policylens/shared/service/topology"
)

// FunctionEnv returns the environment `sam local invoke --env-vars file`
// gives function (a logical ID such as IngestFunction), with
// AWS_ENDPOINT_URL set to endpoint (the emulator `make dev` runs) and the
// dummy credentials and region the emulator accepts, as KEY=VALUE strings.
func FunctionEnv(file, logicalID, endpoint string) ([]string, error) {
	vars, err := envVars(file, logicalID)
	if err != nil {
		return nil, err
	}
	vars["AWS_ENDPOINT_URL"] = endpoint
	env := []string{"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=test", "AWS_SECRET_ACCESS_KEY=test", "AWS_EC2_METADATA_DISABLED=true"}
	for k, v := range vars {
		env = append(env, k+"="+v)
	}
	slices.Sort(env[4:])
	return env, nil
}

func envVars(file, logicalID string) (map[string]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var fns map[string]map[string]string
	if err := json.Unmarshal(b, &fns); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	vars, ok := fns[logicalID]
	if !ok {
		return nil, fmt.Errorf("%s has no entry for %s", file, logicalID)
	}
	return vars, nil
}

// WriteEnvFile writes a copy of the env.json at src with every function's
// AWS_ENDPOINT_URL set to endpoint, for `sam local invoke --env-vars` and
// `make invoke` against an emulator on another port.
func WriteEnvFile(src, dst, endpoint string) error {
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	var fns map[string]map[string]string
	if err := json.Unmarshal(b, &fns); err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	for _, vars := range fns {
		vars["AWS_ENDPOINT_URL"] = endpoint
	}
	out, err := json.MarshalIndent(fns, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return os.WriteFile(dst, append(out, '\n'), 0o644)
}

// Build compiles functions/<name> of the repository at root exactly as
// `make build` does for the deployment, but for linux/goarch, into
// dir/<name>/bootstrap, and returns that path.
func Build(ctx context.Context, root string, fn topology.Function, dir, goarch string) (string, error) {
	out := filepath.Join(dir, fn.Name, "bootstrap")
	cmd := exec.CommandContext(ctx, filepath.Join(runtime.GOROOT(), "bin", "go"), "build",
		"-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, "./functions/"+fn.Name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOWORK=off", "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s for linux/%s: %v\n%s", fn.Name, goarch, err, b)
	}
	return out, nil
}

// Bootstrap returns a bootstrap of fn that can run here: the deployed one
// at dir/<name>/bootstrap (linux/arm64, as `make build` leaves it in
// build/) when this machine can run it, natively or through qemu-aarch64;
// otherwise the same package built with the same flags for this machine,
// into dir/host/<name>/bootstrap. deployed says which.
func Bootstrap(ctx context.Context, root string, fn topology.Function, dir string) (path string, deployed bool, err error) {
	deployedPath := filepath.Join(dir, fn.Name, "bootstrap")
	if arch, err := BootstrapArch(deployedPath); err == nil && CanRun(arch) {
		return deployedPath, true, nil
	}
	path, err = Build(ctx, root, fn, filepath.Join(dir, "host"), runtime.GOARCH)
	return path, false, err
}

// FunctionFor returns the function an event file is for: API Gateway
// requests (api-*.json) go to lookup, S3 and SQS events to ingest.
func FunctionFor(eventFile string) topology.Function {
	if strings.HasPrefix(filepath.Base(eventFile), "api-") {
		return topology.Lookup
	}
	return topology.Ingest
}
