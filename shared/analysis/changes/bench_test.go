package changes

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Synthetic policies for the benchmarks and the scale tests: sections of
// clauses of sentences drawn from a small vocabulary, so that many
// sentences share words and bigrams as real policies do.

var vocabulary = strings.Fields(`we you your our data information personal collect use share
	with partners service services account email address location device app website cookies
	may will can to and or the a of for in on by when if not do keep delete request access
	contact us privacy policy law legal basis consent purpose provide improve security protect
	retain period years months days third parties advertising analytics payment card store
	servers region transfer rights object correct download children age verify identity notify
	changes update support team request respond within time limit store process processor`)

func sentenceOf(r *rand.Rand) string {
	n := 8 + r.IntN(20)
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[r.IntN(len(vocabulary))]
	}
	w[0] = strings.ToUpper(w[0][:1]) + w[0][1:]
	return strings.Join(w, " ") + "."
}

// synthetic returns a policy of n clauses of 1-4 sentences, in sections of
// about eight clauses.
func synthetic(seed uint64, n int) *policy.Analysis {
	r := rand.New(rand.NewPCG(seed, 1))
	a := &policy.Analysis{}
	section := ""
	for c := 0; c < n; c++ {
		if c%8 == 0 {
			section = fmt.Sprintf("%d. Section %s", c/8+1, vocabulary[r.IntN(len(vocabulary))])
		}
		k := 1 + r.IntN(4)
		s := make([]string, k)
		for i := range s {
			s[i] = sentenceOf(r)
		}
		a.Clauses = append(a.Clauses, policy.Clause{Ordinal: c + 1, Heading: []string{section}, Text: strings.Join(s, " ")})
	}
	return a
}

// edited returns a new version of a: about a tenth of the clauses get a
// word changed, a twentieth are deleted, a twentieth are new, and two runs
// of 16 clauses swap places. origin[k] is the ordinal in a of the new
// version's clause k, 0 for a new clause; swapped[k] says it is in a run
// that swapped.
func edited(a *policy.Analysis, seed uint64) (next *policy.Analysis, origin []int, swapped []bool) {
	r := rand.New(rand.NewPCG(seed, 2))
	var out []policy.Clause
	for _, c := range a.Clauses {
		switch x := r.IntN(20); {
		case x == 0: // deleted
			continue
		case x == 1: // a new clause before this one
			out = append(out, policy.Clause{Heading: c.Heading, Text: sentenceOf(r) + " " + sentenceOf(r)})
			origin = append(origin, 0)
		case x <= 3: // a word changed
			w := strings.Fields(c.Text)
			w[r.IntN(len(w))] = "revised"
			c.Text = strings.Join(w, " ")
		}
		out = append(out, c)
		origin = append(origin, c.Ordinal)
	}
	swapped = make([]bool, len(out))
	if len(out) >= 64 {
		i, j := len(out)/4, len(out)/2
		tmp := append([]policy.Clause(nil), out[i:i+16]...)
		copy(out[i:i+16], out[j:j+16])
		copy(out[j:j+16], tmp)
		tmpo := append([]int(nil), origin[i:i+16]...)
		copy(origin[i:i+16], origin[j:j+16])
		copy(origin[j:j+16], tmpo)
		for k := 0; k < 16; k++ {
			swapped[i+k], swapped[j+k] = true, true
		}
	}
	for k := range out {
		out[k].Ordinal = k + 1
	}
	return &policy.Analysis{Clauses: out}, origin, swapped
}

// BenchmarkCompare compares a synthetic policy with an edited version of
// itself. Its reference, in the same run, is BenchmarkKeys: the
// normalisation of the same texts, which any comparison must do; the
// ratio of the two is the cost of aligning. Compare across sizes for the
// growth (time per clause should stay about flat).
func BenchmarkCompare(b *testing.B) {
	for _, n := range []int{300, 3000, 10000} {
		prev := synthetic(1, n)
		next, _, _ := edited(prev, 2)
		b.Run(fmt.Sprintf("clauses=%d", n), func(b *testing.B) {
			for b.Loop() {
				Compare(prev, next)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/clause")
		})
	}
}

// BenchmarkKeys computes the keys of the sentences of both versions, the
// reference of BenchmarkCompare.
func BenchmarkKeys(b *testing.B) {
	for _, n := range []int{300, 3000, 10000} {
		prev := synthetic(1, n)
		next, _, _ := edited(prev, 2)
		b.Run(fmt.Sprintf("clauses=%d", n), func(b *testing.B) {
			for b.Loop() {
				newVersion(prev)
				newVersion(next)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/clause")
		})
	}
}

// BenchmarkCompareRewrite compares two unrelated policies: nothing
// matches, every sentence goes through the bigram index.
func BenchmarkCompareRewrite(b *testing.B) {
	prev, next := synthetic(1, 3000), synthetic(3, 3000)
	for b.Loop() {
		Compare(prev, next)
	}
}

// BenchmarkCompareRepetitive compares policies made of the same few
// sentences over and over: no sentence is unique.
func BenchmarkCompareRepetitive(b *testing.B) {
	rep := func(n, shift int) *policy.Analysis {
		a := &policy.Analysis{}
		texts := []string{"Learn more.", "See above.", "Contact us for details about this.", "Not applicable."}
		for c := 0; c < n; c++ {
			a.Clauses = append(a.Clauses, policy.Clause{Ordinal: c + 1, Text: texts[(c*7+c/5+shift)%len(texts)]})
		}
		return a
	}
	prev, next := rep(3000, 0), rep(3000, 1)
	for b.Loop() {
		Compare(prev, next)
	}
}
