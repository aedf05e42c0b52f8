// Command clausefidelity measures whether one policy gives the same clauses
// in every format. Run it via scripts/clause-fidelity.sh.
//
// For each policy of testdata/formats it splits the text version (NAME.txt)
// into clauses, as policylens does, and compares the clauses of every other
// version (Markdown, HTML, and the PDFs printed by pdfTeX, Chromium and
// LibreOffice) with them:
//
//   - matched: the share of the text version's clauses that some clause of
//     the other version matches, a match being a word-set Jaccard
//     similarity of at least 0.8;
//   - ratio: the other version's clause count over the text version's;
//   - broken: the words of the other version's clauses that the text
//     version does not have ("infor", "mation", "memberowned", a running
//     header): words broken, glued or invented by extraction.
//
// With -corpus DIR it reads every Markdown policy of DIR instead and prints
// figures only (no text): how many get a title and what kind, the tables
// found, and the distribution of clause lengths.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/segment"
	"github.com/policylens/policylens/shared/domain/policy"
)

// versions are the other versions of each policy, by file suffix.
var versions = []struct{ name, suffix string }{
	{"markdown", ".md"},
	{"html", ".html"},
	{"pdftex", "-pdftex.pdf"},
	{"chromium", "-chromium.pdf"},
	{"libreoffice", "-libreoffice.pdf"},
}

var policies = []string{"lumen-fitness", "pebble-kids", "tidewater-dental", "harbor-books", "quillmate"}

func main() {
	dir := flag.String("dir", "testdata/formats", "directory of the rendered policies")
	corpus := flag.String("corpus", "", "directory of Markdown policies to report figures on, instead")
	verbose := flag.Bool("v", false, "print the unmatched clauses and the broken words (testdata only)")
	flag.Parse()
	log.SetFlags(0)
	if *corpus != "" {
		corpusReport(*corpus)
		return
	}
	type total struct{ ref, matched, got, broken int }
	totals := map[string]*total{}
	fmt.Printf("%-18s %-12s %6s %6s %8s %6s %7s  %s\n", "policy", "version", "text", "this", "matched", "ratio", "broken", "title")
	for _, name := range policies {
		ref := clausesOf(filepath.Join(*dir, name+".txt"))
		vocab := map[string]bool{}
		for _, c := range ref.clauses {
			for _, w := range words(c.Text) {
				vocab[w] = true
			}
		}
		for _, h := range ref.headings {
			for _, w := range words(h) {
				vocab[w] = true
			}
		}
		fmt.Printf("%-18s %-12s %6d %6s %8s %6s %7s  %q\n", name, "text", len(ref.clauses), "", "", "", "", ref.title)
		for _, v := range versions {
			got := clausesOf(filepath.Join(*dir, name+v.suffix))
			matched, unmatched := match(ref.clauses, got.clauses)
			var broken []string
			for _, c := range got.clauses {
				for _, w := range words(c.Text) {
					if !vocab[w] {
						broken = append(broken, w)
					}
				}
			}
			fmt.Printf("%-18s %-12s %6d %6d %8.3f %6.2f %7d  %q\n", name, v.name, len(ref.clauses), len(got.clauses),
				float64(matched)/float64(len(ref.clauses)), float64(len(got.clauses))/float64(len(ref.clauses)), len(broken), got.title)
			if *verbose {
				for _, c := range unmatched {
					fmt.Printf("    unmatched %d: %.100q\n", c.Ordinal, c.Text)
				}
				if len(broken) > 0 {
					fmt.Printf("    broken: %q\n", broken)
				}
			}
			t := totals[v.name]
			if t == nil {
				t = &total{}
				totals[v.name] = t
			}
			t.ref += len(ref.clauses)
			t.got += len(got.clauses)
			t.matched += matched
			t.broken += len(broken)
		}
	}
	fmt.Printf("\n%-12s %6s %6s %8s %6s %7s\n", "version", "text", "this", "matched", "ratio", "broken")
	for _, v := range versions {
		t := totals[v.name]
		fmt.Printf("%-12s %6d %6d %8.3f %6.2f %7d\n", v.name, t.ref, t.got,
			float64(t.matched)/float64(t.ref), float64(t.got)/float64(t.ref), t.broken)
	}
}

type result struct {
	clauses  []policy.Clause
	headings []string
	title    string
	doc      *policy.Document
}

// clausesOf runs extraction, segmentation and key facts on a file, as the
// product does.
func clausesOf(path string) result {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	doc, err := extract.Extract(context.Background(), filepath.Base(path), data, policy.Limits{})
	if err != nil {
		log.Fatalf("%s: %v", path, err)
	}
	r := result{clauses: segment.Split(doc, segment.Options{}), title: facts.Find(doc).Title, doc: doc}
	for _, c := range r.clauses {
		r.headings = append(r.headings, c.Heading...)
	}
	return r
}

// match counts the reference clauses that some clause of got matches
// (word-set Jaccard >= 0.8) and returns the others.
func match(ref, got []policy.Clause) (int, []policy.Clause) {
	sets := make([]map[string]bool, len(got))
	for i, c := range got {
		sets[i] = set(words(c.Text))
	}
	n := 0
	var unmatched []policy.Clause
	for _, c := range ref {
		a := set(words(c.Text))
		best := 0.0
		for _, b := range sets {
			best = max(best, jaccard(a, b))
		}
		if best >= 0.8 {
			n++
		} else {
			unmatched = append(unmatched, c)
		}
	}
	return n, unmatched
}

func set(ws []string) map[string]bool {
	m := make(map[string]bool, len(ws))
	for _, w := range ws {
		m[w] = true
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

var quotes = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "\u00ad", "")

// words splits text into normalised words: NFKC (which unfolds
// ligatures), lower case, punctuation trimmed from both ends (a hyphen
// inside a word stays).
func words(s string) []string {
	s = quotes.Replace(norm.NFKC.String(s))
	var out []string
	for _, f := range strings.Fields(s) {
		w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
		if w != "" {
			out = append(out, w)
		}
	}
	return out
}

// corpusReport prints figures on the Markdown policies of dir.
func corpusReport(dir string) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(paths) == 0 {
		log.Fatalf("no Markdown policies in %s", dir)
	}
	var lengths []int
	var titled, named, withTables, tableRows, clauses, lower, tiny, long, atMax int
	for _, p := range paths {
		r := clausesOf(p)
		if r.title != "" {
			titled++
			if facts.NamesDocument(r.title) {
				named++
			}
		}
		rows := 0
		for _, b := range r.doc.Blocks {
			if b.Kind == policy.TableRow {
				rows++
			}
		}
		if rows > 0 {
			withTables++
			tableRows += rows
		}
		for _, c := range r.clauses {
			n := len([]rune(c.Text))
			lengths = append(lengths, n)
			clauses++
			if first := []rune(c.Text)[0]; unicode.IsLower(first) {
				lower++
			}
			switch {
			case n < 40:
				tiny++
			case n >= segment.DefaultMaxChars:
				atMax++
			case n > segment.ListChars:
				long++
			}
		}
	}
	sort.Ints(lengths)
	pct := func(q float64) int { return lengths[int(q*float64(len(lengths)-1))] }
	n := len(paths)
	fmt.Printf("policies: %d\n", n)
	fmt.Printf("titles: %d of %d have one (%.1f%%); %d of them name the document (privacy, policy, notice, ...)\n", titled, n, 100*float64(titled)/float64(n), named)
	fmt.Printf("tables: %d policies have tables, %d rows read as 'Header: cell.' text\n", withTables, tableRows)
	fmt.Printf("clauses: %d, %.1f per policy\n", clauses, float64(clauses)/float64(n))
	fmt.Printf("clause length (code points): p5 %d, p25 %d, median %d, p75 %d, p95 %d, max %d\n",
		pct(0.05), pct(0.25), pct(0.5), pct(0.75), pct(0.95), lengths[len(lengths)-1])
	fmt.Printf("clauses under 40: %d (%.1f%%); over %d: %d (%.1f%%); cut at %d: %d (%.1f%%)\n",
		tiny, 100*float64(tiny)/float64(clauses), segment.ListChars, long, 100*float64(long)/float64(clauses),
		segment.DefaultMaxChars, atMax, 100*float64(atMax)/float64(clauses))
	fmt.Printf("clauses starting in lower case (a sentence cut in two): %d (%.1f%%)\n", lower, 100*float64(lower)/float64(clauses))
}
