// Command pdfbench times PDF extraction by policylens against pdftotext
// (poppler) on the same files, in one run, and prints the ratio. Run it via
// scripts/bench-pdf.sh.
//
// For each file it alternates runs of: pdftotext FILE /dev/null (a new
// process each time), extract.Extract (which starts a worker process each
// time, as the CLI and the Lambda do), and the same extraction in-process.
// It prints the median wall time of each and the ratios to pdftotext.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"time"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	n := flag.Int("n", 15, "timed runs per file and tool")
	once := flag.Bool("once", false, "extract each file once and exit (for /usr/bin/time)")
	flag.Parse()
	log.SetFlags(0)
	if *once {
		for _, f := range flag.Args() {
			if _, err := extractFile(f); err != nil {
				log.Fatalf("%s: %v", f, err)
			}
		}
		return
	}
	fmt.Printf("%-28s %6s %12s %12s %12s %8s %8s\n", "file", "pages", "pdftotext", "policylens", "in-process", "ratio", "ratio-in")
	for _, f := range flag.Args() {
		doc, err := extractFile(f) // warm-up, and the page count
		if err != nil {
			log.Fatalf("%s: %v", f, err)
		}
		var p2t, child, inproc []time.Duration
		for i := 0; i < *n; i++ {
			start := time.Now()
			if err := exec.Command("pdftotext", f, os.DevNull).Run(); err != nil {
				log.Fatalf("pdftotext %s: %v", f, err)
			}
			p2t = append(p2t, time.Since(start))

			start = time.Now()
			if _, err := extractFile(f); err != nil {
				log.Fatal(err)
			}
			child = append(child, time.Since(start))

			os.Setenv("POLICYLENS_PDF_ISOLATION", "off")
			start = time.Now()
			if _, err := extractFile(f); err != nil {
				log.Fatal(err)
			}
			inproc = append(inproc, time.Since(start))
			os.Unsetenv("POLICYLENS_PDF_ISOLATION")
		}
		a, b, c := median(p2t), median(child), median(inproc)
		fmt.Printf("%-28s %6d %12v %12v %12v %7.2fx %7.2fx\n", filepath.Base(f), doc.Pages,
			a.Round(10*time.Microsecond), b.Round(10*time.Microsecond), c.Round(10*time.Microsecond),
			float64(b)/float64(a), float64(c)/float64(a))
	}
}

func extractFile(path string) (*policy.Document, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Reading the file is part of the work, as it is for pdftotext.
	return extract.Extract(context.Background(), filepath.Base(path), data, policy.Limits{})
}

func median(d []time.Duration) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
