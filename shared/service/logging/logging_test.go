package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestLogger(t *testing.T) {
	var buf bytes.Buffer
	log := New(&buf, slog.LevelInfo).With("fn", "ingest")
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
	log.InfoContext(ctx, "record processed", "outcome", "ready")
	log.DebugContext(ctx, "not shown")
	log.Info("no invocation")
	lines := bytes.Split(bytes.TrimSpace(buf.Bytes()), []byte("\n"))
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2:\n%s", len(lines), buf.String())
	}
	var rec map[string]any
	if err := json.Unmarshal(lines[0], &rec); err != nil {
		t.Fatal(err)
	}
	if rec["message"] != "record processed" || rec["requestId"] != "req-42" || rec["outcome"] != "ready" ||
		rec["fn"] != "ingest" || rec["level"] != "INFO" || rec["timestamp"] == nil {
		t.Errorf("record %v", rec)
	}
	rec = nil
	json.Unmarshal(lines[1], &rec)
	if _, ok := rec["requestId"]; ok {
		t.Errorf("record outside an invocation has a request id: %v", rec)
	}
}
