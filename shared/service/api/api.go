// Package api describes the lookup API as plain data: its routes and the
// page sizes it accepts. The lookup handler attaches itself to these routes
// by pattern, the CDK stack creates one API Gateway route for each, and a
// test checks them against api/openapi.yaml; none of them needs the others'
// code.
package api

import "slices"

// Route is one route of the API.
type Route struct {
	Method string
	// Pattern is the path with {name} for path parameters.
	Pattern string
	// Query lists the query parameters the route accepts.
	Query []string
}

// Key returns the route key as API Gateway writes it, such as
// "GET /policies/{id}".
func (r Route) Key() string { return r.Method + " " + r.Pattern }

var routes = []Route{
	{"GET", "/health", nil},
	{"GET", "/labels", nil},
	{"GET", "/labels/{label}/clauses", []string{"minScore", "limit", "cursor"}},
	{"GET", "/policies", []string{"regulation", "company", "limit", "cursor"}},
	{"GET", "/policies/{id}", nil},
	{"GET", "/policies/{id}/clauses", []string{"version", "label", "minScore", "limit", "cursor"}},
	{"GET", "/policies/{id}/versions", []string{"limit", "cursor"}},
	{"GET", "/policies/{id}/changes", []string{"from", "to", "limit", "cursor"}},
	{"GET", "/policies/{id}/summary", []string{"version"}},
	{"GET", "/attributes", nil},
	{"GET", "/attributes/{category}/{attribute}/clauses", []string{"value", "minScore", "denied", "limit", "cursor"}},
	{"GET", "/mentions/{kind}/clauses", []string{"value", "denied", "limit", "cursor"}},
}

// Routes lists the routes of the API.
func Routes() []Route {
	out := slices.Clone(routes)
	for i := range out {
		out[i].Query = slices.Clone(out[i].Query)
	}
	return out
}

// RouteKeys returns the route keys of the API, for the stack's HTTP API and
// the local server.
func RouteKeys() []string {
	keys := make([]string, len(routes))
	for i, r := range routes {
		keys[i] = r.Key()
	}
	return keys
}

// Page sizes of the listings.
const (
	DefaultPageSize    = 20   // `limit` when the request gives none
	DefaultMaxPageSize = 100  // largest `limit` accepted unless MAX_PAGE_SIZE says otherwise
	MaxMaxPageSize     = 1000 // largest MAX_PAGE_SIZE accepted
)
