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
// figures only (no text): how many get a title and from where, the tables
// found, the distribution of clause lengths, and how well line-end hyphens
// are decided on the policies' own words.
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

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/analysis/hyphen"
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

// corpusReport prints figures on the Markdown policies of dir: no text,
// only counts.
func corpusReport(dir string) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil || len(paths) == 0 {
		log.Fatalf("no Markdown policies in %s", dir)
	}
	var lengths []int
	var docs, titled, fromMeta, fromHeading, withTables, tables, tableRows, clauses, lower, tiny, long, atMax, noEnd int
	var markup, markupRows int // clauses (and table rows) showing a Markdown marker
	var hy hyphenScore
	for _, p := range paths {
		if strings.EqualFold(filepath.Base(p), "README.md") {
			continue
		}
		docs++
		r := clausesOf(p)
		if r.title != "" {
			titled++
			switch {
			case r.title == strings.Join(strings.Fields(r.doc.Title), " "):
				fromMeta++
			case isHeading(r.doc, r.title):
				fromHeading++
			}
		}
		rows, inTable := 0, false
		for _, b := range r.doc.Blocks {
			if b.Kind == policy.TableRow {
				rows++
				if !inTable {
					tables++
				}
			}
			inTable = b.Kind == policy.TableRow
		}
		if rows > 0 {
			withTables++
			tableRows += rows
		}
		for _, b := range r.doc.Blocks {
			if b.Kind == policy.TableRow && showsMarkup(b.Text) {
				markupRows++
			}
		}
		for i, c := range r.clauses {
			if showsMarkup(c.Text) {
				markup++
			}
			rs := []rune(c.Text)
			n := len(rs)
			lengths = append(lengths, n)
			clauses++
			if unicode.IsLower(rs[0]) {
				lower++
			}
			if i+1 < len(r.clauses) && !strings.ContainsRune(".!?:;)\"”", rs[n-1]) && unicode.IsLower([]rune(r.clauses[i+1].Text)[0]) {
				noEnd++
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
		data, err := os.ReadFile(p)
		if err != nil {
			log.Fatal(err)
		}
		hy.add(string(data))
	}
	sort.Ints(lengths)
	pct := func(q float64) int { return lengths[int(q*float64(len(lengths)-1))] }
	share := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	fmt.Printf("policies: %d\n", docs)
	fmt.Printf("titles: %d (%.1f%%) have one, all naming the document: %d from the front matter, %d a heading, %d a line of text; %d none\n",
		titled, share(titled, docs), fromMeta, fromHeading, titled-fromMeta-fromHeading, docs-titled)
	fmt.Printf("tables: %d in %d policies (%.1f%%), %d rows read as \"Header: cell.\" text\n", tables, withTables, share(withTables, docs), tableRows)
	fmt.Printf("clauses: %d, %.1f per policy\n", clauses, float64(clauses)/float64(docs))
	fmt.Printf("clauses showing Markdown markup (a list or heading marker as a word, \"*\", \"##\" to \"######\", a link's \"](\", or \"**\" or \"__\"): %d (%.2f%%), of them in table rows: %d\n",
		markup, share(markup, clauses), markupRows)
	fmt.Printf("clause length in characters: p5 %d, p25 %d, median %d, p75 %d, p95 %d, max %d\n",
		pct(0.05), pct(0.25), pct(0.5), pct(0.75), pct(0.95), lengths[len(lengths)-1])
	fmt.Printf("clauses under 40 characters: %d (%.1f%%); over %d: %d (%.1f%%); cut at the %d limit: %d (%.1f%%)\n",
		tiny, share(tiny, clauses), segment.ListChars, long, share(long, clauses), segment.DefaultMaxChars, atMax, share(atMax, clauses))
	fmt.Printf("clauses starting in lower case: %d (%.1f%%); ending mid-sentence before one that does: %d (%.1f%%)\n",
		lower, share(lower, clauses), noEnd, share(noEnd, clauses))
	fmt.Printf("line-end hyphens (every third word of the policies broken as at a line end, decided from the rest of its policy, the classifier's words and the English word list):\n")
	fmt.Printf("  compounds kept whole with their hyphen: %d of %d (%.1f%%); words broken at a syllable joined: %d of %d (%.2f%%)\n",
		hy.keepOK, hy.keep, share(hy.keepOK, hy.keep), hy.joinOK, hy.join, share(hy.joinOK, hy.join))
}

// showsMarkup reports whether text holds a Markdown list bullet or heading
// marker as a word of its own, the "](" of a link, or a strong-emphasis
// marker ("**", "__"): extraction left the author's markup in.
func showsMarkup(text string) bool {
	if strings.Contains(text, "](") || strings.Contains(text, "**") || strings.Contains(text, "__") {
		return true
	}
	for _, w := range strings.Fields(text) {
		if w == "*" || len(w) >= 2 && len(w) <= 6 && strings.Trim(w, "#") == "" {
			return true
		}
	}
	return false
}

func isHeading(doc *policy.Document, title string) bool {
	for _, b := range doc.Blocks {
		if b.Kind == policy.Heading && strings.Contains(title, strings.Join(strings.Fields(b.Text), " ")) {
			return true
		}
	}
	return false
}

// hyphenScore measures the decisions of package hyphen on a policy's own
// words: every third word is taken as if broken at the end of a line,
// with the rest of the policy as the document's words. A hyphenated
// compound ("opt-out") is broken at its hyphen and must keep it; a word of
// six letters or more is broken where TeX would (before a consonant that
// a vowel follows, near the middle, at least two letters before and three
// after) and must be joined.
type hyphenScore struct {
	lex                        hyphen.Lexicon
	keep, keepOK, join, joinOK int
}

func (h *hyphenScore) add(text string) {
	if h.lex == nil {
		m, err := classify.Default()
		if err != nil {
			log.Fatal(err)
		}
		h.lex = classify.NewLexicon(m)
	}
	var toks []string
	for _, f := range strings.Fields(text) {
		if w := strings.ToLower(strings.TrimFunc(f, func(r rune) bool { return !unicode.IsLetter(r) })); w != "" {
			toks = append(toks, w)
		}
	}
	v := hyphen.NewWords()
	for _, w := range toks {
		v.Count(w, 1)
	}
	ascii := func(s string) bool { return strings.IndexFunc(s, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 }
	vowel := func(r rune) bool { return strings.ContainsRune("aeiouy", r) }
	for i, w := range toks {
		if i%3 != 0 {
			continue
		}
		v.Count(w, -1)
		if k := strings.IndexByte(w, '-'); k > 0 {
			if a, b := w[:k], w[k+1:]; b != "" && ascii(a+b) {
				h.keep++
				if !v.Join(a, b, h.lex) {
					h.keepOK++
				}
			}
		} else if rs := []rune(w); len(rs) >= 6 && ascii(w) {
			cut, best := -1, len(rs)
			for c := 2; c <= len(rs)-3; c++ {
				if !vowel(rs[c]) && vowel(rs[c+1]) && (vowel(rs[c-1]) || vowel(rs[c-2])) {
					if d := abs(c - len(rs)/2); d < best {
						cut, best = c, d
					}
				}
			}
			if cut > 0 {
				h.join++
				if v.Join(string(rs[:cut]), string(rs[cut:]), h.lex) {
					h.joinOK++
				}
			}
		}
		v.Count(w, 1)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
