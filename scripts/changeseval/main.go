// Command changeseval measures the change reports of package changes on
// real policy edits: the archived versions in
// ../shared/corpus/policy-versions (one folder per service, one Markdown
// file per version, in date order). For each pair of consecutive versions
// it compares the report of changes.Compare with a reference computed
// without the aligner:
//
// The reference reads each version's extracted text (what the extractor
// shows of the file: link text without link targets, no images), cuts it
// into sentences (at line breaks, bullets, and '.', '!' or '?' followed by
// a capitalised word; its own splitter, not the aligner's) and compares the
// two sequences of sentence keys (changes.Key: the words without case,
// punctuation, tracking parameters, list numbers and last-updated dates,
// the written definition of "cosmetic") by a longest common subsequence.
// A sentence outside it is "moved" when the same key is outside it on the
// other side too, and "changed" otherwise. A version is cosmetic only when
// the two sequences are equal.
//
// It reports:
//   - changed sentences found: a changed sentence of the previous version
//     (of the new one) is found when a clause the report lists as removed or
//     modified (added or modified) covers part of it, or when it is a
//     heading or the title that the report lists as changed;
//   - moved sentences found, likewise with moved clauses too;
//   - reported clauses really changed: a listed clause is really changed
//     when it covers part of a changed or moved sentence on its side (the
//     previous version's for a removed clause, the new one's for an added
//     clause, either for a modified or moved one);
//   - reported heading changes really changed: one of the headings is a
//     changed or moved sentence on its side;
//   - cosmetic-only versions kept quiet (Report.Quiet), and changed
//     versions reported as quiet.
//
// Usage: go run ./scripts/changeseval [-dir DIR] [-v]
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/domain/policy"
)

// version is one analysed file with its reference sentences.
type version struct {
	name     string
	analysis *policy.Analysis
	sents    []refSentence
	text     string // the extracted text
}

// refSentence is a sentence of the extracted text: its code-point offsets
// in policy.Document.Text (the offsets clauses use), its text and key.
type refSentence struct {
	start, end int
	text, key  string
	// state after the reference diff: 0 same, 'm' moved, 'c' changed.
	state byte
}

type totals struct {
	pairs, skipped, changedSent, changedFound, movedSent, movedFound int
	reported, really, headings, headingsReal                         int
	quietRef, quietEdited, quietKept, loud, loudQuiet                int
	analyzeTime, compareTime                                         time.Duration
}

func main() {
	dir := flag.String("dir", "../shared/corpus/policy-versions", "folder of services, each a folder of versions")
	verbose := flag.Bool("v", false, "print the sentences missed and the clauses reported without a change")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the comparisons to this file")
	flag.Parse()
	log.SetFlags(0)
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	services, err := os.ReadDir(*dir)
	if err != nil {
		log.Fatalf("changeseval: %v (the corpus is beside the repository, see docs/changes.md)", err)
	}
	m, err := classify.Default()
	if err != nil {
		log.Fatal(err)
	}
	an := analyze.New(m, policy.DefaultLimits())
	var t totals
	fmt.Printf("%-22s %-28s %9s %9s %9s %9s  %s\n", "service", "version", "changed", "found", "reported", "really", "quiet (ref/report)")
	for _, svc := range services {
		if !svc.IsDir() {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(*dir, svc.Name(), "*.md"))
		sort.Strings(files)
		var prev *version
		for _, f := range files {
			v, err := load(an, f, &t)
			if err != nil {
				// A version that fails analysis (an empty capture) never
				// becomes READY: the next one is compared with the one
				// before, as the service does.
				fmt.Printf("%-22s %-28s skipped: %v\n", svc.Name(), strings.TrimSuffix(filepath.Base(f), ".md"), err)
				t.skipped++
				continue
			}
			if prev != nil {
				measure(svc.Name(), prev, v, &t, *verbose)
			}
			prev = v
		}
	}
	pct := func(a, b int) string {
		if b == 0 {
			return "n/a"
		}
		return fmt.Sprintf("%.1f%%", 100*float64(a)/float64(b))
	}
	fmt.Printf("\n%d version pairs (%d versions skipped)\n", t.pairs, t.skipped)
	fmt.Printf("changed sentences found:         %s (%d of %d; goal >= 95%%)\n", pct(t.changedFound, t.changedSent), t.changedFound, t.changedSent)
	fmt.Printf("moved sentences found:           %s (%d of %d)\n", pct(t.movedFound, t.movedSent), t.movedFound, t.movedSent)
	fmt.Printf("reported clauses really changed: %s (%d of %d; goal >= 90%%)\n", pct(t.really, t.reported), t.really, t.reported)
	fmt.Printf("reported headings really changed: %s (%d of %d)\n", pct(t.headingsReal, t.headings), t.headingsReal, t.headings)
	fmt.Printf("cosmetic-only versions quiet:    %d of %d (goal: all); %d of them with edits to the extracted text (see -v)\n", t.quietKept, t.quietRef, t.quietEdited)
	fmt.Printf("changed versions reported quiet: %d of %d\n", t.loudQuiet, t.loud)
	fmt.Printf("time: compare %v for all pairs, %.1f%% of analysing the versions (%v)\n",
		t.compareTime.Round(time.Millisecond), 100*float64(t.compareTime)/float64(t.analyzeTime), t.analyzeTime.Round(time.Millisecond))
}

func load(an *analyze.Analyzer, path string, t *totals) (*version, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	start := time.Now()
	a, err := an.Analyze(ctx, filepath.Base(path), data)
	if err != nil {
		return nil, err
	}
	t.analyzeTime += time.Since(start)
	doc, err := extract.Extract(ctx, filepath.Base(path), data, an.Limits())
	if err != nil {
		return nil, err
	}
	text := doc.Text()
	return &version{name: filepath.Base(path), analysis: a, sents: sentences(text), text: text}, nil
}

// sentences cuts text into lines and lines into sentences, with their
// code-point offsets; sentences without words are left out.
func sentences(text string) []refSentence {
	var out []refSentence
	runes := []rune(text)
	add := func(s, e int) {
		for s < e && unicode.IsSpace(runes[s]) {
			s++
		}
		for e > s && unicode.IsSpace(runes[e-1]) {
			e--
		}
		if s == e {
			return
		}
		t := string(runes[s:e])
		if k := changes.Key(t); k != "" {
			out = append(out, refSentence{start: s, end: e, text: t, key: k})
		}
	}
	start := 0
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		if r == '\n' || r == '•' || r == '●' || r == '▪' {
			add(start, i)
			start = i + 1
			continue
		}
		if r == '.' || r == '!' || r == '?' {
			e := i + 1
			for e < len(runes) && strings.ContainsRune(`"'”’)»`, runes[e]) {
				e++
			}
			if e+1 < len(runes) && runes[e] == ' ' && (unicode.IsUpper(runes[e+1]) || unicode.IsDigit(runes[e+1])) {
				add(start, e)
				start = e
				i = e - 1
			}
		}
	}
	add(start, len(runes))
	return out
}

// diffSentences marks the sentences of a and b that are outside a longest
// common subsequence of their keys as moved or changed.
func diffSentences(a, b []refSentence) {
	n, m := len(a), len(b)
	// Common prefix and suffix first: the table is for the middle.
	p := 0
	for p < n && p < m && a[p].key == b[p].key {
		p++
	}
	s := 0
	for s < n-p && s < m-p && a[n-1-s].key == b[m-1-s].key {
		s++
	}
	ma, mb := a[p:n-s], b[p:m-s]
	rows, cols := len(ma)+1, len(mb)+1
	t := make([]int32, rows*cols)
	for i := len(ma) - 1; i >= 0; i-- {
		for j := len(mb) - 1; j >= 0; j-- {
			if ma[i].key == mb[j].key {
				t[i*cols+j] = t[(i+1)*cols+j+1] + 1
			} else {
				t[i*cols+j] = max(t[(i+1)*cols+j], t[i*cols+j+1])
			}
		}
	}
	inA := make([]bool, len(ma))
	inB := make([]bool, len(mb))
	for i, j := 0, 0; i < len(ma) && j < len(mb); {
		switch {
		case ma[i].key == mb[j].key:
			inA[i], inB[j] = true, true
			i, j = i+1, j+1
		case t[(i+1)*cols+j] >= t[i*cols+j+1]:
			i++
		default:
			j++
		}
	}
	outA := map[string]int{}
	outB := map[string]int{}
	for i := range ma {
		if !inA[i] {
			outA[ma[i].key]++
		}
	}
	for j := range mb {
		if !inB[j] {
			outB[mb[j].key]++
		}
	}
	mark := func(ss []refSentence, in []bool, other map[string]int) {
		for i := range ss {
			if in[i] {
				continue
			}
			if other[ss[i].key] > 0 {
				other[ss[i].key]--
				ss[i].state = 'm'
			} else {
				ss[i].state = 'c'
			}
		}
	}
	// Each side's moved sentences are paired with the other side's.
	outA2 := map[string]int{}
	for k, v := range outA {
		outA2[k] = v
	}
	mark(ma, inA, outB)
	mark(mb, inB, outA2)
}

// lineChanges returns up to n pairs of lines that differ between two
// texts, as "old" -> "new", lines of one text missing from the other.
func lineChanges(a, b string, n int) []string {
	count := func(s string) map[string]int {
		m := map[string]int{}
		for _, l := range strings.Split(s, "\n") {
			m[strings.TrimSpace(l)]++
		}
		return m
	}
	ca, cb := count(a), count(b)
	var gone, came []string
	for _, l := range strings.Split(a, "\n") {
		if l = strings.TrimSpace(l); cb[l] == 0 && l != "" {
			gone = append(gone, l)
		}
	}
	for _, l := range strings.Split(b, "\n") {
		if l = strings.TrimSpace(l); ca[l] == 0 && l != "" {
			came = append(came, l)
		}
	}
	var out []string
	for i := 0; i < max(len(gone), len(came)) && i < n; i++ {
		var g, c string
		if i < len(gone) {
			g = gone[i]
		}
		if i < len(came) {
			c = came[i]
		}
		out = append(out, fmt.Sprintf("%.100q -> %.100q", g, c))
	}
	return out
}

// named holds the keys of the headings and titles a report shows.
type named map[string]bool

// has reports whether key is one of them or part of one (the reference
// splitter cuts "U.S. State Residents" into two sentences).
func (n named) has(key string) bool {
	if n[key] {
		return true
	}
	for k := range n {
		if strings.Contains(k, key) {
			return true
		}
	}
	return false
}

// spans are code-point ranges of clauses a report lists.
type spans [][2]int

func (s spans) overlaps(a, b int) bool {
	for _, x := range s {
		if x[0] < b && a < x[1] {
			return true
		}
	}
	return false
}

func clauseSpan(a *policy.Analysis, ordinal int) [2]int {
	c := a.Clauses[ordinal-1]
	return [2]int{c.Start, c.End}
}

func measure(service string, a, b *version, t *totals, verbose bool) {
	for i := range a.sents {
		a.sents[i].state = 0
	}
	for i := range b.sents {
		b.sents[i].state = 0
	}
	diffSentences(a.sents, b.sents)
	start := time.Now()
	rep := changes.Compare(a.analysis, b.analysis)
	t.compareTime += time.Since(start)
	t.pairs++

	// What the report shows on each side: clause spans of content changes
	// (added, removed, modified) and of all listed clauses, heading and
	// title keys.
	var contentA, contentB, allA, allB spans
	namedA, namedB := named{}, named{}
	for _, c := range rep.Clauses {
		var sa, sb spans
		if c.Before != nil {
			ords := c.Sources
			if len(ords) == 0 {
				ords = []int{c.Before.Ordinal}
			}
			for _, o := range ords {
				sa = append(sa, clauseSpan(a.analysis, o))
			}
		}
		if c.After != nil {
			sb = append(sb, clauseSpan(b.analysis, c.After.Ordinal))
		}
		allA, allB = append(allA, sa...), append(allB, sb...)
		if c.Change != changes.Moved {
			contentA, contentB = append(contentA, sa...), append(contentB, sb...)
			// The report shows the headings of the clauses it lists.
			if c.Before != nil {
				for _, h := range c.Before.Heading {
					namedA[changes.Key(h)] = true
				}
			}
			if c.After != nil {
				for _, h := range c.After.Heading {
					namedB[changes.Key(h)] = true
				}
			}
		}
	}
	for _, h := range rep.Headings {
		for _, x := range h.Before {
			namedA[changes.Key(x)] = true
		}
		for _, x := range h.After {
			namedB[changes.Key(x)] = true
		}
	}
	for _, f := range rep.Facts {
		if f.Fact == changes.FactTitle {
			namedA[changes.Key(f.Before)] = true
			namedB[changes.Key(f.After)] = true
		}
	}

	changed, found := 0, 0
	var details []string
	count := func(ss []refSentence, content, all spans, named named, side string) {
		for _, s := range ss {
			switch s.state {
			case 'c':
				changed++
				t.changedSent++
				if content.overlaps(s.start, s.end) || named.has(s.key) {
					found++
					t.changedFound++
				} else if verbose {
					details = append(details, fmt.Sprintf("    missed %s: %.160q\n", side, s.text))
				}
			case 'm':
				t.movedSent++
				if all.overlaps(s.start, s.end) || named.has(s.key) {
					t.movedFound++
				} else if verbose {
					details = append(details, fmt.Sprintf("    missed moved %s: %.160q\n", side, s.text))
				}
			}
		}
	}
	count(a.sents, contentA, allA, namedA, "old")
	count(b.sents, contentB, allB, namedB, "new")

	touches := func(ss []refSentence, sp spans) bool {
		for _, s := range ss {
			if s.state != 0 && sp.overlaps(s.start, s.end) {
				return true
			}
		}
		return false
	}
	reported, really := 0, 0
	for _, c := range rep.Clauses {
		reported++
		var sa, sb spans
		if c.Before != nil {
			ords := c.Sources
			if len(ords) == 0 {
				ords = []int{c.Before.Ordinal}
			}
			for _, o := range ords {
				sa = append(sa, clauseSpan(a.analysis, o))
			}
		}
		if c.After != nil {
			sb = append(sb, clauseSpan(b.analysis, c.After.Ordinal))
		}
		if touches(a.sents, sa) || touches(b.sents, sb) {
			really++
		} else if verbose {
			text := ""
			if c.After != nil {
				text = c.After.Text
			} else {
				text = c.Before.Text
			}
			details = append(details, fmt.Sprintf("    reported %s without a change: %.160q\n", c.Change, text))
		}
	}
	t.reported += reported
	t.really += really

	// A heading change is real when a changed or moved sentence of the
	// previous version is one of its old headings, or one of the new
	// version one of its new headings.
	changedKeys := func(ss []refSentence) map[string]bool {
		m := map[string]bool{}
		for _, s := range ss {
			if s.state != 0 {
				m[s.key] = true
			}
		}
		return m
	}
	ka, kb := changedKeys(a.sents), changedKeys(b.sents)
	for _, h := range rep.Headings {
		t.headings++
		real := false
		for _, x := range h.Before {
			real = real || ka[changes.Key(x)]
		}
		for _, x := range h.After {
			real = real || kb[changes.Key(x)]
		}
		if real {
			t.headingsReal++
		} else if verbose {
			details = append(details, fmt.Sprintf("    heading change without a change: %q -> %q", h.Before, h.After))
		}
	}

	refQuiet := true
	for _, ss := range [][]refSentence{a.sents, b.sents} {
		for _, s := range ss {
			if s.state != 0 {
				refQuiet = false
			}
		}
	}
	if refQuiet {
		t.quietRef++
		if a.text != b.text {
			// Cosmetic by the definition, yet the text differs: show what
			// the definition let through, for people to judge.
			t.quietEdited++
			for _, d := range lineChanges(a.text, b.text, 4) {
				details = append(details, "    cosmetic: "+d)
			}
		}
		if rep.Quiet() {
			t.quietKept++
		}
	} else {
		t.loud++
		if rep.Quiet() {
			t.loudQuiet++
		}
	}
	q := func(b bool) string {
		if b {
			return "quiet"
		}
		return "changed"
	}
	fmt.Printf("%-22s %-28s %9d %9d %9d %9d  %s/%s\n", service, strings.TrimSuffix(b.name, ".md"), changed, found, reported, really, q(refQuiet), q(rep.Quiet()))
	for _, d := range details {
		fmt.Println(d)
	}
}
