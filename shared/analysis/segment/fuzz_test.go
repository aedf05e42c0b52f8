package segment_test

import (
	"context"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/extract/extracttest"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

// FuzzSplit builds documents from arbitrary text (blocks split at "\n\n",
// their kinds, levels and pages taken from the control bytes) and checks
// that Split never panics and keeps its contract for several bounds.
func FuzzSplit(f *testing.F) {
	for _, path := range []string{"text/lists.txt", "text/headings.txt", "text/sentence-per-line.txt", "policies/tidewater-dental.txt"} {
		f.Add(string(fixture.Read(f, "testdata", path)), uint16(0))
	}
	f.Add("1. A\n\n1.1 B\n\n- x\n- y\n\nIV. C:\n\na) z\n\n§ 9", uint16(7))
	f.Add(strings.Repeat("word ", 700)+strings.Repeat("x", 3000), uint16(1))
	f.Add("a.b. c. D e.g. F \xff\xfe U.S. G\u00a0\u2028H", uint16(3))
	f.Fuzz(func(t *testing.T, text string, seed uint16) {
		doc := &policy.Document{Format: policy.Text}
		if seed%5 == 0 {
			doc.Format = policy.PDF
		}
		for i, part := range strings.Split(text, "\n\n") {
			b := policy.Block{Text: part, Page: i / 3}
			switch (int(seed) + i) % 7 {
			case 1:
				b.Kind, b.Level = policy.Heading, (int(seed)+i)%7
			case 2:
				b.Kind = policy.ListItem
			}
			doc.Blocks = append(doc.Blocks, b)
		}
		for _, max := range []int{0, int(seed%300) + 1, 2000} {
			clauses := segment.Split(doc, segment.Options{MaxChars: max})
			if max == 0 {
				max = segment.DefaultMaxChars
			}
			checkClauses(t, "fuzz", doc, clauses, max)
		}
	})
}

func benchmarkSplit(b *testing.B, path string) {
	doc := extracttest.Load(b, path)
	b.SetBytes(int64(len(doc.Text())))
	b.ReportAllocs()
	for b.Loop() {
		segment.Split(doc, segment.Options{})
	}
}

// BenchmarkSplitText segments the 29 KB plain-text policy.
func BenchmarkSplitText(b *testing.B) { benchmarkSplit(b, "policies/lumen-fitness.txt") }

// BenchmarkSplitSingleLine segments the 26,000-character single line.
func BenchmarkSplitSingleLine(b *testing.B) { benchmarkSplit(b, "text/single-line.txt") }

// BenchmarkSplitHTML segments the HTML policy.
func BenchmarkSplitHTML(b *testing.B) { benchmarkSplit(b, "policies/harbor-books.html") }

// BenchmarkTextPipeline runs everything but classification on the 29 KB
// plain-text policy, from its bytes: extraction, segmentation and key
// facts.
func BenchmarkTextPipeline(b *testing.B) {
	path := "policies/lumen-fitness.txt"
	data := fixture.Read(b, "testdata", path)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	ctx := context.Background()
	for b.Loop() {
		doc, err := extract.Extract(ctx, path, data, policy.Limits{})
		if err != nil {
			b.Fatal(err)
		}
		segment.Split(doc, segment.Options{})
		facts.Find(doc)
	}
}
