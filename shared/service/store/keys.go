package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/policylens/policylens/shared/service/topology"
)

// Item key prefixes. Every item of the table starts its partition key with
// one of them, so the item types never collide:
//
//	P#<id>                 policy item (sort key "P")
//	C#<id>#<gen>           clause items (sort key O#<ordinal>) and label
//	                       entries (sort key L#<slug>#<ordinal>) of one
//	                       generation of one policy
//	PL#<shard>             byRecency index partition of the policy items
//	L#<slug>#<shard>       byLabel index partition of the label entries
const (
	policyPrefix   = "P#"
	policySortKey  = "P"
	genPrefix      = "C#"
	clauseSKPrefix = "O#"
	labelSKPrefix  = "L#"
	recencyPrefix  = "PL#"
	labelPKPrefix  = "L#"
)

// ordinalWidth is the zero-padded width of ordinals in sort keys. It bounds
// the ordinals a policy can have (see MaxClauses).
const ordinalWidth = 6

// MaxClauses is the most clauses the store keeps for one policy. A policy
// with more is marked FAILED by ingest with a reason saying so.
const MaxClauses = 20000

// scoreScale turns a score in [0,1] into the integer encoded in index keys:
// scores are kept to four decimals.
const scoreScale = 10000

// idHashLen is the number of hex digits of the bucket+key hash in a policy id.
const idHashLen = 12

// maxSlugLen bounds the readable part of a policy id.
const maxSlugLen = 60

var idPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*-[0-9a-f]{12}$`)

// PolicyID returns the id of the policy stored at bucket/key. The id is
// stable for a bucket and key and readable: the key folded to a slug (ASCII
// letters and digits in lower case, every other run of characters a single
// hyphen, at most the last 60 characters), a hyphen, and the first 12 hex
// digits of the SHA-256 of bucket, a NUL byte and key. For example
// "Privacy Policy 2024.pdf" in any bucket becomes
// "privacy-policy-2024-pdf-<12 hex digits>". Two keys with the same slug
// (such as "a b.pdf" and "a+b.pdf") still get different ids.
func PolicyID(bucket, key string) string {
	sum := sha256.Sum256([]byte(bucket + "\x00" + key))
	return slug(key) + "-" + hex.EncodeToString(sum[:])[:idHashLen]
}

// ValidPolicyID reports whether s has the form of a policy id.
func ValidPolicyID(s string) bool {
	return len(s) <= maxSlugLen+1+idHashLen && idPattern.MatchString(s)
}

func slug(key string) string {
	var b strings.Builder
	dash := false
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r + 'a' - 'A')
		default:
			dash = true
		}
	}
	s := b.String()
	if len(s) > maxSlugLen {
		// Keep the end of the key, where the file name is, starting at a
		// word boundary when there is one.
		s = s[len(s)-maxSlugLen:]
		if i := strings.IndexByte(s, '-'); i >= 0 && i < len(s)-1 {
			s = s[i+1:]
		}
		s = strings.Trim(s, "-")
	}
	if s == "" {
		return "policy"
	}
	return s
}

// shardOf spreads s over topology.Shards index partitions.
func shardOf(s string) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() % topology.Shards)
}

func policyPK(id string) string { return policyPrefix + id }

func genPK(id, gen string) string { return genPrefix + id + "#" + gen }

func clauseSK(ordinal int) string {
	return fmt.Sprintf("%s%0*d", clauseSKPrefix, ordinalWidth, ordinal)
}

func labelSK(slug string, ordinal int) string {
	return fmt.Sprintf("%s%s#%0*d", labelSKPrefix, slug, ordinalWidth, ordinal)
}

func recencyPK(shard int) string { return fmt.Sprintf("%s%02d", recencyPrefix, shard) }

// timeLayout formats timestamps with a fixed width, so that they sort as
// strings in time order.
const timeLayout = "2006-01-02T15:04:05.000000Z"

func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// recencySK orders policies by the time they were last updated.
func recencySK(updated string, id string) string { return updated + "#" + id }

func labelPK(slug string, shard int) string {
	return fmt.Sprintf("%s%s#%02d", labelPKPrefix, slug, shard)
}

// scoreUnits converts a score to the integer used in keys, clamped to
// [0, scoreScale].
func scoreUnits(score float64) int {
	if math.IsNaN(score) || score <= 0 {
		return 0
	}
	if score >= 1 {
		return scoreScale
	}
	return int(math.Round(score * scoreScale))
}

// labelGSISK orders the label entries of one index partition by descending
// score, then by policy id and ordinal: the score is stored inverted so that
// an ascending query returns the highest score first. The generation makes
// the key unique while two generations of a policy coexist.
func labelGSISK(score float64, id string, ordinal int, gen string) string {
	return fmt.Sprintf("%05d#%s#%0*d#%s", scoreScale-scoreUnits(score), id, ordinalWidth, ordinal, gen)
}

var (
	labelPosPattern   = regexp.MustCompile(`^\d{5}#[a-z0-9-]+#\d{6}#[0-9a-f]+$`)
	recencyPosPattern = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]+$`)
)

// ValidLabelPosition reports whether pos has the form of a byLabel index
// sort key, the position a label listing resumes after.
func ValidLabelPosition(pos string) bool { return labelPosPattern.MatchString(pos) }

// ValidPolicyPosition reports whether pos has the form of a byRecency index
// sort key, the position a policy listing resumes after.
func ValidPolicyPosition(pos string) bool { return recencyPosPattern.MatchString(pos) }

// Order tokens. Each event is given a token that orders it among the events
// of the same key: S3's sequencer, a hexadecimal string that grows with
// every PUT and DELETE of a key, left-padded with zeros to seqWidth digits so
// that tokens compare as strings. Events without a sequencer (emulators,
// hand-written events) are ordered by their eventTime in microseconds since
// the epoch, in hexadecimal and padded the same way.
const seqWidth = 32

var errBadSequencer = errors.New("sequencer is not a hexadecimal string of at most 32 digits")

// OrderToken returns the order token of an S3 event from its sequencer, or
// from its event time when the sequencer is empty.
func OrderToken(sequencer, eventTime string) (string, error) {
	if sequencer != "" {
		s := strings.ToLower(sequencer)
		if len(s) > seqWidth || strings.Trim(s, "0123456789abcdef") != "" {
			return "", fmt.Errorf("%w: %q", errBadSequencer, sequencer)
		}
		return strings.Repeat("0", seqWidth-len(s)) + s, nil
	}
	t, err := parseEventTime(eventTime)
	if err != nil {
		return "", fmt.Errorf("event has no sequencer and %w", err)
	}
	us := t.UnixMicro()
	if us < 0 {
		return "", fmt.Errorf("event time %q is before 1970", eventTime)
	}
	return fmt.Sprintf("%0*x", seqWidth, us), nil
}

// parseEventTime reads an S3 event time: RFC 3339 as AWS writes it, or the
// zone-less form some emulators write, taken as UTC.
func parseEventTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("event time %q is not a timestamp", s)
}

// genOf returns the generation id written by the event with order token
// seq: the token without its leading zeros. Each event of a key has its own
// generation, and a redelivered event writes the same one again.
func genOf(seq string) string {
	g := strings.TrimLeft(seq, "0")
	if g == "" {
		return "0"
	}
	return g
}

// parseOrdinal reads the ordinal at the end of a clause or label sort key.
func parseOrdinal(sk string) (int, bool) {
	i := strings.LastIndexByte(sk, '#')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(sk[i+1:])
	return n, err == nil
}
