// Package mentions finds, in a clause's text, values users ask for that
// the OPP-115 attribute vocabulary has no value for: stated retention
// periods, named third parties and recipient categories, age thresholds,
// opt-out mechanisms (links, e-mail addresses, settings), regions with
// rules of their own and whether opt-out preference signals (the Global
// Privacy Control) are honored, each with its span. Regular expressions
// (compiled on first use) and a list of common services; no model.
package mentions

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/facts"
	"github.com/policylens/policylens/shared/domain/attributes"
	"github.com/policylens/policylens/shared/domain/policy"
)

const numberAlt = `\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:-one|-four)?|thirty(?:-six)?|forty(?:-five)?|sixty|ninety|(?:a|one) hundred`

var (
	// A period: "30 days", "seven (7) years", "up to 24 months".
	periodRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(` + numberAlt + `|a|an)(?:\s*\(\d{1,4}\))?[\s-]+(hour|day|week|month|year)s?\b`)
	})
	indefRe     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\bindefinitely\b`) })
	retainCueRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:retain|retains|retained|retaining|retention|keep|keeps|kept|store|stores|stored|storing|delete|deleted|deletes|deletion|erase|erased|purge|purged|destroy|destroyed|preserve|preserved|maintain|maintained|hold|held|anonymi[sz]e[ds]?)\b`)
	})

	ageRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(under|below|younger\s+than|less\s+than|over|older\s+than|at\s+least)\s+(?:the\s+age\s+of\s+)?(` + numberAlt + `)(?:\s*\(\d{1,2}\))?(?:\s+years?(?:\s+of\s+age|\s+old)?)?\b|\b(` + numberAlt + `)(?:\s*\(\d{1,2}\))?\s+years?\s+(?:of\s+age|old)\s+or\s+(younger|under|older|over)\b|\b(?:minimum|legal|required)\s+age\b[^.;]{0,40}?\b(?:of|is|be)\s+(` + numberAlt + `)\b|\bage\s+of\s+(` + numberAlt + `)\s+or\s+(older|younger|under|over)\b`)
	})
	// responseBeforeRe and responseAfterRe find, around a period, that it
	// is the time a request takes.
	responseBeforeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:response\s+times?\W*(?:is|of|was)?|(?:respond|responds|reply|replies|answer)\s+(?:to\s+(?:\w+\s+){0,3})?(?:within|in)|timeframe\s+of|turnaround(?:\s+time)?\W*(?:is|of)?)\s*(?:up\s+to\s+|about\s+|approximately\s+)?$`)
	})
	responseAfterRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\W*(?:to\s+(?:process|respond|complete|fulfil|fulfill|handle|verify|answer)|of\s+(?:receiving|receipt|submitting|making))\b`)
	})
	// notifyBeforeRe and notifyAfterRe find, around a period, that it is
	// the time a notice of a breach takes ("notify you within 72 hours of
	// becoming aware").
	notifyBeforeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:notify|notifies|notified|notifying|notification|inform|informs|report|reports|alert)\b[^.;]*\b(?:within|in)\s+(?:up\s+to\s+|no\s+more\s+than\s+)?$`)
	})
	notifyAfterRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\W*(?:of|after|from)\s+(?:\w+\s+){0,3}?(?:breach|incident|discover\w*|becoming\s+aware|learning\s+of)`)
	})
	// purgedRe finds that what is done "every" so often is deleting.
	purgedRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:delete[ds]?|purge[ds]?|erase[ds]?|overwritten|cleared|wiped|removed)\b`)
	})
	// periodBeforeRe ends the text before a length of time.
	periodBeforeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:for|within|after|past|during|than)\s+(?:the\s+)?$`)
	})
	ageWordRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\b(?:years?|age|old)\b`) })
	// ageWhoRe finds, in the few words before a bare age ("under 13"),
	// whose age it is.
	ageWhoRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:child|children|minor|minors|kid|kids|teen|teens|teenagers?|users?|individuals?|persons?|people|anyone|anybody|someone|those|you\s+are|you\x27re|you’re|visitors?|students?|consumers?|aged|members?|customers?|players?|participants?|they|who)\b(?:\W+\w+){0,6}\W*$`)
	})
	// agedBeforeRe finds an age just before: "13 years old (or at least
	// 16 ...)", "whose age is under 16 (or under 18 ...)".
	agedBeforeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\byears?\s+(?:old|of\s+age)\b|\bage\s+(?:of|is)\s+\w+|\b(?:under|below|over|at\s+least)\s+\d{1,2}\b`)
	})
	ageWhoAfterRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^\W+(?:\w+\W+){0,2}(?:child|children|minors?|kids?|teens?|teenagers?|users?|individuals?|persons?|people|students?|visitors?|members?|players?)\b`)
	})
	ageCueRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:child|children|minor|minors|kid|kids|teen|teens|age|aged|years|old|coppa|parent|parents|parental)\b`)
	})

	emailRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}\b`)
	})
	// Settings and named opt-out mechanisms.
	settingRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:(?:your\s+|the\s+)?(?:account|privacy|cookie|cookies|browser|ad|ads|advertising|notification|email|e-mail|communication|marketing|device|app|mobile\s+device|location)\s+(?:settings|preferences|preference\s+center|controls?|dashboard)|unsubscribe\s+link|(?:link\s+to\s+)?unsubscribe|do\s+not\s+sell\s+(?:or\s+share\s+)?my\s+(?:personal\s+)?(?:information|info|data)|global\s+privacy\s+control|opt[\s-]out\s+(?:link|page|form|tool)|cookie\s+(?:banner|consent\s+tool)|privacy\s+choices|your\s+ad\s+choices|adchoices|network\s+advertising\s+initiative|digital\s+advertising\s+alliance|limit\s+ad\s+tracking)\b`)
	})
	optOutCueRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:opt(?:ing)?[\s-]?out|unsubscrib\w*|withdraw\w*|object|objection|do\s+not\s+sell|stop\s+receiving|disable|(?:turn|switch)\w*\s+(?:\w+\s+){0,2}?off|decline|manage|choices?|preferences?|consent|adjust|change\s+your|(?:exercise\s+)?control(?:s|ling)?\s+(?:\w+\s+){0,3}?(?:cookies?|privacy|settings|information|data|use|them|it)|(?:block|refus|reject|remov|delet|clear|disabl)\w*\s+(?:[\w-]+\s+){0,3}?cookies|(?:block|refuse|reject|remove|delete|clear|disable)\s+(?:them|these|it)|deactivate|limit)\b`)
	})

	recipientRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:(advertising|marketing|analytics|business|joint\s+marketing|trusted|third[\s-]party|technology|social\s+media|payment|cloud|hosting|data|measurement|research|affiliated|commercial|co-branding|channel|retail|reseller|strategic)\s+(partners?|providers?|processors?|vendors?|companies|networks?|platforms?|brokers?|service\s+providers?)|(service\s+providers?|payment\s+processors?|data\s+brokers?|ad(?:vertising)?\s+networks?|law\s+enforcement(?:\s+agencies)?|government(?:al)?\s+(?:authorities|agencies)|public\s+authorities|affiliates|subsidiaries|sub-?processors|auditors|professional\s+advisers|professional\s+advisors|credit\s+(?:reference|reporting)\s+agencies|insurers|sponsors|contractors))\b`)
	})

	// A place named in a postal address or in a list of countries to pick
	// a telephone code from is not a region the policy addresses: a
	// sentence with a postcode or a street word and no word about people,
	// laws, authorities or data there, or with three dialling codes. The
	// laws' names (GDPR, CCPA, ...) count wherever they are.
	addressRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b\d{5}(?:-\d{4})?\b|\b[A-Z]{1,2}\d[A-Z\d]?\s\d[A-Z]{2}\b|\b[A-Z]\d[A-Z]\s\d[A-Z]\d\b|(?i:\b(?:street|avenue|ave\.|road|boulevard|blvd|suite|floor|building|p\.\s?o\.\s?box)\b)`)
	})
	addressCueRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:residents?|live|living|consumers?|users?|individuals?|customers?|visitors?|law|laws|rights?|representative|authority|authorities|supervisory|pursuant|article|transfer(?:s|red)?|you|your)\b|\bart\.`)
	})
	regionLawRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:GDPR|CCPA|CPRA|LGPD|PIPEDA)$`) })
	diallingRe  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\(\+\d{1,4}\)`) })

	// The names of opt-out preference signals.
	signalRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\bglobal\s+privacy\s+controls?\b|\bGPC\b|\b(?:universal\s+)?opt[\s-]?out\s+preference\s+signals?\b|\buniversal\s+opt[\s-]?out\s+(?:mechanisms?|signals?|tools?)\b`)
	})
	// A sentence that says the signal is acted on: honored, treated as
	// a request, applied, or the way to opt out or exercise a right.
	signalHonorRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:honou?r(?:s|ed|ing)?|respect(?:s|ed|ing)?|recogni[sz](?:e|es|ed|ing)|process(?:es|ed|ing)?|treat(?:s|ed|ing)?|accept(?:s|ed|ing)?|appl(?:y|ies|ied|ying)|respond(?:s|ed|ing)?\s+to|compl(?:y|ies)\s+with|give\s+effect|effectuate)\b|\bopt(?:s|ted)?\s+(?:that|the|this|your|you)\b[^.;]{0,40}?\bout\b|\bopt[\s-]?out\b[^.;]{0,80}?\b(?:by|via|through|using|with)\b|\b(?:use|using|enables?|enabling|allows?|lets|set|setting|activate|activating|turn\s+on|switch\s+on|send|sending|broadcast\w*)\b[^.;]{0,60}?\bto\s+(?:opt[\s-]?out|exercise|signal|communicate)\b|\b(?:by|via|through)\s+(?:using\s+|enabling\s+|sending\s+|turning\s+on\s+)?(?:a|an|the|your)\s+(?:\w+\s+){0,2}?(?:opt[\s-]?out\s+preference\s+signal|global\s+privacy\s+control|GPC|universal\s+opt[\s-]?out)|\b(?:enable|use|turn\s+on|activate)\s+(?:a|the|your)\s+(?:global\s+privacy\s+control|GPC)(?:\s+signal)?\s+when\s+(?:visiting|you\s+visit)\s+(?:our|this)\b|\b(?:turned\s+off|disabled|opted\s+out)\s+automatically\b|\bautomatically\s+(?:opt(?:s|ed)?\s+(?:you\s+)?out|turn(?:s|ed)?\s+off|disable[sd]?)\b`)
	})
	// A sentence that says the service does not act on it: a negated
	// verb whose object is the signal, or the signal "not honored".
	signalRefuseRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:we|our\s+(?:sites?|services?|websites?|platforms?|apps?|properties))\s+(?:\w+\s+){0,2}?(?:do\s+not|does\s+not|will\s+not|cannot|can\s+not|are\s+not|is\s+not|(?:don|doesn|won|can|aren|isn)[’']t|never|no\s+longer|(?:not\s+)?unable\s+to|not\s+able\s+to)\s+(?:\w+\s+){0,2}?(?:honou?r|respect|recogni[sz]e|process|treat|accept|support|respond\s+to|comply\s+with|act\s+on|read|detect)\s+(?:(?:the|any|such|these|those|this|your|a|an|browser|browsers'?|web|global|privacy|universal|opt[\s-]?out|preference|[“”"']+)\s+){0,4}(?:GPC|global\s+privacy|signals?|preference|universal|it|them)\b|\b(?:not|n[’']t)\s+(?:currently\s+|presently\s+|yet\s+)?(?:be\s+|been\s+)?(?:honou?red|recogni[sz]ed|respected|processed)\b`)
	})
	// A sentence that binds the signal to what the law requires.
	signalLawRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:where|when|as|if)\s+(?:legally\s+)?required\b|\bto\s+the\s+extent\s+(?:legally\s+)?required\b|\brequired\s+(?:by|under)\s+(?:applicable\s+|the\s+)?(?:state\s+)?(?:privacy\s+)?laws?\b|\blegally\s+recogni[sz]ed\b|\bin\s+(?:certain|some|the)?\s*jurisdictions\s+(?:where|that)\b|\bfor\s+residents\s+of\b|\bwhere\s+(?:it\s+is|this\s+is)\s+required\b|\bin\s+accordance\s+with\s+(?:(?:the|applicable|US|U\.S\.|state|privacy)\s+){0,4}laws?\b|\b(?:where|when|if|as|to\s+the\s+extent)\s+(?:\w+\s+){0,3}?(?:laws?|regulations?)\s+(?:requires?|mandates?)\b`)
	})

	regionRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:European\s+Economic\s+Area|EEA|European\s+Union|EU|GDPR|United\s+Kingdom|UK|U\.K\.|Switzerland|Swiss|California(?:n|ns)?|CCPA|CPRA|Virginia|Colorado|Connecticut|Utah|Texas|Oregon|Montana|Nevada|Iowa|Delaware|Tennessee|Indiana|New\s+Jersey|New\s+Hampshire|Kentucky|Nebraska|Maryland|Minnesota|Rhode\s+Island|Washington\s+State|Brazil(?:ian)?|LGPD|Canada|Canadian|PIPEDA|Quebec|Qu\x{e9}bec)\b`)
	})
)

// namedThirdParties are services policies often name; longest first where
// one contains another.
var namedThirdParties = []string{
	"Google Analytics", "Google Ads", "Google AdSense", "Google Tag Manager", "Google Maps", "Google Cloud",
	"Firebase", "DoubleClick", "AdSense", "YouTube", "Google",
	"Facebook Pixel", "Facebook", "Meta Pixel", "Meta Platforms", "Instagram", "WhatsApp",
	"Amazon Web Services", "AWS", "Amazon", "Microsoft Azure", "Microsoft Clarity", "Microsoft", "Bing", "LinkedIn",
	"Stripe", "PayPal", "Braintree", "Adyen", "Square", "Klarna", "Afterpay", "Plaid",
	"Apple Pay", "Google Pay", "Apple",
	"Twitter", "TikTok", "Snapchat", "Pinterest", "Reddit",
	"Salesforce", "HubSpot", "Mailchimp", "SendGrid", "Twilio", "Zendesk", "Intercom", "Segment",
	"Mixpanel", "Amplitude", "Hotjar", "FullStory", "Heap", "Optimizely", "New Relic", "Sentry", "Datadog",
	"Crashlytics", "AppsFlyer", "Adjust", "Branch", "Kochava", "Braze", "OneSignal",
	"Cloudflare", "Akamai", "Fastly", "Shopify", "Zoom", "Slack", "Dropbox", "Oracle", "Adobe Analytics", "Adobe",
	"Criteo", "Taboola", "Outbrain", "Quantcast", "Nielsen", "comScore", "AppNexus", "Xandr", "The Trade Desk",
	"Yahoo", "Verizon Media", "OneTrust", "TrustArc", "reCAPTCHA", "Auth0", "Okta", "Experian", "Equifax", "TransUnion",
}

// commonWordNames are the names of namedThirdParties that are words too
// ("Square", "Adjust your settings", "Zoom in").
var commonWordNames = map[string]bool{"Square": true, "Segment": true, "Adjust": true, "Branch": true, "Heap": true,
	"Zoom": true, "Slack": true, "Oracle": true, "Sentry": true, "Intercom": true, "Amplitude": true, "Plaid": true}

// notTheService reports whether a name that is a word too, at
// text[start:end], is the word or part of another name: after a
// capitalised word it is part of a name ("Grand Canal Square", "Targeting
// Segment"), before a word of an address or a document it is too ("Union
// Square Drive", "Segment Notice"), and at the start of a sentence before
// "your", "the", "in", ... it is a verb ("Adjust your settings").
func notTheService(text string, start, end int) bool {
	lo, _ := sentenceOf(text, start, end)
	before := strings.TrimRight(text[lo:start], " \t")
	if len(before) < start-lo {
		at := strings.LastIndexFunc(before, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) + 1
		w := before[at:]
		// A capitalised word before it, unless it opens the sentence or
		// is a small word of a title ("Use Zoom", "Cookies Set By Segment").
		if r, _ := utf8.DecodeRuneInString(w); w != "" && unicode.IsUpper(r) && strings.TrimSpace(before[:at]) != "" && !titleWords[strings.ToLower(w)] {
			return true
		}
	}
	next, _, _ := strings.Cut(strings.TrimLeft(text[end:], " \t"), " ")
	next = strings.TrimRight(next, ",.;:")
	if placeWords[next] {
		return true
	}
	if strings.TrimSpace(text[lo:start]) == "" || strings.HasSuffix(strings.TrimSpace(text[lo:start]), "•") {
		return verbFollowers[strings.ToLower(next)]
	}
	return false
}

// placeWords after a name make it a place's or a document's; titleWords
// before it are the small words of a title ("Shared With Segment");
// verbFollowers after a name that opens a sentence make it a verb.
var (
	placeWords = map[string]bool{"Drive": true, "Street": true, "Road": true, "Avenue": true, "Place": true, "Park": true,
		"Office": true, "Notice": true, "Declaration": true, "House": true, "Building": true, "Centre": true, "Center": true,
		"Lane": true, "Way": true, "Plaza": true, "Tower": true}
	titleWords = map[string]bool{"by": true, "with": true, "and": true, "of": true, "to": true, "for": true, "from": true,
		"via": true, "using": true, "use": true, "like": true, "including": true, "through": true, "our": true, "your": true,
		"on": true, "in": true, "as": true, "or": true}
	verbFollowers = map[string]bool{"your": true, "the": true, "a": true, "an": true, "in": true, "out": true, "to": true,
		"our": true, "this": true, "these": true, "those": true, "any": true, "all": true, "my": true, "it": true, "them": true}
)

var namedRe = sync.OnceValue(func() *regexp.Regexp {
	alts := make([]string, len(namedThirdParties))
	for i, n := range namedThirdParties {
		alts[i] = regexp.QuoteMeta(n)
	}
	// Longest first so that "Google Analytics" wins over "Google".
	sort.SliceStable(alts, func(i, j int) bool { return len(alts[i]) > len(alts[j]) })
	return regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`)
})

// sentenceOf returns the bounds of the sentence of text around [start, end).
func sentenceOf(text string, start, end int) (int, int) {
	lo := start
	for lo > 0 {
		c := text[lo-1]
		if (c == '.' || c == '!' || c == '?') && lo < len(text) && (text[lo] == ' ' || text[lo] == '\n') || c == '\n' {
			break
		}
		lo--
	}
	hi := end
	for hi < len(text) {
		c := text[hi]
		if c == '\n' || (c == '.' || c == '!' || c == '?') && (hi+1 == len(text) || text[hi+1] == ' ' || text[hi+1] == '\n') {
			break
		}
		hi++
	}
	return lo, hi
}

// Find finds retention periods, named third parties and recipient
// categories, age thresholds, opt-out mechanisms and regions in a clause,
// each with its span, in order of position. Periods count only in a
// sentence about keeping or deleting data, ages only in one about
// children or age, and links, e-mail addresses and settings only in one
// about opting out or choices.
// Spans are in code points of text.
func Find(text string) []policy.Mention { return find(text, true) }

// FindLinked is Find, with the opt-out mechanisms the clause's links point
// to (links: in bytes of text): a link whose words stand in a sentence
// about opting out or choices, or name a setting ("privacy choices", "Do
// Not Sell My Personal Information"), is an opt-out mention whose value is
// its target and whose span is its words. Words that show an address are
// found by Find already.
func FindLinked(text string, links []policy.Link) []policy.Mention {
	return FindUnder(text, nil, links)
}

// FindUnder is FindLinked for a clause under the headings heading,
// outermost first: under a heading about the reader's rights ("Your
// rights", "What are my rights?"), an item of a list of them counts
// without a sentence of its own saying it is a right ("Erasure of your
// personal data.", "Withdraw consent at any time.").
func FindUnder(text string, heading []string, links []policy.Link) []policy.Mention {
	out := findIn(text, heading, true)
	if len(links) == 0 {
		return out
	}
	n := len(out)
	for _, l := range links {
		if l.Start < 0 || l.End > len(text) || l.Start >= l.End {
			continue
		}
		words := text[l.Start:l.End]
		if strings.Contains(words, "://") || strings.Contains(strings.ToLower(words), "www.") {
			continue
		}
		lo, hi := sentenceOf(text, l.Start, l.End)
		if !optOutCueRe().MatchString(text[lo:hi]) && !settingRe().MatchString(words) {
			continue
		}
		start := utf8.RuneCountInString(text[:l.Start])
		out = append(out, policy.Mention{Kind: policy.MentionOptOut, Value: l.URL,
			Span: policy.Span{Start: start, End: start + utf8.RuneCountInString(words)}})
	}
	if len(out) > n {
		sortMentions(out)
		out = capMentions(out)
	}
	return out
}

// Bounds of the mentions of a clause: the first maxSameMention places of
// one value (more say nothing more, and a clause that names "TLS" three
// hundred times would make the analysis, its JSON and the summary grow
// with them), and maxClauseMentions in all.
const (
	maxSameMention    = 8
	maxClauseMentions = 256
)

// capMentions keeps, of mentions in order of position, those within the
// bounds above.
func capMentions(out []policy.Mention) []policy.Mention {
	if len(out) <= maxSameMention {
		return out
	}
	seen := map[[2]string]int{}
	kept := out[:0]
	for _, m := range out {
		k := [2]string{m.Kind, m.Value}
		if seen[k] >= maxSameMention || len(kept) >= maxClauseMentions {
			continue
		}
		seen[k]++
		kept = append(kept, m)
	}
	return kept
}

// sortMentions puts mentions in order of position, the longer first where
// two start together.
func sortMentions(out []policy.Mention) {
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Span.Start != out[j].Span.Start {
			return out[i].Span.Start < out[j].Span.Start
		}
		return out[i].Span.End > out[j].Span.End
	})
}

// find is Find; with filter, each expression runs only on a text that has
// a word the expression cannot match without (regular expressions that
// ignore case cost far more than a look at the text's words).
func find(text string, filter bool) []policy.Mention { return findIn(text, nil, filter) }

// findIn is find for a clause under the headings heading, outermost
// first, which may set a sentence's subject (a bare "Erasure of your
// personal data" under "Your rights").
func findIn(text string, heading []string, filter bool) []policy.Mention {
	// The sentences each expression is run on: with filter, those that
	// have one of its words (no match spans two sentences: none holds a
	// full stop, question or exclamation mark followed by a space).
	var sents []sentenceWords
	var ws []word
	if filter {
		ws, sents = scan(text)
	}
	all := func(re *regexp.Regexp, f *prefilter, sub bool) [][]int {
		find := func(s string) [][]int {
			if sub {
				return re.FindAllStringSubmatchIndex(s, -1)
			}
			return re.FindAllStringIndex(s, -1)
		}
		if !filter {
			return find(text)
		}
		var spans []stretch
		if f.words {
			spans = f.windows(text, ws)
			if f.cue != nil {
				spans = slices.DeleteFunc(spans, func(w stretch) bool { return !cued(sents, w, f.cue) })
			}
		} else {
			for _, st := range sents {
				if st.set.has(f) {
					spans = append(spans, st.stretch)
				}
			}
		}
		var ms [][]int
		for _, st := range spans {
			for _, m := range find(text[st.start:st.end]) {
				for k := range m {
					if m[k] >= 0 {
						m[k] += st.start
					}
				}
				ms = append(ms, m)
			}
		}
		return ms
	}
	var out []policy.Mention
	add := func(kind, value string, start, end int) {
		out = append(out, policy.Mention{Kind: kind, Value: value, Span: policy.Span{Start: start, End: end}})
	}
	inSentence := func(re *regexp.Regexp, start, end int) bool {
		lo, hi := sentenceOf(text, start, end)
		return re.MatchString(text[lo:hi])
	}
	for _, m := range all(periodRe(), &periodWords, true) {
		n, ok := attributes.Number(text[m[2]:m[3]])
		if !ok || n == 0 || !inSentence(retainCueRe(), m[0], m[1]) || isAge(text, m[0], m[1]) || notAPeriod(text, m[0], m[1]) {
			continue
		}
		add(policy.MentionRetention, attributes.Period(n, text[m[4]:m[5]]), m[0], m[1])
	}
	for _, c := range conditionRes() {
		for _, re := range c.res {
			cond := re.SubexpIndex("cond")
			for _, m := range all(re, c.words, cond > 0) {
				if !inSentence(retainCueRe(), m[0], m[1]) {
					continue
				}
				lo, hi := m[0], m[1]
				if cond > 0 {
					lo, hi = m[2*cond], m[2*cond+1]
					// "as long as necessary" is the first expressions'.
					if before := strings.TrimRight(text[m[0]:lo], " \t\n"); len(before) >= 4 && strings.EqualFold(before[len(before)-4:], "long") {
						continue
					}
				}
				if v := attributes.RetentionCondition(text[lo:hi]); v != "" {
					add(policy.MentionRetention, v, lo, hi)
				}
			}
		}
	}
	for _, m := range all(indefRe(), &indefWords, false) {
		if inSentence(retainCueRe(), m[0], m[1]) {
			add(policy.MentionRetention, "indefinitely", m[0], m[1])
		}
	}
	for _, m := range all(namedRe(), &namedWords, false) {
		if commonWordNames[text[m[0]:m[1]]] && notTheService(text, m[0], m[1]) {
			continue
		}
		add(policy.MentionThirdParty, text[m[0]:m[1]], m[0], m[1])
	}
	for _, m := range all(recipientRe(), &recipientWords, false) {
		add(policy.MentionRecipient, attributes.RecipientCategory(text[m[0]:m[1]]), m[0], m[1])
	}
	for _, m := range all(ageRe(), &ageWords, true) {
		if !inSentence(ageCueRe(), m[0], m[1]) {
			continue
		}
		var rel string
		var n int
		var ok bool
		switch {
		case m[2] >= 0:
			rel = strings.ToLower(strings.Join(strings.Fields(text[m[2]:m[3]]), " "))
			n, ok = attributes.Number(text[m[4]:m[5]])
		case m[6] >= 0:
			rel = strings.ToLower(text[m[8]:m[9]])
			n, ok = attributes.Number(text[m[6]:m[7]])
			// "18 years of age or older" is at least 18, "12 years old or
			// younger" at most 12.
			switch rel {
			case "older", "over":
				rel = "at least"
			default:
				rel = "at most"
			}
		case m[10] >= 0:
			rel = "at least"
			n, ok = attributes.Number(text[m[10]:m[11]])
		case m[12] >= 0:
			rel = "at least"
			if r := strings.ToLower(text[m[14]:m[15]]); r == "younger" || r == "under" {
				rel = "at most"
			}
			n, ok = attributes.Number(text[m[12]:m[13]])
		}
		if !ok || n < 1 || n > 25 || m[2] >= 0 && notAnAge(text, m[0], m[1]) {
			continue
		}
		switch rel {
		case "below", "younger than", "less than", "younger":
			rel = "under"
		case "older than", "older":
			rel = "over"
		}
		add(policy.MentionAge, rel+" "+strconv.Itoa(n), m[0], m[1])
	}
	// Links by the key facts' URL rules (a bracket the URL did not open,
	// an arrow or a curly quote ends one).
	for _, u := range facts.URLsIn(text) {
		if inSentence(optOutCueRe(), u.Start, u.End) {
			add(policy.MentionOptOut, u.Name, u.Start, u.End)
		}
	}
	for _, m := range all(emailRe(), &emailWords, false) {
		if inSentence(optOutCueRe(), m[0], m[1]) {
			add(policy.MentionOptOut, text[m[0]:m[1]], m[0], m[1])
		}
	}
	for _, m := range all(settingRe(), &settingWords, false) {
		add(policy.MentionOptOut, attributes.SettingName(text[m[0]:m[1]]), m[0], m[1])
	}
	for _, m := range all(regionRe(), &regionWords, false) {
		if regionLawRe().MatchString(text[m[0]:m[1]]) || !inAddress(text, m[0], m[1]) && !inOrgName(text, m[0], m[1]) {
			add(policy.MentionRegion, region(text[m[0]:m[1]]), m[0], m[1])
		}
	}
	// One stance per sentence, on the first name of the signal in it;
	// where one sentence binds honoring the signal to the law, another
	// that only says it is honored ("GPC processing is limited to the
	// browser") says no more.
	lastSentence, signals := -1, len(out)
	for _, m := range all(signalRe(), &signalWords, false) {
		lo, hi := sentenceOf(text, m[0], m[1])
		if lo == lastSentence {
			continue
		}
		v, ok := signalStance(text[lo:hi])
		if !ok {
			// "Some browsers offer the Global Privacy Control. We
			// process these signals as a request to opt out."
			if nlo, nhi := nextSentence(text, hi); nlo < nhi && signalBackRe().MatchString(text[nlo:nhi]) {
				v, ok = signalStance(text[nlo:nhi])
			}
		}
		if ok {
			lastSentence = lo
			add(policy.MentionSignal, v, m[0], m[1])
		}
	}
	if slices.ContainsFunc(out[signals:], func(m policy.Mention) bool { return m.Value == signalByLaw }) {
		out = slices.DeleteFunc(out, func(m policy.Mention) bool { return m.Kind == policy.MentionSignal && m.Value == signalHonored })
	}
	// "encrypted" inside "end-to-end encrypted" (the first group's) is no
	// second measure; no other groups' matches hold one another.
	var endToEnd []stretch
	for i, re := range securityRes() {
		for _, m := range all(re, &securityGroups[i].words, false) {
			if slices.ContainsFunc(endToEnd, func(st stretch) bool { return st.start <= m[0] && m[1] <= st.end }) {
				continue
			}
			if i == 0 {
				endToEnd = append(endToEnd, stretch{m[0], m[1]})
			}
			for _, sm := range securityMeasures(text, m[0], m[1]) {
				add(policy.MentionSecurity, sm.value, sm.start, sm.end)
			}
		}
	}
	for _, k := range sentenceKinds() {
		k.find(text, heading, all, add)
	}
	for _, o := range facts.RegulationsIn(text) {
		add(policy.MentionRegulation, o.Name, o.Start, o.End)
	}
	sortMentions(out)
	out = capMentions(out)
	// Byte offsets to code points, in one pass over the text as the
	// spans are in order of start.
	pos, runes := 0, 0
	at := func(b int) int {
		if b < pos {
			return runes - utf8.RuneCountInString(text[b:pos])
		}
		runes += utf8.RuneCountInString(text[pos:b])
		pos = b
		return runes
	}
	for i := range out {
		s := &out[i].Span
		start := at(s.Start)
		end := start + utf8.RuneCountInString(text[s.Start:s.End])
		s.Start, s.End = start, end
	}
	return out
}

var (
	ageAfterRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)^\s*(?:old|of\s+age|or\s+(?:older|younger|over|under))\b`)
	})
	ageBeforeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:under|less\s+than|younger\s+than|older\s+than|aged|age\s+of|ages\s+of|over\s+the\s+age\s+of)\s*$`)
	})
)

// isAge reports whether the period text[start:end] is an age ("less than
// 13 years", "16 years old") rather than a duration.
func isAge(text string, start, end int) bool {
	if ageAfterRe().MatchString(text[end:min(end+20, len(text))]) {
		return true
	}
	lo, _ := sentenceOf(text, start, end)
	return ageBeforeRe().MatchString(text[max(lo, start-25):start]) && ageCueRe().MatchString(text[lo:end])
}

// notAPeriod reports whether "19 days" at text[start:end] is no period
// data is kept for: the decimals of a number ("1.19 days"), or the time a
// request takes to answer ("median response time", "a timeframe of 5
// days", "four weeks to process your request", "within 7 days of
// submitting a request"), the time a notice of a breach takes ("notify
// you within 72 hours of becoming aware"), or how often something other
// than deleting is done ("rotated every 48 hours").
func notAPeriod(text string, start, end int) bool {
	if start >= 2 && (text[start-1] == '.' || text[start-1] == ',') && text[start-2] >= '0' && text[start-2] <= '9' {
		return true
	}
	before := strings.ToLower(text[max(0, start-48):start])
	after := strings.ToLower(text[end:min(len(text), end+40)])
	if strings.HasSuffix(before, "every ") && !purgedRe().MatchString(before) {
		return true // how often, not how long ("rotated every 48 hours"; but "purged every 24 hours")
	}
	return responseBeforeRe().MatchString(before) || responseAfterRe().MatchString(after) ||
		notifyBeforeRe().MatchString(before) || notifyAfterRe().MatchString(after)
}

// notAnAge reports whether "over two years" or "at least one" at
// text[start:end] is something else than an age: a length of time ("for
// over two years", "for at least seven years") or, written without years
// or age, a number of something else ("at least one photo", "at least
// three (3) days' notice"), which has none of the words that say whose age
// it is (children, users, anyone, you, ...) in the few words before it or
// the two after, nor an age just before ("at least 13 years old (or at
// least 16 in the EEA)").
func notAnAge(text string, start, end int) bool {
	before := strings.ToLower(text[max(0, start-48):start])
	if periodBeforeRe().MatchString(before) {
		return true
	}
	if ageWordRe().MatchString(text[start:end]) || agedBeforeRe().MatchString(before) {
		return false
	}
	after := strings.ToLower(text[end:min(len(text), end+40)])
	return !ageWhoRe().MatchString(before) && !ageWhoAfterRe().MatchString(after)
}

// orgAfterRe starts a text with a company's legal form, orgBeforeRe ends
// one with the kind of body a place name can end the name of.
var (
	orgAfterRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^,?\s+(?:Inc|Ltd|LLC|L\.L\.C|Limited|Corp|Corporation|GmbH|ULC|Pty|S\.?A|B\.?V|SAS|SARL|PLC|plc)\b`)
	})
	orgBeforeRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`\b(?:University|Alliance|Association|Bureau|Council|Foundation|Institute|Bank)\s+of\s+(?:the\s+)?$`)
	})
)

// inOrgName reports whether the region at text[start:end] is part of an
// organisation's name: a company's ("Kestrel Canada, Inc."), or a body's
// ("the University of California", "the Digital Advertising Alliance of
// Canada"), not a region the policy addresses.
func inOrgName(text string, start, end int) bool {
	return orgAfterRe().MatchString(text[end:min(len(text), end+24)]) || orgBeforeRe().MatchString(text[max(0, start-40):start])
}

// inAddress reports whether the place text[start:end] is in a postal
// address or a list of dialling codes rather than a sentence about the
// region.
func inAddress(text string, start, end int) bool {
	lo, hi := sentenceOf(text, start, end)
	s := text[lo:hi]
	if len(diallingRe().FindAllStringIndex(s, 3)) == 3 {
		return true
	}
	return addressRe().MatchString(s) && !addressCueRe().MatchString(s)
}

// region names the region a mention stands for.
func region(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	switch s {
	case "European Economic Area", "EEA", "European Union", "EU", "GDPR", "United Kingdom", "UK", "U.K.", "Switzerland", "Swiss":
		return "EEA/UK"
	case "California", "Californian", "Californians", "CCPA", "CPRA":
		return "California"
	case "Brazil", "Brazilian", "LGPD":
		return "Brazil"
	case "Canada", "Canadian", "PIPEDA", "Quebec", "Qu\u00e9bec":
		return "Canada"
	case "Washington State":
		return "US state: Washington"
	}
	return "US state: " + s
}

// signalStance reads what sentence, which names an opt-out preference
// signal, says the service does with it; false when it says nothing of
// that ("learn more about GPC at ...").
func signalStance(sentence string) (string, bool) {
	switch {
	case signalRefuseRe().MatchString(sentence):
		return signalRefused, true
	case !signalHonorRe().MatchString(sentence):
		return "", false
	case signalLawRe().MatchString(sentence):
		return signalByLaw, true
	}
	return signalHonored, true
}

// signalBackRe finds the words a sentence refers back to the signal a
// sentence before named with.
var signalBackRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:these|such|this|that|those)\s+(?:opt[\s-]?out\s+)?(?:preference\s+)?signals?\b`)
})

// nextSentence returns the bounds of the sentence after the one that ends
// at hi (sentenceOf's end), or hi, hi when there is none.
func nextSentence(text string, hi int) (int, int) {
	lo := hi + 1
	for lo < len(text) && text[lo] == ' ' {
		lo++
	}
	if lo >= len(text) || text[hi] == '\n' {
		return hi, hi // a sentence of another line is another paragraph's
	}
	return sentenceOf(text, lo, lo)
}

// The values of policy.MentionSignal.
const (
	signalHonored = "GPC honored"
	signalByLaw   = "GPC honored where required by law"
	signalRefused = "GPC not honored"
)

// cued reports whether a sentence that w overlaps has a word of cue.
func cued(sents []sentenceWords, w stretch, cue *prefilter) bool {
	for _, st := range sents {
		if st.start < w.end && w.start < st.end && st.set.has(cue) {
			return true
		}
	}
	return false
}
