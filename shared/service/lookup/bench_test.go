package lookup

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
)

// pageStore answers every read with a full page of realistic items from
// memory, so that a benchmark measures the handler alone: routing,
// validation, cursors and JSON.
type pageStore struct {
	policy  store.Policy
	clauses []store.Clause
	byLabel []store.LabelClause
	listing []store.Policy
}

func newPageStore(n int) *pageStore {
	text := strings.Repeat("We keep your order history for as long as tax law requires, then delete it. ", 5)
	scores := map[string]float64{}
	for _, l := range labels.All {
		scores[l.Name] = 0.01
	}
	scores["Data Retention"] = 0.93
	p := store.Policy{ID: testID, Bucket: "b", Key: "policies/Privacy Policy+2025.txt", Status: policy.Ready, Gen: "00000000000000a1",
		Title: "Northwind Privacy Policy", Clauses: 60, UpdatedAt: "2025-01-01T00:00:00.000000Z",
		LabelCounts: map[string]int{"Data Retention": 4}, Version: "v2", Versions: []store.VersionEntry{
			{Version: "v2", Gen: "00000000000000a1", Received: "2025-01-01T00:00:00.000000Z", Clauses: n},
			{Version: "v1", Gen: "00000000000000a0", Received: "2024-06-01T00:00:00.000000Z", Clauses: n},
		}}
	s := &pageStore{policy: p}
	for i := range n {
		s.clauses = append(s.clauses, store.Clause{Ordinal: i + 1, Heading: []string{"Retention"}, Text: text, Start: i * 400, End: i*400 + 390,
			Labels: []store.LabelScore{{Label: "Data Retention", Score: 0.93}}, Scores: scores, Top: 0.93})
		s.byLabel = append(s.byLabel, store.LabelClause{PolicyID: testID, Gen: "a1", Label: "Data Retention", Ordinal: i + 1,
			Heading: []string{"Retention"}, Text: text, Score: 0.93})
		s.listing = append(s.listing, p)
	}
	return s
}

func (s *pageStore) Policy(ctx context.Context, id string) (*store.Policy, error) {
	if id != s.policy.ID {
		return nil, store.ErrNotFound
	}
	p := s.policy
	return &p, nil
}

func (s *pageStore) Policies(ctx context.Context, q store.PolicyQuery) (store.Page[store.Policy], error) {
	return store.Page[store.Policy]{Items: s.listing[:min(q.Limit, len(s.listing))], Next: "2025-01-01T00:00:00.000000Z#" + testID}, nil
}

func (s *pageStore) Clauses(ctx context.Context, p *store.Policy, gen string, q store.ClauseQuery) (store.Page[store.Clause], error) {
	return store.Page[store.Clause]{Items: s.clauses[:min(q.Limit, len(s.clauses))], Next: "20"}, nil
}

func (s *pageStore) LabelClauses(ctx context.Context, slug string, q store.LabelQuery) (store.Page[store.LabelClause], error) {
	return store.Page[store.LabelClause]{Items: s.byLabel[:min(q.Limit, len(s.byLabel))], Next: "00700#" + testID + "#000020#a1"}, nil
}

func (s *pageStore) ReadVersion(ctx context.Context, id, gen string) (*policy.Analysis, error) {
	a := &policy.Analysis{}
	for _, c := range s.clauses {
		a.Clauses = append(a.Clauses, policy.Clause{Ordinal: c.Ordinal, Heading: c.Heading, Text: c.Text})
	}
	if gen == "00000000000000a1" {
		a.Clauses[len(a.Clauses)/2].Text += " We may change this."
	}
	return a, nil
}

func (s *pageStore) Ping(ctx context.Context) error { return nil }

// BenchmarkHandle serves each sample API Gateway request of events/ (pages
// of 20 items from memory) through the handler, in process:
//
//	go test ./shared/service/lookup -run '^$' -bench Handle -benchmem -cpu 1
func BenchmarkHandle(b *testing.B) {
	h := New(newPageStore(20), StaticKeys([]byte("bench key")), settings.Lookup{Table: "t", MaxPageSize: 100}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	files, err := filepath.Glob(fixture.Path("events", "api-*.json"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no sample requests: %v", err)
	}
	for _, f := range files {
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(fixture.Read(b, "events", filepath.Base(f)), &ev); err != nil {
			b.Fatal(err)
		}
		name := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "api-"), ".json")
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				resp, _ := h.Handle(ctx, ev)
				if resp.StatusCode != 200 {
					b.Fatalf("%s: status %d: %s", name, resp.StatusCode, resp.Body)
				}
			}
		})
	}
}

func (s *pageStore) IndexClauses(ctx context.Context, k store.IndexKey, q store.LabelQuery) (store.Page[store.IndexClause], error) {
	var out []store.IndexClause
	for _, c := range s.clauses[:min(q.Limit, len(s.clauses))] {
		out = append(out, store.IndexClause{PolicyID: testID, Gen: "a1", Score: 0.93, Clause: c})
	}
	return store.Page[store.IndexClause]{Items: out, Next: "00700#" + testID + "#000020#a1"}, nil
}

func (s *pageStore) AttributeCounts(ctx context.Context) (map[string]store.Count, error) {
	return map[string]store.Count{store.CountPolicies: {Policies: 1, Clauses: 1}}, nil
}

func (s *pageStore) Summary(ctx context.Context, p *store.Policy, gen string) (policy.PrivacySummary, bool, error) {
	return policy.PrivacySummary{}, false, nil
}
