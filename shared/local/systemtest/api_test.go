package systemtest_test

// The lookup API on a table filled by the real store: every route, every
// 4xx path, and cursors that are tampered with or reused.

import (
	"bufio"
	"cmp"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/store"
)

// publish stores an analysis of key as ingest does after analysing a file,
// and returns the policy id. The store's clock decides updatedAt.
func (s *system) publish(key string, clauses []policy.Clause) string {
	s.t.Helper()
	ctx := context.Background()
	seq, err := s3event.OrderToken("", s.store.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		s.t.Fatal(err)
	}
	v := s3event.NewVersion(s.res.Bucket, key, "", "", seq)
	res := &policy.Analysis{
		Policy: policy.Summary{Source: key, Format: "text", SHA256: "00", Clauses: len(clauses),
			LabelCounts: map[string]int{}, Versions: policy.Versions{ModelVersion: "test"}},
		Clauses: clauses,
	}
	for _, c := range clauses {
		for _, l := range c.Labels {
			res.Policy.LabelCounts[l.Label]++
		}
	}
	seen, err := s.store.Snapshot(ctx, v.ID)
	if err != nil {
		s.t.Fatal(err)
	}
	c, err := s.store.Begin(ctx, v, seen)
	if err != nil {
		s.t.Fatal(err)
	}
	if err := s.store.WriteClauses(ctx, v, c, res); err != nil {
		s.t.Fatal(err)
	}
	if err := s.store.Finish(ctx, v, c, store.Outcome{Result: res, Bytes: 100}); err != nil {
		s.t.Fatal(err)
	}
	return v.ID
}

// clause builds a classified clause: scores maps label slugs to scores,
// and the labels at or above 0.5 are assigned.
func clause(ordinal int, text string, scores map[string]float64) policy.Clause {
	c := policy.Clause{Ordinal: ordinal, Heading: []string{"Section"}, Text: text, Start: ordinal * 100, End: ordinal*100 + len(text),
		Scores: map[string]float64{}, Labels: []policy.LabelScore{}}
	for _, l := range labels.All {
		c.Scores[l.Name] = scores[l.Slug]
		if scores[l.Slug] >= 0.5 {
			c.Labels = append(c.Labels, policy.LabelScore{Label: l.Name, Score: scores[l.Slug]})
		}
	}
	slices.SortFunc(c.Labels, func(a, b policy.LabelScore) int { return cmp.Compare(b.Score, a.Score) })
	return c
}

// corpus is a few classified policies.
type corpus struct {
	ids     []string // oldest first
	clauses map[string][]policy.Clause
}

func (s *system) fill() corpus {
	s.t.Helper()
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	tick := 0
	s.store.Now = func() time.Time { tick++; return base.Add(time.Duration(tick) * time.Second) }
	c := corpus{clauses: map[string][]policy.Clause{}}
	specs := map[string][]policy.Clause{
		"corpus/alpha.txt": {
			clause(1, "Alpha keeps order records for six years.", map[string]float64{"data-retention": 0.91, "first-party-collection-use": 0.55}),
			clause(2, "Alpha encrypts data at rest.", map[string]float64{"data-security": 0.88}),
			clause(3, "Alpha deletes logs after a year.", map[string]float64{"data-retention": 0.7}),
		},
		"corpus/beta.txt": {
			clause(1, "Beta keeps nothing longer than needed.", map[string]float64{"data-retention": 0.7}),
			clause(2, "Beta may change this policy.", map[string]float64{"policy-change": 0.95}),
			clause(3, "Beta stores backups for 30 days.", map[string]float64{"data-retention": 0.62, "data-security": 0.51}),
			clause(4, "Beta has a privacy officer.", map[string]float64{"privacy-contact-information": 0.8}),
		},
		"corpus/gamma.txt": {
			clause(1, "Gamma retains account data until you close the account.", map[string]float64{"data-retention": 0.99}),
			clause(2, "Gamma keeps invoices as tax law requires.", map[string]float64{"data-retention": 0.5}),
		},
	}
	for _, key := range []string{"corpus/alpha.txt", "corpus/beta.txt", "corpus/gamma.txt"} {
		id := s.publish(key, specs[key])
		c.ids = append(c.ids, id)
		c.clauses[id] = specs[key]
	}
	return c
}

type labelHit struct {
	id      string
	ordinal int
	score   float64
}

// expectLabel lists the clauses of label in c in the documented order:
// highest score first, then policy id, then ordinal.
func (c corpus) expectLabel(name string, minScore float64) []labelHit {
	var out []labelHit
	for id, cs := range c.clauses {
		for _, cl := range cs {
			for _, l := range cl.Labels {
				if l.Label == name && l.Score >= minScore {
					out = append(out, labelHit{id, cl.Ordinal, l.Score})
				}
			}
		}
	}
	slices.SortFunc(out, func(a, b labelHit) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.id, b.id), cmp.Compare(a.ordinal, b.ordinal))
	})
	return out
}

func hits(docs []labelClauseDoc) []labelHit {
	out := make([]labelHit, len(docs))
	for i, d := range docs {
		out[i] = labelHit{d.PolicyID, d.Ordinal, d.Score}
	}
	return out
}

func TestAPIRoutes(t *testing.T) {
	s := newSystem(t, options{})
	c := s.fill()

	t.Run("health", func(t *testing.T) {
		var body map[string]string
		s.mustGet("/health", &body)
		if body["status"] != "ok" {
			t.Errorf("GET /health = %v", body)
		}
	})

	t.Run("labels", func(t *testing.T) {
		var body struct {
			Items []labels.Label `json:"items"`
		}
		s.mustGet("/labels", &body)
		if !slices.Equal(body.Items, labels.All[:]) {
			t.Errorf("GET /labels = %+v, want the 12 labels", body.Items)
		}
	})

	t.Run("policies newest first", func(t *testing.T) {
		var all []string
		cursor := ""
		for {
			var page policyListDoc
			path := "/policies?limit=1"
			if cursor != "" {
				path += "&cursor=" + url.QueryEscape(cursor)
			}
			s.mustGet(path, &page)
			for _, p := range page.Items {
				all = append(all, p.ID)
				if p.Status != "READY" || p.Bucket != s.res.Bucket || p.Key == "" {
					t.Errorf("listed %+v", p)
				}
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
		}
		want := slices.Clone(c.ids)
		slices.Reverse(want)
		if !slices.Equal(all, want) {
			t.Errorf("GET /policies pages = %v, want newest first %v", all, want)
		}
	})

	t.Run("policy", func(t *testing.T) {
		var p policyDoc
		s.mustGet("/policies/"+c.ids[1], &p)
		if p.ID != c.ids[1] || p.Key != "corpus/beta.txt" || p.Status != "READY" || p.Clauses != 4 ||
			p.LabelCounts["Data Retention"] != 2 || p.LabelCounts["Policy Change"] != 1 {
			t.Errorf("GET /policies/%s = %+v", c.ids[1], p)
		}
	})

	t.Run("clauses filtered", func(t *testing.T) {
		id := c.ids[0]
		tests := []struct {
			query string
			want  []int
		}{
			{"", []int{1, 2, 3}},
			{"label=data-retention", []int{1, 3}},
			{"label=Data+Retention", []int{1, 3}},
			{"label=data-retention&minScore=0.8", []int{1}},
			{"minScore=0.8", []int{1, 2}},
			{"label=do-not-track", nil},
		}
		for _, tt := range tests {
			for _, limit := range []int{1, 2, 100} {
				var got []int
				for _, cl := range s.allClauses(id, tt.query, limit) {
					got = append(got, cl.Ordinal)
				}
				if !slices.Equal(got, tt.want) {
					t.Errorf("clauses?%s (limit %d) = %v, want %v", tt.query, limit, got, tt.want)
				}
			}
		}
		var page clauseListDoc
		s.mustGet("/policies/"+id+"/clauses?label=data-retention&limit=1", &page)
		cl := page.Items[0]
		want := c.clauses[id][0]
		if cl.Text != want.Text || len(cl.Labels) != 2 || cl.Labels[0].Slug != "data-retention" ||
			cl.Labels[0].Score != 0.91 || cl.Scores["Data Retention"] != 0.91 || !slices.Equal(cl.Heading, want.Heading) {
			t.Errorf("clause = %+v, want %+v", cl, want)
		}
	})

	t.Run("label clauses", func(t *testing.T) {
		for _, name := range []string{"data-retention", "Data Retention", "DATA-RETENTION"} {
			for _, limit := range []int{1, 2, 3, 50} {
				got := hits(s.allLabelClauses(name, "", limit))
				if want := c.expectLabel("Data Retention", 0); !slices.Equal(got, want) {
					t.Errorf("label %q limit %d = %v, want %v", name, limit, got, want)
				}
			}
		}
		got := hits(s.allLabelClauses("data-retention", "minScore=0.7", 2))
		if want := c.expectLabel("Data Retention", 0.7); !slices.Equal(got, want) {
			t.Errorf("minScore=0.7: %v, want %v", got, want)
		}
		// A name with a slash, percent-encoded in the path.
		var page labelClauseListDoc
		s.mustGet("/labels/"+url.PathEscape("First Party Collection/Use")+"/clauses", &page)
		if page.Label.Slug != "first-party-collection-use" || !slices.Equal(hits(page.Items), c.expectLabel("First Party Collection/Use", 0)) {
			t.Errorf("First Party Collection/Use = %+v", page)
		}
		if page.Items[0].Text != c.clauses[c.ids[0]][0].Text {
			t.Errorf("label clause text %q", page.Items[0].Text)
		}
	})

	t.Run("new version replaces label entries", func(t *testing.T) {
		id := s.publish("corpus/gamma.txt", []policy.Clause{
			clause(1, "Gamma now keeps nothing.", map[string]float64{"data-security": 0.6}),
		})
		c.clauses[id] = []policy.Clause{clause(1, "Gamma now keeps nothing.", map[string]float64{"data-security": 0.6})}
		for _, l := range []string{"Data Retention", "Data Security"} {
			if got, want := hits(s.allLabelClauses(l, "", 2)), c.expectLabel(l, 0); !slices.Equal(got, want) {
				t.Errorf("%s after a new version = %v, want %v", l, got, want)
			}
		}
	})
}

func TestAPIErrors(t *testing.T) {
	s := newSystem(t, options{})
	c := s.fill()
	a, b := c.ids[0], c.ids[1]
	next := func(path string) string {
		t.Helper()
		var page struct {
			NextCursor string `json:"nextCursor"`
		}
		s.mustGet(path, &page)
		if page.NextCursor == "" {
			t.Fatalf("GET %s gave no cursor", path)
		}
		return url.QueryEscape(page.NextCursor)
	}
	polCursor := next("/policies?limit=1")
	labelCursor := next("/labels/data-retention/clauses?limit=1")
	clauseCursor := next("/policies/" + a + "/clauses?limit=1")
	tests := []struct {
		method, path string
		status       int
		param        string
	}{
		{"GET", "/", 404, ""},
		{"GET", "/nothing-here", 404, ""},
		{"GET", "/policies/unknown-policy-000000000000", 404, ""},
		{"GET", "/policies/Not%20An%20Id", 404, ""},
		{"GET", "/policies/" + a + "/elsewhere", 404, ""},
		{"GET", "/policies/unknown-policy-000000000000/clauses", 404, ""},
		{"GET", "/labels/not-a-label/clauses", 404, ""},
		{"POST", "/policies", 405, ""},
		{"DELETE", "/policies/" + a, 405, ""},
		{"PUT", "/labels", 405, ""},
		{"GET", "/policies?limit=0", 400, "limit"},
		{"GET", "/policies?limit=101", 400, "limit"},
		{"GET", "/policies?limit=ten", 400, "limit"},
		{"GET", "/policies?limit=1&limit=2", 400, "limit"},
		{"GET", "/policies?sort=asc", 400, "sort"},
		{"GET", "/health?verbose=1", 400, "verbose"},
		{"GET", "/labels?lang=en", 400, "lang"},
		{"GET", "/policies/" + a + "?expand=clauses", 400, "expand"},
		{"GET", "/policies/" + a + "/clauses?label=nonsense", 400, "label"},
		{"GET", "/policies/" + a + "/clauses?minScore=1.5", 400, "minScore"},
		{"GET", "/policies/" + a + "/clauses?minScore=-0.1", 400, "minScore"},
		{"GET", "/policies/" + a + "/clauses?minScore=NaN", 400, "minScore"},
		{"GET", "/labels/data-retention/clauses?label=data-security", 400, "label"},
		{"GET", "/labels/data-retention/clauses?minScore=high", 400, "minScore"},
		{"GET", "/policies?cursor=garbage", 400, "cursor"},
		{"GET", "/policies?cursor=" + tamper(polCursor), 400, "cursor"},
		{"GET", "/labels/data-retention/clauses?cursor=" + polCursor, 400, "cursor"},
		{"GET", "/labels/data-security/clauses?cursor=" + labelCursor, 400, "cursor"},
		{"GET", "/labels/data-retention/clauses?minScore=0.5&cursor=" + labelCursor, 400, "cursor"},
		{"GET", "/policies/" + b + "/clauses?cursor=" + clauseCursor, 400, "cursor"},
		{"GET", "/policies/" + a + "/clauses?label=data-retention&cursor=" + clauseCursor, 400, "cursor"},
		{"GET", "/policies?cursor=" + forge(polCursor, `"p":"x"`), 400, "cursor"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			var prob problemDoc
			resp := s.do(tt.method, tt.path, &prob)
			checkProblem(t, resp, prob, tt.status, tt.param)
			if tt.status == 405 && resp.Header.Get("Allow") != "GET" {
				t.Errorf("Allow = %q, want GET", resp.Header.Get("Allow"))
			}
		})
	}

	// Percent-encoding as API Gateway passes it on: %2F stays inside its
	// segment, and a malformed escape is the client's error, in
	// problem+json like every other.
	for _, tt := range []struct {
		target string
		status int
	}{
		{"/policies/" + a + "%2Fclauses", 404},
		{"/policies/%zz", 400},
		{"/policies/" + a + "/clauses%", 400},
		{"/labels/data%2retention/clauses", 400},
	} {
		t.Run("raw "+tt.target, func(t *testing.T) {
			resp := rawRequest(t, s.api.Listener.Addr().String(), tt.target)
			var prob problemDoc
			if err := json.NewDecoder(resp.Body).Decode(&prob); err != nil {
				t.Fatalf("%s: body is not JSON: %v", resp.Status, err)
			}
			checkProblem(t, resp, prob, tt.status, "")
			if tt.status == 400 && !strings.Contains(prob.Detail, "percent-encoding") {
				t.Errorf("detail %q does not say what is wrong", prob.Detail)
			}
		})
	}

	t.Run("policy re-analysed between pages", func(t *testing.T) {
		cur := next("/policies/" + b + "/clauses?limit=2")
		s.publish("corpus/beta.txt", []policy.Clause{clause(1, "Beta, shorter.", nil)})
		var prob problemDoc
		resp := s.get("/policies/"+b+"/clauses?limit=2&cursor="+cur, &prob)
		checkProblem(t, resp, prob, 409, "")
	})
}

// rawRequest sends GET target exactly as written (Go's client would refuse
// or correct a malformed escape).
func rawRequest(t *testing.T, addr, target string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, "GET "+target+" HTTP/1.1\r\nHost: local\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func checkProblem(t *testing.T, resp *http.Response, prob problemDoc, status int, param string) {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d (%+v)", resp.StatusCode, status, prob)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type %q", ct)
	}
	if prob.Status != status || prob.Title == "" || prob.Detail == "" ||
		!strings.HasPrefix(prob.Type, "https://github.com/policylens/policylens/blob/main/docs/api.md#") ||
		!strings.HasPrefix(prob.Instance, "/") {
		t.Errorf("problem %+v", prob)
	}
	if prob.Parameter != param {
		t.Errorf("problem names parameter %q, want %q", prob.Parameter, param)
	}
}

// tamper changes one character of the signed part of a cursor.
func tamper(escaped string) string {
	c, _ := url.QueryUnescape(escaped)
	b := []byte(c)
	if b[3] == 'A' {
		b[3] = 'B'
	} else {
		b[3] = 'A'
	}
	return url.QueryEscape(string(b))
}

// forge rewrites the position in a cursor's payload and keeps its tag.
func forge(escaped, replacement string) string {
	c, _ := url.QueryUnescape(escaped)
	payload, tag, _ := strings.Cut(c, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	var m map[string]any
	json.Unmarshal(raw, &m)
	k, v, _ := strings.Cut(replacement, ":")
	var val any
	json.Unmarshal([]byte(v), &val)
	m[strings.Trim(k, `"`)] = val
	raw, _ = json.Marshal(m)
	return url.QueryEscape(base64.RawURLEncoding.EncodeToString(raw) + "." + tag)
}

// API Gateway sends requests matched to a route with the route key and
// decoded path parameters, and puts a named stage in the raw path; the
// handler answers both forms the same.
func TestAPIEventForms(t *testing.T) {
	s := newSystem(t, options{})
	c := s.fill()
	id := c.ids[0]
	forms := []struct {
		name string
		ev   events.APIGatewayV2HTTPRequest
	}{
		{"route key", events.APIGatewayV2HTTPRequest{
			RouteKey: "GET /labels/{label}/clauses", RawPath: "/labels/Data%20Retention/clauses", RawQueryString: "limit=50",
			PathParameters: map[string]string{"label": "Data Retention"},
			RequestContext: events.APIGatewayV2HTTPRequestContext{Stage: "$default", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}},
		}},
		{"default route", events.APIGatewayV2HTTPRequest{
			RouteKey: "$default", RawPath: "/labels/data-retention/clauses", RawQueryString: "limit=50",
			RequestContext: events.APIGatewayV2HTTPRequestContext{Stage: "$default", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}},
		}},
		{"named stage", events.APIGatewayV2HTTPRequest{
			RouteKey: "GET /labels/{label}/clauses", RawPath: "/prod/labels/data-retention/clauses",
			QueryStringParameters: map[string]string{"limit": "50"},
			PathParameters:        map[string]string{"label": "data-retention"},
			RequestContext:        events.APIGatewayV2HTTPRequestContext{Stage: "prod", HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}},
		}},
	}
	want := c.expectLabel("Data Retention", 0)
	for _, f := range forms {
		resp, err := s.lookup.Handle(context.Background(), f.ev)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %d %v %s", f.name, resp.StatusCode, err, resp.Body)
			continue
		}
		var page labelClauseListDoc
		if err := json.Unmarshal([]byte(resp.Body), &page); err != nil {
			t.Fatal(err)
		}
		if got := hits(page.Items); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", f.name, got, want)
		}
	}
	resp, _ := s.lookup.Handle(context.Background(), events.APIGatewayV2HTTPRequest{
		RouteKey: "GET /policies/{id}", RawPath: "/policies/" + id, PathParameters: map[string]string{"id": id},
		RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET"}},
	})
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, fmt.Sprintf("%q", id)) {
		t.Errorf("GET /policies/{id} by route key: %d %s", resp.StatusCode, resp.Body)
	}
}
