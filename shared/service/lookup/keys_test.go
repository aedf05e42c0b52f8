package lookup

// The cursor keys against Secrets Manager as moto_server emulates it:
// rotation keeps the previous version's cursors valid; an instance that
// read the secret before a rotation catches up.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/policylens/policylens/shared/local/motoserver"
)

func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }

var secretSeq atomic.Int32

// newSecret creates a secret with value v in the emulator and returns a
// client and the secret's ARN.
func newSecret(t *testing.T, v string) (*secretsmanager.Client, string) {
	t.Helper()
	motoserver.ForTest(t)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	sm := secretsmanager.NewFromConfig(cfg)
	out, err := sm.CreateSecret(context.Background(), &secretsmanager.CreateSecretInput{
		Name: aws.String(fmt.Sprintf("cursor-%d", secretSeq.Add(1))), SecretString: aws.String(v),
	})
	if err != nil {
		t.Fatal(err)
	}
	return sm, aws.ToString(out.ARN)
}

func rotate(t *testing.T, sm *secretsmanager.Client, arn, v string) {
	t.Helper()
	if _, err := sm.PutSecretValue(context.Background(), &secretsmanager.PutSecretValueInput{
		SecretId: aws.String(arn), SecretString: aws.String(v),
	}); err != nil {
		t.Fatal(err)
	}
}

func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	sm, arn := newSecret(t, "first key")
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	old, err := LoadKeys(ctx, sm, arn, log)
	if err != nil {
		t.Fatal(err)
	}
	old.now, old.loaded = func() time.Time { return now }, now
	c := cursor{Route: "/policies", Pos: "p"}
	before := c.encode(ctx, old, now)

	rotate(t, sm, arn, "second key")
	fresh, err := LoadKeys(ctx, sm, arn, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeCursor(ctx, fresh, before, now); err != nil {
		t.Errorf("a cursor of the previous version after the rotation: %v", err)
	}
	after := c.encode(ctx, fresh, now)
	if _, err := decodeCursor(ctx, StaticKeys([]byte("first key")), after, now); err == nil {
		t.Error("a new instance still signs with the previous version")
	}
	// The instance that read the secret before the rotation refuses a new
	// cursor only until it may read the secret again.
	if _, err := decodeCursor(ctx, old, after, now); err == nil {
		t.Error("an instance accepted a key it never read")
	}
	now = now.Add(minRefetch)
	if _, err := decodeCursor(ctx, old, after, now); err != nil {
		t.Errorf("an instance did not catch up with the rotation: %v", err)
	}
	// After a second rotation the first key is gone.
	rotate(t, sm, arn, "third key")
	third, err := LoadKeys(ctx, sm, arn, log)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := decodeCursor(ctx, third, before, now); err == nil {
		t.Error("a cursor two rotations old was accepted")
	}
	if _, err := decodeCursor(ctx, third, after, now); err != nil {
		t.Errorf("a cursor of the previous version: %v", err)
	}
	if _, err := LoadKeys(ctx, sm, arn+"-missing", log); err == nil {
		t.Error("a missing secret was accepted")
	}
}
