package mentions

import (
	"regexp"
	"slices"
	"strings"

	"github.com/policylens/policylens/shared/domain/policy"
)

// A sentenceKind is a kind of mention found by groups of expressions and
// counted once a sentence for each value, in the sentences ok accepts
// (the rights, in a sentence about a right; the kinds of data, in one
// about handling data).
type sentenceKind struct {
	kind   string
	res    func() []*regexp.Regexp
	groups []group
	ok     func(sentence string) bool
	// value is the value of a match's words in its sentence (as ok read
	// it), "" for none.
	value func(words, sentence string) string
	// follows, when set, lets a sentence that ok refuses count when the
	// sentence before it, in the same paragraph, sets the subject ("We may
	// update this policy. If we make material changes, we will notify you
	// by e-mail.").
	follows func(sentence, previous string) bool
	// under, when set, lets a sentence that ok refuses count under a
	// heading (the clause's heading path) that sets the subject.
	under func(sentence string, heading []string) bool
	// values, when set, gives the values of a match that names several
	// (a list of rights: "access, correct or delete your data"); nil
	// leaves it to value.
	values func(words string) []string
}

// sentenceKinds are the kinds counted once a sentence.
func sentenceKinds() []sentenceKind {
	return []sentenceKind{
		{kind: policy.MentionRight, res: rightRes, groups: rightGroups[:], ok: rightCueRe().MatchString, value: userRight,
			under: underRights, values: listedRights},
		{kind: policy.MentionDataType, res: dataTypeRes, groups: dataTypeGroups[:], ok: dataSentence, value: dataType},
		{kind: policy.MentionChangeNotice, res: changeRes, groups: changeGroups[:], ok: changeSentence, value: changeNotice, follows: followsChange},
		{kind: policy.MentionSale, res: saleRes, groups: saleGroups[:], ok: saleSentence, value: saleStance},
	}
}

// maxSentenceRead bounds the bytes around a match that are read for
// whether its sentence counts.
const maxSentenceRead = 600

// find adds the mentions of k in text, a clause under heading: all runs
// an expression where its prefilter lets it (find's), add adds a mention.
func (k sentenceKind) find(text string, heading []string, all func(*regexp.Regexp, *prefilter, bool) [][]int, add func(kind, value string, start, end int)) {
	// Whether a sentence counts is read once a sentence: a long one may
	// hold many matches.
	counts := map[int]bool{}
	type found struct {
		sentence int
		value    string
	}
	var seen []found
	for i, re := range k.res() {
		for _, m := range all(re, &k.groups[i].words, false) {
			lo, hi := sentenceOf(text, m[0], m[1])
			if hi < len(text) && strings.IndexByte(".!?", text[hi]) >= 0 {
				hi++ // with its end: a question is not a statement
			}
			sentence := text[lo:hi]
			var ok bool
			if hi-lo > maxSentenceRead {
				// A sentence of no end (a list run together): the words
				// around the match, or the list's lead-in ("you have the
				// right to: • ...") at the sentence's start.
				sentence = text[max(lo, m[0]-maxSentenceRead/2):min(hi, m[1]+maxSentenceRead/2)]
				head, read := counts[lo]
				if !read {
					head = k.ok(text[lo:wordEnd(text, lo+maxSentenceRead/2)])
					counts[lo] = head
				}
				ok = head || k.ok(sentence) || (k.under != nil && k.under(sentence, heading))
			} else if v, read := counts[lo]; read {
				ok = v
			} else {
				ok = k.ok(sentence)
				if !ok && k.follows != nil {
					if plo, phi := previousSentence(text, lo); plo < phi {
						ok = k.follows(sentence, text[plo:phi])
					}
				}
				if !ok && k.under != nil {
					ok = k.under(sentence, heading)
				}
				counts[lo] = ok
			}
			if !ok {
				continue
			}
			words := text[m[0]:m[1]]
			var vs []string
			if k.values != nil {
				vs = k.values(words)
			}
			if vs == nil {
				vs = []string{k.value(words, sentence)}
			}
			for _, v := range vs {
				if v == "" || slices.Contains(seen, found{lo, v}) {
					continue
				}
				seen = append(seen, found{lo, v})
				add(k.kind, v, m[0], m[1])
			}
		}
	}
}

// previousSentence returns the bounds of the sentence before the one that
// starts at lo (as sentenceOf gives it) in the same paragraph, or lo, lo
// when there is none.
func previousSentence(text string, lo int) (int, int) {
	if lo < 2 || text[lo-1] == '\n' {
		return lo, lo
	}
	return sentenceOf(text, lo-2, lo-2)
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
