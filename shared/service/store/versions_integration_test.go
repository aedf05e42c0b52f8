package store_test

// The history of versions against moto_server: what is kept, what readers
// see of old versions, and the state of change events.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
)

// applyOutcome runs a version through Begin, WriteClauses and Finish with
// the outcome o (its Result is r).
func applyOutcome(t *testing.T, s *store.Store, v policy.Version, r *policy.Analysis, o store.Outcome) store.Claim {
	t.Helper()
	ctx := context.Background()
	c := begin(t, s, v)
	if err := s.WriteClauses(ctx, v, c, r); err != nil {
		t.Fatal(err)
	}
	o.Result = r
	if err := s.Finish(ctx, v, c, o); err != nil {
		t.Fatalf("finish %s: %v", v.Seq, err)
	}
	return c
}

// versionTexts lists the clause texts of generation gen with query q.
func versionTexts(t *testing.T, s *store.Store, id, gen string, q store.ClauseQuery) []string {
	t.Helper()
	p, err := s.Policy(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	q.Limit = 2
	for {
		page, err := s.Clauses(context.Background(), p, gen, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Items {
			out = append(out, c.Text)
		}
		if page.Next == "" {
			return out
		}
		fmt.Sscan(page.Next, &q.After)
	}
}

// The newest versions are kept, newest first; the older ones are deleted
// with their generations; the versions that are not current can be read
// (filtered by label too) but are out of the label listing.
func TestHistoryKeepsTheNewestVersions(t *testing.T) {
	s, db := newTable(t)
	s.KeepVersions = 3
	ctx := context.Background()
	received := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var claims []store.Claim
	var vs []policy.Version
	for i := range 5 {
		v := version(t, "h.txt", fmt.Sprintf("8%d", i))
		r := result(fmt.Sprintf("v%d", i), 2+i)
		r.Policy.Updated = &policy.Date{AsWritten: fmt.Sprintf("March %d, 2025", i+1), ISO: fmt.Sprintf("2025-03-%02d", i+1)}
		claims = append(claims, applyOutcome(t, s, v, r, store.Outcome{Received: received.Add(time.Duration(i) * time.Hour)}))
		vs = append(vs, v)
	}
	p, err := s.Policy(ctx, vs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range p.Versions {
		got = append(got, fmt.Sprintf("%s %s %d %s %s", e.Version, e.Received, e.Clauses, e.Updated, e.SHA256))
	}
	want := []string{
		claims[4].Gen + " 2025-03-01T13:00:00.000000Z 6 2025-03-05 v4",
		claims[3].Gen + " 2025-03-01T12:00:00.000000Z 5 2025-03-04 v3",
		claims[2].Gen + " 2025-03-01T11:00:00.000000Z 4 2025-03-03 v2",
	}
	if !slices.Equal(got, want) || p.Version != claims[4].Gen || p.Gen != claims[4].Gen {
		t.Fatalf("versions %q (current %s), want %q", got, p.Version, want)
	}
	for i, c := range claims {
		n := countItems(t, db, s.Table(), "C#"+vs[i].ID+"#"+c.Gen)
		switch want := map[int]int{0: 0, 1: 0, 2: 2 + i + 2, 3: 2 + i + 2, 4: 2*(2+i) + 2}[i]; {
		case n != want:
			t.Errorf("version %d: %d items, want %d", i, n, want)
		}
	}
	// An old version reads as it was, filtered as the current one is.
	if got := versionTexts(t, s, vs[0].ID, claims[2].Gen, store.ClauseQuery{}); !slices.Equal(got, texts("v2", 4)) {
		t.Errorf("version 2's clauses %q", got)
	}
	q := store.ClauseQuery{Label: "data-retention", MinScore: 0.898}
	if got := versionTexts(t, s, vs[0].ID, claims[3].Gen, q); !slices.Equal(got, texts("v3", 2)) {
		t.Errorf("version 3's data retention clauses scoring 0.898 or more: %q", got)
	}
	if got := versionTexts(t, s, vs[0].ID, claims[4].Gen, q); !slices.Equal(got, texts("v4", 2)) {
		t.Errorf("the current version's data retention clauses scoring 0.898 or more: %q", got)
	}
	if got := versionTexts(t, s, vs[0].ID, claims[3].Gen, store.ClauseQuery{Label: "data-security"}); len(got) != 0 {
		t.Errorf("version 3's data security clauses: %q, want none", got)
	}
	if _, err := s.Clauses(ctx, p, claims[1].Gen, store.ClauseQuery{Limit: 5}); !errors.Is(err, store.ErrGenerationChanged) {
		t.Errorf("clauses of a version no longer kept: %v, want ErrGenerationChanged", err)
	}
	if got := labelTexts(t, s); !slices.Equal(got, texts("v4", 6)) {
		t.Errorf("label listing %q, want the current version's only", got)
	}
	a, err := s.ReadVersion(ctx, vs[0].ID, claims[2].Gen)
	if err != nil {
		t.Fatal(err)
	}
	if a.Policy.SHA256 != "v2" || a.Policy.AttributeModelVersion != "attrs-v2" || a.Policy.AnalysisVersion != "rules-v2" || a.Policy.Facts.Title != "v2" || a.Policy.Updated.ISO != "2025-03-03" || len(a.Clauses) != 4 ||
		a.Clauses[3].Text != "v2 clause 4" || a.Clauses[3].Labels[0].Label != "Data Retention" {
		t.Errorf("version 2 read back as %+v", a)
	}
}

// In a versioned bucket a version's id is the S3 version id; a version
// analysed again (the newer one was deleted) replaces its older entry.
func TestVersionIDsOfAVersionedBucket(t *testing.T) {
	s, _ := newTable(t)
	at := func(ver, seq string) policy.Version {
		v := version(t, "vv.txt", seq)
		v.VersionID = ver
		return v
	}
	applyOutcome(t, s, at("AAA", "90"), result("a", 1), store.Outcome{})
	applyOutcome(t, s, at("BBB", "91"), result("b", 1), store.Outcome{})
	c := applyOutcome(t, s, at("AAA", "92"), result("a", 1), store.Outcome{})
	p := snapshot(t, s, at("AAA", "92"))
	var ids []string
	for _, e := range p.Versions {
		ids = append(ids, e.Version)
	}
	if !slices.Equal(ids, []string{"AAA", "BBB"}) || p.Version != "AAA" || p.Versions[0].Gen != c.Gen {
		t.Errorf("versions %v, current %s", ids, p.Version)
	}
	// Each kept version names the models and rules that analysed it.
	if e := p.Versions[1]; e.ModelVersion != "test" || e.AttributeModelVersion != "attrs-b" || e.AnalysisVersion != "rules-b" {
		t.Errorf("version BBB's models and rules %q %q %q", e.ModelVersion, e.AttributeModelVersion, e.AnalysisVersion)
	}
}

// The same bytes again change nothing but the object recorded; a failed
// version keeps the history, and the previous analysis leaves the label
// listing.
func TestUnchangedAndFailedVersions(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	v1, v2, v3, v4 := version(t, "u.txt", "a1"), version(t, "u.txt", "a2"), version(t, "u.txt", "a3"), version(t, "u.txt", "a4")
	c1 := apply(t, s, v1, result("one", 2))
	c2 := begin(t, s, v2)
	if err := s.Finish(ctx, v2, c2, store.Outcome{Unchanged: true, Bytes: 10}); err != nil {
		t.Fatal(err)
	}
	p := snapshot(t, s, v2)
	if p.Status != policy.Ready || p.Gen != c1.Gen || p.ETag != v2.ETag || len(p.Versions) != 1 || p.Clauses != 2 || p.Title != "one" {
		t.Errorf("after the same bytes: %+v", p)
	}
	if n := countItems(t, db, s.Table(), "C#"+v1.ID+"#"+c2.Gen); n != 0 {
		t.Errorf("the unchanged version wrote %d items", n)
	}
	c3 := begin(t, s, v3)
	if err := s.Finish(ctx, v3, c3, store.Outcome{Reason: "corrupt file"}); err != nil {
		t.Fatal(err)
	}
	p = snapshot(t, s, v3)
	if p.Status != policy.Failed || p.Gen != "" || p.Version != "" || len(p.Versions) != 1 || p.Versions[0].Gen != c1.Gen {
		t.Errorf("after a failure: %+v", p)
	}
	if got := labelTexts(t, s); len(got) != 0 {
		t.Errorf("label listing of a FAILED policy: %q", got)
	}
	if got := versionTexts(t, s, v1.ID, c1.Gen, store.ClauseQuery{Label: "data-retention"}); !slices.Equal(got, texts("one", 2)) {
		t.Errorf("the kept version of a FAILED policy: %q", got)
	}
	c4 := apply(t, s, v4, result("four", 1))
	p = snapshot(t, s, v4)
	if len(p.Versions) != 2 || p.Versions[0].Gen != c4.Gen || p.Versions[1].Gen != c1.Gen {
		t.Errorf("after a success: %+v", p.Versions)
	}
	// Removing the object removes the history.
	if err := s.Remove(ctx, version(t, "u.txt", "a5"), p); err != nil {
		t.Fatal(err)
	}
	if n := countItems(t, db, s.Table(), "C#"+v1.ID+"#"); n != 0 {
		t.Errorf("%d items of the history remain after removal", n)
	}
}

// A change event is pending from the switch on, held by its claim until
// the lease ends, then anyone may take it; once sent, nobody sends it
// again.
func TestChangeEventState(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	now := time.Date(2025, 5, 1, 12, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	v1, v2 := version(t, "ev.txt", "b1"), version(t, "ev.txt", "b2")
	apply(t, s, v1, result("one", 2))
	detail := []byte(`{"policy":"ev"}`)
	c := applyOutcome(t, s, v2, result("two", 2), store.Outcome{Event: detail, EventLease: now.Add(time.Minute)})
	p := snapshot(t, s, v2)
	if !slices.Equal(p.Notify, []string{c.Gen}) {
		t.Fatalf("notify %v, want [%s]", p.Notify, c.Gen)
	}
	if _, err := s.TakeEvent(ctx, v2.ID, c.Gen, "other", now.Add(time.Minute)); !errors.Is(err, store.ErrEventInFlight) {
		t.Errorf("another holder during the lease: %v, want ErrEventInFlight", err)
	}
	got, err := s.TakeEvent(ctx, v2.ID, c.Gen, c.Gen, now.Add(time.Minute))
	if err != nil || string(got) != string(detail) {
		t.Errorf("the claim takes its own event: %q %v", got, err)
	}
	now = now.Add(2 * time.Minute)
	if got, err := s.TakeEvent(ctx, v2.ID, c.Gen, "other", now.Add(time.Minute)); err != nil || string(got) != string(detail) {
		t.Errorf("another holder after the lease: %q %v", got, err)
	}
	if err := s.EventSent(ctx, v2.ID, c.Gen, "event-1"); err != nil {
		t.Fatal(err)
	}
	if p := snapshot(t, s, v2); len(p.Notify) != 0 {
		t.Errorf("notify %v after the event was sent", p.Notify)
	}
	now = now.Add(time.Hour)
	if got, err := s.TakeEvent(ctx, v2.ID, c.Gen, "late", now.Add(time.Minute)); err != nil || got != nil {
		t.Errorf("taking a sent event: %q %v, want nothing", got, err)
	}
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table()), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "C#" + v2.ID + "#" + c.Gen}, "sk": &types.AttributeValueMemberS{Value: "V"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if st := out.Item["eventState"].(*types.AttributeValueMemberS).Value; st != "sent" {
		t.Errorf("event state %q", st)
	}
	// A pending event whose version is gone is forgotten.
	v3 := version(t, "ev.txt", "b3")
	c3 := applyOutcome(t, s, v3, result("three", 1), store.Outcome{Event: detail, EventLease: now})
	if err := s.DeleteGeneration(ctx, v3.ID, c3.Gen); err != nil {
		t.Fatal(err)
	}
	if got, err := s.TakeEvent(ctx, v3.ID, c3.Gen, "other", now.Add(time.Minute)); err != nil || got != nil {
		t.Errorf("taking the event of a deleted version: %q %v", got, err)
	}
	if p := snapshot(t, s, v3); len(p.Notify) != 0 {
		t.Errorf("notify %v after its version was deleted", p.Notify)
	}
}

// A claim superseded after its switch (its Finish was retried after the
// switch went through) leaves the version it recorded in place.
func TestAbandonKeepsAKeptVersion(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	v1, v2 := version(t, "ab.txt", "c1"), version(t, "ab.txt", "c2")
	c1 := apply(t, s, v1, result("one", 2))
	apply(t, s, v2, result("two", 2))
	if err := s.Abandon(ctx, v1, c1); err != nil {
		t.Fatal(err)
	}
	if n := countItems(t, db, s.Table(), "C#"+v1.ID+"#"+c1.Gen); n != 4 {
		t.Errorf("%d items of the kept version after Abandon, want 4 (two clauses, the summary, the version)", n)
	}
}

// A version read while it is being deleted is refused, not returned in
// part.
func TestReadVersionBeingDeleted(t *testing.T) {
	s, db := newTable(t)
	ctx := context.Background()
	v := version(t, "rd.txt", "d1")
	c := apply(t, s, v, result("one", 3))
	if _, err := db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table()), Key: map[string]types.AttributeValue{
		"pk": &types.AttributeValueMemberS{Value: "C#" + v.ID + "#" + c.Gen}, "sk": &types.AttributeValueMemberS{Value: "O#000001"},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadVersion(ctx, v.ID, c.Gen); !errors.Is(err, store.ErrGenerationChanged) {
		t.Errorf("reading a version missing a clause: %v, want ErrGenerationChanged", err)
	}
	if _, err := s.ReadVersion(ctx, s3event.PolicyID(bucket, "none.txt"), "0123456789abcdef"); !errors.Is(err, store.ErrGenerationChanged) {
		t.Errorf("reading a version that does not exist: %v, want ErrGenerationChanged", err)
	}
}
