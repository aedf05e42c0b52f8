package runtimeapi

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// Build compiles the Lambda function in dir (a main package) into the
// executable out, as the Makefile builds it for Lambda but for this machine.
func Build(dir, out string) error {
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-tags", "lambda.norpc", "-o", out, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build %s: %w\n%s", dir, err, b)
	}
	return nil
}

// FunctionEnv returns the environment that `sam local invoke --env-vars
// file` gives function (a logical ID such as IngestFunction), as KEY=VALUE
// strings, leaving out the variables named in skip.
func FunctionEnv(file, function string, skip ...string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var fns map[string]map[string]string
	if err := json.Unmarshal(b, &fns); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	vars, ok := fns[function]
	if !ok {
		return nil, fmt.Errorf("%s has no entry for %s", file, function)
	}
	var env []string
next:
	for k, v := range vars {
		for _, s := range skip {
			if k == s {
				continue next
			}
		}
		env = append(env, k+"="+v)
	}
	return env, nil
}
