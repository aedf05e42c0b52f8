package mentions

import (
	"regexp"
	"strings"
	"sync"
)

// What a clause says of selling personal information, the question
// today's US privacy laws put first: that it is not sold ("We do not sell
// your personal information", "we have not sold personal information in
// the preceding 12 months"), not sold of minors ("we do not sell the
// personal information of consumers under 16"), or sold ("we may sell
// your information to data brokers", "in the past 12 months we have sold
// the following categories of personal information"). A sentence that
// only names the right to opt out of a sale, a "Do Not Sell" link, a
// table's heading or a question says none of these, nor does a denial
// with an exception ("we do not sell it for money, but we share it ..."),
// nor a sale of the business ("if we are acquired, we may sell your
// information to the buyer").
var saleGroups = [...]group{
	{around(map[string][2]int{"sell": {0, 0}, "sells": {0, 0}, "selling": {0, 0}, "sold": {0, 0}, "sale": {0, 0}}),
		`sell|sells|selling|sold|sale`},
}

// saleRes are the expressions of saleGroups.
var saleRes = sync.OnceValue(func() []*regexp.Regexp { return compile(saleGroups[:]) })

// The values of sale mentions.
const (
	saleNone   = "not sold"
	saleMinors = "minors' data not sold"
	saleSold   = "sold"
)

var (
	// saleDataRe finds the personal information a sale is of.
	saleDataRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:personal|data|information|info|details)\b`)
	})
	// saleLinkRe finds the name of the link a sentence may name without
	// saying whether anything is sold: "Do Not Sell or Share My Personal
	// Information", "“Don’t Sell/Share my Info”".
	saleLinkRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:do\s+not|don['’]t)\s+sell\b[\w\s,/-]{0,40}?\bmy\b|["“](?:do\s+not|don['’]t)\s+sell\b[^"”]*["”]`)
	})
	// saleDeniedRe finds a sale denied: "we do not sell", "we have not
	// sold", "is never sold", "we do not rent, trade or sell", "we do not
	// engage in the sale of".
	saleDeniedRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)(?:\bnot|\bnever|n['’]t)\b,?\s+(?:[\w,-]+\s+){0,4}?(?:sell|sells|selling|sold|sale)\b|\b(?:no|not\s+have)\s+actual\s+knowledge\s+that\s+we\s+(?:\w+\s+)?sell\b`)
	})
	// saleSoldRe finds a sale stated: "we sell your personal
	// information", "we may sell or rent data", "we have sold the
	// following categories of personal information".
	saleSoldRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\bwe\s+(?:may\s+|might\s+|also\s+|could\s+|can\s+|do\s+)?(?:sell|rent)\s+(?:[\w,-]+\s+){0,4}?(?:personal|data|information|info|details)\b|\bwe\s+(?:have|may\s+have)\s+(?:[\w,-]+\s+){0,2}?sold\s+(?:[\w,-]+\s+){0,5}?(?:personal|data|information|info|details|categories)\b`)
	})
	// saleExceptRe finds an exception or a qualification to a denial:
	// "except", "unless", "without your consent", "but", "however".
	saleExceptRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:except|unless|other\s+than|without|but|however|although|though|while|whereas|apart\s+from)\b`)
	})
	// saleCorporateRe finds a sale of the business, in which data passes
	// to a buyer: no sale of personal information as the laws mean it.
	saleCorporateRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:merger|mergers|acquisition|acquisitions|acquired|acquirer|bankruptcy|insolvency|reorgani[sz]ation|divestiture|successor|buyer|purchaser|assets|business\s+transfer)\b`)
	})
	// saleOthersRe finds a sale forbidden to others or asked of them, not
	// denied by the service: "recipients are not permitted to sell it",
	// "the signal tells websites not to sell".
	saleOthersRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\bnot\s+(?:be\s+)?(?:permitted|allowed|authori[sz]ed)\s+to\s+sell\b|\bnot\s+to\s+sell\b|\b(?:prohibit|prohibits|prohibited|forbid|forbids|forbidden)\b`)
	})
	// saleWishRe finds a denial that is the reader's wish or right, not
	// the service's statement: "you have a right to tell us that you do
	// not want your personal information sold".
	saleWishRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:want|wish|right|rights)\b`)
	})
	// saleMaybeRe finds a sale spoken of as a condition or as the subject
	// of a right, not stated: "to the extent that we sell", "the right to
	// know how we sell", "a list of the parties to whom we may have sold".
	saleMaybeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:right|rights|request|requests|ask|a\s+list\s+of|to\s+the\s+extent|if\s+we|where\s+we|whether\s+we|when\s+we)\b`)
	})
	// saleIncludingRe finds minors named as part of all ("any personal
	// information, including that of minors").
	saleIncludingRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:including|includes)\b`)
	})
	// saleMinorsRe finds a denial that is only of minors' data.
	saleMinorsRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:minors?|child|children|kids|teens?|(?:under|below|younger\s+than)\s+(?:the\s+age\s+of\s+)?(?:1[0-9]|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen))\b`)
	})
)

// saleSentence reports whether a sentence can state a sale: it speaks of
// personal information and is no question.
func saleSentence(s string) bool {
	return !strings.HasSuffix(strings.TrimSpace(s), "?") && saleDataRe().MatchString(s)
}

// saleStance is the value of a sentence about selling: "" when it says
// neither that personal information is sold nor that it is not.
func saleStance(_, sentence string) string {
	s := saleLinkRe().ReplaceAllString(sentence, " ")
	if saleCorporateRe().MatchString(s) {
		return ""
	}
	switch {
	case saleDeniedRe().MatchString(s):
		if saleExceptRe().MatchString(s) || saleOthersRe().MatchString(s) || saleWishRe().MatchString(s) {
			return ""
		}
		if saleMinorsRe().MatchString(s) && !saleIncludingRe().MatchString(s) {
			return saleMinors
		}
		return saleNone
	case saleSoldRe().MatchString(s) && !saleMaybeRe().MatchString(s):
		return saleSold
	}
	return ""
}
