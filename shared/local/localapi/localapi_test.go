package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

var routeKeys = []string{
	"GET /policies",
	"GET /policies/{id}",
	"GET /policies/{id}/clauses",
	"ANY /labels/{label}/clauses",
	"GET /files/{path+}",
}

func TestEventRouting(t *testing.T) {
	tests := []struct {
		method, target string
		routeKey       string
		params         map[string]string
		rawPath        string
		query          map[string]string
	}{
		{"GET", "/policies", "GET /policies", nil, "/policies", nil},
		{"GET", "/policies/", "GET /policies", nil, "/policies/", nil},
		{"GET", "/policies/acme-1a2b?limit=5", "GET /policies/{id}", map[string]string{"id": "acme-1a2b"}, "/policies/acme-1a2b", map[string]string{"limit": "5"}},
		{"GET", "/policies/acme/clauses?label=a&label=b", "GET /policies/{id}/clauses", map[string]string{"id": "acme"}, "/policies/acme/clauses", map[string]string{"label": "a,b"}},
		{"POST", "/policies/acme", "$default", nil, "/policies/acme", nil},
		{"DELETE", "/labels/data-retention/clauses", "ANY /labels/{label}/clauses", map[string]string{"label": "data-retention"}, "/labels/data-retention/clauses", nil},
		{"GET", "/labels/Data%20Retention/clauses", "ANY /labels/{label}/clauses", map[string]string{"label": "Data Retention"}, "/labels/Data%20Retention/clauses", nil},
		{"GET", "/files/a/b/c.txt", "GET /files/{path+}", map[string]string{"path": "a/b/c.txt"}, "/files/a/b/c.txt", nil},
		{"GET", "/files", "$default", nil, "/files", nil},
		{"GET", "/nowhere/at/all", "$default", nil, "/nowhere/at/all", nil},
	}
	s, err := New(nil, routeKeys, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.target, func(t *testing.T) {
			ev, err := s.Event(httptest.NewRequest(tt.method, tt.target, nil))
			if err != nil {
				t.Fatal(err)
			}
			if ev.RouteKey != tt.routeKey || ev.RequestContext.RouteKey != tt.routeKey {
				t.Errorf("route key %q / %q, want %q", ev.RouteKey, ev.RequestContext.RouteKey, tt.routeKey)
			}
			if !reflect.DeepEqual(ev.PathParameters, tt.params) && !(len(ev.PathParameters) == 0 && len(tt.params) == 0) {
				t.Errorf("path parameters %v, want %v", ev.PathParameters, tt.params)
			}
			if ev.RawPath != tt.rawPath {
				t.Errorf("raw path %q, want %q", ev.RawPath, tt.rawPath)
			}
			if !reflect.DeepEqual(ev.QueryStringParameters, tt.query) {
				t.Errorf("query %v, want %v", ev.QueryStringParameters, tt.query)
			}
			if ev.Version != "2.0" || ev.RequestContext.HTTP.Method != tt.method {
				t.Errorf("version %q method %q", ev.Version, ev.RequestContext.HTTP.Method)
			}
		})
	}
}

func TestNewRejectsBadRouteKeys(t *testing.T) {
	for _, k := range []string{"GET", "/policies", "GET policies"} {
		if _, err := New(nil, []string{k}, nil); err == nil {
			t.Errorf("New accepted route key %q", k)
		}
	}
}

func TestEventHeadersCookiesBody(t *testing.T) {
	s, _ := New(nil, nil, nil)
	r := httptest.NewRequest("POST", "/x?a=1", strings.NewReader("\xff\xfe binary"))
	r.Header.Add("X-Multi", "one")
	r.Header.Add("X-Multi", "two")
	r.Header.Set("Cookie", "a=1; b=2")
	ev, err := s.Event(r)
	if err != nil {
		t.Fatal(err)
	}
	if ev.Headers["x-multi"] != "one,two" {
		t.Errorf("headers %v", ev.Headers)
	}
	if _, ok := ev.Headers["cookie"]; ok || !reflect.DeepEqual(ev.Cookies, []string{"a=1", "b=2"}) {
		t.Errorf("cookies %v, cookie header %q", ev.Cookies, ev.Headers["cookie"])
	}
	if !ev.IsBase64Encoded {
		t.Fatal("binary body not base64-encoded")
	}
	if b, _ := base64.StdEncoding.DecodeString(ev.Body); string(b) != "\xff\xfe binary" {
		t.Errorf("body %q", b)
	}
	if ev.RawQueryString != "a=1" {
		t.Errorf("raw query %q", ev.RawQueryString)
	}
}

func TestServeHTTP(t *testing.T) {
	tests := []struct {
		name       string
		resp       events.APIGatewayV2HTTPResponse
		err        error
		status     int
		body       string
		header     http.Header
		setCookies []string
	}{
		{
			name:   "json with headers",
			resp:   events.APIGatewayV2HTTPResponse{StatusCode: 404, Headers: map[string]string{"Content-Type": "application/problem+json"}, Body: `{"status":404}`},
			status: 404, body: `{"status":404}`,
			header: http.Header{"Content-Type": {"application/problem+json"}},
		},
		{
			name:   "base64 body and multi-value headers",
			resp:   events.APIGatewayV2HTTPResponse{StatusCode: 200, IsBase64Encoded: true, Body: base64.StdEncoding.EncodeToString([]byte("raw\x00bytes")), MultiValueHeaders: map[string][]string{"Vary": {"a", "b"}}},
			status: 200, body: "raw\x00bytes",
			header: http.Header{"Vary": {"a", "b"}},
		},
		{
			name:       "cookies",
			resp:       events.APIGatewayV2HTTPResponse{StatusCode: 204, Cookies: []string{"s=1; Path=/", "t=2"}},
			status:     204,
			setCookies: []string{"s=1; Path=/", "t=2"},
		},
		{
			name:   "zero status is 200",
			resp:   events.APIGatewayV2HTTPResponse{Body: "{}"},
			status: 200, body: "{}",
			header: http.Header{"Content-Type": {"application/json"}},
		},
		{
			name:   "handler error is a bare 500",
			err:    errors.New("table gone: arn:aws:dynamodb:secret"),
			status: 500, body: `{"message":"Internal Server Error"}`,
		},
		{
			name:   "bad base64 from handler",
			resp:   events.APIGatewayV2HTTPResponse{StatusCode: 200, IsBase64Encoded: true, Body: "!!!"},
			status: 500,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
				return tt.resp, tt.err
			}, routeKeys, nil)
			if err != nil {
				t.Fatal(err)
			}
			srv := httptest.NewServer(s)
			defer srv.Close()
			res, err := http.Get(srv.URL + "/policies")
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status {
				t.Errorf("status %d, want %d", res.StatusCode, tt.status)
			}
			if tt.body != "" && string(body) != tt.body {
				t.Errorf("body %q, want %q", body, tt.body)
			}
			for k, v := range tt.header {
				if !reflect.DeepEqual(res.Header.Values(k), v) {
					t.Errorf("header %s = %q, want %q", k, res.Header.Values(k), v)
				}
			}
			if tt.setCookies != nil && !reflect.DeepEqual(res.Header.Values("Set-Cookie"), tt.setCookies) {
				t.Errorf("Set-Cookie %q, want %q", res.Header.Values("Set-Cookie"), tt.setCookies)
			}
		})
	}
}

// rawGet sends a request line as written, which Go's HTTP client would
// correct, and returns the response.
func rawGet(t *testing.T, addr, target string, header ...string) *http.Response {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := "GET " + target + " HTTP/1.1\r\nHost: local\r\n"
	for _, h := range header {
		req += h + "\r\n"
	}
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp
}

// Paths reach the handler as sent, as API Gateway passes them: a malformed
// escape too (Go's server alone answers it with its own plain-text 400),
// and %2F stays inside its segment.
func TestPercentEncoding(t *testing.T) {
	var got []events.APIGatewayV2HTTPRequest
	h := func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		got = append(got, ev)
		return events.APIGatewayV2HTTPResponse{StatusCode: 400, Headers: map[string]string{"Content-Type": "application/problem+json"}, Body: `{"status":400}`}, nil
	}
	s, err := New(h, routeKeys, nil)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := s.HTTPServer()
	go srv.Serve(s.Listener(ln))
	defer srv.Close()
	addr := ln.Addr().String()

	tests := []struct {
		target, rawPath, routeKey string
		params                    map[string]string
		query                     string
	}{
		{"/policies/%zz", "/policies/%zz", "$default", nil, ""},
		{"/policies/50%/clauses?limit=5", "/policies/50%/clauses", "$default", nil, "limit=5"},
		{"/policies/a%2Fb/clauses", "/policies/a%2Fb/clauses", "GET /policies/{id}/clauses", map[string]string{"id": "a/b"}, ""},
		{"/labels/Data%20Retention/clauses?minScore=%zz", "/labels/Data%20Retention/clauses", "ANY /labels/{label}/clauses", map[string]string{"label": "Data Retention"}, "minScore=%zz"},
	}
	for _, tt := range tests {
		got = nil
		resp := rawGet(t, addr, tt.target, targetHeader+": /forged")
		if resp.StatusCode != 400 || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("%s: %s %s, want the handler's problem+json", tt.target, resp.Status, resp.Header.Get("Content-Type"))
		}
		if len(got) != 1 {
			t.Errorf("%s: the handler ran %d times", tt.target, len(got))
			continue
		}
		ev := got[0]
		if ev.RawPath != tt.rawPath || ev.RouteKey != tt.routeKey || !reflect.DeepEqual(ev.PathParameters, tt.params) || ev.RawQueryString != tt.query {
			t.Errorf("%s: raw path %q, route %q, params %v, query %q; want %q, %q, %v, %q", tt.target,
				ev.RawPath, ev.RouteKey, ev.PathParameters, ev.RawQueryString, tt.rawPath, tt.routeKey, tt.params, tt.query)
		}
		if _, ok := ev.Headers[strings.ToLower(targetHeader)]; ok {
			t.Errorf("%s: the guard's header reached the handler", tt.target)
		}
	}
}
