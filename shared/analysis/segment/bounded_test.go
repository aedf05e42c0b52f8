package segment_test

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/extract/extracttest"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Within the cap, SplitBounded gives what Split gives; one clause over it,
// a fault.TooLarge error naming the cap.
func TestSplitBounded(t *testing.T) {
	doc := extracttest.Load(t, "policies/lumen-fitness.txt")
	all := segment.Split(doc, segment.Options{})
	got, err := segment.SplitBounded(doc, segment.Options{MaxClauses: len(all)})
	if err != nil || !reflect.DeepEqual(got, all) {
		t.Fatalf("at the cap (%d clauses): %d clauses, %v; want Split's", len(all), len(got), err)
	}
	_, err = segment.SplitBounded(doc, segment.Options{MaxClauses: len(all) - 1})
	if !errors.Is(err, fault.TooLarge) || !strings.Contains(err.Error(), "more than "+strconv.Itoa(len(all)-1)+" clauses") {
		t.Errorf("one over the cap: err = %v, want fault.TooLarge naming the cap", err)
	}
}

// A document of fragments stops at UnitsPerClause units per clause of the
// cap, before its units are all built.
func TestSplitBoundedUnits(t *testing.T) {
	blocks := make([]policy.Block, 0, 600)
	for i := 0; i < 600; i++ {
		blocks = append(blocks, policy.Block{Kind: policy.Heading, Level: 1, Text: "h"})
	}
	doc := &policy.Document{Format: policy.Markdown, Blocks: blocks}
	if _, err := segment.SplitBounded(doc, segment.Options{MaxClauses: 50}); !errors.Is(err, fault.TooLarge) || !strings.Contains(err.Error(), "more than 500 paragraphs") {
		t.Errorf("600 headings, 500 units allowed: err = %v", err)
	}
	// One paragraph of 600 lines: the lines count too.
	lines := &policy.Document{Format: policy.Text, Blocks: []policy.Block{{Text: strings.Repeat("We collect data\n", 600)}}}
	if _, err := segment.SplitBounded(lines, segment.Options{MaxClauses: 50}); !errors.Is(err, fault.TooLarge) {
		t.Errorf("600 lines, 500 units allowed: err = %v", err)
	}
	if _, err := segment.SplitBounded(lines, segment.Options{MaxClauses: 100}); err != nil {
		t.Errorf("600 lines, 1000 units allowed: %v", err)
	}
}
