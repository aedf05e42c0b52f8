// Package lookup is the lookup function: the read API of policylens behind
// an API Gateway HTTP API (payload format 2.0). The routes, parameters and
// errors are described in api/openapi.yaml and docs/api.md.
package lookup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/aws/aws-lambda-go/events"

	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/settings"
	"github.com/policylens/policylens/shared/service/store"
)

// Store is what lookup reads; *store.Store implements it.
type Store interface {
	Policy(ctx context.Context, id string) (*store.Policy, error)
	Policies(ctx context.Context, q store.PolicyQuery) (store.Page[store.Policy], error)
	Clauses(ctx context.Context, p *store.Policy, gen string, q store.ClauseQuery) (store.Page[store.Clause], error)
	LabelClauses(ctx context.Context, slug string, q store.LabelQuery) (store.Page[store.LabelClause], error)
	ReadVersion(ctx context.Context, id, gen string) (*policy.Analysis, error)
	IndexClauses(ctx context.Context, k store.IndexKey, q store.LabelQuery) (store.Page[store.IndexClause], error)
	AttributeCounts(ctx context.Context) (map[string]store.Count, error)
	Summary(ctx context.Context, p *store.Policy, gen string) (policy.PrivacySummary, bool, error)
	Ping(ctx context.Context) error
}

// Handler serves the lookup API.
type Handler struct {
	store       Store
	log         *slog.Logger
	keys        *Keys
	maxPageSize int
	// reports keeps the change reports computed last.
	reports *reportCache
	// now returns the current time; tests replace it.
	now func() time.Time
}

// New returns a Handler reading s, whose cursors keys sign and check.
func New(s Store, keys *Keys, cfg settings.Lookup, log *slog.Logger) *Handler {
	n := cfg.MaxPageSize
	if n <= 0 {
		n = api.DefaultMaxPageSize
	}
	return &Handler{store: s, log: log, keys: keys, maxPageSize: n, reports: newReportCache(reportCacheSize), now: time.Now}
}

// route is a route of the API with the method that serves it.
type route struct {
	api.Route
	handle func(*Handler, context.Context, *request) *response
}

// handlers attach the handler's methods to the API's routes by pattern.
var handlers = map[string]func(*Handler, context.Context, *request) *response{
	"/health":                 (*Handler).health,
	"/labels":                 (*Handler).labels,
	"/labels/{label}/clauses": (*Handler).labelClauses,
	"/policies":               (*Handler).policies,
	"/policies/{id}":          (*Handler).policy,
	"/policies/{id}/clauses":  (*Handler).clauses,
	"/policies/{id}/versions": (*Handler).versions,
	"/policies/{id}/changes":  (*Handler).changes,
	"/policies/{id}/summary":  (*Handler).summary,
	"/attributes":             (*Handler).vocabulary,
	"/attributes/{category}/{attribute}/clauses": (*Handler).attributeClauses,
	"/mentions/{kind}/clauses":                   (*Handler).mentionClauses,
}

// routes are the API's routes, each with its handler. A route of package
// api without a handler stops the program at start: a test keeps them in
// step.
var routes = func() []route {
	var out []route
	for _, r := range api.Routes() {
		h, ok := handlers[r.Pattern]
		if !ok {
			panic("lookup: no handler for " + r.Key())
		}
		out = append(out, route{r, h})
	}
	return out
}()

// request is a matched request.
type request struct {
	route *route
	path  map[string]string
	query url.Values
}

// Handle answers one API Gateway request. It always returns a response:
// errors are problem documents, never a Lambda error.
func (h *Handler) Handle(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, _ error) {
	instance := requestPath(ev)
	defer func() {
		if p := recover(); p != nil {
			h.log.ErrorContext(ctx, "panic while serving a request", "path", instance,
				"error", fmt.Sprint(p), "stack", string(debug.Stack()))
			resp = h.internal(ctx, fmt.Errorf("panic: %v", p)).encode(instance, ev.RequestContext.RequestID)
		}
	}()
	r := h.serve(ctx, ev, instance)
	if r.status >= 500 {
		h.log.ErrorContext(ctx, "request failed", "path", instance, "status", r.status)
	} else {
		h.log.DebugContext(ctx, "request served", "path", instance, "status", r.status)
	}
	return r.encode(instance, ev.RequestContext.RequestID), nil
}

func (h *Handler) serve(ctx context.Context, ev events.APIGatewayV2HTTPRequest, path string) *response {
	method := ev.RequestContext.HTTP.Method
	if method == "" {
		method, _, _ = strings.Cut(ev.RouteKey, " ")
	}
	if _, err := url.PathUnescape(path); err != nil {
		return badParam("", fmt.Sprintf("the path %s is not valid percent-encoding: a %% must be followed by two hexadecimal digits (%%25 stands for a %% sign)", strconv.Quote(path)))
	}
	route, params, found := match(ev, path)
	if !found {
		return notFound(fmt.Sprintf("no route matches %s; the routes are listed in the API description", path))
	}
	if method != route.Method {
		r := problem(http.StatusMethodNotAllowed, probMethodNotAllowed,
			fmt.Sprintf("%s is not allowed on %s; use %s", method, route.Pattern, route.Method))
		r.headers = map[string]string{"Allow": route.Method}
		return r
	}
	q, bad := query(ev)
	if bad != nil {
		return bad
	}
	for name := range q {
		if !slices.Contains(route.Query, name) {
			detail := fmt.Sprintf("unknown query parameter %q", name)
			if len(route.Query) > 0 {
				detail += "; this route accepts " + strings.Join(route.Query, ", ")
			} else {
				detail += "; this route takes no query parameters"
			}
			return badParam(name, detail)
		}
	}
	return route.handle(h, ctx, &request{route: route, path: params, query: q})
}

// requestPath returns the path of the request without the stage: API
// Gateway puts the stage in rawPath when it is not $default.
func requestPath(ev events.APIGatewayV2HTTPRequest) string {
	p := ev.RawPath
	if p == "" {
		p = ev.RequestContext.HTTP.Path
	}
	if st := ev.RequestContext.Stage; st != "" && st != "$default" {
		if rest, ok := strings.CutPrefix(p, "/"+st); ok && (rest == "" || rest[0] == '/') {
			p = rest
		}
	}
	if p == "" {
		p = "/"
	}
	return p
}

// match finds the route of a request. A request that API Gateway matched
// to one of the routes (route key "GET /policies/{id}") is taken with its
// path parameters; any other ($default, a local server) is matched on its
// path, whose segments are percent-decoded.
func match(ev events.APIGatewayV2HTTPRequest, path string) (*route, map[string]string, bool) {
	if _, pattern, ok := strings.Cut(ev.RouteKey, " "); ok {
		for i := range routes {
			r := &routes[i]
			if r.Pattern != pattern {
				continue
			}
			params := map[string]string{}
			complete := true
			for _, name := range paramNames(pattern) {
				v, ok := ev.PathParameters[name]
				if !ok {
					complete = false
					break
				}
				if d, err := url.PathUnescape(v); err == nil {
					v = d
				}
				params[name] = v
			}
			if complete {
				return r, params, true
			}
		}
	}
	segs := strings.Split(strings.TrimSuffix(path, "/"), "/")
	if path == "/" {
		segs = []string{""}
	}
	for i := range routes {
		r := &routes[i]
		pat := strings.Split(r.Pattern, "/")
		if len(pat) != len(segs) {
			continue
		}
		params := map[string]string{}
		matched := true
		for j, p := range pat {
			s, err := url.PathUnescape(segs[j])
			if err != nil {
				matched = false
				break
			}
			if name, ok := strings.CutPrefix(p, "{"); ok {
				if s == "" {
					matched = false
					break
				}
				params[strings.TrimSuffix(name, "}")] = s
			} else if p != s {
				matched = false
				break
			}
		}
		if matched {
			return r, params, true
		}
	}
	return nil, nil, false
}

func paramNames(pattern string) []string {
	var out []string
	for _, s := range strings.Split(pattern, "/") {
		if name, ok := strings.CutPrefix(s, "{"); ok {
			out = append(out, strings.TrimSuffix(name, "}"))
		}
	}
	return out
}

// query returns the query parameters of a request. A parameter given more
// than once is an error: the API never takes lists.
func query(ev events.APIGatewayV2HTTPRequest) (url.Values, *response) {
	if ev.RawQueryString == "" {
		q := url.Values{}
		for k, v := range ev.QueryStringParameters {
			if strings.Contains(v, ",") && k != "cursor" && k != "label" {
				// API Gateway joins repeated parameters with commas.
				return nil, badParam(k, fmt.Sprintf("parameter %q is given more than once", k))
			}
			q.Set(k, v)
		}
		return q, nil
	}
	q, err := url.ParseQuery(ev.RawQueryString)
	if err != nil {
		return nil, badParam("", "the query string is not valid URL encoding")
	}
	for k, v := range q {
		if len(v) > 1 {
			return nil, badParam(k, fmt.Sprintf("parameter %q is given more than once", k))
		}
	}
	return q, nil
}

// pageParams reads limit and cursor. A cursor must come from the same
// route and scope.
func (h *Handler) pageParams(ctx context.Context, r *request, scope string) (int, *cursor, *response) {
	limit := api.DefaultPageSize
	if limit > h.maxPageSize {
		limit = h.maxPageSize
	}
	if v, ok := r.query["limit"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 1 || n > h.maxPageSize {
			return 0, nil, badParam("limit", fmt.Sprintf("limit must be a whole number from 1 to %d, not %q", h.maxPageSize, v[0]))
		}
		limit = n
	}
	v, ok := r.query["cursor"]
	if !ok {
		return limit, nil, nil
	}
	c, err := decodeCursor(ctx, h.keys, v[0], h.now())
	if errors.Is(err, errExpiredCursor) {
		return 0, nil, badParam("cursor", "cursor has expired: start again without a cursor")
	}
	if err != nil {
		return 0, nil, badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
	}
	if c.Route != r.route.Pattern || c.Scope != scope {
		return 0, nil, badParam("cursor", "cursor belongs to a different query: keep the path and the other parameters of the page that returned it")
	}
	return limit, &c, nil
}

// minScore reads the minScore parameter: a number from 0 to 1.
func minScore(r *request) (float64, *response) {
	v, ok := r.query["minScore"]
	if !ok {
		return 0, nil
	}
	f, err := strconv.ParseFloat(v[0], 64)
	if err != nil || f < 0 || f > 1 || f != f {
		return 0, badParam("minScore", fmt.Sprintf("minScore must be a number from 0 to 1, not %q", v[0]))
	}
	return f, nil
}

// labelOf returns the label named by s: its slug or exact name, in any
// letter case.
func labelOf(s string) (labels.Label, bool) {
	i, ok := labels.Index(s)
	if !ok {
		return labels.Label{}, false
	}
	return labels.All[i], true
}

// problemOf maps the kind of an error a read returned to the problem the
// client gets, with the detail it gets unless the caller knows better.
// Kinds not listed are internal errors (500).
var problemOf = map[fault.Kind]struct {
	status int
	typ    string
	detail string
}{
	fault.Invalid:   {http.StatusBadRequest, probInvalidParameter, "the request is not valid"},
	fault.NotFound:  {http.StatusNotFound, probNotFound, "not found"},
	fault.Conflict:  {http.StatusConflict, probPolicyChanged, "the policy changed while it was read; try again"},
	fault.Throttled: {http.StatusServiceUnavailable, probUnavailable, "the policy table is busy; try again in a few seconds"},
}

// failure is the response to err: the problem its kind maps to, with
// detail when err is of the kind the caller expected.
func (h *Handler) failure(ctx context.Context, err error, expected fault.Kind, detail string) *response {
	k := fault.KindOf(err)
	p, ok := problemOf[k]
	if !ok {
		return h.internal(ctx, err)
	}
	if k != expected || detail == "" {
		detail = p.detail
	}
	if p.status >= 500 {
		h.log.ErrorContext(ctx, "request failed", "error", err.Error())
	}
	return problem(p.status, p.typ, detail)
}

func (h *Handler) internal(ctx context.Context, err error) *response {
	h.log.ErrorContext(ctx, "internal error", "error", err.Error())
	return problem(http.StatusInternalServerError, probInternal,
		"the request could not be served; try again, and report the requestId if it persists")
}

func (h *Handler) health(ctx context.Context, r *request) *response {
	if err := h.store.Ping(ctx); err != nil {
		h.log.ErrorContext(ctx, "health check failed", "error", err.Error())
		return problem(http.StatusServiceUnavailable, probUnavailable, "the policy table cannot be read")
	}
	return ok(map[string]string{"status": "ok"})
}

func (h *Handler) labels(ctx context.Context, r *request) *response {
	return ok(map[string]any{"items": labels.All})
}

// maxCompany bounds the company a listing is asked for (a stored
// company is cut at 1 KiB).
const maxCompany = 1024

func (h *Handler) policies(ctx context.Context, r *request) *response {
	q := store.PolicyQuery{}
	scope := ""
	if v, ok := r.query["regulation"]; ok {
		known := facts.Regulations()
		if !slices.Contains(known, v[0]) {
			return badParam("regulation", fmt.Sprintf("regulation %q is none policylens recognises; use one of: %s", v[0], strings.Join(known, ", ")))
		}
		q.Regulation, scope = v[0], "regulation="+v[0]
	}
	if v, ok := r.query["company"]; ok {
		q.Company = store.CompanyKey(v[0])
		if q.Company == "" || len(v[0]) > maxCompany || strings.IndexFunc(v[0], func(c rune) bool { return !unicode.IsPrint(c) && !unicode.IsSpace(c) }) >= 0 {
			return badParam("company", fmt.Sprintf("company must be a company's name as the policies give it (facts.company), 1 to %d bytes of printable characters", maxCompany))
		}
		scope += "&company=" + q.Company
	}
	limit, cur, bad := h.pageParams(ctx, r, scope)
	if bad != nil {
		return bad
	}
	q.Limit = limit
	if cur != nil {
		if !store.ValidPolicyPosition(cur.Pos) {
			return badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
		}
		q.After = cur.Pos
	}
	page, err := h.store.Policies(ctx, q)
	if err != nil {
		return h.failure(ctx, err, fault.Other, "")
	}
	out := policyList{Items: make([]policyListItem, 0, len(page.Items))}
	for _, p := range page.Items {
		out.Items = append(out.Items, policyListItem{policySummary: summaryOf(&p, h.now()), Company: p.Facts.Company, Regulations: nonNil(p.Facts.Regulations)})
	}
	if page.Next != "" {
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: scope, Pos: page.Next}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}

func (h *Handler) policy(ctx context.Context, r *request) *response {
	p, bad := h.findPolicy(ctx, r.path["id"])
	if bad != nil {
		return bad
	}
	return ok(detailOf(p, h.now()))
}

func (h *Handler) findPolicy(ctx context.Context, id string) (*store.Policy, *response) {
	p, err := h.store.Policy(ctx, id)
	if err != nil {
		return nil, h.failure(ctx, err, fault.NotFound, fmt.Sprintf("no policy has the id %q", id))
	}
	return p, nil
}

func (h *Handler) clauses(ctx context.Context, r *request) *response {
	id := r.path["id"]
	q := store.ClauseQuery{}
	var slugName string
	if v, ok := r.query["label"]; ok {
		l, found := labelOf(v[0])
		if !found {
			return badParam("label", fmt.Sprintf("label %q is not one of the 12 labels; GET /labels lists their names and slugs", v[0]))
		}
		q.Label, slugName = l.Slug, l.Slug
	}
	var bad *response
	if q.MinScore, bad = minScore(r); bad != nil {
		return bad
	}
	version, byVersion, bad := versionParam(r, "version")
	if bad != nil {
		return bad
	}
	scope := fmt.Sprintf("id=%s&label=%s&minScore=%g", id, slugName, q.MinScore)
	if byVersion {
		scope += "&version=" + version
	}
	var cur *cursor
	if q.Limit, cur, bad = h.pageParams(ctx, r, scope); bad != nil {
		return bad
	}
	if cur != nil {
		n, err := strconv.Atoi(cur.Pos)
		if err != nil || n < 1 || cur.Gen == "" {
			return badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
		}
		q.After = n
	}
	p, bad := h.findPolicy(ctx, id)
	if bad != nil {
		return bad
	}
	// A listing follows the current version, or the version it names; it
	// stops with 409 when that changed between two pages.
	gen, shown := p.Gen, p.Version
	if byVersion {
		e := p.Find(version)
		switch {
		case e == nil && cur == nil:
			return notFound(unknownVersion(id, version))
		case e == nil:
			gen = ""
		default:
			gen, shown = e.Gen, e.Version
		}
	}
	if cur != nil && cur.Gen != gen {
		return problem(http.StatusConflict, probPolicyChanged, "the version listed was replaced after the first page was served; start again without a cursor")
	}
	page, err := h.store.Clauses(ctx, p, gen, q)
	if err != nil {
		return h.failure(ctx, err, fault.Conflict,
			"the policy was re-analysed after the first page was served; start again without a cursor")
	}
	out := clauseList{PolicyID: p.ID, Status: string(p.Status), Version: shown, Items: make([]clauseView, 0, len(page.Items))}
	for _, c := range page.Items {
		out.Items = append(out.Items, clauseViewOf(c))
	}
	if page.Next != "" {
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: scope, Pos: page.Next, Gen: gen}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}

func (h *Handler) labelClauses(ctx context.Context, r *request) *response {
	l, found := labelOf(r.path["label"])
	if !found {
		return notFound(fmt.Sprintf("no label is named %q; GET /labels lists their names and slugs", r.path["label"]))
	}
	q := store.LabelQuery{}
	var bad *response
	if q.MinScore, bad = minScore(r); bad != nil {
		return bad
	}
	scope := fmt.Sprintf("label=%s&minScore=%g", l.Slug, q.MinScore)
	var cur *cursor
	if q.Limit, cur, bad = h.pageParams(ctx, r, scope); bad != nil {
		return bad
	}
	if cur != nil {
		if !store.ValidLabelPosition(cur.Pos) {
			return badParam("cursor", "cursor is not valid: pass the nextCursor of a previous page unchanged")
		}
		q.After = cur.Pos
	}
	page, err := h.store.LabelClauses(ctx, l.Slug, q)
	if err != nil {
		return h.failure(ctx, err, fault.Other, "")
	}
	out := labelClauseList{Label: labelRef{Name: l.Name, Slug: l.Slug}, Items: make([]foundClauseView, 0, len(page.Items))}
	for _, c := range page.Items {
		out.Items = append(out.Items, foundClauseView{
			PolicyID: c.PolicyID, Ordinal: c.Ordinal, Heading: nonNil(c.Heading), Text: c.Text,
			Truncated: c.Truncated, Page: c.Page, Score: c.Score,
		})
	}
	if page.Next != "" {
		out.NextCursor = cursor{Route: r.route.Pattern, Scope: scope, Pos: page.Next}.encode(ctx, h.keys, h.now())
	}
	return ok(out)
}
