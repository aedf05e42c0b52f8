package lookup

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
)

// Secrets reads secret values; *secretsmanager.Client implements it.
type Secrets interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, opts ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// Keys are the keys that sign and check pagination cursors. Loaded from a
// Secrets Manager secret, they are its current version, which signs, and
// its previous one, which still checks: after a rotation (a new current
// version), cursors handed out before it stay valid until they expire. The
// versions are read at the function's start and again every refreshAfter,
// and at most every minRefetch when a cursor matches neither, so that
// every instance soon signs with the new key.
type Keys struct {
	src Secrets
	id  string
	log *slog.Logger
	now func() time.Time

	mu     sync.Mutex
	keys   [][]byte // the current version first
	loaded time.Time
}

// How often the secret is read again.
const (
	refreshAfter = 5 * time.Minute
	minRefetch   = 30 * time.Second
)

// StaticKeys returns keys that never change: the first signs, all check.
func StaticKeys(keys ...[]byte) *Keys { return &Keys{keys: keys, now: time.Now} }

// RandomKeys returns a random key known to this process only: cursors are
// then valid only on the instance that issued them.
func RandomKeys() *Keys {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		panic("lookup: no randomness: " + err.Error()) // crypto/rand does not fail on Linux
	}
	return StaticKeys(k)
}

// LoadKeys reads the current and previous versions of the secret id (an
// ARN or a name) from src. A secret without a current version, or that
// cannot be read, is an error; one without a previous version is not.
func LoadKeys(ctx context.Context, src Secrets, id string, log *slog.Logger) (*Keys, error) {
	k := &Keys{src: src, id: id, log: log, now: time.Now}
	if err := k.load(ctx); err != nil {
		return nil, err
	}
	return k, nil
}

// load reads both versions of the secret.
func (k *Keys) load(ctx context.Context) error {
	cur, err := k.version(ctx, "AWSCURRENT")
	if err != nil {
		return fmt.Errorf("read the cursor secret %s: %w", k.id, err)
	}
	keys := [][]byte{cur}
	prev, err := k.version(ctx, "AWSPREVIOUS")
	var nf *smtypes.ResourceNotFoundException
	switch {
	case err == nil:
		keys = append(keys, prev)
	case !errors.As(err, &nf):
		k.log.WarnContext(ctx, "cannot read the previous version of the cursor secret; cursors signed with it are refused",
			"secret", k.id, "error", err.Error())
	}
	k.keys, k.loaded = keys, k.now()
	return nil
}

func (k *Keys) version(ctx context.Context, stage string) ([]byte, error) {
	out, err := k.src.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(k.id), VersionStage: aws.String(stage)})
	if err != nil {
		return nil, err
	}
	if out.SecretString != nil && *out.SecretString != "" {
		return []byte(*out.SecretString), nil
	}
	if len(out.SecretBinary) > 0 {
		return out.SecretBinary, nil
	}
	return nil, fmt.Errorf("version %s of %s is empty", stage, k.id)
}

// refresh reads the secret again when the keys are older than age. A
// failure keeps the keys it has and is logged.
func (k *Keys) refresh(ctx context.Context, age time.Duration) {
	if k.src == nil || k.now().Sub(k.loaded) < age {
		return
	}
	if err := k.load(ctx); err != nil {
		k.loaded = k.now() // try again after another interval
		k.log.WarnContext(ctx, "cannot read the cursor secret again; keeping the keys read before", "error", err.Error())
	}
}

// signing returns the key that signs new cursors.
func (k *Keys) signing(ctx context.Context) []byte {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refresh(ctx, refreshAfter)
	return k.keys[0]
}

// check reports whether any key makes ok true, reading the secret again
// once if none does and the keys are not fresh.
func (k *Keys) check(ctx context.Context, ok func(key []byte) bool) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.refresh(ctx, refreshAfter)
	for _, key := range k.keys {
		if ok(key) {
			return true
		}
	}
	before := k.loaded
	k.refresh(ctx, minRefetch)
	if k.loaded == before {
		return false
	}
	for _, key := range k.keys {
		if ok(key) {
			return true
		}
	}
	return false
}
