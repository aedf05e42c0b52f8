package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// A labelled file's own places are kept where no reference corpus beside
// it places its clauses, and cleared with places off (eval
// --places=false: text and heading only).
func TestLoadPlacedKeepsOrClearsGivenPlaces(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "mine")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "labelled.jsonl")
	data := `{"source": "Kestrel", "text": "Kestrel Outdoor Gear", "labels": ["Introductory/Generic"], "index": 0, "count": 30}
{"source": "Kestrel", "text": "Write to us at privacy@kestrel.example.", "labels": ["Privacy contact information"]}
`
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	ex, err := loadPlaced(context.Background(), &segmenter{}, path, true, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Index != 0 || ex[0].Count != 30 || ex[1].Count != 0 {
		t.Errorf("with places: %+v", ex)
	}
	ex, err = loadPlaced(context.Background(), &segmenter{}, path, false, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if ex[0].Count != 0 {
		t.Errorf("without places the file's place stays: %+v", ex[0])
	}
}
