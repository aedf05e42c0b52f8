// Command pdffidelity measures how faithfully policylens extracts the words
// of the generated PDF fixtures, against their source texts and against
// pdftotext (poppler). Run it via scripts/pdf-fidelity.sh.
//
// For each PDF it prints word counts and word-level recall and precision,
// computed from the longest common subsequence of the normalised word
// sequences (so order matters: a column read in the wrong order, a running
// header mixed into the text, or words glued or split all cost), plus the
// share of the source's paragraphs, headings and list items that come out
// as exactly one block.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/policylens/policylens/shared/analysis/extract"
	"github.com/policylens/policylens/shared/domain/policy"
)

type fixture struct {
	pdf    string
	source func(dir string) ([]string, error) // source blocks
}

func main() {
	dir := flag.String("dir", "testdata/pdf", "fixture directory")
	flag.Parse()
	log.SetFlags(0)
	one := func(name string) func(string) ([]string, error) {
		return func(dir string) ([]string, error) {
			t, blocks, err := readSource(filepath.Join(dir, "src", name+".txt"))
			return append([]string{t}, blocks...), err
		}
	}
	fixtures := []fixture{
		{"northwind-libreoffice.pdf", one("northwind")},
		{"brightleaf-chromium.pdf", one("brightleaf")},
		{"cobalt-pdflatex.pdf", one("cobalt")},
		{"cobalt-type3.pdf", one("cobalt")},
		{"harbor-twocolumn.pdf", one("harbor")},
		{"many-pages.pdf", longSource},
	}
	fmt.Printf("%-26s %7s %7s %7s | %-15s | %-15s | %-15s | %s\n", "file", "words", "ours", "p2t",
		"ours/source R P", "p2t/source R P", "ours/p2t R P", "blocks exact")
	for _, f := range fixtures {
		path := filepath.Join(*dir, f.pdf)
		data, err := os.ReadFile(path)
		if err != nil {
			log.Fatal(err)
		}
		doc, err := extract.Extract(context.Background(), f.pdf, data, policy.Limits{})
		if err != nil {
			log.Fatalf("%s: %v", f.pdf, err)
		}
		out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
		if err != nil {
			log.Fatalf("pdftotext %s: %v", f.pdf, err)
		}
		src, err := f.source(*dir)
		if err != nil {
			log.Fatal(err)
		}
		srcW := words(strings.Join(src, "\n"))
		ours := words(doc.Text())
		p2t := words(string(out))
		r1, p1 := recallPrecision(srcW, ours)
		r2, p2 := recallPrecision(srcW, p2t)
		r3, p3 := recallPrecision(p2t, ours)
		exact := exactBlocks(src, doc)
		fmt.Printf("%-26s %7d %7d %7d | %6.3f %6.3f   | %6.3f %6.3f   | %6.3f %6.3f   | %d/%d\n", f.pdf,
			len(srcW), len(ours), len(p2t), r1, p1, r2, p2, r3, p3, exact, len(src))
	}
}

// readSource reads a policy source (see scripts/pdffixtures) as its title
// and its blocks' texts.
func readSource(path string) (string, []string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	var title string
	var blocks []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case i == 0:
			title = strings.TrimPrefix(line, "= ")
		default:
			for _, p := range []string{"## ", "# ", "- ", "+ "} {
				line = strings.TrimPrefix(line, p)
			}
			blocks = append(blocks, line)
		}
	}
	return title, blocks, nil
}

// longSource rebuilds the source of many-pages.pdf: 118 parts cycling
// through the four policies (as scripts/pdffixtures writes it).
func longSource(dir string) ([]string, error) {
	var out []string
	names := []string{"northwind", "brightleaf", "cobalt", "harbor"}
	for i := 0; i < 118; i++ {
		t, blocks, err := readSource(filepath.Join(dir, "src", names[i%4]+".txt"))
		if err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("Part %d: %s", i+1, t))
		out = append(out, blocks...)
	}
	return out, nil
}

var quotes = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "\u00ad", "")

// words splits text into normalised words: NFKC (which unfolds
// ligatures), lower case, punctuation trimmed from both ends.
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

// recallPrecision compares got with the reference want by their longest
// common subsequence.
func recallPrecision(want, got []string) (recall, precision float64) {
	l := float64(lcs(want, got))
	if len(want) > 0 {
		recall = l / float64(len(want))
	}
	if len(got) > 0 {
		precision = l / float64(len(got))
	}
	return recall, precision
}

// lcs is the length of the longest common subsequence of a and b, with
// Myers' O((N+M)D) algorithm: fast when the sequences are similar.
func lcs(a, b []string) int {
	n, m := len(a), len(b)
	max := n + m
	v := make([]int, 2*max+2)
	off := max + 1
	for d := 0; d <= max; d++ {
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return (n + m - d) / 2
			}
		}
	}
	return 0
}

var enumerator = regexp.MustCompile(`^(\d{1,3}[.)]|\(?[a-z][.)])\s+`)

// exactBlocks counts the source blocks that are, word for word, one block
// of the document.
func exactBlocks(src []string, doc *policy.Document) int {
	have := map[string]bool{}
	for _, b := range doc.Blocks {
		have[strings.Join(words(b.Text), " ")] = true
		have[strings.Join(words(enumerator.ReplaceAllString(b.Text, "")), " ")] = true
	}
	n := 0
	for _, s := range src {
		if have[strings.Join(words(s), " ")] {
			n++
		}
	}
	return n
}
