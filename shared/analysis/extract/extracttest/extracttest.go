// Package extracttest loads the repository's test documents for the tests
// of the steps after extraction (segmentation, key facts).
package extracttest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

// Load extracts testdata/<path> with the default limits, failing the test
// when it cannot.
func Load(t testing.TB, path string) *policy.Document {
	t.Helper()
	data := fixture.Read(t, "testdata", filepath.FromSlash(path))
	doc, err := extract.Extract(context.Background(), path, data, policy.Limits{})
	if err != nil {
		t.Fatalf("Extract(%s): %v", path, err)
	}
	return doc
}
