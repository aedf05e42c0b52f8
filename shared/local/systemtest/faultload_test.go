package systemtest_test

import (
	"context"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/local/systemtest/faultload"
)

// A small load with faults: concurrent uploads, overwrites and deletes,
// duplicate and reordered deliveries, and an invocation killed mid-ingest
// leave every object of the bucket with exactly its analysis, and nothing
// stuck. (scripts/loadfault runs a larger one for docs/operations.md.)
func TestLoadAndFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("a whole-system run")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	rep, err := faultload.Run(ctx, faultload.Config{Ops: 40, Crashes: 1, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", rep)
	if !rep.OK() {
		t.Errorf("something was lost, duplicated or stuck:\n%s", rep)
	}
	if rep.Crashes != 1 || rep.Duplicates == 0 || rep.Overwrites == 0 || rep.Deletes == 0 || rep.Objects == 0 {
		t.Errorf("the run did not exercise every fault: %+v", rep)
	}
}
