// Command clausetime measures what a clause costs each of several label
// models, in turn, on the same clauses: the repository's own policies
// (testdata/policies), segmented as analyze segments them, each clause
// scored with its heading path and its place, as analyze scores it, and
// again with its text alone. Each round scores every clause with every
// model, one after the other, and the ratio to the first model is taken
// round by round, so that a busy machine's swings, which move benchmarks
// run one after another by tens of percent, move it far less.
//
//	go run ./scripts/clausetime [-rounds 31] [-dir testdata/policies] embedded FILE...
//
// "embedded" names the model built into this checkout. It prints, per
// model, the median CPU time a clause (µs, one goroutine) with and
// without the heading path, and the median ratio to the first model.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/policy"
)

func main() {
	rounds := flag.Int("rounds", 31, "rounds of every model scoring every clause")
	dir := flag.String("dir", "testdata/policies", "the policies whose clauses are scored")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go run ./scripts/clausetime [-rounds N] [-dir DIR] embedded|FILE ...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *rounds < 1 {
		flag.Usage()
		os.Exit(2)
	}
	runtime.GOMAXPROCS(1)
	var models []*classify.Model
	for _, name := range flag.Args() {
		m, err := load(name)
		if err != nil {
			log.Fatalf("clausetime: %s: %v", name, err)
		}
		models = append(models, m)
	}
	inputs, err := clauses(*dir)
	if err != nil {
		log.Fatalf("clausetime: %v", err)
	}
	fmt.Printf("%d clauses of %s, %d rounds\n", len(inputs), *dir, *rounds)
	for _, heading := range []bool{true, false} {
		in := inputs
		if !heading {
			in = make([]classify.Input, len(inputs))
			for i, c := range inputs {
				in[i] = classify.Input{Text: c.Text}
			}
		}
		// A first pass off the clock: the models' tables built on first
		// use, the caches warm.
		for _, m := range models {
			score(m, in)
		}
		per := make([][]float64, len(models))
		ratio := make([][]float64, len(models))
		for range *rounds {
			for i, m := range models {
				per[i] = append(per[i], score(m, in))
				ratio[i] = append(ratio[i], per[i][len(per[i])-1]/per[0][len(per[0])-1])
			}
		}
		for i, name := range flag.Args() {
			fmt.Printf("heading %-5v %-40s %8.1f µs a clause  %5.2f times the first\n", heading, name, median(per[i]), median(ratio[i]))
		}
	}
}

// load returns the embedded model, or the one in file name.
func load(name string) (*classify.Model, error) {
	if name == "embedded" {
		return classify.Default()
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return classify.LoadBytes(data)
}

// clauses returns the clauses of the policies in dir as analyze scores
// them.
func clauses(dir string) ([]classify.Input, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		return nil, err
	}
	var out []classify.Input
	for _, p := range paths {
		if filepath.Ext(p) == ".md" && filepath.Base(p) == "README.md" {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		doc, err := extract.Extract(context.Background(), filepath.Base(p), data, policy.Limits{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		cs := segment.Split(doc, segment.Options{})
		for i, c := range cs {
			out = append(out, classify.Input{Heading: c.Heading, Text: c.Text, Index: i, Count: len(cs)})
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no clauses in %s", dir)
	}
	return out, nil
}

// score returns the CPU time a clause of in costs m, in µs.
func score(m *classify.Model, in []classify.Input) float64 {
	start := cpuTime()
	for _, c := range in {
		m.ScoresInput(c)
	}
	return float64(cpuTime()-start) / float64(time.Microsecond) / float64(len(in))
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		log.Fatalf("clausetime: %v", err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	return s[len(s)/2]
}
