package lookup

import (
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// problemBase is where the problem types are documented; a problem's type
// is this address followed by the type's anchor in docs/api.md.
const problemBase = "https://github.com/policylens/policylens/blob/main/docs/api.md#"

// Problem types.
const (
	probInvalidParameter = "invalid-parameter"
	probNotFound         = "not-found"
	probMethodNotAllowed = "method-not-allowed"
	probPolicyChanged    = "policy-changed"
	probUnavailable      = "unavailable"
	probInternal         = "internal-error"
)

// Problem is an RFC 9457 problem details object.
type Problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
	// Parameter names the request parameter at fault, for invalid-parameter.
	Parameter string `json:"parameter,omitempty"`
	// RequestID identifies the request in the logs, for server errors.
	RequestID string `json:"requestId,omitempty"`
}

var problemTitles = map[string]string{
	probInvalidParameter: "Invalid request parameter",
	probNotFound:         "Not found",
	probMethodNotAllowed: "Method not allowed",
	probPolicyChanged:    "Policy changed during pagination",
	probUnavailable:      "Service unavailable",
	probInternal:         "Internal error",
}

// problem is a response carrying p.
func problem(status int, kind, detail string) *response {
	return &response{status: status, problem: &Problem{
		Type: problemBase + kind, Title: problemTitles[kind], Status: status, Detail: detail,
	}}
}

func badParam(name, detail string) *response {
	r := problem(http.StatusBadRequest, probInvalidParameter, detail)
	r.problem.Parameter = name
	return r
}

func notFound(detail string) *response { return problem(http.StatusNotFound, probNotFound, detail) }

// response is what a route returns: a JSON body or a problem.
type response struct {
	status  int
	body    any
	problem *Problem
	headers map[string]string
}

func ok(body any) *response { return &response{status: http.StatusOK, body: body} }

// encode writes r as an API Gateway response. instance and requestID fill
// in a problem's context.
func (r *response) encode(instance, requestID string) events.APIGatewayV2HTTPResponse {
	h := map[string]string{"Cache-Control": "no-store"}
	for k, v := range r.headers {
		h[k] = v
	}
	var body any = r.body
	if r.problem != nil {
		r.problem.Instance = instance
		if r.status >= 500 {
			r.problem.RequestID = requestID
		}
		h["Content-Type"] = "application/problem+json"
		body = r.problem
	} else {
		h["Content-Type"] = "application/json"
	}
	b, err := json.Marshal(body)
	if err != nil {
		// Bodies are plain data; this cannot happen, but must not panic.
		b = []byte(`{"type":"` + problemBase + probInternal + `","title":"Internal error","status":500}`)
		h["Content-Type"] = "application/problem+json"
		return events.APIGatewayV2HTTPResponse{StatusCode: 500, Headers: h, Body: string(b) + "\n"}
	}
	return events.APIGatewayV2HTTPResponse{StatusCode: r.status, Headers: h, Body: string(b) + "\n"}
}
