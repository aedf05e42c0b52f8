package lookup

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/store"
)

// decode decodes a response body, failing the test on a status other than
// want.
func decode[T any](t *testing.T, body string, status, want int) T {
	t.Helper()
	var v T
	if status != want {
		t.Fatalf("status %d, want %d: %s", status, want, body)
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatalf("body %s: %v", body, err)
	}
	return v
}

func TestVersionsListing(t *testing.T) {
	f := &fakeStore{}
	h := newTestHandler(f, 0)
	resp := get(h, "/policies/"+testID+"/versions", "")
	list := decode[struct {
		PolicyID string `json:"policyId"`
		Items    []struct {
			Version, Status, Received, SHA256 string
			Clauses                           int
			Updated                           *string
			Current                           bool
			ModelVersion                      string `json:"modelVersion"`
			AttributeModelVersion             string `json:"attributeModelVersion"`
			AnalysisVersion                   string `json:"analysisVersion"`
		}
		NextCursor string
	}](t, resp.Body, resp.StatusCode, 200)
	if it := list.Items[0]; it.ModelVersion != "m2" || it.AttributeModelVersion != "a2" || it.AnalysisVersion != "r2" {
		t.Errorf("newest version's models and rules %q %q %q, want m2 a2 r2", it.ModelVersion, it.AttributeModelVersion, it.AnalysisVersion)
	}
	if strings.Contains(resp.Body, `"analysisVersion":""`) {
		t.Errorf("a version without named rules shows an empty analysisVersion: %s", resp.Body)
	}
	if len(list.Items) != 2 || list.Items[0].Version != "v2" || !list.Items[0].Current || list.Items[1].Current ||
		list.Items[0].Status != "READY" || *list.Items[0].Updated != "2025-01-01" || list.Items[1].Updated != nil ||
		list.Items[1].SHA256 != "s1" || list.Items[1].Clauses != 1 || list.NextCursor != "" {
		t.Errorf("versions %+v", list)
	}
	if !strings.Contains(resp.Body, `"updated":null`) {
		t.Errorf("a version without a date has updated null: %s", resp.Body)
	}
	// One at a time.
	var seen []string
	cursor := ""
	for range 3 {
		q := url.Values{"limit": {"1"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := get(h, "/policies/"+testID+"/versions", q.Encode())
		page := decode[struct {
			Items []struct {
				Version string
			}
			NextCursor string
		}](t, r.Body, r.StatusCode, 200)
		for _, it := range page.Items {
			seen = append(seen, it.Version)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	if !slices.Equal(seen, []string{"v2", "v1"}) {
		t.Errorf("paged versions %v", seen)
	}
	// The version a page ended at left the history.
	first := decode[struct{ NextCursor string }](t, get(h, "/policies/"+testID+"/versions", "limit=1").Body, 200, 200)
	f.policy.Versions = f.policy.Versions[1:]
	if r := get(h, "/policies/"+testID+"/versions", url.Values{"limit": {"1"}, "cursor": {first.NextCursor}}.Encode()); r.StatusCode != 409 {
		t.Errorf("next page after its version left: %d %s", r.StatusCode, r.Body)
	}
}

type reportDoc struct {
	Policy  string
	From    *string
	To      string
	Summary struct{ Added, Removed, Modified, Moved, Unchanged int }
	Labels  []any
	Facts   []any
	Clauses []struct {
		Change string
		After  *struct{ Text string }
	}
	NextCursor string
}

func TestChangesRoute(t *testing.T) {
	f := &fakeStore{}
	h := newTestHandler(f, 0)
	path := "/policies/" + testID + "/changes"
	r := get(h, path, "")
	rep := decode[reportDoc](t, r.Body, r.StatusCode, 200)
	if rep.Policy != testID || rep.From == nil || *rep.From != "v1" || rep.To != "v2" || rep.Summary.Added != 1 || rep.Summary.Unchanged != 1 ||
		len(rep.Clauses) != 1 || rep.Clauses[0].Change != "added" || rep.Clauses[0].After.Text != "We sell nothing." || rep.Labels == nil || rep.Facts == nil {
		t.Errorf("default report %+v", rep)
	}
	r = get(h, path, "from=v2&to=v1")
	if rep := decode[reportDoc](t, r.Body, r.StatusCode, 200); rep.Summary.Removed != 1 || *rep.From != "v2" || rep.To != "v1" {
		t.Errorf("reverse report %+v", rep)
	}
	// The oldest version has none before it.
	r = get(h, path, "to=v1")
	if rep := decode[reportDoc](t, r.Body, r.StatusCode, 200); rep.From != nil || rep.Summary.Added != 1 || !strings.Contains(r.Body, `"from":null`) {
		t.Errorf("report of the first version %+v", rep)
	}
	for _, tt := range []struct {
		query  string
		status int
		param  string
	}{
		{"to=v9", 404, ""},
		{"from=v9", 404, ""},
		{"from=", 400, "from"},
		{"to=" + strings.Repeat("v", 1025), 400, "to"},
		{"to=a%00b", 400, "to"},
		{"version=v1", 400, "version"},
	} {
		r := get(h, path, tt.query)
		var p Problem
		json.Unmarshal([]byte(r.Body), &p)
		if r.StatusCode != tt.status || p.Parameter != tt.param || !strings.HasPrefix(r.Headers["Content-Type"], "application/problem+json") {
			t.Errorf("%s: %d %s", tt.query, r.StatusCode, r.Body)
		}
	}
}

func TestChangesPages(t *testing.T) {
	f := &fakeStore{}
	h := newTestHandler(f, 0)
	var before, after []policy.Clause
	for i := range 7 {
		before = append(before, policy.Clause{Ordinal: i + 1, Text: strings.Repeat("word ", i+3) + "end."})
		after = append(after, policy.Clause{Ordinal: i + 1, Text: "A new clause number " + strings.Repeat("x", i+1) + " about nothing at all."})
	}
	f.analyses["00000000000000a0"].Clauses = before
	f.analyses["00000000000000a1"].Clauses = after
	path := "/policies/" + testID + "/changes"
	whole := decode[reportDoc](t, get(h, path, "").Body, 200, 200)
	var got []string
	cursor := ""
	pages := 0
	for {
		q := url.Values{"limit": {"3"}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		r := get(h, path, q.Encode())
		rep := decode[reportDoc](t, r.Body, r.StatusCode, 200)
		pages++
		if len(rep.Clauses) > 3 || rep.Summary != whole.Summary {
			t.Fatalf("page %d: %d clauses, summary %+v", pages, len(rep.Clauses), rep.Summary)
		}
		for _, c := range rep.Clauses {
			got = append(got, c.Change)
		}
		if cursor = rep.NextCursor; cursor == "" {
			break
		}
		if pages == 1 {
			// A cursor continues its own query only.
			if r := get(h, path, url.Values{"limit": {"3"}, "cursor": {cursor}, "to": {"v2"}}.Encode()); r.StatusCode != 400 {
				t.Errorf("cursor with other parameters: %d", r.StatusCode)
			}
			if r := get(h, "/policies/"+testID+"/versions", url.Values{"cursor": {cursor}}.Encode()); r.StatusCode != 400 {
				t.Errorf("cursor on another route: %d", r.StatusCode)
			}
		}
	}
	var want []string
	for _, c := range whole.Clauses {
		want = append(want, c.Change)
	}
	if !slices.Equal(got, want) || len(want) != 14 || pages != 5 {
		t.Errorf("paged clause changes %v in %d pages, want %v", got, pages, want)
	}
	// The report was computed once: the pages came from the cache.
	if n := len(f.versionReads); n != 2 {
		t.Errorf("%d versions read for one report and its pages", n)
	}
	// A new version arrived between two pages: the cursor still compares
	// the versions it started with.
	first := decode[reportDoc](t, get(h, path, "limit=3").Body, 200, 200)
	f.policy.Versions = append([]store.VersionEntry{{Version: "v3", Gen: "00000000000000a2"}}, f.policy.Versions...)
	r := get(h, path, url.Values{"limit": {"3"}, "cursor": {first.NextCursor}}.Encode())
	if rep := decode[reportDoc](t, r.Body, r.StatusCode, 200); rep.To != "v2" || *rep.From != "v1" {
		t.Errorf("later page after a new version compares %v to %s", *rep.From, rep.To)
	}
	// One of them left the history.
	f.policy.Versions = f.policy.Versions[:2]
	if r := get(h, path, url.Values{"limit": {"3"}, "cursor": {first.NextCursor}}.Encode()); r.StatusCode != 409 {
		t.Errorf("later page after a version left: %d %s", r.StatusCode, r.Body)
	}
}

func TestChangesWithoutVersions(t *testing.T) {
	f := &fakeStore{policy: &store.Policy{ID: testID, Status: policy.Processing, UpdatedAt: "2025-01-01T00:00:00.000000Z"}}
	h := newTestHandler(f, 0)
	if r := get(h, "/policies/"+testID+"/changes", ""); r.StatusCode != 404 {
		t.Errorf("changes of a policy without versions: %d %s", r.StatusCode, r.Body)
	}
	r := get(h, "/policies/"+testID+"/versions", "")
	if list := decode[struct{ Items []any }](t, r.Body, r.StatusCode, 200); list.Items == nil || len(list.Items) != 0 {
		t.Errorf("versions of a policy without versions: %s", r.Body)
	}
}

func TestClausesOfAVersion(t *testing.T) {
	f := &fakeStore{}
	h := newTestHandler(f, 0)
	path := "/policies/" + testID + "/clauses"
	r := get(h, path, "version=v1&limit=1")
	page := decode[struct {
		Version    string
		NextCursor string
	}](t, r.Body, r.StatusCode, 200)
	if page.Version != "v1" || f.gens[0] != "00000000000000a0" {
		t.Errorf("listing of v1: version %q, generation read %v", page.Version, f.gens)
	}
	r = get(h, path, "limit=1")
	if cur := decode[struct{ Version string }](t, r.Body, r.StatusCode, 200); cur.Version != "v2" || f.gens[1] != f.policy.Gen {
		t.Errorf("listing of the current version: %q, generation read %v", cur.Version, f.gens)
	}
	if r := get(h, path, "version=v9"); r.StatusCode != 404 {
		t.Errorf("unknown version: %d", r.StatusCode)
	}
	// The cursor of v1's listing continues v1 only.
	if r := get(h, path, url.Values{"limit": {"1"}, "cursor": {page.NextCursor}}.Encode()); r.StatusCode != 400 {
		t.Errorf("v1's cursor without version: %d", r.StatusCode)
	}
	if r := get(h, path, url.Values{"limit": {"1"}, "cursor": {page.NextCursor}, "version": {"v1"}}.Encode()); r.StatusCode != 200 {
		t.Errorf("v1's next page: %d %s", r.StatusCode, r.Body)
	}
	f.policy.Versions = f.policy.Versions[:1]
	if r := get(h, path, url.Values{"limit": {"1"}, "cursor": {page.NextCursor}, "version": {"v1"}}.Encode()); r.StatusCode != 409 {
		t.Errorf("v1's next page after it left the history: %d %s", r.StatusCode, r.Body)
	}
}
