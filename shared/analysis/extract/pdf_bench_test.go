package extract

import (
	"context"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// BenchmarkPDF measures PDF extraction in-process and through the worker
// process (which adds starting the process and copying the data). The
// pages/s metric is per core of wall time. Compare with pdftotext using
// scripts/bench-pdf.sh.
func BenchmarkPDF(b *testing.B) {
	files := []struct {
		name  string
		pages int
	}{
		{"northwind-libreoffice.pdf", 3},
		{"brightleaf-chromium.pdf", 3},
		{"cobalt-pdflatex.pdf", 2},
		{"harbor-twocolumn.pdf", 2},
		{"many-pages.pdf", 200},
	}
	for _, f := range files {
		data := readPDF(b, f.name)
		b.Run("inprocess/"+f.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := pdfDocument(context.Background(), data, policy.DefaultLimits()); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.pages*b.N)/b.Elapsed().Seconds(), "pages/s")
		})
		b.Run("worker/"+f.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Extract(context.Background(), f.name, data, policy.Limits{}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(f.pages*b.N)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}
