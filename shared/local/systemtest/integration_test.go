package systemtest_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/eventsource"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// A sign-in page uploaded in place of a policy is served with the note
// that it may not be a privacy policy, in the listing and the policy.
func TestSignInPageIsNoted(t *testing.T) {
	s := newSystem(t, options{})
	const key = "vendors/acme-privacy.html"
	data := []byte("<html><head><title>Sign in</title></head><body><h1>Welcome back</h1>" +
		"<form><label>Email address</label><input name=email><label>Password</label><input type=password>" +
		"<button>Sign in</button></form><p><a href=/reset>Forgot your password?</a></p>" +
		"<p>By signing in you agree to our <a href=/terms>Terms</a> and <a href=/privacy>Privacy Policy</a>.</p></body></html>")
	s.put(key, data)
	if failed := s.handle(s.receive().Records...); len(failed) != 0 {
		t.Fatalf("failed messages: %v", failed)
	}
	want, err := s.analyzer.Analyze(context.Background(), "acme-privacy.html", data)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(want.Policy.Notes, func(n string) bool { return strings.Contains(n, "may not be a privacy policy") }) {
		t.Fatalf("the analysis of a sign-in page has notes %q, none saying it may not be a privacy policy", want.Policy.Notes)
	}
	id := s3event.PolicyID(s.res.Bucket, key)
	var list policyListDoc
	s.mustGet("/policies", &list)
	var p policyDoc
	s.mustGet("/policies/"+url.PathEscape(id), &p)
	if len(list.Items) != 1 || !slices.Equal(list.Items[0].Notes, want.Policy.Notes) || !slices.Equal(p.Notes, want.Policy.Notes) {
		t.Errorf("served notes: listed %+v, policy %q; want %q", list.Items, p.Notes, want.Policy.Notes)
	}
}

// The listing says which company each policy speaks for and which laws it
// names, and lists the policies naming one when asked.
func TestPoliciesByRegulation(t *testing.T) {
	s := newSystem(t, options{})
	texts := map[string]string{
		"vendors/alpha.txt": "Alpha Privacy Policy\n\nWe collect your e-mail address to send you receipts, as the GDPR allows, and keep it for two years.\n\n" +
			"California residents have the rights the CCPA gives them: to know, to delete and to opt out of sale.\n",
		"vendors/beta.txt": "Beta Privacy Policy\n\nWe collect your name and address to deliver orders, and share them with our couriers.\n\n" +
			"Residents of Quebec have the rights Quebec's Law 25 gives them, and may write to our privacy officer.\n",
	}
	want := map[string][]string{}
	company := map[string]string{}
	for key, text := range texts {
		s.put(key, []byte(text))
		if failed := s.handle(s.receive().Records...); len(failed) != 0 {
			t.Fatalf("failed messages: %v", failed)
		}
		res, err := s.analyzer.Analyze(context.Background(), key, []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		want[key] = res.Policy.Facts.Regulations
		company[key] = res.Policy.Facts.Company
	}
	if company["vendors/alpha.txt"] != "Alpha" {
		t.Fatalf("the analysis reads company %q from the alpha policy, the test needs Alpha", company["vendors/alpha.txt"])
	}
	if !slices.Contains(want["vendors/alpha.txt"], "CCPA") || slices.Contains(want["vendors/beta.txt"], "CCPA") {
		t.Fatalf("the texts name other laws than the test needs: %q", want)
	}
	var list policyListDoc
	s.mustGet("/policies", &list)
	for _, it := range list.Items {
		if !slices.Equal(it.Regulations, want[it.Key]) || it.Company != company[it.Key] {
			t.Errorf("%s listed with company %q and regulations %q, want %q and %q", it.Key, it.Company, it.Regulations, company[it.Key], want[it.Key])
		}
	}
	var ccpa policyListDoc
	s.mustGet("/policies?regulation=CCPA", &ccpa)
	if len(ccpa.Items) != 1 || ccpa.Items[0].Key != "vendors/alpha.txt" {
		t.Errorf("GET /policies?regulation=CCPA = %+v, want vendors/alpha.txt alone", ccpa.Items)
	}
	var alpha policyListDoc
	s.mustGet("/policies?company=ALPHA", &alpha)
	if len(alpha.Items) != 1 || alpha.Items[0].Key != "vendors/alpha.txt" {
		t.Errorf("GET /policies?company=ALPHA = %+v, want vendors/alpha.txt alone", alpha.Items)
	}
}

// A policy uploaded under a key with a space and a plus is analysed and
// served exactly as the analyser sees it.
func TestUploadIsAnalysedAndServed(t *testing.T) {
	s := newSystem(t, options{})
	const key = "policies/Northwind Privacy+Policy.md"
	data := fixture.Read(t, "testdata", "aws", "northwind-privacy.md")
	s.put(key, data)
	msgs := s.receive().Records
	if len(msgs) != 2 {
		t.Fatalf("queue held %d messages, want S3's test event and one notification", len(msgs))
	}
	if failed := s.handle(msgs...); len(failed) != 0 {
		t.Fatalf("failed messages: %v", failed)
	}
	want, err := s.analyzer.Analyze(context.Background(), "Northwind Privacy+Policy.md", data)
	if err != nil {
		t.Fatal(err)
	}
	id := s3event.PolicyID(s.res.Bucket, key)
	var list policyListDoc
	s.mustGet("/policies", &list)
	if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Key != key || list.Items[0].Bucket != s.res.Bucket || list.Items[0].Status != "READY" || list.Items[0].Language != "en" {
		t.Fatalf("GET /policies = %+v, want one READY policy %s in English for s3://%s/%s", list.Items, id, s.res.Bucket, key)
	}
	var p policyDoc
	s.mustGet("/policies/"+url.PathEscape(id), &p)
	if p.Clauses != len(want.Clauses) || p.SHA256 != want.Policy.SHA256 || p.Bytes != int64(len(data)) || p.Language != want.Policy.Language || !slices.Equal(p.Notes, want.Policy.Notes) {
		t.Errorf("policy = %+v, want %d clauses, sha256 %s, %d bytes, language %q, notes %q", p, len(want.Clauses), want.Policy.SHA256, len(data), want.Policy.Language, want.Policy.Notes)
	}
	got := s.allClauses(id, "", 7)
	if len(got) != len(want.Clauses) {
		t.Fatalf("listed %d clauses, want %d", len(got), len(want.Clauses))
	}
	for i, c := range got {
		w := want.Clauses[i]
		if c.Ordinal != w.Ordinal || c.Text != w.Text || !slices.Equal(c.Heading, w.Heading) {
			t.Errorf("clause %d = %d %q %q, want %d %q %q", i, c.Ordinal, c.Heading, c.Text, w.Ordinal, w.Heading, w.Text)
		}
	}
}

// policyText writes a policy of n paragraphs, each naming marker, about a
// rotating set of practices.
func policyText(marker string, n int) []byte {
	practices := []string{
		"We collect the e-mail address and delivery address you give us when you order, and use them to deliver the order (%s, part %d).",
		"We share your address with the courier that delivers your parcel and with nobody else (%s, part %d).",
		"You can opt out of marketing e-mails at any time with the link at the bottom of each message (%s, part %d).",
		"You may download a copy of your data or delete your account from the settings page (%s, part %d).",
		"Order records are kept for six years and then erased; usage logs are deleted after one year (%s, part %d).",
		"Your data is encrypted in transit and at rest, and access is limited to staff who need it (%s, part %d).",
		"We will e-mail you thirty days before any change to this policy takes effect (%s, part %d).",
		"Write to our data protection officer at privacy@example.org with any question about your data (%s, part %d).",
	}
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString("\n\n")
		}
		fmt.Fprintf(&b, practices[i%len(practices)], marker, i+1)
		fmt.Fprintf(&b, " This paragraph is number %d of %d.", i+1, n)
	}
	b.WriteString("\n")
	return []byte(b.String())
}

// analysis is what the analyser makes of data, the reference the stored
// policy must match.
func (s *system) analysis(name string, data []byte) *policy.Analysis {
	s.t.Helper()
	res, err := s.analyzer.Analyze(context.Background(), name, data)
	if err != nil {
		s.t.Fatalf("analyse %s: %v", name, err)
	}
	return res
}

// itemsOf counts the items an analysis is stored as (see store.ItemsOf):
// its clause items, summary and index entries. Its generation holds a
// version item besides.
func itemsOf(res *policy.Analysis) int {
	kept, entries := store.ItemsOf(res)
	return kept + entries
}

func texts(cs []clauseDoc) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Text
	}
	return out
}

func wantTexts(res *policy.Analysis) []string {
	out := make([]string, len(res.Clauses))
	for i, c := range res.Clauses {
		out[i] = c.Text
	}
	return out
}

// outcomes lists the outcomes logged for key, in order.
func (s *system) outcomes(key string) []string {
	var out []string
	for _, r := range s.logRecords(key) {
		out = append(out, fmt.Sprint(r["outcome"]))
	}
	return out
}

// The same notification delivered again, alone, in one batch or at the
// same time, leaves exactly one copy of the clauses.
func TestDuplicateDeliveryKeepsOneCopy(t *testing.T) {
	s := newSystem(t, options{})
	const key = "dup/policy.txt"
	data := policyText("duplicate test", 10)
	s.put(key, data)
	msgs := s.receiveS3()
	if len(msgs) != 1 {
		t.Fatalf("%d notifications, want 1", len(msgs))
	}
	m := msgs[0]
	if f := s.handle(m); len(f) != 0 {
		t.Fatalf("first delivery failed: %v", f)
	}
	if f := s.handle(m); len(f) != 0 {
		t.Fatalf("second delivery failed: %v", f)
	}
	if f := s.handle(m, m); len(f) != 0 {
		t.Fatalf("batch with the message twice failed: %v", f)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if f := s.handle(m); len(f) != 0 {
				t.Errorf("concurrent delivery failed: %v", f)
			}
		})
	}
	wg.Wait()
	want := s.analysis("policy.txt", data)
	id := s3event.PolicyID(s.res.Bucket, key)
	if got := s.genPartitions(id); len(got) != 1 {
		t.Errorf("clause partitions = %v, want one", got)
	}
	if got, w := s.items("C#"+id+"#"), itemsOf(want)+1; got != w {
		t.Errorf("%d clause, label and version items stored, want %d", got, w)
	}
	if got := texts(s.allClauses(id, "", 100)); !slices.Equal(got, wantTexts(want)) {
		t.Errorf("clauses = %q, want %q", got, wantTexts(want))
	}
	outs := s.outcomes(key)
	if outs[0] != "ready" || !slices.Contains(outs[1:], "duplicate") || slices.Contains(outs, "error") {
		t.Errorf("logged outcomes %v, want ready then duplicates", outs)
	}
}

// An older version's notification that arrives after a newer one's does
// not overwrite the newer result.
func TestOlderVersionArrivingLateIsIgnored(t *testing.T) {
	s := newSystem(t, options{})
	const key = "order/policy.md"
	v1, v2 := policyText("version one", 6), policyText("version two", 5)
	s.put(key, v1)
	s.put(key, v2)
	msgs := s.receiveS3()
	if len(msgs) != 2 {
		t.Fatalf("%d notifications, want 2", len(msgs))
	}
	if f := s.handle(msgs[1]); len(f) != 0 {
		t.Fatalf("newer version failed: %v", f)
	}
	if f := s.handle(msgs[0]); len(f) != 0 {
		t.Fatalf("older version failed: %v", f)
	}
	id := s3event.PolicyID(s.res.Bucket, key)
	want := s.analysis("policy.md", v2)
	if got := texts(s.allClauses(id, "", 100)); !slices.Equal(got, wantTexts(want)) {
		t.Errorf("clauses = %q, want version two's %q", got, wantTexts(want))
	}
	if got := s.genPartitions(id); len(got) != 1 {
		t.Errorf("clause partitions = %v, want one", got)
	}
	if outs := s.outcomes(key); !slices.Equal(outs, []string{"ready", "superseded"}) {
		t.Errorf("logged outcomes %v, want [ready superseded]", outs)
	}
}

// A shorter new version replaces every clause of the old one in what the
// API serves; the old one stays in the history, out of the label listing.
func TestShorterVersionLeavesNoStaleClauses(t *testing.T) {
	s := newSystem(t, options{})
	const key = "short/policy.txt"
	v1 := policyText("long version", 12)
	s.put(key, v1)
	s.drain()
	v2 := policyText("short version", 3)
	s.put(key, v2)
	s.drain()
	id := s3event.PolicyID(s.res.Bucket, key)
	want, old := s.analysis("policy.txt", v2), s.analysis("policy.txt", v1)
	if got := texts(s.allClauses(id, "", 5)); !slices.Equal(got, wantTexts(want)) {
		t.Errorf("clauses = %q, want %q", got, wantTexts(want))
	}
	var p policyDoc
	s.mustGet("/policies/"+id, &p)
	if p.Status != "READY" || p.Clauses != len(want.Clauses) {
		t.Errorf("policy = %+v, want READY with %d clauses", p, len(want.Clauses))
	}
	// Stored: the new version whole, the old one without its label
	// entries.
	oldKept, _ := store.ItemsOf(old)
	if got, w := s.items("C#"+id+"#"), itemsOf(want)+1+oldKept+1; got != w {
		t.Errorf("%d clause, label and version items stored, want %d", got, w)
	}
	for _, hit := range s.allLabelClauses("First Party Collection/Use", "", 50) {
		if hit.PolicyID == id && !slices.Contains(wantTexts(want), hit.Text) {
			t.Errorf("the label listing shows a clause of the old version: %q", hit.Text)
		}
	}
}

// Deleting the object deletes the policy and its clauses, and an upload
// notification delivered after the deletion does not bring them back.
func TestDeletionRemovesPolicyAndClauses(t *testing.T) {
	s := newSystem(t, options{})
	const key = "gone/policy.txt"
	s.put(key, policyText("deleted", 5))
	created := s.receiveS3()
	if f := s.handle(created...); len(f) != 0 {
		t.Fatalf("upload failed: %v", f)
	}
	id := s3event.PolicyID(s.res.Bucket, key)
	s.remove(key)
	removed := s.receiveS3()
	if len(removed) != 1 || !strings.Contains(removed[0].Body, "ObjectRemoved") {
		t.Fatalf("notifications after delete = %v, want one ObjectRemoved", removed)
	}
	if f := s.handle(removed...); len(f) != 0 {
		t.Fatalf("delete failed: %v", f)
	}
	checkGone := func() {
		t.Helper()
		var prob problemDoc
		if resp := s.get("/policies/"+id, &prob); resp.StatusCode != 404 || prob.Status != 404 {
			t.Errorf("GET /policies/%s = %d %+v, want 404", id, resp.StatusCode, prob)
		}
		var list policyListDoc
		s.mustGet("/policies", &list)
		if len(list.Items) != 0 {
			t.Errorf("GET /policies lists %+v after deletion", list.Items)
		}
		if n := s.items("C#" + id + "#"); n != 0 {
			t.Errorf("%d clause items remain", n)
		}
	}
	checkGone()
	// The upload notification, delivered again late.
	if f := s.handle(created...); len(f) != 0 {
		t.Fatalf("late upload notification failed: %v", f)
	}
	checkGone()
	// A new upload after the deletion is a new policy.
	v3 := policyText("uploaded again", 2)
	s.put(key, v3)
	s.drain()
	var p policyDoc
	s.mustGet("/policies/"+id, &p)
	if want := s.analysis("policy.txt", v3); p.Status != "READY" || p.Clauses != len(want.Clauses) {
		t.Errorf("policy after new upload = %+v, want READY with %d clauses", p, len(want.Clauses))
	}
}

// Files that cannot be analysed mark the policy FAILED with a reason the
// user can act on; the message succeeds, and an earlier version's clauses
// are no longer the policy's: they stay in its history only.
func TestUnanalysableFilesAreMarkedFailed(t *testing.T) {
	const maxBytes = 64 << 10
	s := newSystem(t, options{maxBytes: maxBytes})
	corrupt := fixture.Read(t, "testdata", "aws", "corrupt.pdf")
	inputErr := func(name string, data []byte) string {
		_, err := s.analyzer.Analyze(context.Background(), name, data)
		if !fault.KindOf(err).Input() {
			t.Fatalf("the analyser accepts %s (err %v); the test needs a file it rejects", name, err)
		}
		return fault.Message(err)
	}
	tests := []struct {
		key  string
		data []byte
		// reason checks the reason the user sees.
		reason func(string) bool
	}{
		{"bad/corrupt.pdf", corrupt, func(r string) bool { return r == inputErr("corrupt.pdf", corrupt) }},
		{"bad/empty.txt", []byte("  \n\n "), func(r string) bool { return r == inputErr("empty.txt", []byte("  \n\n ")) }},
		{"bad/huge.txt", policyText("too big", 800), func(r string) bool {
			return strings.Contains(r, "over the limit of 64.0 KiB") && strings.Contains(r, "MAX_OBJECT_BYTES")
		}},
		{"bad/policy.docx", []byte("PK\x03\x04 not a policy"), func(r string) bool {
			return strings.Contains(r, `".docx"`) && strings.Contains(r, "PDF")
		}},
	}
	if len(tests[2].data) <= maxBytes {
		t.Fatalf("the over-size file has only %d bytes", len(tests[2].data))
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			// A good version first: its clauses must not survive the bad one.
			s.put(tt.key, policyText("good version", 3))
			s.drain()
			s.put(tt.key, tt.data)
			s.drain()
			id := s3event.PolicyID(s.res.Bucket, tt.key)
			var p policyDoc
			s.mustGet("/policies/"+id, &p)
			if p.Status != "FAILED" || !tt.reason(p.Reason) {
				t.Errorf("policy = status %s, reason %q; want FAILED with a reason naming the problem", p.Status, p.Reason)
			}
			var cl clauseListDoc
			s.mustGet("/policies/"+id+"/clauses", &cl)
			if cl.Status != "FAILED" || len(cl.Items) != 0 {
				t.Errorf("clauses of a failed policy = %+v", cl)
			}
			// The good version is kept (unless its name alone makes it
			// unreadable), without its label entries.
			items, _ := store.ItemsOf(s.analysis("good.txt", policyText("good version", 3)))
			kept, items := 1, items+1
			if strings.HasSuffix(tt.key, ".docx") {
				kept, items = 0, 0
			}
			var versions versionListDoc
			s.mustGet("/policies/"+id+"/versions", &versions)
			if len(versions.Items) != kept || kept > 0 && versions.Items[0].Current {
				t.Errorf("versions %+v, want %d, not current", versions.Items, kept)
			}
			if n := s.items("C#" + id + "#"); n != items {
				t.Errorf("%d items of the good version remain, want %d: its clauses, summary and version item", n, items)
			}
		})
	}
}

// A policy of 3,000 clauses is stored completely and served.
func TestPolicyOfThreeThousandClauses(t *testing.T) {
	s := newSystem(t, options{})
	const key = "big/policy.txt"
	data := policyText("large policy", 3000)
	want := s.analysis("policy.txt", data)
	if len(want.Clauses) < 3000 {
		t.Fatalf("the generated policy has %d clauses; the test needs 3,000", len(want.Clauses))
	}
	s.put(key, data)
	start := time.Now()
	s.drain()
	t.Logf("ingested %d clauses (%d bytes, %d items) in %v (moto_server)", len(want.Clauses), len(data), itemsOf(want), time.Since(start))
	id := s3event.PolicyID(s.res.Bucket, key)
	var p policyDoc
	s.mustGet("/policies/"+id, &p)
	if p.Status != "READY" || p.Clauses != len(want.Clauses) {
		t.Fatalf("policy = %+v, want READY with %d clauses", p, len(want.Clauses))
	}
	// Every clause and label entry is stored, once. (Keys only: the
	// emulator is slow to return whole items.)
	keys := s.partitionKeys(id)
	clauses, entries := 0, 0
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "O#"):
			clauses++
			if want := fmt.Sprintf("O#%06d", clauses); k != want {
				t.Fatalf("clause key %q, want %q", k, want)
			}
		case k < "O#":
			entries++
		}
	}
	if _, wantEntries := store.ItemsOf(want); clauses != len(want.Clauses) || entries != wantEntries {
		t.Errorf("stored %d clauses and %d index entries, want %d items for %d clauses", clauses, entries, itemsOf(want), len(want.Clauses))
	}
	var page clauseListDoc
	s.mustGet("/policies/"+id+"/clauses?limit=100", &page)
	if len(page.Items) != 100 || page.Items[99].Text != want.Clauses[99].Text || page.NextCursor == "" {
		t.Errorf("first page has %d clauses, cursor %q; want the first 100 and a cursor", len(page.Items), page.NextCursor)
	}
}

// partitionKeys returns the sort keys of a policy's current clause
// partition, in order.
func (s *system) partitionKeys(id string) []string {
	s.t.Helper()
	snap, err := s.store.Snapshot(context.Background(), id)
	if err != nil || snap == nil {
		s.t.Fatalf("snapshot of %s: %v %v", id, snap, err)
	}
	p := dynamodb.NewQueryPaginator(s.db, &dynamodb.QueryInput{
		TableName:                 aws.String(s.res.Table),
		KeyConditionExpression:    aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: "C#" + id + "#" + snap.Gen}},
		ProjectionExpression:      aws.String("sk"),
		ConsistentRead:            aws.Bool(true),
	})
	var out []string
	for p.HasMorePages() {
		page, err := p.NextPage(context.Background())
		if err != nil {
			s.t.Fatal(err)
		}
		for _, it := range page.Items {
			out = append(out, it["sk"].(*types.AttributeValueMemberS).Value)
		}
	}
	return out
}

// throttler makes DynamoDB refuse every batch write of one policy's
// clauses, as a throttled table does, until it is turned off.
type throttler struct {
	store.DB
	id  string
	off *atomic.Bool
}

func (th throttler) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	for _, reqs := range in.RequestItems {
		for _, r := range reqs {
			if !th.off.Load() && r.PutRequest != nil && strings.HasPrefix(r.PutRequest.Item["pk"].(*types.AttributeValueMemberS).Value, "C#"+th.id+"#") {
				return nil, &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate of requests exceeds the allowed throughput."}
			}
		}
	}
	return th.DB.BatchWriteItem(ctx, in, opts...)
}

// A throttled table fails only the message it affects; SQS delivers it
// again, and on its last delivery the policy is marked FAILED before the
// message moves to the dead-letter queue. Moved back (the operations
// guide's redrive), the message is processed once and the policy is READY.
func TestThrottlingFailsOnlyAffectedMessage(t *testing.T) {
	const slowKey, fastKey = "throttle/slow.txt", "throttle/fast.txt"
	var healed atomic.Bool
	s := newSystem(t, options{
		visibility: time.Second,
		db: func(db store.DB, bucket string) store.DB {
			return throttler{DB: db, id: s3event.PolicyID(bucket, slowKey), off: &healed}
		},
	})
	s.store.Retry = store.Backoff{Base: time.Millisecond, Max: 5 * time.Millisecond, Attempts: 3}
	s.put(slowKey, policyText("throttled", 4))
	s.put(fastKey, policyText("not throttled", 4))
	msgs := s.receiveS3()
	if len(msgs) != 2 {
		t.Fatalf("%d notifications, want 2", len(msgs))
	}
	failed := s.handle(msgs...)
	if !slices.Equal(failed, []string{msgs[0].MessageId}) {
		t.Fatalf("failed messages = %v, want only %s", failed, msgs[0].MessageId)
	}
	var p policyDoc
	s.mustGet("/policies/"+s3event.PolicyID(s.res.Bucket, fastKey), &p)
	if p.Status != "READY" {
		t.Errorf("unaffected policy is %s, want READY", p.Status)
	}
	slowID := s3event.PolicyID(s.res.Bucket, slowKey)
	s.mustGet("/policies/"+slowID, &p)
	if p.Status != "PROCESSING" {
		t.Errorf("throttled policy is %s, want PROCESSING until a delivery succeeds or the last one fails", p.Status)
	}

	// Through the queue: each failed delivery comes back after the
	// visibility timeout, until the redrive policy moves it to the DLQ.
	s.put(slowKey, policyText("throttled again", 4))
	p2 := eventsource.New(s.sqs, s.res.QueueURL, s.res.QueueARN, s.region, s.ingest.HandleSQS, nil)
	p2.Wait = time.Second
	deadline := time.Now().Add(time.Minute)
	for s.queueDepth(s.res.DLQURL) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the failing message did not reach the dead-letter queue within a minute")
		}
		if _, err := p2.PollOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.logRecordsWith(slowKey, "outcome", "error")); n < topology.MaxReceiveCount-1 {
		t.Errorf("%d failed attempts logged before the DLQ, want %d", n, topology.MaxReceiveCount-1)
	}
	s.mustGet("/policies/"+slowID, &p)
	want := fmt.Sprintf("could not be processed after %d attempts: throttled", topology.MaxReceiveCount)
	if p.Status != "FAILED" || !strings.HasPrefix(p.Reason, want) {
		t.Errorf("policy in the DLQ: %s %q, want FAILED with a reason starting %q", p.Status, p.Reason, want)
	}

	// The table recovers; the operator moves the message back.
	healed.Store(true)
	readyBefore := len(s.logRecordsWith(slowKey, "outcome", "ready"))
	moved, err := eventsource.Redrive(context.Background(), s.sqs, s.res.DLQURL, s.res.QueueURL)
	if err != nil || moved != 1 {
		t.Fatalf("redrive moved %d messages, %v; want 1", moved, err)
	}
	s.drain()
	if n := s.queueDepth(s.res.DLQURL) + s.queueDepth(s.res.QueueURL); n != 0 {
		t.Errorf("%d messages left in the queues after the redrive", n)
	}
	if n := len(s.logRecordsWith(slowKey, "outcome", "ready")) - readyBefore; n != 1 {
		t.Errorf("the redriven message was processed to READY %d times, want once", n)
	}
	var after policyDoc
	s.mustGet("/policies/"+slowID, &after)
	if want := s.analysis("slow.txt", policyText("throttled again", 4)); after.Status != "READY" || after.Reason != "" || after.Clauses != len(want.Clauses) {
		t.Errorf("policy after the redrive: %+v, want READY with %d clauses", after, len(want.Clauses))
	}
}

// queueDepth returns how many messages wait in a queue.
func (s *system) queueDepth(queueURL string) int {
	s.t.Helper()
	out, err := s.sqs.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{
		QueueUrl:       aws.String(queueURL),
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages},
	})
	if err != nil {
		s.t.Fatal(err)
	}
	n, _ := strconv.Atoi(out.Attributes[string(sqstypes.QueueAttributeNameApproximateNumberOfMessages)])
	return n
}

func (s *system) logRecordsWith(key, attr, value string) []map[string]any {
	var out []map[string]any
	for _, r := range s.logRecords(key) {
		if r[attr] == value {
			out = append(out, r)
		}
	}
	return out
}

// A message that is not an S3 event is logged and acknowledged, never
// delivered again; the others of its batch are processed.
func TestMalformedMessageIsAcknowledged(t *testing.T) {
	s := newSystem(t, options{})
	s.put("ok/policy.txt", policyText("fine", 2))
	msgs := s.receiveS3()
	bad := events.SQSMessage{MessageId: "not-an-event", Body: "this is not JSON", EventSource: "aws:sqs"}
	if failed := s.handle(bad, msgs[0]); len(failed) != 0 {
		t.Errorf("failed messages = %v, want none", failed)
	}
	var p policyDoc
	s.mustGet("/policies/"+s3event.PolicyID(s.res.Bucket, "ok/policy.txt"), &p)
	if p.Status != "READY" {
		t.Errorf("the good message's policy is %s, want READY", p.Status)
	}
	if !strings.Contains(s.logs.String(), `"outcome":"malformed"`) {
		t.Errorf("the malformed message was not logged:\n%s", s.logs.String())
	}
}

// A notification for an object that has been overwritten since is not
// analysed: the object S3 now holds is the newer upload's, whose own
// notification follows.
func TestOverwrittenObjectIsLeftToItsNewerNotification(t *testing.T) {
	s := newSystem(t, options{})
	const key = "over/policy.txt"
	v1, v2 := policyText("first upload", 4), policyText("second upload", 2)
	s.put(key, v1)
	s.put(key, v2)
	msgs := s.receiveS3()
	if len(msgs) != 2 {
		t.Fatalf("%d notifications, want 2", len(msgs))
	}
	if f := s.handle(msgs[0]); len(f) != 0 {
		t.Fatalf("first notification failed: %v", f)
	}
	id := s3event.PolicyID(s.res.Bucket, key)
	if n := s.items("P#" + id); n != 0 {
		t.Errorf("the first notification stored a policy for content it never saw")
	}
	if f := s.handle(msgs[1]); len(f) != 0 {
		t.Fatalf("second notification failed: %v", f)
	}
	if got, want := texts(s.allClauses(id, "", 100)), wantTexts(s.analysis("policy.txt", v2)); !slices.Equal(got, want) {
		t.Errorf("clauses %q, want the second upload's %q", got, want)
	}
	if outs := s.outcomes(key); !slices.Equal(outs, []string{"superseded", "ready"}) {
		t.Errorf("logged outcomes %v, want [superseded ready]", outs)
	}
}
