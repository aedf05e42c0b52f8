package store

import (
	"fmt"
	"hash/fnv"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
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

// shardOf spreads s over n index partitions.
func shardOf(s string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(s))
	return int(h.Sum32() % uint32(n))
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
	labelPosPattern   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\d{5}#[a-z0-9-]+#\d{6}#[0-9a-f]+$`) })
	recencyPosPattern = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z#[a-z0-9-]+$`)
	})
)

// ValidLabelPosition reports whether pos has the form of a byLabel index
// sort key, the position a label listing resumes after.
func ValidLabelPosition(pos string) bool { return labelPosPattern().MatchString(pos) }

// ValidPolicyPosition reports whether pos has the form of a byRecency index
// sort key, the position a policy listing resumes after.
func ValidPolicyPosition(pos string) bool { return recencyPosPattern().MatchString(pos) }

// parseOrdinal reads the ordinal at the end of a clause or label sort key.
func parseOrdinal(sk string) (int, bool) {
	i := strings.LastIndexByte(sk, '#')
	if i < 0 {
		return 0, false
	}
	n, err := strconv.Atoi(sk[i+1:])
	return n, err == nil
}
