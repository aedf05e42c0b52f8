package train

import (
	"slices"
	"strings"

	"github.com/policylens/policylens/shared/domain/labels"
)

// spanExample is an evidence span of a training segment, trained on as an
// example of its own: the annotators' words for a value, without the rest
// of the segment around them.
type spanExample struct {
	seg  int // the segment it was selected in, whose fold it shares
	text string
	keys map[Key]bool // the majority triples it is evidence of
}

// evidenceSpans returns the distinct spans of the segments' majority
// triples (as Gold counts them, "Unspecified" values included) that run to
// at least minWords words, in the order of the segments.
func evidenceSpans(segs []Segment, minWords int) []spanExample {
	var out []spanExample
	for k, sg := range segs {
		at := map[Span]int{}
		for _, a := range sg.Attributes {
			key := Key{a.Category, a.Attribute, a.Value}
			if !modelled(a) {
				continue
			}
			for _, sp := range a.Spans {
				if sp.Start < 0 || sp.End > len(sg.Text) || sp.End <= sp.Start {
					continue
				}
				text := sg.Text[sp.Start:sp.End]
				if len(strings.Fields(text)) < minWords {
					continue
				}
				i, ok := at[sp]
				if !ok {
					i = len(out)
					at[sp] = i
					out = append(out, spanExample{seg: k, text: text, keys: map[Key]bool{}})
				}
				out[i].keys[key] = true
			}
		}
	}
	return out
}

// modelled reports whether an annotation is a majority triple the values
// learn from: scored ones and the "Unspecified" values that inform their
// pairs.
func modelled(a Annotation) bool {
	return a.Votes >= MinVotes && a.Attribute != "Other Type" && a.Value != "Other"
}

// spansByPair lists, per (category, attribute), the indexes of the spans
// that are evidence of one of its values, in ascending order.
func spansByPair(spans []spanExample) map[PairKey][]int {
	out := map[PairKey][]int{}
	for j, sp := range spans {
		seen := map[PairKey]bool{}
		for key := range sp.keys {
			if pk := key.Pair(); !seen[pk] {
				seen[pk] = true
				out[pk] = append(out[pk], j)
			}
		}
	}
	return out
}

// valueData is what the values' SVMs are fitted on. Rows 0 to n-1 of d
// are the segments; row n+j is spans[j]; byPair is spansByPair(spans).
type valueData struct {
	d       *dataset
	targets []target
	gold    []map[Key]bool
	inCat   [][labels.Count]bool
	fold    []int
	spans   []spanExample
	byPair  map[PairKey][]int
}

// examples returns target ti's training examples without fold f, their
// costs before the class weights, and how many of the segments among them
// are positive and negative (the spans do not count there, so they do not
// shift the class weights).
//
// A segment of the target's category is positive when the value is among
// its gold triples, negative otherwise; one of another category is an
// example at cost weight Share when the target's siblings (the same
// attribute and value in other categories) apply to it. An evidence span,
// at cost weight SpanWeight, is positive for the values it is evidence of
// and negative for the other values of their pairs, and is shared with
// the siblings as segments are.
func (v *valueData) examples(ti, f int, opt Options) (ex []example, npos, nneg int) {
	t := v.targets[ti]
	n := len(v.gold)
	var siblings []int
	share := opt.Share > 0 && (t.key.Attribute != "Does/Does Not" || t.key.Value == "Does Not")
	for o, u := range v.targets {
		if share && u.label != t.label && ShareKey(u.key) == ShareKey(t.key) {
			siblings = append(siblings, o)
		}
	}
	for k := range n {
		if v.fold[k] == f {
			continue
		}
		y, cost := -1.0, 1.0
		switch {
		case v.inCat[k][t.label]:
			if v.gold[k][t.key] {
				y = 1
			}
		default:
			// A segment of another category with the same attribute
			// and value among its values teaches this one too.
			in := false
			for _, o := range siblings {
				if v.inCat[k][v.targets[o].label] {
					in = true
					if v.gold[k][v.targets[o].key] {
						y = 1
					}
				}
			}
			if !in {
				continue
			}
			cost = opt.Share
		}
		if y > 0 {
			npos++
		} else {
			nneg++
		}
		ex = append(ex, example{k: k, y: y, cost: cost})
	}
	if !(opt.SpanWeight > 0) {
		return ex, npos, nneg
	}
	// Only the spans of the target's pair and of its siblings' pairs can
	// be its examples; they are taken in the order of the spans.
	candidates := slices.Clone(v.byPair[t.key.Pair()])
	for _, o := range siblings {
		candidates = append(candidates, v.byPair[v.targets[o].key.Pair()]...)
	}
	slices.Sort(candidates)
	for _, j := range slices.Compact(candidates) {
		sp := v.spans[j]
		if v.fold[sp.seg] == f {
			continue
		}
		y, in, cost := -1.0, false, opt.SpanWeight
		for key := range sp.keys {
			if key.Pair() == t.key.Pair() {
				in = true
				if key == t.key {
					y = 1
				}
			}
		}
		if !in {
			for key := range sp.keys {
				for _, o := range siblings {
					if key.Pair() == v.targets[o].key.Pair() {
						in, cost = true, opt.SpanWeight*opt.Share
						if key == v.targets[o].key {
							y = 1
						}
					}
				}
			}
		}
		if in {
			ex = append(ex, example{k: n + j, y: y, cost: cost})
		}
	}
	return ex, npos, nneg
}
