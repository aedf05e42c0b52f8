package segment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Packing: the last stage groups the units under each heading path into
// clauses of about TargetChars, cuts what is longer than MaxChars at
// sentences and then words, and merges fragments into their neighbours.

// emit walks the units, tracking the heading path, and turns each run of
// text between headings into clauses.
func (sp *splitter) emit() []policy.Clause {
	var stack []heading
	var path []string
	start := -1
	toc := false // inside a table of contents: its list is dropped
	for i, u := range sp.units {
		if sp.over {
			return nil
		}
		if toc && u.kind != uList {
			toc = false
		}
		switch {
		case u.kind == uHeading:
			if start >= 0 {
				sp.run(sp.units[start:i], path)
				start = -1
			}
			if u.head.toc {
				toc = true
				continue
			}
			if !u.title {
				stack = sp.push(stack, u.head, i)
				path = make([]string, len(stack))
				for k, h := range stack {
					path[k] = h.text
				}
			}
		case u.kind == uBreak || toc:
			if start >= 0 {
				sp.run(sp.units[start:i], path)
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		sp.run(sp.units[start:], path)
	}
	return sp.out
}

// run turns consecutive text units (no heading or break between them)
// into clauses.
func (sp *splitter) run(units []unit, path []string) {
	sp.pieces = sp.pieces[:0]
	for k := 0; k < len(units); {
		u := units[k]
		j := k + 1
		switch {
		case u.colon && j < len(units) && itemLike(units[j]):
			// The list is of list items, or, without markers, of short
			// paragraphs.
			marked := units[j].kind == uList
			total := u.n
			for j < len(units) && itemLike(units[j]) && (units[j].kind == uList) == marked {
				total += 1 + units[j].n
				j++
			}
			if total <= sp.listMax {
				last := units[j-1]
				sp.pieces = append(sp.pieces, piece{s: u.s, e: last.e, n: total, words: sumWords(units[k:j]), page: u.page})
			} else {
				sp.pack(units[k:j])
			}
		case u.kind == uList:
			for j < len(units) && units[j].kind == uList {
				j++
			}
			sp.pack(units[k:j])
		case u.row:
			for j < len(units) && units[j].row {
				j++
			}
			sp.pack(units[k:j])
		case u.merge:
			for j < len(units) && units[j].merge && !(units[j].colon && j+1 < len(units) && itemLike(units[j+1])) {
				j++
			}
			sp.pack(units[k:j])
		default:
			sp.pack(units[k:j])
		}
		k = j
	}
	sp.mergeTiny()
	if sp.maxOut > 0 && len(sp.out)+len(sp.pieces) > sp.maxOut {
		sp.over = true
		return
	}
	for _, p := range sp.pieces {
		sp.out = append(sp.out, policy.Clause{
			Ordinal: len(sp.out) + 1,
			Heading: path,
			Text:    collapse(sp.text[p.s:p.e]),
			Start:   sp.cursor.runes(p.s),
			End:     sp.cursor.runes(p.e),
			Page:    p.page,
		})
	}
}

// itemLike reports whether u can be an item of a list introduced by ':'.
func itemLike(u unit) bool {
	return u.kind == uList || u.kind == uPara && u.n <= shortItemChars && !u.colon
}

func sumWords(units []unit) int {
	n := 0
	for _, u := range units {
		n += u.words
	}
	return n
}

// pack groups units into pieces of about TargetChars. A unit longer than
// MaxChars is cut into sentences first, and a sentence longer than
// MaxChars into runs of words.
func (sp *splitter) pack(units []unit) {
	first := len(sp.pieces)
	var cur piece
	has := false
	add := func(a piece) {
		if has {
			gap := 1
			if a.glued {
				gap = 0
			}
			total := cur.n + gap + a.n
			if total <= sp.max && (total <= sp.target || cur.n < sp.target/2) {
				cur.e, cur.n, cur.words = a.e, total, cur.words+a.words
				return
			}
			sp.pieces = append(sp.pieces, cur)
		}
		cur, has = a, true
	}
	for _, u := range units {
		if u.n <= sp.max {
			add(piece{s: u.s, e: u.e, n: u.n, words: u.words, page: u.page})
			continue
		}
		sp.spans = sentences(sp.text[u.s:u.e], sp.spans[:0])
		for _, span := range sp.spans {
			s, e := trimSpan(sp.text, u.s+span[0], u.s+span[1])
			if s >= e {
				continue
			}
			n, words := collapsedLen(sp.text[s:e])
			if n <= sp.max {
				add(piece{s: s, e: e, n: n, words: words, page: u.page})
				continue
			}
			sp.cutWords(s, e, u.page, add)
		}
	}
	if has {
		sp.pieces = append(sp.pieces, cur)
	}
	// A short remainder joins the piece before it.
	if k := len(sp.pieces); k-first >= 2 {
		prev, last := sp.pieces[k-2], sp.pieces[k-1]
		gap := 1
		if last.glued {
			gap = 0
		}
		if last.n < sp.target/4 && prev.n+gap+last.n <= sp.max {
			sp.pieces[k-2].e, sp.pieces[k-2].n, sp.pieces[k-2].words = last.e, prev.n+gap+last.n, prev.words+last.words
			sp.pieces = sp.pieces[:k-1]
		}
	}
}

// cutWords cuts text[s:e], a sentence longer than MaxChars, into pieces
// of at most MaxChars at word boundaries, preferring to cut after a ';',
// ',' or ':' in the second half of a piece. A word longer than MaxChars is
// cut between characters.
func (sp *splitter) cutWords(s, e, page int, add func(piece)) {
	var cur piece
	has := false
	bestEnd, bestN, bestWords := -1, 0, 0
	emit := func() {
		if has {
			add(cur)
			has = false
		}
		bestEnd = -1
	}
	for p := s; p < e; {
		// Next word.
		ws := p
		for ws < e {
			r, size := utf8.DecodeRuneInString(sp.text[ws:])
			if !unicode.IsSpace(r) {
				break
			}
			ws += size
		}
		if ws >= e {
			break
		}
		we, wn := ws, 0
		for we < e {
			r, size := utf8.DecodeRuneInString(sp.text[we:])
			if unicode.IsSpace(r) {
				break
			}
			we += size
			wn++
		}
		p = we
		if wn > sp.max {
			// Cut the giant word itself.
			emit()
			glued := false
			for q := ws; q < we; {
				qe, k := q, 0
				for qe < we && k < sp.max {
					_, size := utf8.DecodeRuneInString(sp.text[qe:])
					qe += size
					k++
				}
				add(piece{s: q, e: qe, n: k, words: 1, page: page, glued: glued})
				glued = true
				q = qe
			}
			continue
		}
		if has && cur.n+1+wn > sp.max {
			if bestEnd > 0 && bestEnd < cur.e && bestN*2 >= sp.max {
				// Cut at the last clause punctuation and carry the rest.
				rest := piece{s: nextNonSpace(sp.text, bestEnd, e), e: cur.e, page: page}
				rest.n, rest.words = collapsedLen(sp.text[rest.s:rest.e])
				cur.e, cur.n, cur.words = bestEnd, bestN, bestWords
				add(cur)
				cur, bestEnd = rest, -1
			} else {
				emit()
			}
			if has && cur.n+1+wn > sp.max {
				emit()
			}
		}
		if !has {
			cur, has = piece{s: ws, e: we, n: wn, words: 1, page: page}, true
		} else {
			cur.e, cur.n, cur.words = we, cur.n+1+wn, cur.words+1
		}
		if last := sp.text[we-1]; last == ';' || last == ',' || last == ':' {
			bestEnd, bestN, bestWords = we, cur.n, cur.words
		}
	}
	emit()
}

func nextNonSpace(text string, p, e int) int {
	for p < e {
		r, size := utf8.DecodeRuneInString(text[p:])
		if !unicode.IsSpace(r) {
			break
		}
		p += size
	}
	return p
}

// mergeTiny joins pieces of one or two words ("Yes.", "See below"), and
// glossary terms set apart in lower case, to the next piece of the run, or
// else to the previous one, when the result fits in MaxChars; an e-mail or
// web address to the previous one first.
func (sp *splitter) mergeTiny() {
	ps := sp.pieces
	if len(ps) < 2 {
		return
	}
	tiny := func(p piece) bool {
		if p.words <= 2 && p.n < 40 {
			return true
		}
		// A term of a glossary set as a line of its own ("certain credit
		// information", then the paragraph defining it): a few words in
		// lower case that end no sentence.
		if p.words > 6 || p.n >= 60 {
			return false
		}
		t := strings.TrimSpace(sp.text[p.s:p.e])
		last, _ := utf8.DecodeLastRuneInString(t)
		return startsLower(t) && !strings.ContainsRune(".!?:;,", last) && wordsOnly(t)
	}
	out := ps[:0] // compacts in place: out never overtakes the loop
	var carry piece
	hasCarry := false
	backward := func(p piece) {
		if k := len(out) - 1; k >= 0 {
			if j, ok := sp.join(out[k], p); ok {
				out[k] = j
				return
			}
		}
		out = append(out, p)
	}
	for _, p := range ps {
		if hasCarry {
			hasCarry = false
			if j, ok := sp.join(carry, p); ok {
				p = j
			} else {
				backward(carry)
			}
		}
		if tiny(p) {
			if len(out) > 0 && sp.address(p) {
				backward(p)
				continue
			}
			carry, hasCarry = p, true
			continue
		}
		out = append(out, p)
	}
	if hasCarry {
		backward(carry)
	}
	sp.pieces = out
}

// address reports whether fragment p is an e-mail or web address, which
// goes with the sentence before it that gives it ("write to our officer" /
// "dpo@…") rather than with the next.
func (sp *splitter) address(p piece) bool {
	t := sp.text[p.s:p.e]
	return strings.ContainsRune(t, '@') || strings.Contains(t, "://")
}

// join returns pieces a and b, adjacent in the text, as one piece, if it
// fits in MaxChars.
func (sp *splitter) join(a, b piece) (piece, bool) {
	gap := 1
	if b.glued {
		gap = 0
	}
	n := a.n + gap + b.n
	if n > sp.max {
		return piece{}, false
	}
	return piece{s: a.s, e: b.e, n: n, words: a.words + b.words, page: a.page, glued: a.glued}, true
}

// wordsOnly reports whether t holds only letters, spaces, hyphens and
// apostrophes: words, not an address, a date or a list item.
func wordsOnly(t string) bool {
	for _, r := range t {
		if !unicode.IsLetter(r) && !unicode.IsSpace(r) && r != '-' && r != '\'' && r != '’' {
			return false
		}
	}
	return true
}
