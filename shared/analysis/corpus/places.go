package corpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// Place is where a segment sits in its document: its index among the
// document's Count segments, from 0.
type Place struct {
	Index, Count int
}

// ReadPlaces reads OPP-115 attribute files (JSON Lines with the fields
// policy, segment and text; see the corpus's opp115-attributes README) and
// returns each segment text's place, white space around it trimmed. A
// policy's count is its highest segment index in any of the files, plus
// one: segments held back in files not read still count when a later one
// is read. A text listed by several policies (shared boilerplate) keeps
// the first place read.
func ReadPlaces(paths ...string) (map[string]Place, error) {
	type seg struct {
		Policy  string `json:"policy"`
		Segment *int   `json:"segment"`
		Text    string `json:"text"`
	}
	var segs []seg
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		err = eachLine(f, func(line int, b []byte) error {
			var s seg
			if err := json.Unmarshal(b, &s); err != nil {
				return fmt.Errorf("line %d: %w", line, err)
			}
			if s.Policy == "" || s.Segment == nil || *s.Segment < 0 {
				return fmt.Errorf("line %d: want a policy and a segment index", line)
			}
			segs = append(segs, s)
			return nil
		})
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	count := map[string]int{}
	for _, s := range segs {
		count[s.Policy] = max(count[s.Policy], *s.Segment+1)
	}
	out := make(map[string]Place, len(segs))
	for _, s := range segs {
		t := strings.TrimSpace(s.Text)
		if _, ok := out[t]; !ok {
			out[t] = Place{Index: *s.Segment, Count: count[s.Policy]}
		}
	}
	return out, nil
}

// eachLine calls fn with every non-blank line of r and its number.
func eachLine(r io.Reader, fn func(line int, b []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	for n := 1; sc.Scan(); n++ {
		b := sc.Bytes()
		if len(strings.TrimSpace(string(b))) == 0 {
			continue
		}
		if err := fn(n, b); err != nil {
			return err
		}
	}
	return sc.Err()
}

// SetPlaces gives each example whose text places holds that place, and
// returns how many it placed.
func SetPlaces(examples []Example, places map[string]Place) int {
	n := 0
	for i := range examples {
		if p, ok := places[strings.TrimSpace(examples[i].Text)]; ok {
			examples[i].Index, examples[i].Count = p.Index, p.Count
			n++
		}
	}
	return n
}

// Locate gives each example of source its place among the clauses of its
// policy, as segmentation gives them, and returns how many it placed: the
// clause of the same key (ClauseKey), else the clause in which the
// example's text begins (its first 80 characters, white space collapsed),
// else the first clause that begins inside the example's text (an example
// that spans several clauses).
func Locate(examples []Example, source string, clauses []Clause) int {
	norm := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	keys := make(map[string]int, len(clauses))
	texts := make([]string, len(clauses))
	for i := len(clauses) - 1; i >= 0; i-- {
		keys[ClauseKey(clauses[i].Text)] = i
		texts[i] = norm(clauses[i].Text)
	}
	find := func(text string) int {
		if i, ok := keys[ClauseKey(text)]; ok {
			return i
		}
		t := norm(text)
		head := t
		if len(head) > 80 {
			head = head[:80]
		}
		for i, c := range texts {
			if len(head) >= 20 && strings.Contains(c, head) {
				return i
			}
		}
		for i, c := range texts {
			if c != "" && len(c) >= 20 && strings.Contains(t, c[:min(len(c), 80)]) {
				return i
			}
		}
		return -1
	}
	n := 0
	for i := range examples {
		ex := &examples[i]
		if ex.Source != source {
			continue
		}
		if at := find(ex.Text); at >= 0 {
			ex.Index, ex.Count = at, len(clauses)
			n++
		}
	}
	return n
}
