package changes

import (
	"hash/maphash"
	"slices"
	"sort"
)

// Alignment of sentences, in three passes over the sentences with words
// (sentences of punctuation alone take no part):
//
//  1. In order: a patience diff of the sentence keys (the common prefix
//     and suffix, then the keys that occur once in both versions, their
//     longest increasing subsequence as anchors, and again between
//     anchors; short stretches without such keys by a longest common
//     subsequence).
//  2. Out of order: the same key elsewhere (a sentence that moved), for
//     sentences of at least minMovedWords words or that are a whole
//     clause on both sides.
//  3. Similar: the sentences left are compared by the word pairs they
//     share (an index of word bigrams prefilters the candidates, so only
//     sentences that share a bigram are ever compared, and bigrams in
//     more than maxPosting sentences are too common to say anything),
//     and paired greedily, most similar first, when their Dice
//     coefficient of bigrams reaches minDiceFar, or minDice when they sit
//     between the same two sentences paired by pass 1, or minDiceAlone
//     when they are also the only sentences left there (one sentence
//     rewritten in place).
//
// The cost is about linear in the number of sentences: hashing, the
// patience diff (n log n), and the bigram index, whose postings are
// bounded.

const (
	minMovedWords = 4
	maxPosting    = 64
	minDiceFar    = 0.6
	minDice       = 0.4
	minDiceAlone  = 0.2
	// maxLCSCells bounds the longest-common-subsequence table of one
	// stretch in pass 1.
	maxLCSCells = 1 << 16
	// workPerSentence bounds the work of pass 1 (sentences visited and
	// table cells) per sentence of the two versions; past it, the
	// stretches left go to passes 2 and 3.
	workPerSentence = 64
)

// sentence is a sentence of a clause with words.
type sentence struct {
	clause int
	span
	key   string
	id    int32    // key interned
	words []string // normalised words
	solo  bool     // the only sentence with words of its clause
}

// aligner aligns the sentences of two versions.
type aligner struct {
	a, b []sentence
	// ma[i] is the sentence of b matched to a[i], or -1; mb likewise.
	ma, mb []int
	// inOrder marks pairs of pass 1 (by index into a).
	inOrder []bool
	// similar marks pairs of pass 3 (by index into a).
	similar []bool
}

func newAligner(a, b []sentence) *aligner {
	ids := make(map[string]int32, len(a)+len(b))
	for _, s := range [][]sentence{a, b} {
		for i := range s {
			id, ok := ids[s[i].key]
			if !ok {
				id = int32(len(ids))
				ids[s[i].key] = id
			}
			s[i].id = id
		}
	}
	al := &aligner{
		a: a, b: b,
		ma: make([]int, len(a)), mb: make([]int, len(b)),
		inOrder: make([]bool, len(a)), similar: make([]bool, len(a)),
	}
	for i := range al.ma {
		al.ma[i] = -1
	}
	for j := range al.mb {
		al.mb[j] = -1
	}
	return al
}

func (al *aligner) pair(i, j int) {
	al.ma[i], al.mb[j] = j, i
}

func (al *aligner) align() {
	al.inOrderPass()
	al.movedPass()
	al.similarPass()
}

type rng struct{ a0, a1, b0, b1 int }

// inOrderPass is pass 1.
func (al *aligner) inOrderPass() {
	stack := []rng{{0, len(al.a), 0, len(al.b)}}
	type count struct{ na, nb, ia, ib int }
	counts := map[int32]*count{}
	budget := workPerSentence*(len(al.a)+len(al.b)) + maxLCSCells
	for len(stack) > 0 && budget > 0 {
		r := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for r.a0 < r.a1 && r.b0 < r.b1 && al.a[r.a0].id == al.b[r.b0].id {
			al.pair(r.a0, r.b0)
			al.inOrder[r.a0] = true
			r.a0, r.b0 = r.a0+1, r.b0+1
		}
		for r.a0 < r.a1 && r.b0 < r.b1 && al.a[r.a1-1].id == al.b[r.b1-1].id {
			al.pair(r.a1-1, r.b1-1)
			al.inOrder[r.a1-1] = true
			r.a1, r.b1 = r.a1-1, r.b1-1
		}
		if r.a0 == r.a1 || r.b0 == r.b1 {
			continue
		}
		budget -= (r.a1 - r.a0) + (r.b1 - r.b0)
		clear(counts)
		for i := r.a0; i < r.a1; i++ {
			c := counts[al.a[i].id]
			if c == nil {
				c = &count{}
				counts[al.a[i].id] = c
			}
			c.na++
			c.ia = i
		}
		var uniq [][2]int // (ia, ib) ordered by ib
		for j := r.b0; j < r.b1; j++ {
			if c := counts[al.b[j].id]; c != nil {
				c.nb++
				c.ib = j
			}
		}
		for j := r.b0; j < r.b1; j++ {
			if c := counts[al.b[j].id]; c != nil && c.na == 1 && c.nb == 1 {
				uniq = append(uniq, [2]int{c.ia, j})
			}
		}
		if len(uniq) == 0 {
			if n := (r.a1 - r.a0) * (r.b1 - r.b0); n <= maxLCSCells {
				budget -= n
				al.lcs(r)
			}
			continue
		}
		anchors := longestRun(uniq, false)
		prevA, prevB := r.a0, r.b0
		for _, p := range anchors {
			al.pair(p[0], p[1])
			al.inOrder[p[0]] = true
			stack = append(stack, rng{prevA, p[0], prevB, p[1]})
			prevA, prevB = p[0]+1, p[1]+1
		}
		stack = append(stack, rng{prevA, r.a1, prevB, r.b1})
	}
}

// longestRun returns the longest subsequence of pairs (ordered by their
// second element) whose first elements increase, or with ties, do not
// decrease (patience sorting: O(n log n)).
func longestRun(pairs [][2]int, ties bool) [][2]int {
	if len(pairs) == 0 {
		return nil
	}
	tails := []int{} // tails[l]: index of the pair ending the best run of length l+1
	prev := make([]int, len(pairs))
	for k, p := range pairs {
		l := sort.Search(len(tails), func(t int) bool {
			if ties {
				return pairs[tails[t]][0] > p[0]
			}
			return pairs[tails[t]][0] >= p[0]
		})
		if l > 0 {
			prev[k] = tails[l-1]
		} else {
			prev[k] = -1
		}
		if l == len(tails) {
			tails = append(tails, k)
		} else {
			tails[l] = k
		}
	}
	out := make([][2]int, len(tails))
	for k, t := len(tails)-1, tails[len(tails)-1]; k >= 0; k, t = k-1, prev[t] {
		out[k] = pairs[t]
	}
	return out
}

// lcs pairs the sentences of a short range by a longest common
// subsequence of their keys.
func (al *aligner) lcs(r rng) {
	n, m := r.a1-r.a0, r.b1-r.b0
	t := make([]int32, (n+1)*(m+1))
	at := func(i, j int) *int32 { return &t[i*(m+1)+j] }
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al.a[r.a0+i].id == al.b[r.b0+j].id {
				*at(i, j) = *at(i+1, j+1) + 1
			} else {
				*at(i, j) = max(*at(i+1, j), *at(i, j+1))
			}
		}
	}
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case al.a[r.a0+i].id == al.b[r.b0+j].id:
			al.pair(r.a0+i, r.b0+j)
			al.inOrder[r.a0+i] = true
			i, j = i+1, j+1
		case *at(i+1, j) >= *at(i, j+1):
			i++
		default:
			j++
		}
	}
}

// movedPass is pass 2.
func (al *aligner) movedPass() {
	// The unmatched sentences of a by key, all and those alone in their
	// clause, consumed from the front.
	type queue struct {
		all, solo []int
	}
	free := map[int32]*queue{}
	for i, s := range al.a {
		if al.ma[i] >= 0 {
			continue
		}
		q := free[s.id]
		if q == nil {
			q = &queue{}
			free[s.id] = q
		}
		q.all = append(q.all, i)
		if s.solo {
			q.solo = append(q.solo, i)
		}
	}
	pop := func(l *[]int) int {
		for len(*l) > 0 {
			i := (*l)[0]
			*l = (*l)[1:]
			if al.ma[i] < 0 {
				return i
			}
		}
		return -1
	}
	for j, s := range al.b {
		if al.mb[j] >= 0 {
			continue
		}
		q := free[s.id]
		if q == nil {
			continue
		}
		i := -1
		switch {
		case len(s.words) >= minMovedWords:
			i = pop(&q.all)
		case s.solo:
			i = pop(&q.solo)
		}
		if i >= 0 {
			al.pair(i, j)
		}
	}
}

// similarPass is pass 3.
func (al *aligner) similarPass() {
	seed := maphash.MakeSeed()
	shingles := func(words []string) []uint64 {
		var h maphash.Hash
		h.SetSeed(seed)
		if len(words) == 1 {
			h.WriteString(words[0])
			return []uint64{h.Sum64()}
		}
		out := make([]uint64, 0, len(words)-1)
		for k := 0; k+1 < len(words); k++ {
			h.Reset()
			h.WriteString(words[k])
			h.WriteByte(0)
			h.WriteString(words[k+1])
			out = append(out, h.Sum64())
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	// Gaps: the number of pass-1 pairs before a sentence.
	gapA := make([]int, len(al.a))
	gapB := make([]int, len(al.b))
	g := 0
	for i := range al.a {
		gapA[i] = g
		if al.inOrder[i] {
			g++
		}
	}
	g = 0
	for j := range al.b {
		gapB[j] = g
		if i := al.mb[j]; i >= 0 && al.inOrder[i] {
			g++
		}
	}

	// Unmatched sentences per gap, to find sentences alone in theirs.
	leftA, leftB := map[int]int{}, map[int]int{}
	for i := range al.a {
		if al.ma[i] < 0 {
			leftA[gapA[i]]++
		}
	}
	for j := range al.b {
		if al.mb[j] < 0 {
			leftB[gapB[j]]++
		}
	}

	index := map[uint64][]int32{}
	shB := make([][]uint64, len(al.b))
	for j := range al.b {
		if al.mb[j] >= 0 {
			continue
		}
		shB[j] = shingles(al.b[j].words)
		for _, h := range shB[j] {
			index[h] = append(index[h], int32(j))
		}
	}
	if len(index) == 0 {
		return
	}
	type cand struct {
		i, j  int
		score float64
	}
	var cands []cand
	hits := make([]int32, len(al.b)) // shared bigrams, by sentence of b
	var touched []int32
	for i := range al.a {
		if al.ma[i] >= 0 {
			continue
		}
		sh := shingles(al.a[i].words)
		touched = touched[:0]
		for _, h := range sh {
			if post := index[h]; len(post) <= maxPosting {
				for _, j := range post {
					if hits[j] == 0 {
						touched = append(touched, j)
					}
					hits[j]++
				}
			}
		}
		for _, j32 := range touched {
			j, n := int(j32), hits[j32]
			hits[j32] = 0
			dice := 2 * float64(n) / float64(len(sh)+len(shB[j]))
			near := gapA[i] == gapB[j]
			alone := near && leftA[gapA[i]] == 1 && leftB[gapB[j]] == 1
			if dice >= minDiceFar || near && dice >= minDice || alone && dice >= minDiceAlone {
				score := dice
				if near {
					score += 0.25
				}
				cands = append(cands, cand{i, j, score})
			}
		}
	}
	sort.Slice(cands, func(x, y int) bool {
		cx, cy := cands[x], cands[y]
		if cx.score != cy.score {
			return cx.score > cy.score
		}
		if cx.i != cy.i {
			return cx.i < cy.i
		}
		return cx.j < cy.j
	})
	for _, c := range cands {
		if al.ma[c.i] < 0 && al.mb[c.j] < 0 {
			al.pair(c.i, c.j)
			al.similar[c.i] = true
		}
	}
}
