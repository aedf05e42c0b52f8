package train

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
)

// Triple is a (category, attribute, value) of a segment with its score
// and spans: an attribute as policy.Attribute holds it.
type Triple = policy.Attribute

// Span is a range of a segment's text (the corpus texts are ASCII, so its
// byte offsets are code points too).
type Span = policy.Span

// Key identifies a triple without its score and spans.
type Key struct {
	Category, Attribute, Value string
}

// Pair is the (category, attribute) of a key.
func (k Key) Pair() PairKey { return PairKey{k.Category, k.Attribute} }

// PairKey identifies a (category, attribute).
type PairKey struct {
	Category, Attribute string
}

func keyOf(t Triple) Key { return Key{t.Category, t.Attribute, t.Value} }

// Annotation is one corpus attribute row: a (category, attribute, value)
// that at least one annotator chose on a segment.
type Annotation struct {
	Category     string `json:"category"`
	Attribute    string `json:"attribute"`
	Value        string `json:"value"`
	Votes        int    `json:"votes"`
	Consolidated bool   `json:"consolidated"`
	Spans        []Span `json:"spans"`
}

// Segment is one line of the opp115-attributes JSONL corpus.
type Segment struct {
	Policy     string       `json:"policy"`
	Segment    int          `json:"segment"`
	Text       string       `json:"text"`
	Labels     []string     `json:"labels"`
	Attributes []Annotation `json:"attributes"`
	// Count is the number of segments of the policy (see SetCounts); 0
	// when not known.
	Count int `json:"-"`
}

// Input is the segment as the label model reads it: its text and, when
// its policy's count is known, its place.
func (s Segment) Input() classify.Input {
	in := classify.Input{Text: s.Text}
	if s.Count > s.Segment && s.Segment >= 0 {
		in.Index, in.Count = s.Segment, s.Count
	}
	return in
}

// SetCounts gives every segment of segs its policy's number of segments:
// the highest segment index of the policy in any of all, plus one (the
// segments of a policy are spread over the corpus's splits).
func SetCounts(segs []Segment, all ...[]Segment) {
	count := map[string]int{}
	for _, ss := range all {
		for _, s := range ss {
			count[s.Policy] = max(count[s.Policy], s.Segment+1)
		}
	}
	for i := range segs {
		segs[i].Count = count[segs[i].Policy]
	}
}

// MinVotes is the majority: a triple is gold when at least this many of the
// three annotators chose it.
const MinVotes = 2

// Scored reports whether a (category, attribute, value) takes part in the
// task: not the attribute "Other Type" and not the values "Unspecified" or
// "Other".
func Scored(k Key) bool {
	return k.Attribute != "Other Type" && k.Value != "Unspecified" && k.Value != "Other"
}

// Gold returns the segment's gold triples: every scored (category,
// attribute, value) with at least MinVotes votes, sorted, each with the
// annotators' spans.
func (s *Segment) Gold() []Triple {
	var out []Triple
	for _, a := range s.Attributes {
		k := Key{a.Category, a.Attribute, a.Value}
		if a.Votes < MinVotes || !Scored(k) {
			continue
		}
		out = append(out, Triple{Category: a.Category, Attribute: a.Attribute, Value: a.Value, Score: 1, Spans: a.Spans})
	}
	sort.Slice(out, func(i, j int) bool { return keyOf(out[i]).less(keyOf(out[j])) })
	return out
}

func (a Key) less(b Key) bool {
	if a.Category != b.Category {
		return a.Category < b.Category
	}
	if a.Attribute != b.Attribute {
		return a.Attribute < b.Attribute
	}
	return a.Value < b.Value
}

// ReadJSONL reads an opp115-attributes JSONL file.
func ReadJSONL(r io.Reader) ([]Segment, error) {
	var out []Segment
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	line := 0
	for sc.Scan() {
		line++
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var s Segment
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		for _, a := range s.Attributes {
			for _, sp := range a.Spans {
				if sp.Start < 0 || sp.End > len(s.Text) || sp.Start > sp.End {
					return nil, fmt.Errorf("line %d: span %d-%d outside the text", line, sp.Start, sp.End)
				}
			}
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// ReadFile reads the JSONL corpus at path; see ReadJSONL.
func ReadFile(path string) ([]Segment, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	segs, err := ReadJSONL(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return segs, nil
}

// IsAttributeFile reports whether path is a JSONL file whose first
// non-empty line is an attribute corpus segment (it has "policy" and
// "attributes"), as opposed to a clause corpus line.
func IsAttributeFile(path string) bool {
	if !strings.HasSuffix(path, ".jsonl") {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		var probe map[string]json.RawMessage
		if json.Unmarshal(sc.Bytes(), &probe) != nil {
			return false
		}
		_, p := probe["policy"]
		_, a := probe["attributes"]
		return p && a
	}
	return false
}
