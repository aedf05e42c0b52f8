package lookup

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// cursor is the state a page hands to the next: where to resume, and which
// query it belongs to. Clients see it as an opaque string: its JSON,
// base64url-encoded, a dot, and an HMAC-SHA256 tag of the JSON.
type cursor struct {
	// Route is the route pattern the cursor was issued by.
	Route string `json:"r"`
	// Scope holds the request's path parameters and filters; a cursor only
	// continues the exact query that issued it.
	Scope string `json:"s"`
	// Pos is the position to resume after.
	Pos string `json:"p"`
	// Gen is the policy generation a clause listing started on.
	Gen string `json:"g,omitempty"`
	// Expires is when the cursor stops being valid, in seconds since the
	// epoch.
	Expires int64 `json:"e"`
}

// CursorLifetime is how long a cursor stays valid. A key rotation keeps
// the cursors of the previous key valid, so rotating the secret at most
// once per lifetime never refuses a cursor that has not expired.
const CursorLifetime = 24 * time.Hour

// cursorTagLen is the length of the tag in bytes: 128 bits.
const cursorTagLen = 16

// maxCursorLen bounds the cursors accepted, before any decoding.
const maxCursorLen = 1024

var (
	errBadCursor     = errors.New("cursor is malformed or was altered")
	errExpiredCursor = errors.New("cursor has expired")
)

// encode signs c, valid for CursorLifetime from now, with the signing key.
func (c cursor) encode(ctx context.Context, keys *Keys, now time.Time) string {
	c.Expires = now.Add(CursorLifetime).Unix()
	payload, _ := json.Marshal(c) // strings and a number only: cannot fail
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(tag(keys.signing(ctx), p))
}

// decodeCursor checks s against the keys and decodes it; an expired cursor
// is errExpiredCursor.
func decodeCursor(ctx context.Context, keys *Keys, s string, now time.Time) (cursor, error) {
	var c cursor
	if len(s) > maxCursorLen {
		return c, errBadCursor
	}
	p, t, ok := strings.Cut(s, ".")
	if !ok {
		return c, errBadCursor
	}
	got, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || !keys.check(ctx, func(key []byte) bool { return hmac.Equal(got, tag(key, p)) }) {
		return c, errBadCursor
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return c, errBadCursor
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, errBadCursor
	}
	if c.Expires <= now.Unix() {
		return c, errExpiredCursor
	}
	return c, nil
}

func tag(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:cursorTagLen]
}
