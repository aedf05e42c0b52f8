package changes

import "strings"

// Op is one step of a word-level diff: a run of text that is in both
// texts (equal), only in the new one (insert) or only in the old one
// (delete). Concatenating the texts of the equal and insert ops gives the
// new text; the delete and insert ops give what was taken out and put in.
// An equal op carries the new text: it may differ from the old one
// cosmetically (punctuation, letter case, white space).
type Op struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// The kinds of Op.
const (
	OpEqual  = "equal"
	OpInsert = "insert"
	OpDelete = "delete"
)

// maxEdits and maxDiffWords bound the work of one word diff: past this
// many inserted and deleted words, or for texts of more words than that
// together, what differs is reported as one deletion and one insertion.
const (
	maxEdits     = 1000
	maxDiffWords = 50000
)

// chunk is a word of a text with the punctuation and white space that
// follow it; key is its normalised form.
type chunk struct {
	text string
	key  string
}

// chunks cuts text into words, each with its surrounding punctuation and
// the white space after it. A field without letters or digits (a dash, a
// bullet) joins the word before it.
func chunks(text string) []chunk {
	var out []chunk
	pending := "" // leading text before the first word
	var words []string
	prev := 0
	forFields(text, func(f string, s, e int) {
		if len(out) > 0 {
			// The white space before this field belongs to the chunk before.
			out[len(out)-1].text += text[prev:s]
		} else {
			pending += text[prev:s]
		}
		prev = e
		words = appendFieldWords(words[:0], f)
		if len(words) == 0 {
			if len(out) > 0 {
				out[len(out)-1].text += f
			} else {
				pending += f
			}
			return
		}
		out = append(out, chunk{text: pending + f, key: strings.Join(words, "")})
		pending = ""
	})
	if len(out) > 0 {
		out[len(out)-1].text += text[prev:]
	} else if pending+text[prev:] != "" {
		out = append(out, chunk{text: pending + text[prev:]})
	}
	return out
}

// diffWords returns the word-level diff from before to after. Words are
// compared by their normalised keys, so a diff of texts that differ only
// cosmetically is one equal op.
func diffWords(before, after string) []Op {
	a, b := chunks(before), chunks(after)
	ids := map[string]int32{}
	intern := func(cs []chunk) []int32 {
		out := make([]int32, len(cs))
		for i, c := range cs {
			id, ok := ids[c.key]
			if !ok {
				id = int32(len(ids))
				ids[c.key] = id
			}
			out[i] = id
		}
		return out
	}
	x, y := intern(a), intern(b)
	script := editScript(x, y)

	// Rebuild the ops; a deleted run and the inserted run next to it with
	// the same words up to spacing and punctuation ("third-party" and
	// "third party") are equal.
	var ops []Op
	add := func(op, text string) {
		if text == "" {
			return
		}
		if n := len(ops); n > 0 && ops[n-1].Op == op {
			ops[n-1].Text += text
			return
		}
		ops = append(ops, Op{op, text})
	}
	i, j := 0, 0
	for k := 0; k < len(script); {
		if script[k] == '=' {
			add(OpEqual, b[j].text)
			i, j, k = i+1, j+1, k+1
			continue
		}
		var del, ins, delKey, insKey strings.Builder
		for ; k < len(script) && script[k] != '='; k++ {
			if script[k] == '-' {
				del.WriteString(a[i].text)
				delKey.WriteString(a[i].key)
				i++
			} else {
				ins.WriteString(b[j].text)
				insKey.WriteString(b[j].key)
				j++
			}
		}
		if delKey.String() == insKey.String() {
			add(OpEqual, ins.String())
			continue
		}
		add(OpDelete, del.String())
		add(OpInsert, ins.String())
	}
	return ops
}

// editScript returns a shortest edit script from a to b: '=' keeps an
// element, '-' deletes one of a, '+' inserts one of b (Myers' O(ND)
// algorithm). Past maxEdits edits the middle that differs is deleted and
// inserted whole.
func editScript(a, b []int32) []byte {
	// Common prefix and suffix.
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	mid := myers(a[pre:len(a)-suf], b[pre:len(b)-suf])
	out := make([]byte, 0, pre+len(mid)+suf)
	out = append(out, strings.Repeat("=", pre)...)
	out = append(out, mid...)
	out = append(out, strings.Repeat("=", suf)...)
	return out
}

func myers(a, b []int32) []byte {
	n, m := len(a), len(b)
	if n == 0 || m == 0 || n+m > maxDiffWords {
		return append([]byte(strings.Repeat("-", n)), strings.Repeat("+", m)...)
	}
	maxD := min(n+m, maxEdits)
	off := maxD + 1
	v := make([]int32, 2*maxD+3)
	// trace[d] holds v[off-d .. off+d] before step d.
	trace := make([][]int32, 0, 16)
	for d := 0; d <= maxD; d++ {
		trace = append(trace, append([]int32(nil), v[off-d:off+d+1]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || k != d && v[off+k-1] < v[off+k+1] {
				x = int(v[off+k+1])
			} else {
				x = int(v[off+k-1]) + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x, y = x+1, y+1
			}
			v[off+k] = int32(x)
			if x >= n && y >= m {
				return backtrack(trace, n, m, d, k)
			}
		}
	}
	return append([]byte(strings.Repeat("-", n)), strings.Repeat("+", m)...)
}

// backtrack turns Myers' trace into the edit script that ends at diagonal
// k after d edits.
func backtrack(trace [][]int32, n, m, d, k int) []byte {
	out := make([]byte, 0, n+m)
	x, y := n, m
	for ; d > 0; d-- {
		prev := trace[d] // v before step d: indices -d..d shifted by d
		at := func(k int) int { return int(prev[k+d]) }
		var pk int
		if k == -d || k != d && at(k-1) < at(k+1) {
			pk = k + 1 // came down: an insertion
		} else {
			pk = k - 1 // came right: a deletion
		}
		px := at(pk)
		py := px - pk
		// Snake back to the move.
		for x > px && y > py {
			out = append(out, '=')
			x, y = x-1, y-1
		}
		if pk == k+1 {
			out = append(out, '+')
			y--
		} else {
			out = append(out, '-')
			x--
		}
		k = pk
	}
	for x > 0 {
		out = append(out, '=')
		x--
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out
}
