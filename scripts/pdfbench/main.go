// Command pdfbench times PDF extraction by policylens against pdftotext
// (poppler) on the same files, in one run, and prints the ratios. Run it
// via scripts/bench-pdf.sh.
//
// For each file it alternates runs of pdftotext FILE /dev/null (a new
// process each time) and policylens's analysis as the CLI and the Lambda
// run it (analyze.Analyzer.Analyze): a worker process extracts the text,
// mends hyphenated words, splits the clauses and finds the key facts, and
// the caller classifies the clauses. The worker that answered one file
// serves the next (package isolate keeps it), so it is timed twice: as
// the Lambda runs after its first file, with the worker kept (its CPU time
// as it reports it, isolate.WorkerCPU), and with a new worker process for
// the file (POLICYLENS_ISOLATE_REUSE=off, the worker's CPU time as the
// process's children's), what the first file of a process pays. With
// -inprocess it also times the same analysis without a worker. It reports
// the median CPU time (user + system) of each: for pdftotext its
// process's; for policylens the worker's, compared with pdftotext's, and
// the whole analysis (worker and caller together) compared with
// pdftotext's. The models are loaded once per process before timing, as in
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

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/isolate"
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
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	analyzer = analyze.New(m, policy.Limits{})
	fmt.Printf("classifier model load (once per process): %v CPU\n\n", (cpuNow() - start).Round(100*time.Microsecond))
	fmt.Printf("%-32s %5s | %9s | %9s %6s %9s %6s | %9s %6s %9s %6s | %9s %9s", "file", "pages", "pdftotext",
		"worker", "ratio", "+caller", "ratio", "new wkr", "ratio", "+caller", "ratio", "p2t wall", "our wall")
	if *inproc {
		fmt.Printf(" | %9s %6s", "in-proc", "ratio")
	}
	fmt.Println()
	var sumP2T, sumWorker, sumAll, sumFresh, sumFreshAll time.Duration
	worst, worstAll, worstFreshAll := 0.0, 0.0, 0.0
	for _, f := range flag.Args() {
		res, err := analyzeFile(f) // warm-up, and the page count
		if err != nil {
			log.Fatalf("%s: %v", f, err)
		}
		var p2tCPU, p2tWall, workerCPU, allCPU, wall, freshCPU, freshAll, inCPU []time.Duration
		for i := 0; i < *n; i++ {
			c, w := runPdftotext(f)
			p2tCPU, p2tWall = append(p2tCPU, c), append(p2tWall, w)

			kids, all, w := timeAnalyze(f, false)
			workerCPU, allCPU, wall = append(workerCPU, kids), append(allCPU, all), append(wall, w)

			kids, all, _ = timeAnalyze(f, true)
			freshCPU, freshAll = append(freshCPU, kids), append(freshAll, all)

			if *inproc {
				os.Setenv("POLICYLENS_ISOLATION", "off")
				_, c, _ = timeAnalyze(f, false)
				inCPU = append(inCPU, c)
				os.Unsetenv("POLICYLENS_ISOLATION")
			}
		}
		a, b, c := median(p2tCPU), median(workerCPU), median(allCPU)
		fb, fc := median(freshCPU), median(freshAll)
		ratio, ratioAll := float64(b)/float64(a), float64(c)/float64(a)
		worst, worstAll = max(worst, ratio), max(worstAll, ratioAll)
		worstFreshAll = max(worstFreshAll, float64(fc)/float64(a))
		sumP2T += a
		sumWorker += b
		sumAll += c
		sumFresh += fb
		sumFreshAll += fc
		fmt.Printf("%-32s %5d | %9v | %9v %5.2fx %9v %5.2fx | %9v %5.2fx %9v %5.2fx | %9v %9v", filepath.Base(f), res.Policy.Pages,
			round(a), round(b), ratio, round(c-b), ratioAll, round(fb), float64(fb)/float64(a), round(fc-fb), float64(fc)/float64(a),
			round(median(p2tWall)), round(median(wall)))
		if *inproc {
			c := median(inCPU)
			fmt.Printf(" | %9v %5.2fx", round(c), float64(c)/float64(a))
		}
		fmt.Println()
	}
	fmt.Printf("\nall files: pdftotext %v CPU\n", round(sumP2T))
	fmt.Printf("  worker kept:  the worker %v (%.2fx, worst file %.2fx); the whole analysis %v (%.2fx, worst file %.2fx)\n",
		round(sumWorker), float64(sumWorker)/float64(sumP2T), worst,
		round(sumAll), float64(sumAll)/float64(sumP2T), worstAll)
	fmt.Printf("  new worker:   the worker %v (%.2fx); the whole analysis %v (%.2fx, worst file %.2fx)\n",
		round(sumFresh), float64(sumFresh)/float64(sumP2T),
		round(sumFreshAll), float64(sumFreshAll)/float64(sumP2T), worstFreshAll)
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

// timeAnalyze analyses f and returns the CPU time its worker took, the
// CPU time of the worker and this process together, and the wall time.
// With fresh, the worker is a new process, timed as this process's
// children are; otherwise it is the kept worker, timed as it reports.
func timeAnalyze(f string, fresh bool) (worker, all, wall time.Duration) {
	if fresh {
		os.Setenv("POLICYLENS_ISOLATE_REUSE", "off")
		defer os.Unsetenv("POLICYLENS_ISOLATE_REUSE")
	}
	self0, kids0 := cpuTimes()
	rep0 := isolate.WorkerCPU()
	start := time.Now()
	if _, err := analyzeFile(f); err != nil {
		log.Fatal(err)
	}
	wall = time.Since(start)
	self1, kids1 := cpuTimes()
	worker = isolate.WorkerCPU() - rep0
	if fresh {
		worker = kids1 - kids0
	}
	return worker, self1 - self0 + worker, wall
}

// cpuTimes returns the CPU time (user + system) of this process and of its
// children that have ended.
func cpuTimes() (self, kids time.Duration) {
	var s, k syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &s); err != nil {
		log.Fatal(err)
	}
	if err := syscall.Getrusage(syscall.RUSAGE_CHILDREN, &k); err != nil {
		log.Fatal(err)
	}
	tv := func(t syscall.Timeval) time.Duration { return time.Duration(t.Nano()) }
	return tv(s.Utime) + tv(s.Stime), tv(k.Utime) + tv(k.Stime)
}

func cpuNow() time.Duration {
	s, k := cpuTimes()
	return s + k
}

var analyzer *analyze.Analyzer

func analyzeFile(path string) (*policy.Analysis, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	// Reading the file is part of the work, as it is for pdftotext.
	return analyzer.Analyze(context.Background(), filepath.Base(path), data)
}

// extractFile only extracts the text (for -once, which measures memory).
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
