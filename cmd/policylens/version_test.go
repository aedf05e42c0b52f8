package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// The versions `policylens version` prints are those an analysis of this
// build records, under the same names, so that a policy stored with
// others can be picked out of GET /policies.
func TestVersionNamesWhatAnalysesRecord(t *testing.T) {
	run1 := func(args ...string) []byte {
		t.Helper()
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr.String())
		}
		return stdout.Bytes()
	}
	var v policy.Versions
	if err := json.Unmarshal(run1("version", "--format", "json"), &v); err != nil {
		t.Fatal(err)
	}
	var a struct {
		Policy policy.Versions `json:"policy"`
	}
	if err := json.Unmarshal(run1("analyze", "--format", "json", writeFile(t, "harbor.txt", []byte(samplePolicy))), &a); err != nil {
		t.Fatal(err)
	}
	if v != a.Policy || v.ModelVersion == "" || v.AttributeModelVersion == "" || v.AnalysisVersion == "" {
		t.Errorf("version says %+v, an analysis records %+v", v, a.Policy)
	}
	text := string(run1("version"))
	for _, want := range []string{v.ModelVersion, v.AttributeModelVersion, v.AnalysisVersion} {
		if !strings.Contains(text, want) {
			t.Errorf("text output %q lacks %q", text, want)
		}
	}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"version", "extra"}, nil, &stdout, &stderr); code != 2 {
		t.Errorf("version with an argument: exit %d, want 2", code)
	}
}
