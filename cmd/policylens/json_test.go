package main

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

// writeJSON streams what one json.Encoder call would write, byte for byte.
func TestWriteJSONMatchesEncoder(t *testing.T) {
	m, err := classify.Default()
	if err != nil {
		t.Fatal(err)
	}
	res, err := analyze.New(m, policy.Limits{}).Analyze(context.Background(), "harbor.txt", []byte(samplePolicy+"\n\nQuestions? Write to <privacy@example.com> & we answer.\n"))
	if err != nil {
		t.Fatal(err)
	}
	empty := *res
	empty.Clauses = []policy.Clause{}
	for _, r := range []*policy.Analysis{res, &empty} {
		var want, got bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(r); err != nil {
			t.Fatal(err)
		}
		if err := writeJSON(&got, r); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("writeJSON differs from json.Encoder (%d clauses):\n%s\nwant:\n%s", len(r.Clauses), got.Bytes(), want.Bytes())
		}
	}
}
