package lookup

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
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
}

// cursorTagLen is the length of the tag in bytes: 128 bits.
const cursorTagLen = 16

// maxCursorLen bounds the cursors accepted, before any decoding.
const maxCursorLen = 1024

var errBadCursor = errors.New("cursor is malformed or was altered")

// cursorKey derives the signing key. With no secret configured, the key is
// derived from the table name: cursors are then protected against
// corruption and casual editing, but not against forgery, and the store
// still validates every position.
func cursorKey(secret []byte, table string) []byte {
	if len(secret) > 0 {
		return secret
	}
	sum := sha256.Sum256([]byte("policylens cursor key\x00" + table))
	return sum[:]
}

func (c cursor) encode(key []byte) string {
	payload, _ := json.Marshal(c) // strings only: cannot fail
	p := base64.RawURLEncoding.EncodeToString(payload)
	return p + "." + base64.RawURLEncoding.EncodeToString(tag(key, p))
}

func decodeCursor(key []byte, s string) (cursor, error) {
	var c cursor
	if len(s) > maxCursorLen {
		return c, errBadCursor
	}
	p, t, ok := strings.Cut(s, ".")
	if !ok {
		return c, errBadCursor
	}
	got, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || !hmac.Equal(got, tag(key, p)) {
		return c, errBadCursor
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return c, errBadCursor
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		return c, errBadCursor
	}
	return c, nil
}

func tag(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:cursorTagLen]
}
