package lookup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"gopkg.in/yaml.v3"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
)

// fakeStore answers from memory and records what it was asked.
type fakeStore struct {
	policy   *store.Policy
	err      error
	pingErr  error
	limits   []int
	policyQ  []store.PolicyQuery
	clauseQ  []store.ClauseQuery
	labelQ   []store.LabelQuery
	labelArg []string
	// analyses are the versions ReadVersion returns, by generation.
	analyses     map[string]*policy.Analysis
	versionReads []string
	gens         []string
}

func (f *fakeStore) Policy(ctx context.Context, id string) (*store.Policy, error) {
	if f.err != nil {
		return nil, f.err
	}
	if f.policy == nil || f.policy.ID != id {
		return nil, store.ErrNotFound
	}
	return f.policy, nil
}

func (f *fakeStore) Policies(ctx context.Context, q store.PolicyQuery) (store.Page[store.Policy], error) {
	f.limits = append(f.limits, q.Limit)
	f.policyQ = append(f.policyQ, q)
	if f.err != nil {
		return store.Page[store.Policy]{}, f.err
	}
	return store.Page[store.Policy]{Items: []store.Policy{*f.policy}}, nil
}

func (f *fakeStore) Clauses(ctx context.Context, p *store.Policy, gen string, q store.ClauseQuery) (store.Page[store.Clause], error) {
	f.clauseQ = append(f.clauseQ, q)
	f.gens = append(f.gens, gen)
	return store.Page[store.Clause]{Items: []store.Clause{{Ordinal: 1, Text: "We keep data."}}, Next: "1"}, nil
}

func (f *fakeStore) LabelClauses(ctx context.Context, slug string, q store.LabelQuery) (store.Page[store.LabelClause], error) {
	f.labelArg = append(f.labelArg, slug)
	f.labelQ = append(f.labelQ, q)
	return store.Page[store.LabelClause]{}, f.err
}

func (f *fakeStore) ReadVersion(ctx context.Context, id, gen string) (*policy.Analysis, error) {
	f.versionReads = append(f.versionReads, gen)
	if f.err != nil {
		return nil, f.err
	}
	if a, ok := f.analyses[gen]; ok {
		return a, nil
	}
	return nil, store.ErrGenerationChanged
}

func (f *fakeStore) Ping(ctx context.Context) error { return f.pingErr }

const testID = "policies-privacy-policy-2025-txt-4336eb770257"

func newTestHandler(f *fakeStore, maxPage int) *Handler {
	if f.policy == nil {
		f.policy = &store.Policy{ID: testID, Bucket: "b", Key: "k", Status: policy.Ready, Gen: "a1", UpdatedAt: "2025-01-01T00:00:00.000000Z",
			Version: "v2", Versions: []store.VersionEntry{
				{Version: "v2", Gen: "00000000000000a1", Received: "2025-01-01T00:00:00.000000Z", SHA256: "s2", Clauses: 2, Updated: "2025-01-01",
					ModelVersion: "m2", AttributeModelVersion: "a2", AnalysisVersion: "r2"},
				{Version: "v1", Gen: "00000000000000a0", Received: "2024-06-01T00:00:00.000000Z", SHA256: "s1", Clauses: 1},
			}}
		f.policy.Gen = f.policy.Versions[0].Gen
	}
	if f.analyses == nil {
		f.analyses = map[string]*policy.Analysis{
			"00000000000000a0": {Clauses: []policy.Clause{{Ordinal: 1, Text: "We keep data for a year."}}},
			"00000000000000a1": {Clauses: []policy.Clause{{Ordinal: 1, Text: "We keep data for a year."}, {Ordinal: 2, Text: "We sell nothing."}}},
		}
	}
	return New(f, StaticKeys([]byte("test key")), settings.Lookup{Table: "t", MaxPageSize: maxPage}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
}

func get(h *Handler, rawPath, rawQuery string) events.APIGatewayV2HTTPResponse {
	resp, _ := h.Handle(context.Background(), events.APIGatewayV2HTTPRequest{
		RouteKey: "$default", RawPath: rawPath, RawQueryString: rawQuery,
		RequestContext: events.APIGatewayV2HTTPRequestContext{RequestID: "req-1", Stage: "$default",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: rawPath}},
	})
	return resp
}

// Every sample request in events/ reaches its route.
func TestSampleEvents(t *testing.T) {
	files, err := os.ReadDir(fixture.Path("events"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, f := range files {
		if !strings.HasPrefix(f.Name(), "api-") {
			continue
		}
		b, err := os.ReadFile(fixture.Path("events", f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		var ev events.APIGatewayV2HTTPRequest
		if err := json.Unmarshal(b, &ev); err != nil {
			t.Fatalf("%s: %v", f.Name(), err)
		}
		h := newTestHandler(&fakeStore{}, 0)
		resp, err := h.Handle(context.Background(), ev)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %v %s", f.Name(), resp.StatusCode, err, resp.Body)
		}
		seen[ev.RouteKey] = true
	}
	for _, k := range api.RouteKeys() {
		if !seen[k] {
			t.Errorf("no sample event in events/ for %s", k)
		}
	}
}

func TestLimits(t *testing.T) {
	tests := []struct {
		maxPage   int
		query     string
		wantLimit int
		status    int
	}{
		{0, "", api.DefaultPageSize, 200},
		{0, "limit=100", 100, 200},
		{0, "limit=101", 0, 400},
		{500, "limit=500", 500, 200},
		{10, "", 10, 200},
		{10, "limit=11", 0, 400},
	}
	for _, tt := range tests {
		f := &fakeStore{}
		resp := get(newTestHandler(f, tt.maxPage), "/policies", tt.query)
		if resp.StatusCode != tt.status {
			t.Errorf("max %d, %q: status %d, want %d", tt.maxPage, tt.query, resp.StatusCode, tt.status)
			continue
		}
		if tt.status == 200 && (len(f.limits) != 1 || f.limits[0] != tt.wantLimit) {
			t.Errorf("max %d, %q: store asked for %v, want %d", tt.maxPage, tt.query, f.limits, tt.wantLimit)
		}
	}
}

// Server errors say nothing about internals, and give the request id.
func TestInternalErrors(t *testing.T) {
	secret := "dial tcp 10.0.0.7:443: table arn:aws:dynamodb:eu-west-1:123456789012:table/x"
	h := newTestHandler(&fakeStore{err: errors.New(secret)}, 0)
	for _, path := range []string{"/policies", "/policies/" + testID, "/labels/data-retention/clauses", "/policies/" + testID + "/summary",
		"/attributes", "/attributes/data-retention/retention-period/clauses", "/mentions/region/clauses"} {
		resp := get(h, path, "")
		var p Problem
		json.Unmarshal([]byte(resp.Body), &p)
		if resp.StatusCode != 500 || p.Status != 500 || p.RequestID != "req-1" || strings.Contains(resp.Body, "10.0.0.7") || strings.Contains(resp.Body, "arn:") {
			t.Errorf("GET %s: %d %s", path, resp.StatusCode, resp.Body)
		}
		if resp.Headers["Content-Type"] != "application/problem+json" {
			t.Errorf("GET %s: Content-Type %q", path, resp.Headers["Content-Type"])
		}
	}
	resp := get(newTestHandler(&fakeStore{pingErr: errors.New(secret)}, 0), "/health", "")
	if resp.StatusCode != 503 || strings.Contains(resp.Body, "10.0.0.7") {
		t.Errorf("GET /health with the table unreadable: %d %s", resp.StatusCode, resp.Body)
	}
}

// Filters reach the store in canonical form.
func TestFiltersReachStore(t *testing.T) {
	f := &fakeStore{}
	h := newTestHandler(f, 0)
	if r := get(h, "/policies/"+testID+"/clauses", "label=User+Access%2C+Edit+and+Deletion&minScore=0.25&limit=3"); r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if q := f.clauseQ[0]; q.Label != "user-access-edit-and-deletion" || q.MinScore != 0.25 || q.Limit != 3 || q.After != 0 {
		t.Errorf("clause query %+v", q)
	}
	if r := get(h, "/labels/First%20Party%20Collection%2FUse/clauses", "minScore=0.5"); r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if f.labelArg[0] != "first-party-collection-use" || f.labelQ[0].MinScore != 0.5 {
		t.Errorf("label query %s %+v", f.labelArg[0], f.labelQ[0])
	}
	f.policy = &store.Policy{ID: testID, Status: policy.Ready}
	if r := get(h, "/policies", "regulation=UK+GDPR&limit=5"); r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if q := f.policyQ[0]; q.Regulation != "UK GDPR" || q.Limit != 5 {
		t.Errorf("policy query %+v", q)
	}
	// A name policylens does not report is refused, with the names it does.
	r := get(h, "/policies", "regulation=gdpr")
	var p Problem
	json.Unmarshal([]byte(r.Body), &p)
	if r.StatusCode != 400 || p.Parameter != "regulation" || !strings.Contains(p.Detail, "GDPR, UK GDPR") || len(f.policyQ) != 1 {
		t.Errorf("regulation=gdpr: %d %s (store asked %d times)", r.StatusCode, r.Body, len(f.policyQ))
	}
	// A company in any letter case; an empty one is refused.
	if r := get(h, "/policies", "company=Acme++Labs"); r.StatusCode != 200 {
		t.Fatalf("%d %s", r.StatusCode, r.Body)
	}
	if q := f.policyQ[1]; q.Company != "acme labs" {
		t.Errorf("policy query %+v", q)
	}
	r = get(h, "/policies", "company=%20")
	p = Problem{}
	json.Unmarshal([]byte(r.Body), &p)
	if r.StatusCode != 400 || p.Parameter != "company" || len(f.policyQ) != 2 {
		t.Errorf("company=' ': %d %s", r.StatusCode, r.Body)
	}
}

// The OpenAPI document's regulation names are those the key facts report.
func TestOpenAPIRegulations(t *testing.T) {
	doc := readOpenAPI(t)
	var enum []string
	for _, p := range doc.Paths["/policies"]["get"].Parameters {
		if p.Name == "regulation" {
			enum = p.Schema.Enum
		}
	}
	if want := facts.Regulations(); !slices.Equal(enum, want) {
		t.Errorf("GET /policies documents regulations %q, the key facts report %q", enum, want)
	}
}

// The OpenAPI document's names of the key facts a change report lists are
// those the reports use.
func TestOpenAPIChangedFacts(t *testing.T) {
	b, err := os.ReadFile(fixture.Path("api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	var enums [][]string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if f, ok := v["fact"].(map[string]any); ok {
				var enum []string
				for _, e := range asSlice(f["enum"]) {
					enum = append(enum, fmt.Sprint(e))
				}
				enums = append(enums, enum)
			}
			for _, c := range v {
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(doc)
	if len(enums) != 1 || !slices.Equal(enums[0], changes.FactNames) {
		t.Errorf("the change report's facts are documented as %q, the reports use %q", enums, changes.FactNames)
	}
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func TestCursor(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	key := StaticKeys([]byte("key"))
	c := cursor{Route: "/policies", Scope: "s", Pos: "p", Gen: "g"}
	s := c.encode(ctx, key, now)
	got, err := decodeCursor(ctx, key, s, now.Add(time.Hour))
	if c.Expires = now.Add(CursorLifetime).Unix(); err != nil || got != c {
		t.Fatalf("round trip: %+v %v", got, err)
	}
	if _, err := decodeCursor(ctx, StaticKeys([]byte("another key")), s, now); err == nil {
		t.Error("a cursor signed with another key was accepted")
	}
	if _, err := decodeCursor(ctx, key, s, now.Add(CursorLifetime)); !errors.Is(err, errExpiredCursor) {
		t.Errorf("a cursor past its lifetime: %v, want errExpiredCursor", err)
	}
	for i := range len(s) {
		b := []byte(s)
		b[i] ^= 1
		if got, err := decodeCursor(ctx, key, string(b), now); err == nil && got != c {
			t.Errorf("altered cursor %q accepted as %+v", b, got)
		}
	}
	if _, err := decodeCursor(ctx, key, strings.Repeat("a", 2000), now); err == nil {
		t.Error("an over-long cursor was accepted")
	}
	// Two instances without a secret do not accept each other's cursors.
	if _, err := decodeCursor(ctx, RandomKeys(), c.encode(ctx, RandomKeys(), now), now); err == nil {
		t.Error("random keys agree")
	}
}

// An expired cursor is refused with a 400 that says so.
func TestExpiredCursor(t *testing.T) {
	h := newTestHandler(&fakeStore{}, 0)
	start := time.Now()
	h.now = func() time.Time { return start }
	resp := get(h, "/policies/"+testID+"/clauses", "limit=1")
	var page struct {
		NextCursor string `json:"nextCursor"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &page); err != nil || page.NextCursor == "" {
		t.Fatalf("first page: %s", resp.Body)
	}
	h.now = func() time.Time { return start.Add(CursorLifetime - time.Minute) }
	if resp := get(h, "/policies/"+testID+"/clauses", "limit=1&cursor="+page.NextCursor); resp.StatusCode != 200 {
		t.Errorf("a cursor within its lifetime: %d %s", resp.StatusCode, resp.Body)
	}
	h.now = func() time.Time { return start.Add(CursorLifetime + time.Minute) }
	resp = get(h, "/policies/"+testID+"/clauses", "limit=1&cursor="+page.NextCursor)
	if resp.StatusCode != 400 || !strings.Contains(resp.Body, "expired") || !strings.Contains(resp.Body, `"parameter":"cursor"`) {
		t.Errorf("an expired cursor: %d %s", resp.StatusCode, resp.Body)
	}
}

// openAPI is the part of the OpenAPI document the test compares.
type openAPI struct {
	Paths      map[string]map[string]operation `yaml:"paths"`
	Components struct {
		Parameters map[string]parameter `yaml:"parameters"`
	} `yaml:"components"`
}

type operation struct {
	Parameters []parameter          `yaml:"parameters"`
	Responses  map[string]yaml.Node `yaml:"responses"`
}

type parameter struct {
	Ref    string `yaml:"$ref"`
	Name   string `yaml:"name"`
	In     string `yaml:"in"`
	Schema struct {
		Enum []string `yaml:"enum"`
	} `yaml:"schema"`
}

// readOpenAPI reads api/openapi.yaml.
func readOpenAPI(t *testing.T) openAPI {
	t.Helper()
	b, err := os.ReadFile(fixture.Path("api", "openapi.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	return doc
}

// The OpenAPI document describes exactly the handler's routes, methods and
// parameters.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := readOpenAPI(t)
	documented := map[string]operation{}
	for path, ops := range doc.Paths {
		for method, op := range ops {
			documented[strings.ToUpper(method)+" "+path] = op
		}
	}
	keys := api.RouteKeys()
	if got := slices.Sorted(maps.Keys(documented)); !slices.Equal(got, slices.Sorted(slices.Values(keys))) {
		t.Fatalf("documented operations %v, handler routes %v", got, keys)
	}
	for _, r := range api.Routes() {
		op := documented[r.Method+" "+r.Pattern]
		var query, path []string
		for _, p := range op.Parameters {
			if p.Ref != "" {
				p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			switch p.In {
			case "query":
				query = append(query, p.Name)
			case "path":
				path = append(path, p.Name)
			}
		}
		if !slices.Equal(slices.Sorted(slices.Values(query)), slices.Sorted(slices.Values(r.Query))) {
			t.Errorf("%s %s: documented query parameters %v, handler accepts %v", r.Method, r.Pattern, query, r.Query)
		}
		if !slices.Equal(slices.Sorted(slices.Values(path)), slices.Sorted(slices.Values(paramNames(r.Pattern)))) {
			t.Errorf("%s %s: documented path parameters %v", r.Method, r.Pattern, path)
		}
		for _, code := range []string{"200", "400", "404", "405", "500"} {
			if _, ok := op.Responses[code]; !ok {
				t.Errorf("%s %s: response %s not documented", r.Method, r.Pattern, code)
			}
		}
	}
	if _, ok := documented["GET /policies/{id}/clauses"].Responses["409"]; !ok {
		t.Error("409 of the clause listing not documented")
	}
	if _, ok := documented["GET /health"].Responses["503"]; !ok {
		t.Error("503 of the health check not documented")
	}
}

// Every problem type the handler uses is documented in docs/api.md under
// the anchor its URI names.
func TestProblemTypesDocumented(t *testing.T) {
	b, err := os.ReadFile(fixture.Path("docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	for kind := range problemTitles {
		if !strings.Contains(string(b), `<a id="`+kind+`"></a>`) {
			t.Errorf("docs/api.md has no anchor %q for problem type %s", kind, problemBase+kind)
		}
	}
}

func (f *fakeStore) IndexClauses(ctx context.Context, k store.IndexKey, q store.LabelQuery) (store.Page[store.IndexClause], error) {
	return store.Page[store.IndexClause]{}, f.err
}

func (f *fakeStore) AttributeCounts(ctx context.Context) (map[string]store.Count, error) {
	return nil, f.err
}

func (f *fakeStore) Summary(ctx context.Context, p *store.Policy, gen string) (policy.PrivacySummary, bool, error) {
	return policy.PrivacySummary{}, false, f.err
}

// A policy whose claim has gone StalledAfter without a new attempt (its
// message's last delivery died before it could mark it) shows FAILED with
// a reason that says what to do; a younger claim still shows PROCESSING.
func TestStalledProcessingShowsFailed(t *testing.T) {
	claimed := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	f := &fakeStore{policy: &store.Policy{ID: testID, Status: policy.Processing, UpdatedAt: claimed.Format("2006-01-02T15:04:05.000000Z")}}
	h := newTestHandler(f, 0)
	for _, tt := range []struct {
		after      time.Duration
		status     string
		withReason bool
	}{
		{time.Minute, "PROCESSING", false},
		{StalledAfter - time.Minute, "PROCESSING", false},
		{StalledAfter + time.Minute, "FAILED", true},
	} {
		h.now = func() time.Time { return claimed.Add(tt.after) }
		for _, path := range []string{"/policies/" + testID, "/policies"} {
			resp := get(h, path, "")
			var v struct {
				Status string `json:"status"`
				Reason string `json:"reason"`
				Items  []struct {
					Status string `json:"status"`
					Reason string `json:"reason"`
				} `json:"items"`
			}
			if err := json.Unmarshal([]byte(resp.Body), &v); err != nil {
				t.Fatalf("%s: %s", path, resp.Body)
			}
			if len(v.Items) == 1 {
				v.Status, v.Reason = v.Items[0].Status, v.Items[0].Reason
			}
			if v.Status != tt.status || (v.Reason != "") != tt.withReason || tt.withReason && !strings.Contains(v.Reason, "dead-letter queue") {
				t.Errorf("%s %v after the claim: status %q reason %q, want %s", path, tt.after, v.Status, v.Reason, tt.status)
			}
		}
	}
}
