// Package localapi serves a Lambda handler for API Gateway HTTP APIs
// (payload format 2.0) over plain HTTP, the way `sam local start-api` does,
// so the lookup function runs unchanged on a developer's machine.
package localapi

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// Handler is the signature of an HTTP API Lambda handler.
type Handler func(ctx context.Context, req events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error)

// MaxBodyBytes is the largest request body forwarded, as API Gateway's
// payload limit.
const MaxBodyBytes = 10 << 20

// Server adapts HTTP requests to HTTP API events and back.
type Server struct {
	handler Handler
	routes  []route
	log     *slog.Logger
	seq     atomic.Uint64
}

type route struct {
	key      string // as API Gateway writes it: "GET /policies/{id}", "ANY /{proxy+}"
	method   string
	segments []string
}

// New returns a Server that calls h. routeKeys are the API's route keys
// ("GET /policies/{id}", "ANY /labels"); a request matching one gets that
// RouteKey and its path parameters, any other gets RouteKey "$default", as
// an API with a $default route would send it. A nil log discards logs.
func New(h Handler, routeKeys []string, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{handler: h, log: log}
	for _, k := range routeKeys {
		method, path, ok := strings.Cut(k, " ")
		if !ok || !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("route key %q is not of the form \"METHOD /path\"", k)
		}
		s.routes = append(s.routes, route{key: k, method: method, segments: splitPath(path)})
	}
	return s, nil
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// match returns the route key and path parameters for method and rawPath,
// the path as sent: it is split into segments first and each segment
// decoded then, so that %2F stays inside its segment. A path that is not
// valid percent-encoding matches no route.
func (s *Server) match(method, rawPath string) (string, map[string]string) {
	segs := splitPath(rawPath)
	for i, seg := range segs {
		d, err := url.PathUnescape(seg)
		if err != nil {
			return "$default", nil
		}
		segs[i] = d
	}
	for _, r := range s.routes {
		if r.method != "ANY" && r.method != method {
			continue
		}
		if params, ok := r.matchPath(segs); ok {
			return r.key, params
		}
	}
	return "$default", nil
}

func (r route) matchPath(segs []string) (map[string]string, bool) {
	params := map[string]string{}
	for i, t := range r.segments {
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "+}") {
			if i >= len(segs) {
				return nil, false
			}
			params[strings.TrimSuffix(t[1:], "+}")] = strings.Join(segs[i:], "/")
			return params, true
		}
		if i >= len(segs) {
			return nil, false
		}
		if strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}") {
			params[t[1:len(t)-1]] = segs[i]
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	if len(segs) != len(r.segments) {
		return nil, false
	}
	return params, true
}

// Event converts r into the event API Gateway would send for it.
func (s *Server) Event(r *http.Request) (events.APIGatewayV2HTTPRequest, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("read request body: %w", err)
	}
	if len(body) > MaxBodyBytes {
		return events.APIGatewayV2HTTPRequest{}, fmt.Errorf("request body over %d bytes", MaxBodyBytes)
	}
	// API Gateway passes the path as the client sent it, percent-encoding
	// included, and decodes path parameters.
	rawPath, rawQuery := r.URL.EscapedPath(), r.URL.RawQuery
	if t := r.Header.Values(targetHeader); len(t) > 0 {
		// Through the guard of Listener: the target as sent.
		rawPath, rawQuery, _ = strings.Cut(t[0], "?")
	}
	key, params := s.match(r.Method, rawPath)
	headers := map[string]string{}
	var cookies []string
	for name, vals := range r.Header {
		lname := strings.ToLower(name)
		if name == targetHeader {
			continue
		}
		if lname == "cookie" {
			for _, v := range vals {
				for _, c := range strings.Split(v, ";") {
					if c = strings.TrimSpace(c); c != "" {
						cookies = append(cookies, c)
					}
				}
			}
			continue
		}
		headers[lname] = strings.Join(vals, ",")
	}
	if r.Host != "" {
		headers["host"] = r.Host
	}
	var query map[string]string
	if q := r.URL.Query(); len(q) > 0 {
		query = make(map[string]string, len(q))
		for k, v := range q {
			query[k] = strings.Join(v, ",")
		}
	}
	now := time.Now()
	id := fmt.Sprintf("local-%d-%d", now.UnixNano(), s.seq.Add(1))
	ev := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              key,
		RawPath:               rawPath,
		RawQueryString:        rawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: query,
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:     key,
			AccountID:    "000000000000",
			Stage:        "$default",
			RequestID:    id,
			APIID:        "local",
			DomainName:   r.Host,
			DomainPrefix: strings.Split(r.Host, ".")[0],
			Time:         now.UTC().Format("02/Jan/2006:15:04:05 -0700"),
			TimeEpoch:    now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method:    r.Method,
				Path:      rawPath,
				Protocol:  r.Proto,
				SourceIP:  sourceIP(r.RemoteAddr),
				UserAgent: r.UserAgent(),
			},
		},
	}
	if len(body) > 0 {
		if utf8.Valid(body) {
			ev.Body = string(body)
		} else {
			ev.Body = base64.StdEncoding.EncodeToString(body)
			ev.IsBase64Encoded = true
		}
	}
	return ev, nil
}

func sourceIP(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return remote
	}
	return host
}

// ServeHTTP runs the handler on the request's event and writes its response.
// A handler error becomes a 500 with API Gateway's own body, as in AWS.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ev, err := s.Event(r)
	if err != nil {
		http.Error(w, `{"message":"Bad Request"}`, http.StatusBadRequest)
		return
	}
	resp, err := s.handler(r.Context(), ev)
	if err != nil {
		s.log.Error("handler failed", "method", r.Method, "path", ev.RawPath, "error", err)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"message":"Internal Server Error"}`)
		return
	}
	if err := writeResponse(w, resp); err != nil {
		s.log.Error("bad handler response", "method", r.Method, "path", ev.RawPath, "error", err)
	}
	s.log.Info("request", "method", r.Method, "path", ev.RawPath, "query", ev.RawQueryString,
		"route", ev.RouteKey, "status", resp.StatusCode, "ms", time.Since(start).Milliseconds())
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) error {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return fmt.Errorf("body marked base64 does not decode: %w", err)
		}
		body = b
	}
	h := w.Header()
	for k, v := range resp.Headers {
		h.Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		h.Add("Set-Cookie", c)
	}
	if h.Get("Content-Type") == "" && len(body) > 0 {
		h.Set("Content-Type", "application/json")
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, err := w.Write(body)
	return err
}
