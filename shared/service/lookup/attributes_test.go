package lookup

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/motoserver"
	"github.com/policylens/policylens/shared/local/provision"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
)

// attrFixture is a table on moto_server holding two policies whose clauses
// state attributes and mentions, with a handler reading it.
type attrFixture struct {
	h        *Handler
	st       *store.Store
	a, b     string // policy ids
	aOld     string // the version id of a's first version
	analyses map[string]*policy.Analysis
}

func at(cat, attr, value string, score float64) policy.Attribute {
	return policy.Attribute{Category: cat, Attribute: attr, Value: value, Score: score, Spans: []policy.Span{{Start: 0, End: 2}}}
}

func analysisOf(tag string, clauses ...[]policy.Attribute) *policy.Analysis {
	a := &policy.Analysis{Policy: policy.Summary{Format: "text", SHA256: tag, Clauses: len(clauses), LabelCounts: map[string]int{},
		Facts: policy.Facts{Emails: []string{}, URLs: []string{}, Regulations: []string{}}}}
	for i, attrs := range clauses {
		c := policy.Clause{Ordinal: i + 1, Heading: []string{"Sharing"}, Text: fmt.Sprintf("%s clause %d", tag, i+1),
			Labels: []policy.LabelScore{}, Scores: map[string]float64{}, Attributes: attrs}
		a.Clauses = append(a.Clauses, c)
	}
	a.Privacy = policy.PrivacySummary{ThirdParties: []policy.SummaryItem{{Value: tag, Source: "mention", Kind: policy.MentionThirdParty, Score: 1, Clauses: []int{1}, Details: []string{"Location"}}}}
	return a
}

const (
	tps = "Third Party Sharing/Collection"
	pit = "Personal Information Type"
)

func newAttrFixture(t *testing.T) *attrFixture {
	t.Helper()
	motoserver.ForTest(t)
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		t.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg)
	table := "lookup-" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	if err := provision.CreateTable(ctx, db, table); err != nil {
		t.Fatal(err)
	}
	st := store.New(db, table)
	st.Shards = 4
	f := &attrFixture{st: st, analyses: map[string]*policy.Analysis{}}
	put := func(key, seq string, a *policy.Analysis) string {
		tok, err := s3event.OrderToken(seq, "")
		if err != nil {
			t.Fatal(err)
		}
		v := s3event.NewVersion("bucket", key, "", "etag-"+seq, tok)
		seen, err := st.Snapshot(ctx, v.ID)
		if err != nil {
			t.Fatal(err)
		}
		c, err := st.Begin(ctx, v, seen)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.WriteClauses(ctx, v, c, a); err != nil {
			t.Fatal(err)
		}
		if err := st.Finish(ctx, v, c, store.Outcome{Result: a}); err != nil {
			t.Fatal(err)
		}
		f.analyses[c.Gen] = a
		return v.ID
	}
	old := analysisOf("a0", []policy.Attribute{at(tps, pit, "Health", 0.9)})
	f.a = put("a.txt", "a0", old)
	p, err := st.Policy(ctx, f.a)
	if err != nil {
		t.Fatal(err)
	}
	f.aOld = p.Version
	a := analysisOf("a1",
		[]policy.Attribute{at(tps, pit, "Location", 0.8), at(tps, "Purpose", "Advertising", 0.7)},
		[]policy.Attribute{at(tps, pit, "Contact", 0.6)})
	a.Clauses[0].Mentions = []policy.Mention{{Kind: policy.MentionThirdParty, Value: "Google Analytics", Span: policy.Span{Start: 3, End: 19}},
		{Kind: policy.MentionOptOut, Value: "https://www.example.org/choices/", Span: policy.Span{Start: 20, End: 52}}}
	put("a.txt", "a1", a)
	// b's clause says it does not share contact details: it is not found
	// by them, nor counted for them.
	denied := at(tps, pit, "Contact", 0.95)
	denied.Denied = true
	b := analysisOf("b1", []policy.Attribute{at(tps, pit, "Location", 0.9), denied})
	b.Clauses[0].Mentions = []policy.Mention{{Kind: policy.MentionThirdParty, Value: "google analytics", Span: policy.Span{Start: 0, End: 16}},
		{Kind: policy.MentionAge, Value: "under 13", Span: policy.Span{Start: 20, End: 28}},
		{Kind: policy.MentionRecipient, Value: "third-party service providers", Span: policy.Span{Start: 30, End: 59}},
		{Kind: policy.MentionOptOut, Value: "example.org/choices", Span: policy.Span{Start: 60, End: 79}},
		{Kind: policy.MentionOptOut, Value: "https://example.org/choices/ads", Span: policy.Span{Start: 80, End: 110}}}
	f.b = put("b.txt", "b1", b)
	f.h = New(st, StaticKeys([]byte("test key")), settings.Lookup{Table: table, MaxPageSize: 50}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	return f
}

type attrClauseDoc struct {
	Category   nameRef  `json:"category"`
	Attribute  nameRef  `json:"attribute"`
	Value      *nameRef `json:"value"`
	Items      []indexClauseView
	NextCursor string `json:"nextCursor"`
}

func (d attrClauseDoc) hits() []string {
	var out []string
	for _, c := range d.Items {
		var vals []string
		for _, a := range c.Attributes {
			vals = append(vals, a.Value)
		}
		out = append(out, fmt.Sprintf("%s %g %s", c.Text, c.Score, strings.Join(vals, "+")))
	}
	return out
}

func TestAttributeRoutes(t *testing.T) {
	f := newAttrFixture(t)
	h := f.h

	// The vocabulary, counted over the current versions: a's first
	// version (Health) no longer counts.
	voc := decode[vocabularyView](t, get(h, "/attributes", "").Body, get(h, "/attributes", "").StatusCode, 200)
	if voc.Policies != 2 || voc.Clauses != 3 {
		t.Errorf("vocabulary counts %d policies, %d clauses; want 2, 3", voc.Policies, voc.Clauses)
	}
	counted := map[string]countView{}
	cats := 0
	for _, c := range voc.Categories {
		cats++
		if _, ok := labelOf(c.Name); !ok {
			t.Errorf("category %q is not a label", c.Name)
		}
		for _, a := range c.Attributes {
			counted[c.Name+" > "+a.Name] = a.countView
			for _, v := range a.Values {
				if v.Policies > 0 || v.Clauses > 0 {
					counted[c.Name+" > "+a.Name+" > "+v.Name] = v.countView
				}
			}
		}
	}
	if cats != 9 {
		t.Errorf("%d categories with attributes, want 9", cats)
	}
	wantCounts := map[string]countView{
		tps + " > " + pit + " > Location": {2, 2},
		tps + " > " + pit + " > Contact":  {1, 1},
		tps + " > Purpose > Advertising":  {1, 1},
	}
	for k, want := range wantCounts {
		if counted[k] != want {
			t.Errorf("%s counted %+v, want %+v", k, counted[k], want)
		}
	}
	if got := counted[tps+" > "+pit]; got != (countView{2, 3}) {
		t.Errorf("%s > %s counted %+v, want {2 3}", tps, pit, got)
	}
	if _, ok := counted[tps+" > "+pit+" > Health"]; ok {
		t.Error("a value only a replaced version states is counted")
	}
	for _, k := range voc.MentionKinds {
		want := map[string]countView{policy.MentionThirdParty: {2, 2}, policy.MentionAge: {1, 1}, policy.MentionRecipient: {1, 1}, policy.MentionOptOut: {2, 2}}[k.Name]
		if k.countView != want {
			t.Errorf("mention kind %s counted %+v, want %+v", k.Name, k.countView, want)
		}
	}

	// One value, by slug and by exact names; any value; a minimum score.
	bySlug := "/attributes/third-party-sharing-collection/personal-information-type/clauses"
	byName := "/attributes/" + url.PathEscape(tps) + "/" + url.PathEscape(pit) + "/clauses"
	upper := "/attributes/" + url.PathEscape(strings.ToUpper(tps)) + "/" + url.PathEscape(strings.ToLower(pit)) + "/clauses"
	for _, c := range []struct{ path, query string }{{bySlug, "value=location"}, {byName, "value=Location"}, {upper, "value=LOCATION"}} {
		r := get(h, c.path, c.query)
		d := decode[attrClauseDoc](t, r.Body, r.StatusCode, 200)
		if got, want := d.hits(), []string{"b1 clause 1 0.9 Location", "a1 clause 1 0.8 Location"}; !slices.Equal(got, want) {
			t.Errorf("%s?%s: %q, want %q", c.path, c.query, got, want)
		}
		if d.Value == nil || d.Value.Name != "Location" || d.Category.Slug != "third-party-sharing-collection" || d.Attribute.Name != pit {
			t.Errorf("%s?%s names %+v %+v %+v", c.path, c.query, d.Category, d.Attribute, d.Value)
		}
		if sp := d.Items[0].Attributes[0].Spans; !reflect.DeepEqual(sp, []policy.Span{{Start: 0, End: 2}}) {
			t.Errorf("spans %v", sp)
		}
	}
	r := get(h, bySlug, "")
	if got, want := decode[attrClauseDoc](t, r.Body, r.StatusCode, 200).hits(),
		[]string{"b1 clause 1 0.9 Location", "a1 clause 1 0.8 Location", "a1 clause 2 0.6 Contact"}; !slices.Equal(got, want) {
		t.Errorf("any value: %q, want %q", got, want)
	}
	r = get(h, bySlug, "minScore=0.85")
	if got, want := decode[attrClauseDoc](t, r.Body, r.StatusCode, 200).hits(), []string{"b1 clause 1 0.9 Location"}; !slices.Equal(got, want) {
		t.Errorf("minScore 0.85: %q, want %q", got, want)
	}
	// The clauses that deny a value, with the denied value alone.
	for _, q := range []string{"value=contact&denied=true", "denied=true"} {
		r = get(h, bySlug, q)
		d := decode[attrClauseDoc](t, r.Body, r.StatusCode, 200)
		if got, want := d.hits(), []string{"b1 clause 1 0.95 Contact"}; !slices.Equal(got, want) || !d.Items[0].Attributes[0].Denied {
			t.Errorf("%s: %q (denied %+v), want %q, marked", q, got, d.Items[0].Attributes, want)
		}
	}
	r = get(h, bySlug, "value=contact&denied=false")
	if got, want := decode[attrClauseDoc](t, r.Body, r.StatusCode, 200).hits(), []string{"a1 clause 2 0.6 Contact"}; !slices.Equal(got, want) {
		t.Errorf("denied=false: %q, want %q", got, want)
	}

	// Pages follow the cursor; a cursor continues its own query only.
	var paged []string
	q := "limit=1"
	var first string
	for range 10 {
		r := get(h, bySlug, q)
		d := decode[attrClauseDoc](t, r.Body, r.StatusCode, 200)
		paged = append(paged, d.hits()...)
		if d.NextCursor == "" {
			break
		}
		if first == "" {
			first = d.NextCursor
		}
		q = "limit=1&cursor=" + url.QueryEscape(d.NextCursor)
	}
	if len(paged) != 3 {
		t.Errorf("pages of one: %q", paged)
	}
	for _, c := range []struct{ path, query string }{
		{bySlug, "value=location&limit=1&cursor=" + url.QueryEscape(first)},
		{"/attributes/data-retention/retention-period/clauses", "limit=1&cursor=" + url.QueryEscape(first)},
		{"/mentions/named-third-party/clauses", "cursor=" + url.QueryEscape(first)},
		{bySlug, "cursor=" + url.QueryEscape(first[:len(first)-2])},
	} {
		r := get(h, c.path, c.query)
		checkBad(t, r, http.StatusBadRequest, "cursor")
	}

	// Bad input: a clear problem, no listing.
	for _, c := range []struct {
		path, query string
		status      int
		param, says string
	}{
		{"/attributes/no-such-category/purpose/clauses", "", 404, "", "no category"},
		{"/attributes/introductory-generic/purpose/clauses", "", 404, "", "has no attributes"},
		{"/attributes/data-retention/purpose/clauses", "", 404, "", "has no attribute"},
		{bySlug, "value=Telepathy", 400, "value", "not a value"},
		{bySlug, "minScore=2", 400, "minScore", "minScore"},
		{bySlug, "denied=yes", 400, "denied", "true or false"},
		{"/mentions/named-third-party/clauses", "denied=1", 400, "denied", "true or false"},
		{bySlug, "limit=0", 400, "limit", "limit"},
		{bySlug, "label=x", 400, "label", "unknown query parameter"},
		{"/mentions/gossip/clauses", "", 404, "", "no mention kind"},
		{"/mentions/region/clauses", "value=%20%20", 400, "value", "value"},
		{"/mentions/region/clauses", "value=" + strings.Repeat("x", 600), 400, "value", "value"},
		{"/mentions/region/clauses", "minScore=0.5", 400, "minScore", "unknown query parameter"},
		{"/policies/" + f.a + "/summary", "version=nope", 404, "", "no kept version"},
		{"/policies/no-such-policy-0123456789ab/summary", "", 404, "", "no policy"},
		{"/policies/" + f.a + "/summary", "limit=3", 400, "limit", "unknown query parameter"},
	} {
		r := get(h, c.path, c.query)
		p := checkBad(t, r, c.status, c.param)
		if !strings.Contains(p.Detail, c.says) || strings.Contains(p.Detail, "\n") {
			t.Errorf("%s?%s: detail %q does not say %q on one line", c.path, c.query, p.Detail, c.says)
		}
	}

	// Mentions, by value in any spelling and by kind.
	type mentionDoc struct {
		Kind  string
		Value string
		Items []indexClauseView
	}
	for _, v := range []string{"Google%20Analytics", "GOOGLE++analytics"} {
		r := get(h, "/mentions/named-third-party/clauses", "value="+v)
		d := decode[mentionDoc](t, r.Body, r.StatusCode, 200)
		var got []string
		for _, c := range d.Items {
			got = append(got, fmt.Sprintf("%s %s@%d", c.Text, c.Mentions[0].Value, c.Mentions[0].Span.Start))
		}
		if want := []string{"a1 clause 1 Google Analytics@3", "b1 clause 1 google analytics@0"}; !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("value=%s: %q, want %q", v, got, want)
		}
	}
	// A value is read as mentions are given: "A Third Party Service
	// Provider" is "third-party service providers".
	r = get(h, "/mentions/recipient-category/clauses", "value="+url.QueryEscape("A Third Party Service Provider"))
	if d := decode[mentionDoc](t, r.Body, r.StatusCode, 200); len(d.Items) != 1 || d.Value != "third-party service providers" || len(d.Items[0].Mentions) != 1 {
		t.Errorf("a recipient category written otherwise: %+v", d)
	}
	// An opt-out link is one value however it is written: scheme,
	// "www." and a trailing slash aside; another page of the same site
	// is another value.
	r = get(h, "/mentions/opt-out/clauses", "value="+url.QueryEscape("http://Example.org/choices"))
	if d := decode[mentionDoc](t, r.Body, r.StatusCode, 200); len(d.Items) != 2 {
		t.Errorf("an opt-out link written three ways: %d clauses, want 2: %+v", len(d.Items), d)
	} else {
		var got []string
		for _, c := range d.Items {
			for _, m := range c.Mentions {
				got = append(got, m.Value)
			}
		}
		if want := []string{"example.org/choices", "https://www.example.org/choices/"}; !slices.Equal(slices.Sorted(slices.Values(got)), want) {
			t.Errorf("opt-out mentions of the link: %q, want %q (as written)", got, want)
		}
	}
	r = get(h, "/mentions/age-threshold/clauses", "")
	if d := decode[mentionDoc](t, r.Body, r.StatusCode, 200); len(d.Items) != 1 || d.Items[0].Mentions[0].Value != "under 13" || d.Kind != policy.MentionAge {
		t.Errorf("age thresholds: %+v", d)
	}

	// The summary, of the current and of a kept version, as stored.
	type summaryDoc struct {
		PolicyID, Status, Version string
		Privacy                   policy.PrivacySummary
	}
	for _, c := range []struct{ query, want string }{{"", "a1"}, {"version=" + url.QueryEscape(f.aOld), "a0"}} {
		r := get(h, "/policies/"+f.a+"/summary", c.query)
		d := decode[summaryDoc](t, r.Body, r.StatusCode, 200)
		if len(d.Privacy.ThirdParties) != 1 || d.Privacy.ThirdParties[0].Value != c.want || d.Privacy.DataCollected == nil || d.PolicyID != f.a {
			t.Errorf("summary?%s: %+v", c.query, d)
		}
	}

	// The clauses of a policy show their attributes and mentions.
	r = get(h, "/policies/"+f.b+"/clauses", "")
	cl := decode[clauseList](t, r.Body, r.StatusCode, 200)
	if len(cl.Items) != 1 || len(cl.Items[0].Attributes) != 2 || cl.Items[0].Attributes[0].Value != "Location" || len(cl.Items[0].Mentions) != 5 {
		t.Errorf("clauses of b: %+v", cl.Items)
	}
	if !strings.Contains(r.Body, `"value":"Contact","score":0.95,"spans":[{"start":0,"end":2}],"denied":true}`) || strings.Count(r.Body, `"denied"`) != 1 {
		t.Errorf("b's clause does not show its denied Contact, marked, and its Location unmarked: %s", r.Body)
	}
}

func checkBad(t *testing.T, resp events.APIGatewayV2HTTPResponse, status int, param string) Problem {
	t.Helper()
	p := decode[Problem](t, resp.Body, resp.StatusCode, status)
	if resp.Headers["Content-Type"] != "application/problem+json" || p.Parameter != param {
		t.Errorf("%d %s: parameter %q, want %q", resp.StatusCode, resp.Body, p.Parameter, param)
	}
	return p
}
