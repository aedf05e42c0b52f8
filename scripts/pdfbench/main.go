// Command pdfbench times PDF extraction by policylens against pdftotext
// (poppler) on the same files, in one run, and prints the ratios. Run it
// via scripts/bench-pdf.sh.
//
// For each file it alternates runs of pdftotext FILE /dev/null (a new
// process each time) and extract.Extract, which starts a worker process
// for the PDF each time, as the CLI and the Lambda do; with -inprocess
// also the same extraction in-process. It reports the median CPU time
// (user + system) of each: for pdftotext its process's, for policylens the
// worker's plus what the calling process spent on the file (sending it,
// reading the answer, mending hyphenated words). The classifier's model,
// which mends words too, is loaded once per process before timing, as in
// the Lambda. Wall times are printed for reference.
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
	"syscall"
	"time"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	n := flag.Int("n", 15, "timed runs per file and tool")
	once := flag.Bool("once", false, "extract each file once and exit (for /usr/bin/time)")
	inproc := flag.Bool("inprocess", false, "also time extraction without a worker process")
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
	start := cpuNow()
	if _, err := classify.Default(); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("classifier model load (once per process): %v CPU\n\n", (cpuNow() - start).Round(100*time.Microsecond))
	fmt.Printf("%-32s %5s | %10s %10s %6s | %10s %10s", "file", "pages", "p2t CPU", "ours CPU", "ratio", "p2t wall", "ours wall")
	if *inproc {
		fmt.Printf(" | %10s %6s", "in-proc", "ratio")
	}
	fmt.Println()
	var sumP2T, sumOurs time.Duration
	worst := 0.0
	for _, f := range flag.Args() {
		doc, err := extractFile(f) // warm-up, and the page count
		if err != nil {
			log.Fatalf("%s: %v", f, err)
		}
		var p2tCPU, p2tWall, cpu, wall, inCPU []time.Duration
		for i := 0; i < *n; i++ {
			c, w := runPdftotext(f)
			p2tCPU, p2tWall = append(p2tCPU, c), append(p2tWall, w)

			c, w = timeExtract(f)
			cpu, wall = append(cpu, c), append(wall, w)

			if *inproc {
				os.Setenv("POLICYLENS_PDF_ISOLATION", "off")
				c, _ = timeExtract(f)
				inCPU = append(inCPU, c)
				os.Unsetenv("POLICYLENS_PDF_ISOLATION")
			}
		}
		a, b := median(p2tCPU), median(cpu)
		ratio := float64(b) / float64(a)
		worst = max(worst, ratio)
		sumP2T += a
		sumOurs += b
		fmt.Printf("%-32s %5d | %10v %10v %5.2fx | %10v %10v", filepath.Base(f), doc.Pages,
			round(a), round(b), ratio, round(median(p2tWall)), round(median(wall)))
		if *inproc {
			c := median(inCPU)
			fmt.Printf(" | %10v %5.2fx", round(c), float64(c)/float64(a))
		}
		fmt.Println()
	}
	fmt.Printf("\nall files: pdftotext %v CPU, policylens %v CPU (%.2fx); worst file %.2fx\n",
		round(sumP2T), round(sumOurs), float64(sumOurs)/float64(sumP2T), worst)
}

func round(d time.Duration) time.Duration { return d.Round(10 * time.Microsecond) }

// runPdftotext runs pdftotext on f and returns its CPU and wall time.
func runPdftotext(f string) (cpu, wall time.Duration) {
	cmd := exec.Command("pdftotext", f, os.DevNull)
	start := time.Now()
	if err := cmd.Run(); err != nil {
		log.Fatalf("pdftotext %s: %v", f, err)
	}
	wall = time.Since(start)
	st := cmd.ProcessState
	return st.UserTime() + st.SystemTime(), wall
}

// timeExtract extracts f and returns the CPU time it took, this process's
// and the worker's, and the wall time.
func timeExtract(f string) (cpu, wall time.Duration) {
	before := cpuNow()
	start := time.Now()
	if _, err := extractFile(f); err != nil {
		log.Fatal(err)
	}
	wall = time.Since(start)
	return cpuNow() - before, wall
}

// cpuNow is the CPU time (user + system) of this process and of its
// children that have ended.
func cpuNow() time.Duration {
	var self, kids syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &self); err != nil {
		log.Fatal(err)
	}
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &kids); err != nil {
		log.Fatal(err)
	}
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(self.Utime) + tv(self.Stime) + tv(kids.Utime) + tv(kids.Stime)
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
