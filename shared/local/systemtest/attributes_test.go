package systemtest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
	"github.com/policylens/policylens/shared/service/s3event"
)

// Documents of the attribute routes, as a client decodes them.
type (
	spanDoc      struct{ Start, End int }
	attributeDoc struct {
		Category, Attribute, Value string
		Score                      float64
		Spans                      []spanDoc
	}
	mentionDoc struct {
		Kind, Value string
		Span        spanDoc
	}
	indexClauseDoc struct {
		PolicyID   string         `json:"policyId"`
		Ordinal    int            `json:"ordinal"`
		Text       string         `json:"text"`
		Score      float64        `json:"score"`
		Attributes []attributeDoc `json:"attributes"`
		Mentions   []mentionDoc   `json:"mentions"`
	}
	indexPageDoc struct {
		Items      []indexClauseDoc `json:"items"`
		NextCursor string           `json:"nextCursor"`
	}
	countedDoc struct {
		Name, Slug        string
		Policies, Clauses int
	}
	vocabularyDoc struct {
		Policies, Clauses int
		Categories        []struct {
			Name, Slug string
			Attributes []struct {
				countedDoc
				Values []countedDoc
			}
		}
		MentionKinds []countedDoc
	}
)

// expectation is what the API must answer about a set of stored analyses,
// derived from the analyses themselves: for every index list (a value, an
// attribute, a mention value, a mention kind), the clauses on it; for
// every count, the policies and clauses.
type expectation struct {
	hits   map[string][]string // list path and query -> "<policy id>#<ordinal>"
	counts map[string][2]int   // "<category> > <attribute>[ > <value>]" or "mention <kind>" -> policies, clauses
	totals [2]int
}

func expect(analyses map[string]*policy.Analysis) expectation {
	e := expectation{hits: map[string][]string{}, counts: map[string][2]int{}}
	for id, res := range analyses {
		e.totals[0]++
		e.totals[1] += len(res.Clauses)
		stated := map[string]bool{} // by this policy
		for _, c := range res.Clauses {
			lists := map[string]string{} // list -> count key
			// A value the clause denies finds it only in the lists of
			// denials, which are not counted.
			for _, a := range c.Attributes {
				attr, ok := attributes.Find(a.Category, a.Attribute)
				if !ok {
					continue
				}
				v, ok := attr.Value(a.Value)
				if !ok {
					continue
				}
				base := "/attributes/" + attr.CategorySlug + "/" + attr.Slug + "/clauses?"
				if a.Denied {
					lists[base+"denied=true"] = ""
					lists[base+"value="+url.QueryEscape(v.Name)+"&denied=true"] = ""
					continue
				}
				lists[base] = attr.Category + " > " + attr.Name
				lists[base+"value="+url.QueryEscape(v.Name)] = attr.Category + " > " + attr.Name + " > " + v.Name
			}
			for _, m := range c.Mentions {
				if _, ok := attributes.KindOf(m.Kind); !ok || attributes.MentionKey(m.Kind, m.Value) == "" {
					continue
				}
				base := "/mentions/" + m.Kind + "/clauses?"
				if m.Denied {
					lists[base+"denied=true"] = ""
					lists[base+"value="+url.QueryEscape(attributes.MentionKey(m.Kind, m.Value))+"&denied=true"] = ""
					continue
				}
				lists[base] = "mention " + m.Kind
				lists[base+"value="+url.QueryEscape(attributes.MentionKey(m.Kind, m.Value))] = ""
			}
			for list, key := range lists {
				e.hits[list] = append(e.hits[list], fmt.Sprintf("%s#%d", id, c.Ordinal))
				if key == "" {
					continue
				}
				n := e.counts[key]
				if !stated[key] {
					n[0]++
					stated[key] = true
				}
				n[1]++
				e.counts[key] = n
			}
		}
	}
	for _, h := range e.hits {
		slices.Sort(h)
	}
	return e
}

// listAll pages through an index list, limit at a time.
func (s *system) listAll(path string, limit int) []indexClauseDoc {
	s.t.Helper()
	var all []indexClauseDoc
	q := fmt.Sprintf("limit=%d", limit)
	for pages := 0; ; pages++ {
		sep := "&"
		if path[len(path)-1] == '?' {
			sep = ""
		}
		var page indexPageDoc
		s.mustGet(path+sep+q, &page)
		all = append(all, page.Items...)
		if page.NextCursor == "" || pages > 1000 {
			return all
		}
		q = fmt.Sprintf("limit=%d&cursor=%s", limit, url.QueryEscape(page.NextCursor))
	}
}

// An uploaded policy's attributes, mentions and summary are served as its
// analysis has them, beside a policy stored with attributes of every kind:
// every index list, every count, the clauses' attributes and the summary
// agree with the stored analyses.
func TestAttributesServedAsAnalysed(t *testing.T) {
	s := newSystem(t, options{})
	const key = "policies/northwind.md"
	data := fixture.Read(t, "testdata", "aws", "northwind-privacy.md")
	s.put(key, data)
	s.drain()
	uploaded := s3event.PolicyID(s.res.Bucket, key)
	analyses := map[string]*policy.Analysis{uploaded: s.analysis("northwind.md", data)}

	// A policy whose clauses state attributes and mentions, as the model
	// and the mention finder will (the analysis fills them once they land).
	c1 := clause(1, "We share your location with advertising partners such as Google Analytics.", map[string]float64{"third-party-sharing-collection": 0.9})
	c1.Attributes = []policy.Attribute{
		{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Score: 0.86, Spans: []policy.Span{{Start: 14, End: 22}}},
		{Category: "Third Party Sharing/Collection", Attribute: "Purpose", Value: "Advertising", Score: 0.7, Spans: []policy.Span{{Start: 33, End: 44}}},
	}
	c1.Mentions = []policy.Mention{{Kind: policy.MentionRecipient, Value: "advertising partners", Span: policy.Span{Start: 33, End: 53}},
		{Kind: policy.MentionThirdParty, Value: "Google Analytics", Span: policy.Span{Start: 62, End: 78}}}
	c2 := clause(2, "We keep logs for 30 days. Children under 13 may not use the service.", map[string]float64{"data-retention": 0.8})
	c2.Attributes = []policy.Attribute{{Category: "Data Retention", Attribute: "Retention Period", Value: "Stated Period", Score: 0.9, Spans: []policy.Span{{Start: 8, End: 24}}}}
	c2.Mentions = []policy.Mention{{Kind: policy.MentionRetention, Value: "30 days", Span: policy.Span{Start: 17, End: 24}},
		{Kind: policy.MentionAge, Value: "under 13", Span: policy.Span{Start: 35, End: 43}}}
	c3 := clause(3, "Stripe processes your card details; Google Analytics measures visits.", map[string]float64{"third-party-sharing-collection": 0.7})
	c3.Attributes = []policy.Attribute{{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Financial", Score: 0.6,
		Spans: []policy.Span{{Start: 25, End: 37}}}}
	c3.Mentions = []policy.Mention{{Kind: policy.MentionThirdParty, Value: "Stripe", Span: policy.Span{Start: 0, End: 6}},
		{Kind: policy.MentionThirdParty, Value: "Google Analytics", Span: policy.Span{Start: 39, End: 55}}}
	// A clause that denies what it names: on no list, in no count.
	c4 := clause(4, "We do not share your location with data brokers.", map[string]float64{"third-party-sharing-collection": 0.8})
	c4.Attributes = []policy.Attribute{{Category: "Third Party Sharing/Collection", Attribute: "Personal Information Type", Value: "Location", Score: 0.95,
		Spans: []policy.Span{{Start: 0, End: 49}}, Denied: true}}
	c4.Mentions = []policy.Mention{{Kind: policy.MentionRecipient, Value: "data brokers", Span: policy.Span{Start: 36, End: 48}, Denied: true}}
	published := s.publish("policies/stated.txt", []policy.Clause{c1, c2, c3, c4})
	analyses[published] = &policy.Analysis{Clauses: []policy.Clause{c1, c2, c3, c4}}

	want := expect(analyses)
	if len(want.hits) < 10 {
		t.Fatalf("only %d index lists to check", len(want.hits))
	}
	for list, ids := range want.hits {
		var got []string
		for _, c := range s.listAll(list, 2) {
			got = append(got, fmt.Sprintf("%s#%d", c.PolicyID, c.Ordinal))
			if len(c.Attributes)+len(c.Mentions) == 0 {
				t.Errorf("%s: clause %s#%d comes without what it states", list, c.PolicyID, c.Ordinal)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, ids) {
			t.Errorf("GET %s: %q, want %q", list, got, ids)
		}
	}

	var voc vocabularyDoc
	s.mustGet("/attributes", &voc)
	if voc.Policies != want.totals[0] || voc.Clauses != want.totals[1] {
		t.Errorf("GET /attributes counts %d policies, %d clauses; want %v", voc.Policies, voc.Clauses, want.totals)
	}
	got := map[string][2]int{}
	for _, c := range voc.Categories {
		for _, a := range c.Attributes {
			if a.Policies+a.Clauses > 0 {
				got[c.Name+" > "+a.Name] = [2]int{a.Policies, a.Clauses}
			}
			for _, v := range a.Values {
				if v.Policies+v.Clauses > 0 {
					got[c.Name+" > "+a.Name+" > "+v.Name] = [2]int{v.Policies, v.Clauses}
				}
			}
		}
	}
	for _, k := range voc.MentionKinds {
		if k.Policies+k.Clauses > 0 {
			got["mention "+k.Name] = [2]int{k.Policies, k.Clauses}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want.counts) {
		t.Errorf("GET /attributes counts\n%v, want\n%v", got, want.counts)
	}

	for id, res := range analyses {
		// The clauses show what they state.
		var cl struct {
			Items []struct {
				Ordinal    int             `json:"ordinal"`
				Attributes json.RawMessage `json:"attributes"`
				Mentions   json.RawMessage `json:"mentions"`
			}
		}
		s.mustGet("/policies/"+id+"/clauses?limit=100", &cl)
		if len(cl.Items) != len(res.Clauses) {
			t.Fatalf("%s: %d clauses served, %d stored", id, len(cl.Items), len(res.Clauses))
		}
		for i, c := range cl.Items {
			if !sameJSON(c.Attributes, nonNilList(res.Clauses[i].Attributes)) || !sameJSON(c.Mentions, nonNilList(res.Clauses[i].Mentions)) {
				t.Errorf("%s clause %d: attributes %s and mentions %s, stored %+v and %+v", id, c.Ordinal, c.Attributes, c.Mentions,
					res.Clauses[i].Attributes, res.Clauses[i].Mentions)
			}
		}
	}
	// The uploaded policy's summary is its analysis's.
	var sum struct {
		PolicyID string          `json:"policyId"`
		Status   string          `json:"status"`
		Privacy  json.RawMessage `json:"privacy"`
	}
	s.mustGet("/policies/"+uploaded+"/summary", &sum)
	wantSum := lists(analyses[uploaded].Privacy)
	if sum.PolicyID != uploaded || sum.Status != "READY" || !sameJSON(sum.Privacy, wantSum) {
		t.Errorf("summary %s, want %s", sum.Privacy, mustJSON(wantSum))
	}

	// Deleting the published policy takes it out of every list and count.
	ctx := context.Background()
	v := s3event.NewVersion(s.res.Bucket, "policies/stated.txt", "", "", s.orderNow())
	seen, err := s.store.Snapshot(ctx, published)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.Remove(ctx, v, seen); err != nil {
		t.Fatal(err)
	}
	var after indexPageDoc
	s.mustGet("/mentions/named-third-party/clauses?value=google+analytics", &after)
	for _, c := range after.Items {
		if c.PolicyID == published {
			t.Errorf("a deleted policy is still listed: %+v", c)
		}
	}
	s.mustGet("/attributes", &voc)
	if voc.Policies != 1 {
		t.Errorf("GET /attributes counts %d policies after a deletion, want 1", voc.Policies)
	}
}

// orderNow is an order token for an event happening now.
func (s *system) orderNow() string {
	s.t.Helper()
	seq, err := s3event.OrderToken("", s.store.Now().UTC().Format(time.RFC3339Nano))
	if err != nil {
		s.t.Fatal(err)
	}
	return seq
}

// lists is ps as the API shows it: every section and every item's
// clauses a list, never null.
func lists(ps policy.PrivacySummary) policy.PrivacySummary {
	for _, sec := range []*[]policy.SummaryItem{&ps.DataCollected, &ps.Purposes, &ps.ThirdParties, &ps.Retention, &ps.Choices,
		&ps.Access, &ps.Audiences, &ps.Security, &ps.DoNotTrack, &ps.Changes} {
		*sec = nonNilList(*sec)
		for i := range *sec {
			(*sec)[i].Clauses = nonNilList((*sec)[i].Clauses)
		}
	}
	return ps
}

// nonNilList is l, or an empty list for nil: the API always shows a list.
func nonNilList[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
