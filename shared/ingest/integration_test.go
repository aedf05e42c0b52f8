package ingest_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/policylens/policylens/shared/store"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "aws", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A policy uploaded under a key with a space and a plus is analysed and
// served exactly as the analyser sees it.
func TestUploadIsAnalysedAndServed(t *testing.T) {
	s := newSystem(t, options{})
	const key = "policies/Northwind Privacy+Policy.md"
	data := readFixture(t, "northwind-privacy.md")
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
	id := store.PolicyID(s.res.Bucket, key)
	var list policyListDoc
	s.mustGet("/policies", &list)
	if len(list.Items) != 1 || list.Items[0].ID != id || list.Items[0].Key != key || list.Items[0].Bucket != s.res.Bucket || list.Items[0].Status != "READY" {
		t.Fatalf("GET /policies = %+v, want one READY policy %s for s3://%s/%s", list.Items, id, s.res.Bucket, key)
	}
	var p policyDoc
	s.mustGet("/policies/"+url.PathEscape(id), &p)
	if p.Clauses != len(want.Clauses) || p.SHA256 != want.Policy.SHA256 || p.Bytes != int64(len(data)) {
		t.Errorf("policy = %+v, want %d clauses, sha256 %s, %d bytes", p, len(want.Clauses), want.Policy.SHA256, len(data))
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
