package mentions

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/policylens/policylens/shared/domain/attributes"
)

// A prefilter names the words (runs of ASCII letters and digits, as the
// expressions' \b sees them) of which a text must hold at least one for
// an expression to match it: lower-case words for the expressions that
// ignore case, words as written for the others.
type prefilter struct {
	bit   uint64
	lower []string
	exact []string
	// contains is a string the text must contain instead (an e-mail
	// address's "@").
	contains string
	// before and after bound, in words, how far a match reaches from the
	// word that lets it through: every match lies within that many words
	// before and after one of them. words says the bounds hold (the
	// expression runs on those windows only); otherwise it runs on each
	// sentence with one of the words.
	before, after int
	words         bool
	// bounds are other bounds for some of the words, [before, after].
	bounds map[string][2]int
	// digits: a run of one to four digits lets the expression through
	// too, with digitBounds.
	digits      bool
	digitBounds [2]int
	// cue: the expression's matches count only in a sentence with a word
	// of cue.
	cue *prefilter
}

var (
	periodWords    = prefilter{cue: &retainCueWords, bit: 1 << 0, before: 4, after: 0, words: true, lower: []string{"hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"}}
	indefWords     = prefilter{cue: &retainCueWords, bit: 1 << 2, before: 0, after: 0, words: true, lower: []string{"indefinitely"}}
	namedWords     = prefilter{bit: 1 << 3, before: 0, after: 3, words: true} // the names' first words, set up with the index
	recipientWords = prefilter{bit: 1 << 4, before: 4, after: 0, words: true, lower: []string{"partner", "partners", "provider", "providers", "processor",
		"processors", "vendor", "vendors", "companies", "network", "networks", "platform", "platforms", "broker", "brokers",
		"enforcement", "agencies", "authorities", "affiliates", "subsidiaries", "subprocessors", "auditors", "advisers",
		"advisors", "insurers", "sponsors", "contractors"}}
	// Every age holds a number; "minimum age ... of 16" may hold it
	// far after "age".
	ageWords = prefilter{cue: &ageCueWords, bit: 1 << 5, before: 5, after: 5, words: true, digits: true, digitBounds: [2]int{5, 5},
		lower: append(numberTokens(), "hundred", "age"), bounds: map[string][2]int{"age": {1, 12}}}
	emailWords = prefilter{bit: 1 << 7, contains: "@"}
	// A setting ends with its last word ("privacy settings", "cookie
	// banner"), except the mechanisms that start with theirs.
	settingWords = prefilter{bit: 1 << 8, before: 4, after: 0, words: true, lower: []string{"settings", "preferences",
		"center", "control", "controls", "dashboard", "link", "unsubscribe", "sell", "opt", "page", "form", "tool", "banner",
		"choices", "adchoices", "initiative", "alliance", "tracking"},
		bounds: map[string][2]int{"unsubscribe": {2, 1}, "sell": {2, 6}, "opt": {0, 3}}}
	regionWords = prefilter{bit: 1 << 9, before: 0, after: 2, words: true, exact: []string{"European", "EEA", "EU", "GDPR", "United", "UK", "U", "Switzerland",
		"Swiss", "California", "Californian", "Californians", "CCPA", "CPRA", "Virginia", "Colorado", "Connecticut", "Utah",
		"Texas", "Oregon", "Montana", "Nevada", "Iowa", "Delaware", "Tennessee", "Indiana", "New", "Kentucky", "Nebraska",
		"Maryland", "Minnesota", "Rhode", "Washington", "Brazil", "Brazilian", "LGPD", "Canada", "Canadian", "PIPEDA",
		"Quebec", "Qu"}}
	// A signal's name: "global privacy control", "GPC", "(universal)
	// opt-out preference signals", "universal opt-out mechanism".
	signalWords = prefilter{bit: 1 << 12, words: true, lower: []string{"global", "gpc", "preference", "universal"},
		bounds: map[string][2]int{"global": {0, 3}, "gpc": {0, 0}, "preference": {4, 1}, "universal": {0, 4}}}
	// The words a sentence needs for its ages, and for its periods, to
	// count (ageCueRe, retainCueRe): windows in sentences without them
	// are not searched.
	ageCueWords = prefilter{bit: 1 << 10, lower: []string{"child", "children", "minor", "minors", "kid", "kids", "teen",
		"teens", "age", "aged", "years", "old", "coppa", "parent", "parents", "parental"}}
	retainCueWords = prefilter{bit: 1 << 11, lower: []string{"retain", "retains", "retained", "retaining", "retention",
		"keep", "keeps", "kept", "store", "stores", "stored", "storing", "delete", "deleted", "deletes", "deletion", "erase",
		"erased", "purge", "purged", "destroy", "destroyed", "preserve", "preserved", "maintain", "maintained", "hold", "held",
		"anonymise", "anonymize", "anonymised", "anonymized", "anonymises", "anonymizes"}}
	// The words of the retention conditions (conditionRes), each with
	// how far around it a condition that holds it reaches.
	conditionWords = [...]prefilter{
		{cue: &retainCueWords, bit: 1 << 13, before: 2, after: 10, words: true, lower: []string{"long"}},
		{cue: &retainCueWords, bit: 1 << 14, before: 0, after: 8, words: true, lower: []string{"until"}},
		{cue: &retainCueWords, bit: 1 << 15, before: 0, after: 7, words: true, lower: []string{"while"}},
		{cue: &retainCueWords, bit: 1 << 16, before: 2, after: 7, words: true, lower: []string{"duration", "life", "lifetime"}},
		{cue: &retainCueWords, bit: 1 << 17, before: 3, after: 10, words: true, lower: []string{"period", "periods"}},
		{cue: &retainCueWords, bit: 1 << 18, before: 1, after: 5, words: true, lower: []string{"longer"}},
		{cue: &retainCueWords, bit: 1 << 19, before: 18, after: 1, words: true, lower: []string{"necessary", "needed"}},
		{cue: &retainCueWords, bit: 1 << 20, before: 45, after: 16, words: true, lower: []string{"deleted", "erased", "removed"}},
		{cue: &retainCueWords, bit: 1 << 1, before: 2, after: 4, words: true, lower: []string{"reasonable"}},
		{cue: &retainCueWords, bit: 1 << 6, before: 2, after: 2, words: true, lower: []string{"temporarily"}},
	}
	allFilters = append([]*prefilter{&ageCueWords, &retainCueWords, &periodWords, &conditionWords[0], &conditionWords[1],
		&conditionWords[2], &conditionWords[3], &conditionWords[4], &conditionWords[5], &conditionWords[6], &conditionWords[7], &conditionWords[8], &conditionWords[9], &indefWords, &namedWords, &recipientWords, &ageWords,
		&emailWords, &settingWords, &regionWords, &signalWords}, groupFilters()...)
)

// filterIndex maps each word to the bits of the prefilters it satisfies.
type filterIndex struct{ lower, exact map[string]uint64 }

var index = sync.OnceValue(func() filterIndex {
	ix := filterIndex{lower: map[string]uint64{}, exact: map[string]uint64{}}
	for _, n := range namedThirdParties {
		first, _, _ := strings.Cut(n, " ")
		if k := wordEnd(first, 0); k > 0 {
			first = first[:k]
		}
		namedWords.exact = append(namedWords.exact, first)
	}
	for _, f := range allFilters {
		for _, w := range f.lower {
			ix.lower[w] |= f.bit
		}
		for _, w := range f.exact {
			ix.exact[w] |= f.bit
		}
	}
	return ix
})

// wordSet is the prefilters a word or a sentence satisfies.
type wordSet uint64

func (w wordSet) has(f *prefilter) bool { return uint64(w)&f.bit != 0 }

// digitsBit marks a run of one to four digits (prefilter.digits).
const digitsBit = 1 << 63

func isWordChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// wordEnd returns the end of the run of \w characters that starts at i.
func wordEnd(s string, i int) int {
	for i < len(s) && isWordChar(s[i]) {
		i++
	}
	return i
}

// word is a run of \w characters ([0-9A-Za-z_], as \b reads them), by
// byte offsets, with the prefilters it satisfies.
type word struct {
	start, end int
	set        wordSet
}

// stretch is a part of a text, by byte offsets.
type stretch struct{ start, end int }

// sentenceWords is a sentence of a text with the prefilters its words
// satisfy.
type sentenceWords struct {
	stretch
	set wordSet
}

// scan reads text's words and its sentences (cut after each full stop,
// question or exclamation mark that a space follows), each with the
// prefilters it satisfies, in one pass.
func scan(text string) ([]word, []sentenceWords) {
	ix := index()
	var ws []word
	var sents []sentenceWords
	var buf [32]byte
	start := 0
	var set wordSet
	endSentence := func(end int) {
		if strings.Contains(text[start:end], emailWords.contains) {
			set |= wordSet(emailWords.bit)
		}
		sents = append(sents, sentenceWords{stretch{start, end}, set})
		start, set = end, 0
	}
	for i := 0; i < len(text); {
		c := text[i]
		if !isWordChar(c) {
			if (c == '.' || c == '!' || c == '?') && i+1 < len(text) && text[i+1] == ' ' {
				endSentence(i + 1)
			}
			i++
			continue
		}
		j := wordEnd(text, i)
		t := text[i:j]
		w := wordSet(ix.exact[t])
		if len(t) <= len(buf) {
			w |= wordSet(ix.lower[string(lowerASCII(buf[:len(t)], t))])
		}
		if len(t) <= 4 && strings.Trim(t, "0123456789") == "" {
			w |= digitsBit
		}
		ws = append(ws, word{i, j, w})
		set |= w
		i = j
	}
	if start < len(text) {
		endSentence(len(text))
	}
	return ws, sents
}

// lowerASCII writes t in lower case (ASCII letters only, so that byte
// offsets stay) into b, which has t's length.
func lowerASCII(b []byte, t string) []byte {
	for i := range len(t) {
		c := t[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	return b
}

// windows returns the stretches of text an expression behind f needs
// to be run on: around each word of f, f.before words back and f.after
// words on, overlapping stretches merged. A match of the expression
// always lies within one of them, and within a stretch it is found as in
// the whole text: a match reaching into a stretch from outside would
// hold a word of f, whose own stretch would overlap and be merged.
func (f *prefilter) windows(text string, ws []word) []stretch {
	var out []stretch
	var buf [32]byte
	for k, w := range ws {
		before, after := f.before, f.after
		switch {
		case w.set.has(f):
			if t := text[w.start:w.end]; f.bounds != nil && len(t) <= len(buf) {
				if bd, ok := f.bounds[string(lowerASCII(buf[:len(t)], t))]; ok {
					before, after = bd[0], bd[1]
				}
			}
		case f.digits && w.set&digitsBit != 0:
			before, after = f.digitBounds[0], f.digitBounds[1]
		default:
			continue
		}
		out = append(out, stretch{ws[max(0, k-before)].start, ws[min(len(ws)-1, k+after)].end})
	}
	// Words have bounds of their own, so a later window may start earlier.
	slices.SortFunc(out, func(a, b stretch) int { return a.start - b.start })
	merged := out[:0]
	for _, win := range out {
		if n := len(merged); n > 0 && win.start <= merged[n-1].end {
			merged[n-1].end = max(merged[n-1].end, win.end)
			continue
		}
		merged = append(merged, win)
	}
	return merged
}

// numberTokens are the words of the number words an age can be written
// with ("twenty-one" is "twenty" and "one"; "a" and "an" are not ages).
func numberTokens() []string {
	var out []string
	for _, w := range attributes.NumberWords() {
		for _, t := range strings.FieldsFunc(w, func(r rune) bool { return r == '-' || r == ' ' }) {
			if t != "a" && t != "an" {
				out = append(out, t)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// A group is an expression that runs only around the words of its
// prefilter, each with how far before and after it a match that holds it
// reaches. Many small expressions, each run where its words are, cost
// far less than one that holds them all.
type group struct {
	words prefilter
	expr  string
}

// around returns the prefilter of the words of spec, each with its bounds
// [before, after] in words (its bit is given by groupFilters).
func around(spec map[string][2]int) prefilter {
	f := prefilter{words: true, bounds: spec}
	for w := range spec {
		f.lower = append(f.lower, w)
	}
	slices.Sort(f.lower)
	return f
}

// firstGroupBit is the bit of the first group's prefilter; the bits below
// are the named prefilters'.
const firstGroupBit = 21

// groupFilters gives the groups' prefilters their bits and returns them.
func groupFilters() []*prefilter {
	var out []*prefilter
	for _, gs := range [][]group{rightGroups[:], securityGroups[:], dataTypeGroups[:], changeGroups[:], saleGroups[:]} {
		for i := range gs {
			gs[i].words.bit = 1 << (firstGroupBit + len(out))
			out = append(out, &gs[i].words)
		}
	}
	if firstGroupBit+len(out) >= 63 {
		panic("mentions: more prefilters than bits")
	}
	return out
}

// compile compiles the groups' expressions, ignoring case, each as whole
// words.
func compile(gs []group) []*regexp.Regexp {
	out := make([]*regexp.Regexp, len(gs))
	for i, g := range gs {
		out[i] = regexp.MustCompile(`(?i)\b(?:` + g.expr + `)\b`)
	}
	return out
}
