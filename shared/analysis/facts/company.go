package facts

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// maxCompanyChars bounds the company's name.
const maxCompanyChars = 80

// definedAs finds where a policy defines the name it goes by together
// with "we", "us" or "our": (“Acme”, “we”, “us”), ("Acme," "we"),
// (“Acme”, or “we”), (“Acme”, “Company”, “we”): the first of up to four
// quoted terms before "we".
var definedAs = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`[“"]([^“”"\n]{2,80}?),?[”"]\s*,?\s*(?:(?:or|and)\s+)?` + otherTerms + `(?:[“"]\s*)(?:we|us|our|We|Us|Our|WE|US|OUR)\b`)
})

// otherTerms are up to three more quoted terms of a definition before its
// "we": “Company”, “Service”,
const otherTerms = `(?:[“"][^“”"\n]{1,40}[”"]\s*,?\s*(?:(?:or|and)\s+)?){0,3}`

// weRefersTo finds a name a policy says "we" refers to: References to
// “we,” “our” and “us” refer to Acme; “We” means Acme Labs; “we” means the
// Acme group; references to “we” or “Acme” are references to Acme Inc.
var weRefersTo = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[“"](?:we|We|WE)\b[^.\n“”"]{0,3}[”"][^.\n]{0,60}?\b(?:refers?|means?|(?:are|is)\s+references?)\s+(?:to\s+)?(?:the\s+)?(` + capitalisedWords(`\p{Lu}`, true) + `)`)
})

// namedBefore finds the name a policy gives just before defining "we":
// Acme Labs, Inc. (“we”, “us”), Acme AB (the “Company”, “we”), Acme,
// Inc. and its affiliates (“we”), Acme Incorporated (Acme, “we”).
var namedBefore = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(` + capitalisedWords(`\p{Lu}`, true) + `)` +
		`(?:,?[ \t]+and[ \t]+its[ \t]+(?:subsidiaries|affiliates|affiliated companies)(?:[ \t]+and[ \t]+(?:subsidiaries|affiliates))?)?` +
		`[ \t]*\(\s*(?:\*\*)?(?:(?:collectively|together|jointly),?\s+|hereinafter\s+|the\s+)?(?:\p{Lu}[\p{L}\p{N}]*,\s*)?` + otherTerms + `[“"]\s*(?:we|us|our|We|Us|Our|WE|US|OUR)\b`)
})

// capitalisedWords is the expression of a name of up to six words, the
// first starting with first (an expression of one character), the others
// with a capital letter; with commas, a comma may end a word ("Acme,
// Inc.").
func capitalisedWords(first string, commas bool) string {
	const rest = `[\p{L}\p{N}_&.'’-]*`
	sep := `[ \t]+`
	if commas {
		sep = `,?` + sep
	}
	return first + rest + `(?:` + sep + `\p{Lu}` + rest + `){0,5}`
}

// shortName finds a name a policy gives a short form of its own near its
// top: Acme Ventures LLC (“Acme”), Acme.io ("Acme"). The short form must
// be the name's start (SameCompany), or it names something else: Standard
// Contractual Clauses (“SCCs”).
var shortName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(` + capitalisedWords(`[\p{Lu}\p{N}]`, true) + `)` +
		`[ \t]*\(\s*(?:the\s+)?(?:\*\*)?[“"](?:\*\*)?([^“”"\n*]{2,40}?)(?:\*\*)?,?[”"](?:\*\*)?\s*\)`)
})

// documentWord is in a defined term that names a document or a role, not
// a company: Privacy Policy (“Privacy Policy”).
var documentWord = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:polic(?:y|ies)|notice|statement|terms|agreement|officer|cookies?|regulation|act|law)\b`)
})

// ownIntro reports whether a name that follows before (the text up to it)
// introduces the policy's own company: it opens a paragraph or sentence,
// or its sentence speaks of this policy or says who runs the service
// ("This Privacy Policy is agreed with Acme Ltd", "the game published by Acme
// LLC"). A name in any other sentence is more often a third party's:
// "card numbers go straight to Orchard Pay, Inc. (“Orchard Pay”)".
func ownIntro(before string) bool {
	start := max(strings.LastIndex(before, ". "), strings.LastIndex(before, "\n"), strings.LastIndex(before, "! "), strings.LastIndex(before, "? "))
	sentence := strings.Trim(before[start+1:], " \t*_#>-")
	return sentence == "" || ownIntroWords().MatchString(sentence)
}

// ownIntroWords are the words of ownIntro.
var ownIntroWords = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\bthis (?:privacy )?(?:policy|notice|statement)\b|\b(?:operated|provided|produced|owned|offered|published|controlled|run|maintained|managed) by\s*$`)
})

// controllerName finds the name a policy says is the controller of the
// personal data: Acme is the controller; Acme Labs Ltd acts as the data
// controller.
var controllerName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(` + capitalisedWords(`[\p{Lu}\p{N}]`, false) + `(?:` + corporateTailExpr() + `)?)` +
		`[ \t]+(?:is|acts as|performs as|will act as|shall be)[ \t]+the[ \t]+(?:data[ \t]+)?controller\b`)
})

// weAre finds a company a sentence opening with "We" names: We, Acme
// GmbH, Main Street 1, Berlin, ... (a legal form is required of it).
var weAre = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[.!?\n][ \t*_]*)We,[ \t]+(` + capitalisedWords(`\p{Lu}`, false) + `),`)
})

// welcomeTo finds the name a policy welcomes its reader to its policy
// with: "Welcome to Acme’s Privacy Policy", "Welcome to the Acme Privacy
// Notice".
var welcomeTo = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[.!?\n][ \t*_]*)Welcome to (?:the[ \t]+)?(` + capitalisedWords(`[\p{Lu}\p{N}]`, false) + `)[ \t]+(?:Privacy|Data Protection)[ \t]+(?:Policy|Notice|Statement)\b`)
})

// questionWords open a question or a sentence, not a name: "Who is the
// controller?"
var questionWords = map[string]bool{"who": true, "which": true, "what": true, "that": true, "this": true, "it": true, "they": true}

// collectively finds a name a definition of "we" opens with: (collectively
// Acme Inc., the “Company,” “we,” “us”).
var collectively = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\(\s*(?:collectively|together|jointly),?\s+(` + capitalisedWords(`\p{Lu}`, true) + `),?\s+(?:the\s+)?` +
		otherTerms + `[“"]\s*(?:we|us|our|We|Us|Our|WE|US|OUR)\b`)
})

// placeBefore ends the text before a place's name.
var placeBefore = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:in|at|of|from|located|registered|incorporated|based|headquartered|address)\s*$`)
})

// genericNames are defined terms that name no one in particular.
var genericNames = map[string]bool{
	"company": true, "the company": true, "service": true, "services": true, "site": true, "website": true,
	"platform": true, "controller": true, "provider": true, "group": true, "organisation": true,
	"organization": true, "business": true, "app": true, "application": true, "you": true, "your": true,
	"we": true, "us": true, "our": true, "foundation": true, "party": true, "parties": true, "operator": true,
}

// genericWords are the words of a title's lead that names a kind of
// policy or reader, not a company ("Advertising Platform Privacy Policy",
// "Website Privacy Notice", "Global Privacy Policy").
var genericWords = map[string]bool{"advertising": true, "platform": true, "service": true, "services": true,
	"website": true, "web": true, "site": true, "online": true, "global": true, "general": true, "user": true,
	"users": true, "customer": true, "customers": true, "mobile": true, "app": true, "apps": true, "candidate": true,
	"applicant": true, "employee": true, "cookie": true, "cookies": true, "data": true, "consumer": true,
	"member": true, "members": true, "and": true, "visitor": true, "visitors": true, "product": true,
	"products": true, "supplemental": true, "california": true, "children's": true, "kids": true, "our": true,
	"the": true, "this": true, "combined": true, "updated": true, "new": true, "full": true}

// generic reports whether every word of s is in genericWords.
func generic(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if !genericWords[w] {
			return false
		}
	}
	return true
}

// legalForms are the corporate suffixes of company names, as written
// (a final "." optional): the one list that corporateTail strips from a
// name found and companyKey leaves out when it compares names.
var legalForms = []string{"Inc", "Incorporated", "LLC", "L.L.C", "Ltd", "Limited", "Corp", "Corporation", "GmbH", "AG", "KG",
	"AB", "AS", "ASA", "Oy", "NV", "N.V", "SA", "S.A", "SAS", "SARL", "S.à.r.l", "SRL", "S.r.l", "SpA", "S.p.A",
	"B.V", "BV", "Pte", "Pty", "plc", "PLC", "LLP", "LP", "PLLC"}

// corporateTail is a run of corporate suffixes ending a name: ", Inc.",
// " GmbH", " Pte. Ltd.".
var corporateTail = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(corporateTailExpr() + `$`)
})

// corporateTailExpr is the expression of corporateTail, without its end.
func corporateTailExpr() string {
	alt := make([]string, len(legalForms))
	for i, f := range legalForms {
		alt[i] = regexp.QuoteMeta(f)
	}
	return `(?:,?\s+(?:` + strings.Join(alt, "|") + `)\.?)+`
}

// titleSuffixes end a title that names its company before them.
var titleSuffixes = []string{"notice of privacy practices", "privacy policy", "privacy notice", "privacy statement", "privacy center", "privacy centre",
	"online privacy statement", "online privacy policy", "global privacy policy", "global privacy notice",
	"data protection notice", "data protection policy", "data privacy notice", "data privacy policy",
	"privacy and cookies policy", "privacy and cookie policy", "privacy & cookies policy", "privacy & cookie policy"}

// findCompany returns the name the policy's own company goes by: the name
// it defines together with "we" or "us" near its top (the first of the
// text's first 8,000 bytes that is a name), else the capitalised name just
// before a parenthesis that defines "we" there ("Acme Labs, Inc. (“we”)",
// corporate suffixes left out), else the name it says "we" refers to
// ("“we” and “us” refer to Acme"), else the capitalised words a title
// puts before "Privacy Policy" ("Acme Privacy Policy"), else the name a
// definition of "we" opens with ("(collectively Acme Inc., “we”)"), else
// the short form it gives its own name in its first 4,000 bytes ("Acme
// Ventures LLC (“Acme”)"), else the company a sentence opening with "We,"
// names ("We, Acme GmbH, Main Street 1, ..."), else the name it welcomes
// the reader to its policy with ("Welcome to Acme’s Privacy Policy"), else
// the name it says is the controller there ("Acme is the data
// controller"), else the name a definition of "we" ends with ((“we”,
// “us” or “Acme”)), else the name it says it goes by beside its legal one
// ("Acme Labs, Inc. dba Acme"), else the name a sentence opens with to say
// it respects privacy ("Acme respects your privacy"), else "" (Find then
// tries the name of its own e-mail domain, siteCompany).
// The company is who the policy speaks for, so its name is no third party
// (see package analyze).
func findCompany(text, title string) string {
	head := strings.ReplaceAll(text[:min(len(text), 8000)], "\u00a0", " ")
	// The expressions that read a definition of "we" run only just
	// before or after a quoted "we", "us" or "our".
	var quotes []int
	for _, q := range []string{"“", "\""} {
		for i := range indexAll(head, q) {
			after := i + len(q)
			if w := strings.ToLower(head[after:min(len(head), after+3)]); strings.HasPrefix(w, "we") || strings.HasPrefix(w, "us") || strings.HasPrefix(w, "our") {
				quotes = append(quotes, i)
			}
		}
	}
	slices.Sort(quotes)
	// windowBefore is the text up to and including the quoted word at i
	// (a text may end right after it).
	windowBefore := func(i int) string { return head[max(0, i-240):min(len(head), i+len("“our"))] }
	for _, re := range []*regexp.Regexp{definedAs(), namedBefore()} {
		for _, i := range quotes {
			window := windowBefore(i)
			for _, m := range re.FindAllStringSubmatchIndex(window, -1) {
				name := companyName(corporateTail().ReplaceAllString(window[m[2]:m[3]], ""))
				before, _ := utf8.DecodeLastRuneInString(strings.TrimRight(window[:m[2]], " \t"))
				if name == "" || strings.Contains(name, ",") || placeBefore().MatchString(window[:m[2]]) ||
					midWord(window, m[2]) || m[2] > 0 && unicode.IsDigit(before) {
					continue // a place: "registered in Zug, Switzerland (“we”)", "10115 Berlin (“we”)"
				}
				return name
			}
		}
	}
	for _, i := range quotes {
		window := head[i:min(len(head), i+200)]
		if m := weRefersTo().FindStringSubmatchIndex(window); m != nil {
			// The name may end the sentence: "refers to Acme."
			name := companyName(strings.TrimSuffix(corporateTail().ReplaceAllString(window[m[2]:m[3]], ""), "."))
			if name != "" && !strings.Contains(name, ",") {
				return name
			}
		}
	}
	if name := titleCompany(title); name != "" {
		return name
	}
	for _, i := range quotes {
		window := windowBefore(i)
		if m := collectively().FindStringSubmatchIndex(window); m != nil {
			if name := companyName(corporateTail().ReplaceAllString(window[m[2]:m[3]], "")); name != "" && !strings.Contains(name, ",") {
				return name
			}
		}
	}
	top := head[:min(len(head), 4000)]
	for _, m := range shortName().FindAllStringSubmatchIndex(top, -1) {
		short := companyName(top[m[4]:m[5]])
		if midWord(top, m[2]) || !plainName(short) || !SameCompany(short, top[m[2]:m[3]]) || !ownIntro(top[:m[2]]) {
			continue
		}
		return short
	}
	for _, m := range weAre().FindAllStringSubmatchIndex(top, -1) {
		full := top[m[2]:m[3]]
		if !corporateTail().MatchString(full) {
			continue // "We, the undersigned,"
		}
		if name := companyName(corporateTail().ReplaceAllString(full, "")); name != "" && capitalised(name) {
			return name
		}
	}
	if m := welcomeTo().FindStringSubmatchIndex(top); m != nil {
		// The possessive is part of the last word: "Acme’s".
		name := strings.TrimSuffix(strings.TrimSuffix(top[m[2]:m[3]], "’s"), "'s")
		if name := companyName(name); plainName(name) {
			return name
		}
	}
	for _, m := range controllerName().FindAllStringSubmatchIndex(top, -1) {
		name := companyName(corporateTail().ReplaceAllString(top[m[2]:m[3]], ""))
		if midWord(top, m[2]) || !plainName(name) || questionWords[strings.ToLower(strings.Fields(name)[0])] {
			continue
		}
		return name
	}
	for _, re := range []*regexp.Regexp{weThenName(), goesBy(), respectsPrivacy()} {
		for _, m := range re.FindAllStringSubmatchIndex(top, -1) {
			for len(m) > 4 && m[2] < 0 {
				m = append(m[:2], m[4:]...) // the alternative that matched
			}
			name := companyName(corporateTail().ReplaceAllString(top[m[2]:m[3]], ""))
			if midWord(top, m[2]) || !plainName(name) || questionWords[strings.ToLower(strings.Fields(name)[0])] {
				continue
			}
			return name
		}
	}
	return ""
}

// weThenName finds a name a definition of "we" ends with: (“we”, “our”,
// “us” or “Acme”).
var weThenName = sync.OnceValue(func() *regexp.Regexp {
	const we = `[“"](?:\*\*)?(?:we|us|our|We|Us|Our|WE|US|OUR)(?:\*\*)?,?[”"]`
	return regexp.MustCompile(`\(\s*` + we + `(?:\s*,?\s*(?:(?:or|and)\s+)?` + we + `){0,3}\s*,?\s*(?:(?:or|and)\s+)?[“"](?:\*\*)?(` +
		capitalisedWords(`[\p{Lu}\p{N}]`, false) + `)(?:\*\*)?,?[”"]\s*\)`)
})

// goesBy finds the name a policy says its company goes by beside its legal
// one: Acme Labs, Inc. dba Acme; Acme (officially, Acme Labs, Inc.); you
// know us as Acme.
var goesBy = sync.OnceValue(func() *regexp.Regexp {
	name := capitalisedWords(`[\p{Lu}\p{N}]`, false)
	return regexp.MustCompile(`\b(?:d/b/a|dba|doing business as|[Yy]ou know us as)[ \t]+(` + name + `)|(` + name + `)[ \t]*\(\s*officially\b`)
})

// respectsPrivacy finds a company a sentence opens with to say it respects
// the reader's privacy: Acme respects your privacy; Acme Inc. knows you
// care about how your personal information is used; Acme values your
// business and is committed to protecting your privacy.
var respectsPrivacy = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?:^|[.!?\n][ \t*_#]*)(` + capitalisedWords(`[\p{Lu}\p{N}]`, false) + `(?:` + corporateTailExpr() + `)?)` +
		`[ \t]+(?:respects|values|is committed to|takes|cares about|knows you care)\b[^.\n]{0,80}?\b(?:privacy|personal (?:data|information))\b`)
})

// midWord reports whether s[i:] starts inside a word: a letter or digit
// comes before it.
func midWord(s string, i int) bool {
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return i > 0 && isWordRune(r)
}

// plainName reports whether a name found (companyName) can be a
// company's: not empty, capitalised, and not generic words, a law or a
// document ("Privacy Policy").
func plainName(name string) bool {
	return name != "" && capitalised(name) && !generic(name) && !isRegulation(name) && !documentWord().MatchString(name)
}

// titleCompany returns the capitalised words a title puts before "Privacy
// Policy" or the like, else the name a title opening with one says it is
// for (titleFor), or "".
func titleCompany(title string) string {
	lt := strings.ToLower(title)
	at := -1
	for _, suf := range titleSuffixes {
		if i := strings.Index(lt, suf); i > 0 && (at < 0 || i < at) {
			at = i
		}
	}
	if at < 0 {
		return titleFor(title)
	}
	before := strings.TrimRight(title[:at], " -–—:|")
	before = strings.TrimSuffix(strings.TrimSuffix(before, "’s"), "'s")
	before = strings.TrimPrefix(before, "The ")
	// "Acme, Inc. Privacy Policy" is Acme's.
	before = corporateTail().ReplaceAllString(before, "")
	// "Proton VPN Service Privacy Policy" is Proton VPN's.
	for {
		i := strings.LastIndexByte(before, ' ')
		if i < 0 || !genericWords[strings.ToLower(before[i+1:])] {
			break
		}
		before = strings.TrimRight(before[:i], " ")
	}
	name := companyName(before)
	if name == "" || !capitalised(name) || generic(name) || strings.ContainsAny(name, ",;") || isRegulation(name) {
		return ""
	}
	return name
}

// titleFor returns the name a title that opens with "Privacy Policy" or
// the like says it is for or of: "Privacy Notice of Acme Corporation",
// "Privacy Policy for Acme"; "" for others ("Privacy statement for
// customer accounts").
func titleFor(title string) string {
	lt := strings.ToLower(title)
	for _, suf := range titleSuffixes {
		rest, ok := strings.CutPrefix(lt, suf)
		if !ok {
			continue
		}
		for _, by := range []string{" for ", " of "} {
			if strings.HasPrefix(rest, by) {
				if name := companyName(corporateTail().ReplaceAllString(title[len(title)-len(rest)+len(by):], "")); plainName(name) {
					return name
				}
			}
		}
	}
	return ""
}

// companyName cleans a candidate name: white space as one space, no
// surrounding punctuation; "" when it is no name: generic ("the Company"),
// not starting with a capital letter or digit, longer than six words or
// maxCompanyChars, or a sentence (it holds a full stop and a space).
func companyName(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.Trim(s, " ,;:()[]")
	if s == "" || utf8.RuneCountInString(s) > maxCompanyChars || len(strings.Fields(s)) > 6 || strings.Contains(s, ". ") {
		return ""
	}
	if genericNames[strings.ToLower(s)] || genericNames[strings.ToLower(strings.TrimPrefix(s, "the "))] {
		return ""
	}
	if r, _ := utf8.DecodeRuneInString(s); !unicode.IsUpper(r) && !unicode.IsDigit(r) {
		return ""
	}
	return s
}

// capitalised reports whether every word of s starts with a capital
// letter or digit, or is "&", "and", "of" or "de".
func capitalised(s string) bool {
	for _, w := range strings.Fields(s) {
		switch w {
		case "&", "and", "of", "de":
			continue
		}
		if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// SameCompany reports whether a service's name names the company: the same
// name in any letter case, or one the start of the other at a word
// ("Amazon" and "Amazon Web Services"; "Zoom" and "Zoom Video
// Communications, Inc."), corporate suffixes and ".com" (siteSuffixes)
// aside.
func SameCompany(name, company string) bool {
	a, b := companyKey(name), companyKey(company)
	if a == "" || b == "" {
		return false
	}
	return a == b || strings.HasPrefix(b, a+" ") || strings.HasPrefix(a, b+" ")
}

// companyKey is a name in lower case without punctuation, corporate
// suffixes and a final ".com" or other site suffix (siteSuffixes).
func companyKey(s string) string {
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' {
			return r
		}
		return ' '
	}, s)
	words := strings.Fields(s)
	for len(words) > 1 && corporateSuffixes()[strings.Trim(words[len(words)-1], ".")] {
		words = words[:len(words)-1]
	}
	k := strings.Trim(strings.Join(words, " "), ".")
	for _, tld := range siteSuffixes {
		if strings.HasSuffix(k, tld) && len(k) > len(tld) {
			return k[:len(k)-len(tld)]
		}
	}
	return k
}

// siteSuffixes end a site's name that a company goes by: Academia.edu is
// Academia.
var siteSuffixes = []string{".com", ".edu", ".org", ".net", ".io", ".co", ".ai", ".app"}

// corporateSuffixes are the last words companyKey leaves out: the legal
// forms in lower case, and words that a group's names add to its brand
// but that a name found keeps ("PayPal Holdings" is PayPal to compare,
// and "Acme & Co" stays whole).
var corporateSuffixes = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{"group": true, "holdings": true, "company": true, "co": true}
	for _, f := range legalForms {
		m[strings.ToLower(f)] = true
	}
	return m
})

// isRegulation reports whether name is a law's name or acronym ("GDPR
// Privacy Policy" is no company's).
func isRegulation(name string) bool {
	if name == GDPR || name == UKGDPR {
		return true
	}
	for _, r := range regulationList {
		if r.name == name || slices.Contains(r.acronyms, name) {
			return true
		}
	}
	return false
}
