package extract

import (
	"reflect"
	"testing"

	"github.com/policylens/policylens/shared/analysis/internal/wire/wiretest"
)

// The PDF worker's request and answer carry every field (see
// wiretest.Fill).
func TestPDFWorkerMessagesCarryEveryField(t *testing.T) {
	var req pdfRequest
	wiretest.Fill(&req)
	got, err := decodePDFRequest(req.encode())
	if err != nil || !reflect.DeepEqual(got, req) {
		t.Errorf("request round trip: %+v, %v\nwant %+v", got, err, req)
	}
	var resp pdfResponse
	wiretest.Fill(&resp)
	back, err := decodePDFResponse(resp.encode())
	if err != nil || !reflect.DeepEqual(*back, resp) {
		t.Errorf("answer round trip: %+v, %v\nwant %+v", back, err, resp)
	}
	resp.Doc = nil
	back, err = decodePDFResponse(resp.encode())
	if err != nil || back.Doc != nil || back.Detail != resp.Detail {
		t.Errorf("answer without a document: %+v, %v", back, err)
	}
}
