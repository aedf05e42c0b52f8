package corpus

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// Keyed labels name a clause by its policy and a key of its text instead
// of holding the text, so that labels of clauses of the reference
// corpus's current policies can live in the repository, where their
// texts may not: training finds the clauses by segmenting the policies
// again (Join).
type Keyed struct {
	// Source is the policy's file name in modern-policies, without ".md"
	// (the company, as Example.Source).
	Source string
	// Key is ClauseKey of the clause's text.
	Key    string
	Labels LabelSet
}

// ClauseKey is the key of a clause text: the first 16 hex digits of the
// SHA-256 of the text with its white space collapsed to single spaces.
func ClauseKey(text string) string {
	sum := sha256.Sum256([]byte(strings.Join(strings.Fields(text), " ")))
	return hex.EncodeToString(sum[:8])
}

// moreModern is the project's second labelling pass over clauses of the
// modern training companies' current policies (docs/model.md): one JSON
// object a line, {"source", "key", "labels"}.
//
//go:embed modern-more.jsonl
var moreModern []byte

// MoreModern returns the keyed labels of the second labelling pass.
func MoreModern() ([]Keyed, error) { return ReadKeyed(bytes.NewReader(moreModern)) }

// ReadKeyed reads keyed labels, one JSON object a line: {"source", "key",
// "labels"} (an empty labels list: navigation or a bare heading). A line
// that is not such an object, lacks its source or key, or names an unknown
// label is an error that names its line.
func ReadKeyed(r io.Reader) ([]Keyed, error) {
	sc := bufio.NewScanner(r)
	var out []Keyed
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec struct {
			Source string   `json:"source"`
			Key    string   `json:"key"`
			Labels []string `json:"labels"`
		}
		if err := json.Unmarshal(b, &rec); err != nil {
			return nil, fmt.Errorf("corpus: keyed labels line %d: %w", line, err)
		}
		if rec.Source == "" || rec.Key == "" {
			return nil, fmt.Errorf("corpus: keyed labels line %d: no source or key", line)
		}
		set, err := labelSet(rec.Labels)
		if err != nil {
			return nil, fmt.Errorf("corpus: keyed labels line %d: %w", line, err)
		}
		out = append(out, Keyed{Source: rec.Source, Key: rec.Key, Labels: set})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("corpus: keyed labels: %w", err)
	}
	return out, nil
}

// Clause is a clause of a policy as segmentation gives it.
type Clause struct {
	Heading []string
	Text    string
}

// Join returns the modern examples of the keyed labels of source whose
// keys are those of its clauses, in the order of the clauses, each clause
// once, with its place among them. A keyed label whose clause is not among them (the rules that
// segment policies have changed since it was labelled) is left out.
func Join(keyed []Keyed, source string, clauses []Clause) []Example {
	want := map[string]LabelSet{}
	for _, k := range keyed {
		if k.Source == source {
			want[k.Key] = k.Labels
		}
	}
	var out []Example
	for i, c := range clauses {
		key := ClauseKey(c.Text)
		set, ok := want[key]
		if !ok {
			continue
		}
		delete(want, key)
		out = append(out, Example{Text: strings.TrimSpace(c.Text), Labels: set, Heading: c.Heading, Source: source, Modern: true, Index: i, Count: len(clauses)})
	}
	return out
}
