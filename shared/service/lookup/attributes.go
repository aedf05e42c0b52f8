package lookup

import (
	"context"
	"fmt"
	"strings"
	"unicode"

	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/store"
)

// The routes of attributes, mentions and privacy summaries.

// maxMentionValue bounds the mention values a query accepts (the store
// keeps at most 512 bytes of a mention).
const maxMentionValue = 512

type countView struct {
	Policies int `json:"policies"`
	Clauses  int `json:"clauses"`
}

type valueView struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
	countView
}

type attributeView struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
	countView
	Values []valueView `json:"values"`
}

type categoryView struct {
	Name       string          `json:"name"`
	Slug       string          `json:"slug"`
	Attributes []attributeView `json:"attributes"`
}

type kindView struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	countView
}

type vocabularyView struct {
	// Policies and Clauses count the current stored policies and their
	// clauses, the base of every count below.
	Policies     int            `json:"policies"`
	Clauses      int            `json:"clauses"`
	Categories   []categoryView `json:"categories"`
	MentionKinds []kindView     `json:"mentionKinds"`
}

func countOf(c store.Count) countView { return countView{Policies: c.Policies, Clauses: c.Clauses} }

// vocabulary serves GET /attributes: every category > attribute > value
// the model predicts and every mention kind, with how many current
// policies and clauses state each.
func (h *Handler) vocabulary(ctx context.Context, r *request) *response {
	counts, err := h.store.AttributeCounts(ctx)
	if err != nil {
		return h.failure(ctx, err, fault.Other, "")
	}
	out := vocabularyView{
		Policies: counts[store.CountPolicies].Policies, Clauses: counts[store.CountClauses].Clauses,
		Categories: []categoryView{}, MentionKinds: make([]kindView, 0, len(attributes.Kinds)),
	}
	for _, l := range labels.All {
		as := attributes.Of(l.Name)
		if len(as) == 0 {
			continue
		}
		cv := categoryView{Name: l.Name, Slug: l.Slug, Attributes: make([]attributeView, 0, len(as))}
		for _, a := range as {
			av := attributeView{Name: a.Name, Slug: a.Slug, countView: countOf(counts[store.CountPairKey(a.CategorySlug, a.Slug)]),
				Values: make([]valueView, 0, len(a.Values))}
			for _, v := range a.Values {
				av.Values = append(av.Values, valueView{Name: v.Name, Slug: v.Slug,
					countView: countOf(counts[store.CountValueKey(a.CategorySlug, a.Slug, v.Slug)])})
			}
			cv.Attributes = append(cv.Attributes, av)
		}
		out.Categories = append(out.Categories, cv)
	}
	for _, k := range attributes.Kinds {
		out.MentionKinds = append(out.MentionKinds, kindView{Name: k.Name, Description: k.Description,
			countView: countOf(counts[store.CountKindKey(k.Name)])})
	}
	return ok(out)
}

type spanView = policy.Span

type attrView struct {
	Category  string     `json:"category"`
	Attribute string     `json:"attribute"`
	Value     string     `json:"value"`
	Score     float64    `json:"score"`
	Spans     []spanView `json:"spans"`
	Denied    bool       `json:"denied,omitempty"`
}

type mentionView struct {
	Kind   string   `json:"kind"`
	Value  string   `json:"value"`
	Span   spanView `json:"span"`
	Denied bool     `json:"denied,omitempty"`
}

func attrViewOf(a store.Attr) attrView {
	d := a.Domain()
	return attrView{Category: d.Category, Attribute: d.Attribute, Value: d.Value, Score: d.Score, Spans: d.Spans, Denied: d.Denied}
}

func mentionViewOf(m store.Mention) mentionView {
	d := m.Domain()
	return mentionView{Kind: d.Kind, Value: d.Value, Span: d.Span, Denied: d.Denied}
}

// indexClauseView is a clause found through the attribute index, with the
// attributes or mentions that made it match.
type indexClauseView struct {
	foundClauseView
	Attributes []attrView    `json:"attributes,omitempty"`
	Mentions   []mentionView `json:"mentions,omitempty"`
}

type nameRef struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type attributeClauseList struct {
	Category   nameRef           `json:"category"`
	Attribute  nameRef           `json:"attribute"`
	Value      *nameRef          `json:"value,omitempty"`
	Items      []indexClauseView `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

type mentionClauseList struct {
	Kind string `json:"kind"`
	// Value is the value asked for, as given.
	Value      string            `json:"value,omitempty"`
	Items      []indexClauseView `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

// findAttribute resolves the {category} and {attribute} of a request.
func findAttribute(r *request) (attributes.Attribute, *response) {
	cat, attr := r.path["category"], r.path["attribute"]
	l, ok := labelOf(cat)
	if !ok {
		return attributes.Attribute{}, notFound(fmt.Sprintf("no category is named %q; GET /attributes lists the categories, attributes and values", cat))
	}
	a, ok := attributes.Find(l.Name, attr)
	if !ok {
		if len(attributes.Of(l.Name)) == 0 {
			return a, notFound(fmt.Sprintf("the category %q has no attributes; GET /attributes lists the categories that have", l.Name))
		}
		return a, notFound(fmt.Sprintf("the category %q has no attribute %q; GET /attributes lists its attributes", l.Name, attr))
	}
	return a, nil
}

// indexPage reads one page of an index list for route r: the limit and
// cursor checked against scope.
func (h *Handler) indexPage(ctx context.Context, r *request, k store.IndexKey, scope string, minScore float64) (store.Page[store.IndexClause], *response) {
	q := store.LabelQuery{MinScore: minScore}
	var cur *cursor
	var bad *response
	if q.Limit, cur, bad = h.pageParams(ctx, r, scope); bad != nil {
		return store.Page[store.IndexClause]{}, bad
	}
	if cur != nil {
		if !store.ValidLabelPosition(cur.Pos) {
			return store.Page[store.IndexClause]{}, badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
		}
		q.After = cur.Pos
	}
	page, err := h.store.IndexClauses(ctx, k, q)
	if err != nil {
		return page, h.failure(ctx, err, fault.Other, "")
	}
	return page, nil
}

func indexClauseViewOf(c store.IndexClause) indexClauseView {
	return indexClauseView{foundClauseView: foundClauseView{PolicyID: c.PolicyID, Ordinal: c.Clause.Ordinal, Heading: nonNil(c.Clause.Heading),
		Text: c.Clause.Text, Truncated: c.Clause.Truncated, Page: c.Clause.Page, Score: c.Score}}
}

// deniedParam reads the query parameter denied: true lists the clauses
// that deny a value ("we do not sell your personal information") in place
// of those that state it.
func deniedParam(r *request) (bool, *response) {
	v, ok := r.query["denied"]
	if !ok {
		return false, nil
	}
	switch v[0] {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, badParam("denied", fmt.Sprintf("denied must be true or false, not %q", v[0]))
}

// attributeClauses serves GET /attributes/{category}/{attribute}/clauses.
func (h *Handler) attributeClauses(ctx context.Context, r *request) *response {
	a, bad := findAttribute(r)
	if bad != nil {
		return bad
	}
	var value *attributes.Value
	if v, ok := r.query["value"]; ok {
		found, ok := a.Value(v[0])
		if !ok {
			names := make([]string, len(a.Values))
			for i, x := range a.Values {
				names[i] = x.Name
			}
			return badParam("value", fmt.Sprintf("%q is not a value of %s > %s; its values are: %s", v[0], a.Category, a.Name, strings.Join(names, "; ")))
		}
		value = &found
	}
	minScore, bad := minScore(r)
	if bad != nil {
		return bad
	}
	denied, bad := deniedParam(r)
	if bad != nil {
		return bad
	}
	valueSlug := ""
	if value != nil {
		valueSlug = value.Slug
	}
	scope := fmt.Sprintf("category=%s&attribute=%s&value=%s&minScore=%g&denied=%t", a.CategorySlug, a.Slug, valueSlug, minScore, denied)
	page, bad := h.indexPage(ctx, r, store.AttributeKey(a.CategorySlug, a.Slug, valueSlug).Side(denied), scope, minScore)
	if bad != nil {
		return bad
	}
	out := attributeClauseList{Category: nameRef{a.Category, a.CategorySlug}, Attribute: nameRef{a.Name, a.Slug},
		Items: make([]indexClauseView, 0, len(page.Items))}
	if value != nil {
		out.Value = &nameRef{value.Name, value.Slug}
	}
	for _, c := range page.Items {
		v := indexClauseViewOf(c)
		// The clause's attributes that answer the query, with their spans.
		for _, sa := range c.Clause.Attributes {
			fa, ok := attributes.Find(sa.Category, sa.Attribute)
			if !ok || fa.CategorySlug != a.CategorySlug || fa.Slug != a.Slug || sa.Denied != denied {
				continue
			}
			if fv, ok := fa.Value(sa.Value); ok && (value == nil || fv.Slug == value.Slug) {
				v.Attributes = append(v.Attributes, attrViewOf(sa))
			}
		}
		out.Items = append(out.Items, v)
	}
	if page.Next != "" {
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: scope, Pos: page.Next}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}

// mentionClauses serves GET /mentions/{kind}/clauses.
func (h *Handler) mentionClauses(ctx context.Context, r *request) *response {
	k, found := attributes.KindOf(r.path["kind"])
	if !found {
		names := make([]string, len(attributes.Kinds))
		for i, x := range attributes.Kinds {
			names[i] = x.Name
		}
		return notFound(fmt.Sprintf("no mention kind is named %q; the kinds are %s", r.path["kind"], strings.Join(names, ", ")))
	}
	value, key := "", ""
	if v, ok := r.query["value"]; ok {
		// Read as the mentions are given: "a service provider" is
		// "service providers".
		value = attributes.Canonical(k.Name, v[0])
		key = attributes.MentionKey(k.Name, value)
		if key == "" || len(v[0]) > maxMentionValue || strings.IndexFunc(v[0], func(c rune) bool { return !unicode.IsPrint(c) && !unicode.IsSpace(c) }) >= 0 {
			return badParam("value", fmt.Sprintf("value must be the text of a mention, 1 to %d bytes of printable characters", maxMentionValue))
		}
	}
	denied, bad := deniedParam(r)
	if bad != nil {
		return bad
	}
	scope := fmt.Sprintf("kind=%s&value=%s&denied=%t", k.Name, key, denied)
	page, bad := h.indexPage(ctx, r, store.MentionIndexKey(k.Name, key).Side(denied), scope, 0)
	if bad != nil {
		return bad
	}
	out := mentionClauseList{Kind: k.Name, Value: value, Items: make([]indexClauseView, 0, len(page.Items))}
	for _, c := range page.Items {
		v := indexClauseViewOf(c)
		for _, m := range c.Clause.Mentions {
			if kk, ok := attributes.KindOf(m.Kind); ok && kk.Name == k.Name && m.Denied == denied && (key == "" || attributes.MentionKey(m.Kind, m.Value) == key) {
				v.Mentions = append(v.Mentions, mentionViewOf(m))
			}
		}
		out.Items = append(out.Items, v)
	}
	if page.Next != "" {
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: scope, Pos: page.Next}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}

type summaryView struct {
	PolicyID string `json:"policyId"`
	Status   string `json:"status"`
	// Version is the id of the version summarised; absent when the policy
	// has no analysis.
	Version string `json:"version,omitempty"`
	// Truncated is set when the summary was cut to fit the store.
	Truncated bool                  `json:"truncated,omitempty"`
	Privacy   policy.PrivacySummary `json:"privacy"`
}

// summary serves GET /policies/{id}/summary.
func (h *Handler) summary(ctx context.Context, r *request) *response {
	id := r.path["id"]
	version, byVersion, bad := versionParam(r, "version")
	if bad != nil {
		return bad
	}
	p, bad := h.findPolicy(ctx, id)
	if bad != nil {
		return bad
	}
	gen, shown := p.Gen, p.Version
	if byVersion {
		e := p.Find(version)
		if e == nil {
			return notFound(unknownVersion(id, version))
		}
		gen, shown = e.Gen, e.Version
	}
	if gen == "" {
		shown = ""
	}
	ps, cut, err := h.store.Summary(ctx, p, gen)
	if err != nil {
		return h.failure(ctx, err, fault.Conflict, "the version was replaced while it was read; try again")
	}
	return ok(summaryView{PolicyID: p.ID, Status: string(p.Status), Version: shown, Truncated: cut, Privacy: ps})
}
