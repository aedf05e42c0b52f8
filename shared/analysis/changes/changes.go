// Package changes says what changed between two versions of a policy: it
// aligns the clauses of the new analysis with those of the previous one
// and reports each clause as unchanged, moved, modified (with a word-level
// diff), added or removed, together with the clause counts per label that
// changed, the key facts that changed and the headings clauses now sit
// under.
//
// Cosmetic differences (white space, punctuation, letter case, link
// targets, tracking parameters, list numbering and the date of a "last
// updated" line; see Key) never make a clause modified. A version is
// cosmetic only, and Report.Quiet says so, when no clause is added,
// removed, modified or moved and no heading changed.
//
// The alignment works on sentences (see align.go), so it holds when
// clauses are reordered, split, merged or re-packed by the segmenter, and
// when their headings are renamed. Its cost grows about linearly with the
// size of the policies.
//
// The package depends on the domain types only, so that the lookup
// function can compare two stored versions without linking the analysis.
package changes

import (
	"sort"
	"strings"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Change is what happened to a clause.
type Change string

// The changes a clause can have. Unchanged clauses are counted, not listed.
const (
	Added    Change = "added"
	Removed  Change = "removed"
	Modified Change = "modified"
	Moved    Change = "moved"
)

// Report is what changed from one version of a policy to the next. It
// serialises to the body of GET /policies/{id}/changes less the fields the
// service adds (policy, from, to, nextCursor).
type Report struct {
	Summary Summary       `json:"summary"`
	Labels  []LabelChange `json:"labels"`
	// Attributes are the attribute values and mentions whose number of
	// clauses changed.
	Attributes []AttributeChange `json:"attributes"`
	Facts      []FactChange      `json:"facts"`
	// Headings are the heading paths clauses left in place moved from and
	// to, when a heading of one is new to the other version (a section
	// renamed, or a new heading over clauses that were there).
	Headings []HeadingChange `json:"headings"`
	// Clauses are the added, removed, modified and moved clauses in the
	// new version's reading order, a removed clause where it stood.
	Clauses []ClauseChange `json:"clauses"`
}

// Summary counts the clauses by change. Added, Modified, Moved and
// Unchanged add up to the new version's clauses; Removed counts clauses
// of the previous version.
type Summary struct {
	Added    int `json:"added"`
	Removed  int `json:"removed"`
	Modified int `json:"modified"`
	Moved    int `json:"moved"`
	// Unchanged counts the clauses that are the same as before up to
	// cosmetic differences, in the same order.
	Unchanged int `json:"unchanged"`
	// Cosmetic counts the unchanged clauses whose text changed
	// cosmetically.
	Cosmetic int `json:"cosmetic"`
	// Headings is len(Report.Headings).
	Headings int `json:"headings"`
}

// LabelChange is a label whose clause count changed.
type LabelChange struct {
	Label  string `json:"label"`
	Before int    `json:"before"`
	After  int    `json:"after"`
}

// FactChange is a key fact that changed: the title, the company, the
// updated date (the ISO date when it parses) or the language (ISO 639-1),
// Before and After;
// or the e-mail addresses, URLs or regulations added and removed.
type FactChange struct {
	Fact    string   `json:"fact"`
	Before  string   `json:"before,omitempty"`
	After   string   `json:"after,omitempty"`
	Added   []string `json:"added,omitempty"`
	Removed []string `json:"removed,omitempty"`
}

// The facts of FactChange.Fact.
const (
	FactTitle       = "title"
	FactCompany     = "company"
	FactUpdated     = "updated"
	FactLanguage    = "language"
	FactEmails      = "emails"
	FactURLs        = "urls"
	FactRegulations = "regulations"
)

// FactNames are the facts of FactChange.Fact, in the order a report lists
// them.
var FactNames = []string{FactTitle, FactCompany, FactUpdated, FactLanguage, FactEmails, FactURLs, FactRegulations}

// HeadingChange is a heading path that clauses left in place moved from,
// and the one they now sit under.
type HeadingChange struct {
	Before []string `json:"before"`
	After  []string `json:"after"`
	// Clauses counts the clauses concerned.
	Clauses int `json:"clauses"`
}

// ClauseChange is one added, removed, modified or moved clause.
type ClauseChange struct {
	Change Change `json:"change"`
	// Before is the previous version's clause, nil for an added clause.
	Before *ClauseRef `json:"before"`
	// After is the new version's clause, nil for a removed clause.
	After *ClauseRef `json:"after"`
	// Sources are the ordinals of the previous clauses that Before.Text
	// draws on, when there are several (clauses merged); Before.Ordinal
	// is the one it draws on most.
	Sources []int `json:"sources,omitempty"`
	// Diff is the word-level diff from Before.Text to After.Text of a
	// modified clause.
	Diff []Op `json:"diff,omitempty"`
}

// ClauseRef is a clause of one version as a change quotes it.
type ClauseRef struct {
	Ordinal int      `json:"ordinal"`
	Heading []string `json:"heading"`
	// Text is the clause's text; in Before, when the clause was split or
	// merged, the part of it (or of the clauses) the new clause draws on.
	Text   string              `json:"text"`
	Labels []policy.LabelScore `json:"labels"`
	// Attributes and Mentions are the clause's, when it has any.
	Attributes []policy.Attribute `json:"attributes,omitempty"`
	Mentions   []policy.Mention   `json:"mentions,omitempty"`
}

// Quiet reports whether the new version is cosmetic only: no clause
// added, removed, modified or moved and no heading changed. Fact changes
// alone (a new date, a link target) are quiet; the service emits no
// change event for a quiet version.
func (r *Report) Quiet() bool {
	s := r.Summary
	return s.Added == 0 && s.Removed == 0 && s.Modified == 0 && s.Moved == 0 && s.Headings == 0
}

// version is one side of a comparison.
type version struct {
	clauses []policy.Clause
	sents   []sentence
	// first[c] is the index of clause c's first sentence; first[len] is
	// len(sents).
	first []int
}

func newVersion(a *policy.Analysis) version {
	var v version
	if a != nil {
		v.clauses = a.Clauses
	}
	v.first = make([]int, len(v.clauses)+1)
	var at []int
	for c, cl := range v.clauses {
		v.first[c] = len(v.sents)
		for _, sp := range splitSentences(cl.Text) {
			at = at[:0]
			ws := normalWords(cl.Text[sp.start:sp.end], &at)
			// A date line that starts a sentence is a sentence of its own,
			// and a date line has no words.
			if n := leadingDateLine(ws); n > 0 && n < len(ws) && at[n] > at[n-1] {
				sp.start += at[n]
				ws = ws[n:]
			}
			words := sentenceWords(ws)
			if len(words) == 0 {
				continue
			}
			v.sents = append(v.sents, sentence{clause: c, span: sp, key: joinWords(words), words: words})
		}
		if len(v.sents)-v.first[c] == 1 {
			v.sents[len(v.sents)-1].solo = true
		}
	}
	v.first[len(v.clauses)] = len(v.sents)
	return v
}

// sentences returns the indices of clause c's sentences.
func (v *version) sentences(c int) (int, int) { return v.first[c], v.first[c+1] }

// Compare reports what changed from prev to next. A nil analysis counts
// as a policy without clauses. Only the clauses' ordinals, headings,
// texts, labels, attributes and mentions and the summaries' facts are
// read.
func Compare(prev, next *policy.Analysis) *Report {
	a, b := newVersion(prev), newVersion(next)
	al := newAligner(a.sents, b.sents)
	al.align()
	p := project(&a, &b, al)
	if prev != nil {
		p.titleA = prev.Policy.Title
	}
	if next != nil {
		p.titleB = next.Policy.Title
	}
	r := p.report()
	r.Labels = labelChanges(a.clauses, b.clauses)
	r.Attributes = attributeChanges(a.clauses, b.clauses)
	r.Facts = factChanges(prev, next)
	return r
}

// projection maps the sentence alignment onto clauses.
type projection struct {
	a, b *version
	al   *aligner
	// before[j] are the sentences of a the new clause j draws on, in
	// order: those matched to its sentences and those deleted next to
	// them.
	before [][]int
	// src[j] is the previous clause new clause j draws on most, or -1.
	src []int
	// kept[j]: new clause j keeps its place (in the longest sequence of
	// new clauses whose sources do not decrease).
	kept []bool
	// removed[c]: previous clause c has no sentence in the new version.
	removed []bool
	// quietA[i] and quietB[j]: a sentence without a match in the other
	// version whose text is a heading there (a section title the
	// segmenter read as text in one version and as a heading in the other,
	// renumbered or not): no change.
	quietA, quietB []bool
	// titleA and titleB are the versions' titles; wordsA and wordsB the
	// keys of their headings, titles and sentences, made when needed.
	titleA, titleB string
	wordsA, wordsB map[string]bool
}

func project(a, b *version, al *aligner) *projection {
	p := &projection{
		a: a, b: b, al: al,
		before:  make([][]int, len(b.clauses)),
		src:     make([]int, len(b.clauses)),
		kept:    make([]bool, len(b.clauses)),
		removed: make([]bool, len(a.clauses)),
		quietA:  headingSentences(a.sents, al.ma, b.headingKeys()),
		quietB:  headingSentences(b.sents, al.mb, a.headingKeys()),
	}
	for j, i := range al.mb {
		if i >= 0 {
			c := b.sents[j].clause
			p.before[c] = append(p.before[c], i)
		}
	}
	// A deleted sentence goes with the nearest sentence of its clause that
	// has a match, the one before it first.
	for c := range a.clauses {
		s0, s1 := a.sentences(c)
		if s0 == s1 {
			continue
		}
		matched, changed := false, false
		for i := s0; i < s1; i++ {
			matched = matched || al.ma[i] >= 0
			changed = changed || al.ma[i] < 0 && !p.quietA[i]
		}
		if !matched {
			p.removed[c] = changed
			continue
		}
		// The nearest matched sentence before each, then after.
		near := make([]int, s1-s0)
		last := -1
		for i := s0; i < s1; i++ {
			if al.ma[i] >= 0 {
				last = i
			}
			near[i-s0] = last
		}
		last = -1
		for i := s1 - 1; i >= s0; i-- {
			if al.ma[i] >= 0 {
				last = i
			} else if near[i-s0] < 0 {
				near[i-s0] = last
			}
		}
		for i := s0; i < s1; i++ {
			if al.ma[i] < 0 && !p.quietA[i] {
				nc := b.sents[al.ma[near[i-s0]]].clause
				p.before[nc] = append(p.before[nc], i)
			}
		}
	}
	var seq [][2]int // (src, new clause) of clauses with a source
	for j := range b.clauses {
		sort.Ints(p.before[j])
		p.src[j] = -1
		words := map[int]int{}
		best := 0
		for _, i := range p.before[j] {
			c := a.sents[i].clause
			words[c] += len(a.sents[i].words)
			if n := words[c]; n > best || n == best && c < p.src[j] {
				best, p.src[j] = n, c
			}
		}
		if p.src[j] >= 0 {
			seq = append(seq, [2]int{p.src[j], j})
		}
	}
	for _, k := range longestRun(seq, true) {
		p.kept[k[1]] = true
	}
	return p
}

// keyOf joins the keys of sentences: as in Key, where sentences end does
// not matter.
func keyOf(sents []sentence, idx []int) string {
	var sb strings.Builder
	for _, i := range idx {
		sb.WriteString(sents[i].key)
	}
	return sb.String()
}

func (p *projection) report() *Report {
	r := &Report{Labels: []LabelChange{}, Facts: []FactChange{}, Headings: []HeadingChange{}, Clauses: []ClauseChange{}}
	type entry struct {
		pos, sub, old int
		c             ClauseChange
	}
	var entries []entry
	headings := map[string]int{} // index into r.Headings
	for j, cl := range p.b.clauses {
		s0, s1 := p.b.sentences(j)
		afterIdx := make([]int, 0, s1-s0)
		for s := s0; s < s1; s++ {
			if !p.quietB[s] {
				afterIdx = append(afterIdx, s)
			}
		}
		if len(afterIdx) == 0 {
			r.Summary.Unchanged++ // no words, or only a heading's
			continue
		}
		after := ref(cl, cl.Text)
		if len(p.before[j]) == 0 {
			r.Summary.Added++
			entries = append(entries, entry{pos: j, c: ClauseChange{Change: Added, After: after}})
			continue
		}
		src := p.a.clauses[p.src[j]]
		beforeText, sources := p.beforeText(j)
		before := ref(src, beforeText)
		same := keyOf(p.a.sents, p.before[j]) == keyOf(p.b.sents, afterIdx)
		switch {
		case same && p.kept[j]:
			r.Summary.Unchanged++
			if !sameSpacing(beforeText, cl.Text) {
				r.Summary.Cosmetic++
			}
			p.noteHeading(r, headings, src.Heading, cl.Heading)
		case same:
			r.Summary.Moved++
			entries = append(entries, entry{pos: j, c: ClauseChange{Change: Moved, Before: before, After: after, Sources: sources}})
		default:
			r.Summary.Modified++
			if p.kept[j] {
				p.noteHeading(r, headings, src.Heading, cl.Heading)
			}
			entries = append(entries, entry{pos: j, c: ClauseChange{
				Change: Modified, Before: before, After: after, Sources: sources,
				Diff: diffWords(beforeText, cl.Text),
			}})
		}
	}
	// A removed clause stands after the last kept new clause drawn from a
	// clause before it.
	var keptSeq [][2]int
	for j := range p.b.clauses {
		if p.kept[j] {
			keptSeq = append(keptSeq, [2]int{p.src[j], j})
		}
	}
	for c, gone := range p.removed {
		if !gone {
			continue
		}
		r.Summary.Removed++
		k := sort.Search(len(keptSeq), func(k int) bool { return keptSeq[k][0] >= c })
		pos := -1
		if k > 0 {
			pos = keptSeq[k-1][1]
		}
		cl := p.a.clauses[c]
		entries = append(entries, entry{pos: pos, sub: 1, old: c, c: ClauseChange{Change: Removed, Before: ref(cl, cl.Text)}})
	}
	sort.SliceStable(entries, func(x, y int) bool {
		ex, ey := entries[x], entries[y]
		if ex.pos != ey.pos {
			return ex.pos < ey.pos
		}
		if ex.sub != ey.sub {
			return ex.sub < ey.sub
		}
		return ex.old < ey.old
	})
	for _, e := range entries {
		r.Clauses = append(r.Clauses, e.c)
	}
	r.Summary.Headings = len(r.Headings)
	return r
}

// beforeText returns the text of the previous version that new clause j
// draws on: the whole source clause when it draws on exactly that, else
// its sentences joined; and the ordinals of the clauses it draws on when
// there are several.
func (p *projection) beforeText(j int) (string, []int) {
	idx := p.before[j]
	var sources []int
	whole := true
	for k, i := range idx {
		c := p.a.sents[i].clause
		if k == 0 || c != p.a.sents[idx[k-1]].clause {
			sources = append(sources, p.a.clauses[c].Ordinal)
		}
	}
	if len(sources) == 1 {
		c := p.a.sents[idx[0]].clause
		s0, s1 := p.a.sentences(c)
		whole = len(idx) == s1-s0
		if whole {
			return p.a.clauses[c].Text, nil
		}
	}
	var sb strings.Builder
	for k, i := range idx {
		if k > 0 {
			sb.WriteByte(' ')
		}
		s := p.a.sents[i]
		sb.WriteString(p.a.clauses[s.clause].Text[s.start:s.end])
	}
	if len(sources) < 2 {
		sources = nil
	}
	return sb.String(), sources
}

// noteHeading records that a clause left in place moved from heading path
// before to after, when they differ other than cosmetically and the
// difference is in words: a heading of one path is not a heading, title
// or sentence anywhere in the other version. A path that only regroups
// headings both versions have (a heading found or lost by the segmenter,
// a heading that became text) is no heading change.
func (p *projection) noteHeading(r *Report, seen map[string]int, before, after []string) {
	kb, ka := headingKey(before), headingKey(after)
	if kb == ka {
		return
	}
	if p.wordsA == nil {
		p.wordsA, p.wordsB = p.a.headingWords(p.titleA), p.b.headingWords(p.titleB)
	}
	news := false
	for _, h := range after {
		if k := Key(h); k != "" && !p.wordsA[k] {
			news = true
		}
	}
	for _, h := range before {
		if k := Key(h); k != "" && !p.wordsB[k] {
			news = true
		}
	}
	if !news {
		return
	}
	k := kb + "\x01" + ka
	if i, ok := seen[k]; ok {
		r.Headings[i].Clauses++
		return
	}
	seen[k] = len(r.Headings)
	r.Headings = append(r.Headings, HeadingChange{Before: nonNil(before), After: nonNil(after), Clauses: 1})
}

// headingWords returns the keys of a version's headings, its title and
// its sentences.
func (v *version) headingWords(title string) map[string]bool {
	m := v.headingKeys()
	m[Key(title)] = true
	for _, s := range v.sents {
		m[s.key] = true
	}
	return m
}

// headingKeys returns the keys of a version's headings.
func (v *version) headingKeys() map[string]bool {
	m := map[string]bool{}
	seen := map[string]bool{}
	for _, c := range v.clauses {
		for _, h := range c.Heading {
			if !seen[h] {
				seen[h] = true
				m[Key(h)] = true
			}
		}
	}
	delete(m, "")
	return m
}

// headingSentences marks the sentences without a match (match[i] < 0)
// whose key is one of headings.
func headingSentences(sents []sentence, match []int, headings map[string]bool) []bool {
	out := make([]bool, len(sents))
	for i, s := range sents {
		out[i] = match[i] < 0 && headings[s.key]
	}
	return out
}

// headingKey is the comparison key of a heading path: the keys of its
// headings, empty ones left out.
func headingKey(path []string) string {
	var sb strings.Builder
	for _, h := range path {
		if k := Key(h); k != "" {
			sb.WriteString(k)
			sb.WriteByte(0)
		}
	}
	return sb.String()
}

func ref(c policy.Clause, text string) *ClauseRef {
	return &ClauseRef{Ordinal: c.Ordinal, Heading: nonNil(c.Heading), Text: text, Labels: nonNilLabels(c.Labels),
		Attributes: c.Attributes, Mentions: c.Mentions}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilLabels(l []policy.LabelScore) []policy.LabelScore {
	if l == nil {
		return []policy.LabelScore{}
	}
	return l
}

// sameSpacing reports whether a and b are the same text up to white space
// (runs of it, and at either end).
func sameSpacing(a, b string) bool {
	i, j := 0, 0
	for {
		for i < len(a) && isSpaceByte(a[i]) {
			i++
		}
		for j < len(b) && isSpaceByte(b[j]) {
			j++
		}
		if i == len(a) || j == len(b) {
			return i == len(a) && j == len(b)
		}
		// A run of white space in one must be a run in the other.
		if (i > 0 && isSpaceByte(a[i-1])) != (j > 0 && isSpaceByte(b[j-1])) && i > 0 && j > 0 {
			return false
		}
		if a[i] != b[j] {
			return false
		}
		i, j = i+1, j+1
	}
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}
