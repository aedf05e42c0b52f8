package store_test

// The store against DynamoDB as moto_server emulates it: the conditional
// writes that make ingest order-safe, what readers see during a switch,
// and the listings that merge index shards.

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

func TestMain(m *testing.M) { os.Exit(motoserver.RunTests(m)) }

var tables struct {
	sync.Mutex
	n int
}

// newTable creates a table in the emulator and returns a store on it and
// the raw client.
func newTable(t *testing.T) (*store.Store, *dynamodb.Client) {
	t.Helper()
	motoserver.ForTest(t)
	cfg, err := config.LoadDefaultConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	tables.Lock()
	tables.n++
	name := fmt.Sprintf("store-%d", tables.n)
	tables.Unlock()
	if err := provision.CreateTable(context.Background(), db, name); err != nil {
		t.Fatal(err)
	}
	return store.New(db, name), db
}

const bucket = "policies"

// version returns the version of key whose event has sequencer seq.
func version(t *testing.T, key, seq string) policy.Version {
	t.Helper()
	tok, err := s3event.OrderToken(seq, "")
	if err != nil {
		t.Fatal(err)
	}
	return s3event.NewVersion(bucket, key, "", "etag-"+seq, tok)
}

// result builds an analysis of n clauses whose texts name tag; every
// clause carries Data Retention with a score that falls with the ordinal.
func result(tag string, n int) *policy.Analysis {
	r := &policy.Analysis{Policy: policy.Summary{Format: "text", SHA256: tag, Clauses: n,
		LabelCounts: map[string]int{"Data Retention": n},
		Versions:    policy.Versions{ModelVersion: "test", AttributeModelVersion: "attrs-" + tag, AnalysisVersion: "rules-" + tag},
		Facts:       policy.Facts{Title: tag, Emails: []string{}, URLs: []string{}, Regulations: []string{}}}}
	for i := 1; i <= n; i++ {
		score := 0.9 - float64(i)/1000
		c := policy.Clause{Ordinal: i, Heading: []string{}, Text: fmt.Sprintf("%s clause %d", tag, i),
			Labels: []policy.LabelScore{{Label: "Data Retention", Score: score}},
			Scores: map[string]float64{}}
		for _, l := range labels.All {
			c.Scores[l.Name] = 0
		}
		c.Scores["Data Retention"] = score
		r.Clauses = append(r.Clauses, c)
	}
	return r
}

// snapshot reads the policy item of v, as ingest does before it claims.
func snapshot(t *testing.T, s *store.Store, v policy.Version) *store.Policy {
	t.Helper()
	p, err := s.Snapshot(context.Background(), v.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// begin claims v from the item as it is now.
func begin(t *testing.T, s *store.Store, v policy.Version) store.Claim {
	t.Helper()
	c, err := s.Begin(context.Background(), v, snapshot(t, s, v))
	if err != nil {
		t.Fatalf("begin %s: %v", v.Seq, err)
	}
	return c
}

// apply runs a version through Begin, WriteClauses and Finish.
func apply(t *testing.T, s *store.Store, v policy.Version, r *policy.Analysis) store.Claim {
	t.Helper()
	ctx := context.Background()
	c := begin(t, s, v)
	if err := s.WriteClauses(ctx, v, c, r); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, v, c, store.Outcome{Result: r, Bytes: 10}); err != nil {
		t.Fatalf("finish %s: %v", v.Seq, err)
	}
	return c
}

func clauseTexts(t *testing.T, s *store.Store, id string) []string {
	t.Helper()
	p, err := s.Policy(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Clauses(context.Background(), p, "", store.ClauseQuery{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range page.Items {
		out = append(out, c.Text)
	}
	return out
}

func labelTexts(t *testing.T, s *store.Store) []string {
	t.Helper()
	var out []string
	q := store.LabelQuery{Limit: 3}
	for {
		page, err := s.LabelClauses(context.Background(), "data-retention", q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Items {
			out = append(out, c.Text)
		}
		if page.Next == "" {
			return out
		}
		q.After = page.Next
	}
}

func texts(tag string, n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprintf("%s clause %d", tag, i))
	}
	return out
}

// countItems counts the items whose partition key starts with prefix.
func countItems(t *testing.T, db *dynamodb.Client, table, prefix string) int {
	t.Helper()
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{
		TableName:                 aws.String(table),
		FilterExpression:          aws.String("begins_with(pk, :p)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: prefix}},
		ProjectionExpression:      aws.String("pk"),
	})
	if err != nil {
		t.Fatal(err)
	}
	return len(out.Items)
}

// A claim that another claim took over cannot finish; it removes what it
// wrote, and the later claim wins.
func TestInterleavedVersions(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	v1, v2 := version(t, "a.txt", "0A"), version(t, "a.txt", "0B")
	c1, err := s.Begin(ctx, v1, nil)
	if err != nil || c1.Prev != nil {
		t.Fatalf("begin v1: %+v %v", c1, err)
	}
	seen := snapshot(t, s, v1)
	c2 := begin(t, s, v2)
	if c2.Gen == c1.Gen {
		t.Fatalf("two claims write to generation %s", c1.Gen)
	}
	if err := s.WriteClauses(ctx, v1, c1, result("one", 4)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, v1, c1, store.Outcome{Result: result("one", 4)}); !errors.Is(err, store.ErrSuperseded) {
		t.Fatalf("finish v1 after v2 began: %v, want ErrSuperseded", err)
	}
	if err := s.Abandon(ctx, v1, c1); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteClauses(ctx, v2, c2, result("two", 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, v2, c2, store.Outcome{Result: result("two", 2)}); err != nil {
		t.Fatal(err)
	}
	if got := clauseTexts(t, s, v2.ID); !slices.Equal(got, texts("two", 2)) {
		t.Errorf("clauses %q, want version two's", got)
	}
	if p := snapshot(t, s, v2); p.ModelVersion != "test" || p.AttributeModelVersion != "attrs-two" || p.AnalysisVersion != "rules-two" {
		t.Errorf("policy item says models %q and %q and rules %q, want version two's", p.ModelVersion, p.AttributeModelVersion, p.AnalysisVersion)
	}
	if n := countItems(t, db, s.Table(), "C#"); n != 6 {
		t.Errorf("%d clause items, want 6 (two clauses with one label each, the summary and the version item)", n)
	}
	// Decisions taken on what was seen before v2 are refused.
	if _, err := s.Begin(ctx, v1, seen); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("begin from an old snapshot: %v, want ErrSuperseded", err)
	}
	if err := s.Remove(ctx, v1, seen); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("remove from an old snapshot: %v, want ErrSuperseded", err)
	}
	if _, err := s.Begin(ctx, v1, nil); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("begin as if the policy were new: %v, want ErrSuperseded", err)
	}
	if got := clauseTexts(t, s, v2.ID); !slices.Equal(got, texts("two", 2)) {
		t.Errorf("clauses after stale events %q", got)
	}
}

// Two claims decided on the same snapshot: only the first wins, whatever
// their order tokens say, so that no decision is taken on a stale view.
// (One after the other: DynamoDB applies conditional writes atomically,
// moto_server does not when they run at the same time.)
func TestClaimsFromOneSnapshot(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	apply(t, s, version(t, "race.txt", "01"), result("zero", 1))
	seen := snapshot(t, s, version(t, "race.txt", "01"))
	// A real event and a forged one with a huge token, either way round.
	for _, vs := range [][]policy.Version{
		{version(t, "race.txt", "02"), version(t, "race.txt", "ffffffffffffffff")},
		{version(t, "race.txt", "ffffffffffffffff"), version(t, "race.txt", "03")},
	} {
		if _, err := s.Begin(ctx, vs[0], seen); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Begin(ctx, vs[1], seen); !errors.Is(err, store.ErrSuperseded) {
			t.Errorf("a second claim from the same snapshot: %v, want ErrSuperseded", err)
		}
		seen = snapshot(t, s, vs[0])
	}
	// After a claim with a huge order token, a claim decided on the item
	// as it is now succeeds: the token freezes nothing.
	v := version(t, "race.txt", "04")
	apply(t, s, v, result("four", 2))
	if got := clauseTexts(t, s, v.ID); !slices.Equal(got, texts("four", 2)) {
		t.Errorf("clauses %q, want the last claim's", got)
	}
}

// A claim left PROCESSING by an attempt that never finished is taken over:
// what it wrote is deleted once the new claim switches.
func TestUnfinishedClaimIsTakenOver(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	v := version(t, "crash.txt", "05")
	crashed := begin(t, s, v)
	if err := s.WriteClauses(ctx, v, crashed, result("half", 3)); err != nil {
		t.Fatal(err)
	}
	// The same event, delivered again after the crash.
	c := begin(t, s, v)
	if !slices.Contains(c.Prev.StaleGens, crashed.Gen) {
		t.Fatalf("the new claim does not know the crashed claim's generation: %+v", c.Prev)
	}
	if err := s.WriteClauses(ctx, v, c, result("whole", 2)); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, v, c, store.Outcome{Result: result("whole", 2)}); err != nil {
		t.Fatal(err)
	}
	if n := countItems(t, db, s.Table(), "C#"+v.ID+"#"+crashed.Gen); n != 0 {
		t.Errorf("%d items of the crashed claim remain", n)
	}
	if got := clauseTexts(t, s, v.ID); !slices.Equal(got, texts("whole", 2)) {
		t.Errorf("clauses %q", got)
	}
	// The crashed attempt, should it wake up, cannot finish.
	if err := s.Finish(ctx, v, crashed, store.Outcome{Result: result("half", 3)}); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("finish of the replaced claim: %v, want ErrSuperseded", err)
	}
}

// A failure that is not the file's is recorded as retryable, with the
// object it concerns; the next claim clears it.
func TestRetryableFailure(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	v := version(t, "retry.txt", "07")
	c := begin(t, s, v)
	if err := s.Finish(ctx, v, c, store.Outcome{Reason: "could not be processed after 5 attempts: throttled", Retryable: true}); err != nil {
		t.Fatal(err)
	}
	p := snapshot(t, s, v)
	if ver, tag := p.Object(); p.Status != policy.Failed || !p.Retryable || tag != v.ETag || ver != "" || p.Seq != v.Seq {
		t.Errorf("after a retryable failure: %+v", p)
	}
	apply(t, s, v, result("ok", 1))
	if p := snapshot(t, s, v); p.Status != policy.Ready || p.Retryable || p.Reason != "" {
		t.Errorf("after a later success: %+v", p)
	}
}

// While a new version is written, readers see the old version only; after
// the switch, the new one only.
func TestReadersNeverSeeAMix(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	v1, v2 := version(t, "b.txt", "10"), version(t, "b.txt", "11")
	apply(t, s, v1, result("old", 5))
	c := begin(t, s, v2)
	if err := s.WriteClauses(ctx, v2, c, result("new", 3)); err != nil {
		t.Fatal(err)
	}
	p, err := s.Policy(ctx, v1.ID)
	if err != nil || p.Status != policy.Processing {
		t.Fatalf("policy during the switch: %+v %v", p, err)
	}
	if got := clauseTexts(t, s, v1.ID); !slices.Equal(got, texts("old", 5)) {
		t.Errorf("clauses during the switch %q, want the old version's", got)
	}
	if got := labelTexts(t, s); !slices.Equal(got, texts("old", 5)) {
		t.Errorf("label clauses during the switch %q, want the old version's", got)
	}
	if err := s.Finish(ctx, v2, c, store.Outcome{Result: result("new", 3)}); err != nil {
		t.Fatal(err)
	}
	if got := clauseTexts(t, s, v1.ID); !slices.Equal(got, texts("new", 3)) {
		t.Errorf("clauses after the switch %q", got)
	}
	if got := labelTexts(t, s); !slices.Equal(got, texts("new", 3)) {
		t.Errorf("label clauses after the switch %q", got)
	}
}

// Removal leaves a tombstone that expires after 30 days; a removal or
// claim decided on what was seen before it is refused.
func TestRemoveLeavesTombstone(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	v1, del, late, again := version(t, "c.txt", "20"), version(t, "c.txt", "22"), version(t, "c.txt", "21"), version(t, "c.txt", "23")
	apply(t, s, v1, result("c", 3))
	seen := snapshot(t, s, v1)
	if err := s.Remove(ctx, del, seen); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(ctx, del, seen); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("removing twice from the same snapshot: %v, want ErrSuperseded", err)
	}
	if _, err := s.Policy(ctx, v1.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Policy after removal: %v, want ErrNotFound", err)
	}
	if n := countItems(t, db, s.Table(), "C#"); n != 0 {
		t.Errorf("%d clause items after removal", n)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table()), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "P#" + v1.ID}, "sk": &types.AttributeValueMemberS{Value: "P"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	ttl, ok := out.Item[topology.TTLAttribute].(*types.AttributeValueMemberN)
	if want := fmt.Sprint(now.Add(30 * 24 * time.Hour).Unix()); !ok || ttl.Value != want {
		t.Errorf("tombstone %s = %v, want %s", topology.TTLAttribute, out.Item[topology.TTLAttribute], want)
	}
	if _, ok := out.Item[topology.ByRecency.PartitionKey]; ok {
		t.Error("the tombstone is still in the byRecency index")
	}
	if _, err := s.Begin(ctx, late, seen); !errors.Is(err, store.ErrSuperseded) {
		t.Errorf("an upload decided before the removal: %v, want ErrSuperseded", err)
	}
	apply(t, s, again, result("again", 1))
	p, err := s.Policy(ctx, v1.ID)
	if err != nil || p.Status != policy.Ready || p.CreatedAt == "" {
		t.Errorf("policy uploaded after removal: %+v %v", p, err)
	}
	raw, _ := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table()), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "P#" + v1.ID}, "sk": &types.AttributeValueMemberS{Value: "P"},
	}})
	if _, ok := raw.Item[topology.TTLAttribute]; ok {
		t.Error("a live policy kept the tombstone's expiry")
	}
}

// failDeletes fails batch deletes, as a crash right after the switch would
// leave them undone.
type failDeletes struct{ store.DB }

func (f failDeletes) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	for _, reqs := range in.RequestItems {
		if len(reqs) > 0 && reqs[0].DeleteRequest != nil {
			return nil, errors.New("connection reset")
		}
	}
	return f.DB.BatchWriteItem(ctx, in, opts...)
}

// Generations left behind by an interrupted clean-up are remembered and
// swept later: a replaced generation (with a history of one version) and
// the label entries of a version that stopped being current.
func TestInterruptedCleanUpIsSwept(t *testing.T) {
	for _, keep := range []int{1, 2} {
		t.Run(fmt.Sprintf("keep %d", keep), func(t *testing.T) {
			s, db := newTable(t)
			s.KeepVersions = keep
			ctx := context.Background()
			v1, v2 := version(t, "d.txt", "30"), version(t, "d.txt", "31")
			c1 := apply(t, s, v1, result("d1", 3))
			broken := store.New(failDeletes{db}, s.Table())
			broken.KeepVersions = keep
			c2 := begin(t, broken, v2)
			if err := broken.WriteClauses(ctx, v2, c2, result("d2", 2)); err != nil {
				t.Fatal(err)
			}
			if err := broken.Finish(ctx, v2, c2, store.Outcome{Result: result("d2", 2)}); err == nil {
				t.Fatal("Finish reported success although the clean-up failed")
			}
			snap, err := s.Snapshot(ctx, v2.ID)
			if err != nil {
				t.Fatal(err)
			}
			left := snap.StaleGens
			if keep > 1 {
				left = snap.RetiredGens
			}
			if snap.Gen != c2.Gen || !slices.Equal(left, []string{c1.Gen}) {
				t.Fatalf("after the interrupted clean-up: gen %q, stale %v, retired %v; want %q and %s left",
					snap.Gen, snap.StaleGens, snap.RetiredGens, c2.Gen, c1.Gen)
			}
			if got := labelTexts(t, s); !slices.Equal(got, texts("d2", 2)) {
				t.Errorf("label clauses with the old generation present: %q", got)
			}
			if err := s.Sweep(ctx, snap); err != nil {
				t.Fatal(err)
			}
			// Kept: the clause items, the summary and the version
			// item; gone: the label entries.
			want := 0
			if keep > 1 {
				want = 3 + 1 + 1
			}
			if n := countItems(t, db, s.Table(), "C#"+v1.ID+"#"+c1.Gen); n != want {
				t.Errorf("%d items of the old generation remain, want %d", n, want)
			}
			if snap, _ = s.Snapshot(ctx, v2.ID); len(snap.StaleGens)+len(snap.RetiredGens) != 0 {
				t.Errorf("clean-up still listed: stale %v, retired %v", snap.StaleGens, snap.RetiredGens)
			}
		})
	}
}

// No item exceeds DynamoDB's limit, whatever the analysis holds.
// A policy's notes are its current version's: stored with it, listed,
// replaced by the next version's, removed when that has none, and bounded.
func TestNotesFollowTheCurrentVersion(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	notes := func(v policy.Version) ([]string, []string) {
		t.Helper()
		p, err := s.Policy(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		page, err := s.Policies(ctx, store.PolicyQuery{Limit: 10})
		if err != nil || len(page.Items) != 1 {
			t.Fatalf("listing: %d items, %v", len(page.Items), err)
		}
		return p.Notes, page.Items[0].Notes
	}
	r1 := result("one", 2)
	r1.Policy.Notes = []string{"The policy is in French (fr).", "Only 3 words state a practice."}
	v1 := version(t, "n.txt", "50")
	apply(t, s, v1, r1)
	if got, listed := notes(v1); !slices.Equal(got, r1.Policy.Notes) || !slices.Equal(listed, r1.Policy.Notes) {
		t.Errorf("notes %q, listed %q, want %q", got, listed, r1.Policy.Notes)
	}
	r2 := result("two", 2)
	r2.Policy.Notes = slices.Repeat([]string{strings.Repeat("n", 5000)}, 20)
	v2 := version(t, "n.txt", "51")
	apply(t, s, v2, r2)
	if got, _ := notes(v2); len(got) != 8 || len(got[0]) != 1024 {
		t.Errorf("20 notes of 5,000 bytes stored as %d, the first of %d bytes; want 8 of 1,024", len(got), len(got[0]))
	}
	v3 := version(t, "n.txt", "52")
	apply(t, s, v3, result("three", 2))
	if got, listed := notes(v3); got != nil || listed != nil {
		t.Errorf("a version without notes left notes %q (listed %q)", got, listed)
	}
}

// The listing carries each policy's regulations, and lists only the
// policies naming one when asked, page by page.
func TestPoliciesByRegulation(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	named := map[string][]string{"a.txt": {"GDPR", "CCPA"}, "b.txt": {"PIPL"}, "c.txt": {"CCPA"}, "d.txt": {}, "e.txt": {"CCPA", "LGPD"}}
	company := map[string]string{"a.txt": "Acme Labs", "b.txt": "Globex", "c.txt": "ACME  labs", "e.txt": "Initech"}
	for i, key := range slices.Sorted(maps.Keys(named)) {
		r := result(key, 1)
		r.Policy.Facts.Regulations = named[key]
		r.Policy.Facts.Company = company[key]
		apply(t, s, version(t, key, fmt.Sprintf("6%d", i)), r)
	}
	all, err := s.Policies(ctx, store.PolicyQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range all.Items {
		if !slices.Equal(p.Facts.Regulations, named[p.Key]) {
			t.Errorf("%s listed with regulations %q, want %q", p.Key, p.Facts.Regulations, named[p.Key])
		}
	}
	var got []string
	q := store.PolicyQuery{Limit: 1, Regulation: "CCPA"}
	for range 10 {
		page, err := s.Policies(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.Items {
			got = append(got, p.Key)
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if want := []string{"e.txt", "c.txt", "a.txt"}; !slices.Equal(got, want) {
		t.Errorf("policies naming the CCPA, a page of one at a time: %q, want %q (newest first)", got, want)
	}
	// By company, in any letter case, and with a law too.
	for _, c := range []struct {
		q    store.PolicyQuery
		want []string
	}{
		{store.PolicyQuery{Limit: 10, Company: store.CompanyKey("acme LABS")}, []string{"c.txt", "a.txt"}},
		{store.PolicyQuery{Limit: 10, Company: store.CompanyKey("Acme Labs"), Regulation: "GDPR"}, []string{"a.txt"}},
		{store.PolicyQuery{Limit: 10, Company: store.CompanyKey("Umbrella")}, nil},
	} {
		page, err := s.Policies(ctx, c.q)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, p := range page.Items {
			keys = append(keys, p.Key)
		}
		if !slices.Equal(keys, c.want) {
			t.Errorf("policies of %+v: %q, want %q", c.q, keys, c.want)
		}
	}
}

func TestOversizedFieldsAreBounded(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	r := result("big", 2)
	r.Clauses[0].Text = strings.Repeat("é", 600_000) // 1.2 MB
	r.Clauses[1].Heading = slices.Repeat([]string{strings.Repeat("h", 5000)}, 100)
	many := make([]string, 10_000)
	for i := range many {
		many[i] = fmt.Sprintf("person%d@example.org", i)
	}
	r.Policy.Facts.Emails = many
	r.Policy.Facts.URLs = []string{strings.Repeat("u", 100_000)}
	v := version(t, "e.txt", "40")
	apply(t, s, v, r)
	p, err := s.Policy(ctx, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !p.FactsTruncated || len(p.Facts.Emails) != 50 || len(p.Facts.URLs[0]) != 1024 {
		t.Errorf("facts: truncated %v, %d emails, url of %d bytes", p.FactsTruncated, len(p.Facts.Emails), len(p.Facts.URLs[0]))
	}
	page, err := s.Clauses(ctx, p, "", store.ClauseQuery{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	c0, c1 := page.Items[0], page.Items[1]
	if !c0.Truncated || len(c0.Text) != 64<<10 || !strings.HasPrefix(r.Clauses[0].Text, c0.Text) {
		t.Errorf("enormous clause: truncated %v, %d bytes", c0.Truncated, len(c0.Text))
	}
	if c1.Truncated || len(c1.Heading) != 16 || len(c1.Heading[0]) != 1024 {
		t.Errorf("deep heading: %d levels of %d bytes", len(c1.Heading), len(c1.Heading[0]))
	}
}

// The policy listing merges the index shards: newest first, every policy
// once, whatever the page size and the number of shards (the deployed
// table's 16, make dev's 1).
func TestPoliciesListingMergesShards(t *testing.T) {
	for _, n := range []int{topology.Shards, 1} {
		t.Run(fmt.Sprintf("shards=%d", n), func(t *testing.T) { testPoliciesListing(t, n) })
	}
}

func testPoliciesListing(t *testing.T, n int) {
	s, db := newTable(t)
	s.Shards = n
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	tick := 0
	s.Now = func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		tick++
		return base.Add(time.Duration(tick) * time.Minute)
	}
	var want []string
	for i := range 24 {
		v := version(t, fmt.Sprintf("list/%02d.txt", i), "50")
		apply(t, s, v, result("x", 0))
		want = append(want, v.ID)
	}
	slices.Reverse(want)
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(s.Table()), ProjectionExpression: aws.String("gsi2pk")})
	if err != nil {
		t.Fatal(err)
	}
	shards := map[string]bool{}
	for _, it := range out.Items {
		if v, ok := it["gsi2pk"]; ok {
			shards[v.(*types.AttributeValueMemberS).Value] = true
		}
	}
	if n > 1 && len(shards) < 6 || n == 1 && len(shards) != 1 {
		t.Errorf("24 policies sit in %d of %d index shards", len(shards), n)
	}
	for _, limit := range []int{3, 8, 100} {
		var got []string
		after := ""
		for {
			page, err := s.Policies(context.Background(), store.PolicyQuery{After: after, Limit: limit})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Items) > limit {
				t.Fatalf("page of %d with limit %d", len(page.Items), limit)
			}
			for _, p := range page.Items {
				got = append(got, p.ID)
			}
			if after = page.Next; after == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("limit %d: listed %v, want %v", limit, got, want)
		}
	}
}

// Entries of unfinished generations are skipped even when there are many
// of them: pages may come back short, but the listing is complete and
// ends.
func TestLabelListingSkipsOrphans(t *testing.T) {
	s, _ := newTable(t)
	ctx := context.Background()
	apply(t, s, version(t, "f.txt", "60"), result("kept", 3))
	// A newer version of another policy began and wrote many entries with
	// higher scores, then stopped: they are orphans until it finishes.
	orphan := version(t, "g.txt", "61")
	c := begin(t, s, orphan)
	r := result("orphan", 300)
	for i := range r.Clauses {
		r.Clauses[i].Labels[0].Score = 0.99
	}
	if err := s.WriteClauses(ctx, orphan, c, r); err != nil {
		t.Fatal(err)
	}
	var got []string
	q := store.LabelQuery{Limit: 2}
	pages := 0
	for {
		page, err := s.LabelClauses(ctx, "data-retention", q)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range page.Items {
			got = append(got, c.Text)
		}
		if page.Next == "" {
			break
		}
		q.After = page.Next
	}
	if !slices.Equal(got, texts("kept", 3)) {
		t.Errorf("label listing = %q, want only the finished policy's clauses", got)
	}
	if pages < 2 {
		t.Errorf("%d pages: 300 orphans were skipped without bound", pages)
	}
}

// The label listing returns clauses across many policies in score order,
// whatever the number of shards.
func TestLabelListingOrder(t *testing.T) {
	for _, n := range []int{topology.Shards, 1} {
		t.Run(fmt.Sprintf("shards=%d", n), func(t *testing.T) { testLabelListingOrder(t, n) })
	}
}

func testLabelListingOrder(t *testing.T, n int) {
	s, _ := newTable(t)
	s.Shards = n
	ctx := context.Background()
	type hit struct {
		id      string
		ordinal int
		score   float64
	}
	var want []hit
	for i := range 12 {
		v := version(t, fmt.Sprintf("order/%02d.txt", i), "70")
		r := result(fmt.Sprint(i), 5)
		for j := range r.Clauses {
			sc := float64((i*7+j*3)%10)/10 + 0.05 // ties across policies
			r.Clauses[j].Labels[0].Score = sc
			want = append(want, hit{v.ID, j + 1, sc})
		}
		apply(t, s, v, r)
	}
	slices.SortFunc(want, func(a, b hit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id), cmp.Compare(a.ordinal, b.ordinal))
	})
	for _, limit := range []int{4, 13, 100} {
		var got []hit
		q := store.LabelQuery{Limit: limit, MinScore: 0.35}
		for {
			page, err := s.LabelClauses(ctx, "data-retention", q)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range page.Items {
				got = append(got, hit{c.PolicyID, c.Ordinal, c.Score})
			}
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
		w := slices.DeleteFunc(slices.Clone(want), func(h hit) bool { return h.score < 0.35 })
		if !slices.Equal(got, w) {
			t.Errorf("limit %d: %v\nwant %v", limit, got, w)
		}
	}
}
