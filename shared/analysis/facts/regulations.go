package facts

import (
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
)

// regulation is a law or framework and the ways policies name it: exact
// acronyms (matched case-sensitively) and phrases (matched ignoring ASCII
// case), each as a whole word.
type regulation struct {
	name     string
	acronyms []string
	phrases  []string
}

// The regulation names reported, in the order they are reported: the
// EU's and the UK's, the US federal and state laws, then the rest of the
// world's by region, and the transfer frameworks.
const (
	GDPR       = "GDPR"
	UKGDPR     = "UK GDPR"
	DPA2018    = "Data Protection Act 2018"
	PECR       = "PECR"
	EPrivacy   = "ePrivacy Directive"
	DSA        = "Digital Services Act"
	FADP       = "Swiss FADP"
	CCPA       = "CCPA"
	CPRA       = "CPRA"
	VCDPA      = "VCDPA"
	ColoradoPA = "Colorado Privacy Act"
	CTDPA      = "CTDPA"
	UCPA       = "UCPA"
	TDPSA      = "TDPSA"
	OCPA       = "OCPA"
	DelawarePA = "Delaware Personal Data Privacy Act"
	IowaCDPA   = "Iowa Consumer Data Protection Act"
	MontanaPA  = "Montana Consumer Data Privacy Act"
	NebraskaPA = "Nebraska Data Privacy Act"
	NHPA       = "New Hampshire Privacy Act"
	NJDPA      = "New Jersey Data Privacy Act"
	TIPA       = "Tennessee Information Protection Act"
	MinnesotaA = "Minnesota Consumer Data Privacy Act"
	MODPA      = "Maryland Online Data Privacy Act"
	IndianaA   = "Indiana Consumer Data Protection Act"
	KentuckyA  = "Kentucky Consumer Data Protection Act"
	RhodeIsA   = "Rhode Island Data Transparency and Privacy Protection Act"
	FDBR       = "Florida Digital Bill of Rights"
	MHMDA      = "Washington My Health My Data Act"
	BIPA       = "BIPA"
	COPPA      = "COPPA"
	CalOPPA    = "CalOPPA"
	ShineLight = "California Shine the Light"
	Nevada603A = "Nevada NRS 603A"
	FERPA      = "FERPA"
	GLBA       = "GLBA"
	FCRA       = "FCRA"
	HIPAA      = "HIPAA"
	VPPA       = "VPPA"
	CANSPAM    = "CAN-SPAM"
	PIPEDA     = "PIPEDA"
	Law25      = "Quebec Law 25"
	LGPD       = "LGPD"
	APPI       = "APPI"
	PIPL       = "PIPL"
	PDPA       = "PDPA"
	DPDPA      = "DPDP Act"
	AUPrivacy  = "Australian Privacy Act"
	POPIA      = "POPIA"
	NDPA       = "NDPA"
	NDPR       = "NDPR"
	Shield     = "Privacy Shield"
	DPF        = "Data Privacy Framework"
)

// regulationList lists the regulations other than the GDPR family, which
// findRegulations handles itself, in the order of the names above.
// Acronyms that other fields use too ("CPA", "DSA", "DPA") are not
// among the forms; neither are names several laws share without their
// country ("Personal Data Protection Act"): "PDPA" is reported as
// written, for any of the laws so named, and the Data Protection Act 2018
// for the UK's and Ireland's alike.
var regulationList = []regulation{
	{DPA2018, []string{"DPA 2018"}, []string{"data protection act 2018"}},
	{PECR, []string{"PECR"}, []string{"privacy and electronic communications regulations", "privacy and electronic communications (ec directive) regulations"}},
	{EPrivacy, nil, []string{"eprivacy directive", "e-privacy directive", "directive 2002/58/ec"}},
	{DSA, nil, []string{"digital services act"}},
	{FADP, []string{"FADP", "nFADP", "revFADP", "nDSG", "revDSG"}, []string{"federal act on data protection", "swiss data protection act"}},
	{CCPA, []string{"CCPA"}, []string{"california consumer privacy act"}},
	{CPRA, []string{"CPRA"}, []string{"california privacy rights act"}},
	{VCDPA, []string{"VCDPA"}, []string{"virginia consumer data protection act"}},
	{ColoradoPA, nil, []string{"colorado privacy act"}},
	{CTDPA, []string{"CTDPA"}, []string{"connecticut data privacy act", "connecticut act concerning personal data privacy and online monitoring"}},
	{UCPA, []string{"UCPA"}, []string{"utah consumer privacy act"}},
	{TDPSA, []string{"TDPSA"}, []string{"texas data privacy and security act"}},
	{OCPA, []string{"OCPA"}, []string{"oregon consumer privacy act"}},
	// The state laws after Oregon's, by their names only: their acronyms
	// are shared (Delaware's DPDPA is India's, MCDPA both Montana's and
	// Minnesota's) or rare.
	{DelawarePA, nil, []string{"delaware personal data privacy act"}},
	{IowaCDPA, nil, []string{"iowa consumer data protection act", "iowa act relating to consumer data protection"}},
	{MontanaPA, nil, []string{"montana consumer data privacy act"}},
	{NebraskaPA, nil, []string{"nebraska data privacy act"}},
	{NHPA, nil, []string{"new hampshire privacy act", "new hampshire data privacy act", "new hampshire consumer data privacy act"}},
	{NJDPA, []string{"NJDPA"}, []string{"new jersey data privacy act"}},
	{TIPA, nil, []string{"tennessee information protection act"}},
	{MinnesotaA, nil, []string{"minnesota consumer data privacy act"}},
	{MODPA, []string{"MODPA"}, []string{"maryland online data privacy act"}},
	{IndianaA, nil, []string{"indiana consumer data protection act"}},
	{KentuckyA, nil, []string{"kentucky consumer data protection act"}},
	{RhodeIsA, nil, []string{"rhode island data transparency and privacy protection act"}},
	{FDBR, []string{"FDBR"}, []string{"florida digital bill of rights"}},
	{MHMDA, []string{"MHMDA"}, []string{"my health my data act", "my health, my data act"}},
	{BIPA, []string{"BIPA"}, []string{"biometric information privacy act"}},
	{COPPA, []string{"COPPA"}, []string{"children's online privacy protection", "children’s online privacy protection", "childrens online privacy protection", "childrens' online privacy protection"}},
	{CalOPPA, []string{"CalOPPA", "CALOPPA", "Cal OPPA", "Cal-OPPA", "CalOppa"}, []string{"california online privacy protection act"}},
	// California Civil Code section 1798.83, which the policies name by
	// its nickname or its section.
	{ShineLight, nil, []string{"shine the light", "1798.83"}},
	{Nevada603A, []string{"NRS 603A"}, []string{"nrs chapter 603a", "nevada revised statutes chapter 603a", "chapter 603a of the nevada revised statutes", "nevada senate bill 220", "nevada sb 220"}},
	{FERPA, []string{"FERPA"}, []string{"family educational rights and privacy act"}},
	{GLBA, []string{"GLBA"}, []string{"gramm-leach-bliley", "gramm leach bliley"}},
	{FCRA, []string{"FCRA"}, []string{"fair credit reporting act"}},
	{HIPAA, []string{"HIPAA"}, []string{"health insurance portability and accountability act"}},
	{VPPA, []string{"VPPA"}, []string{"video privacy protection act"}},
	{CANSPAM, []string{"CAN-SPAM", "CAN SPAM", "CANSPAM"}, []string{"can-spam act", "controlling the assault of non-solicited pornography and marketing act"}},
	{PIPEDA, []string{"PIPEDA"}, []string{"personal information protection and electronic documents act"}},
	{Law25, nil, []string{"quebec law 25", "québec law 25", "quebec's law 25", "quebec’s law 25", "québec's law 25", "québec’s law 25", "law 25 (quebec)", "law 25 (québec)", "act respecting the protection of personal information in the private sector"}},
	{LGPD, []string{"LGPD"}, []string{"lei geral de proteção de dados", "lei geral de protecao de dados", "brazilian general data protection law", "brazil's general data protection law", "brazil’s general data protection law"}},
	{APPI, []string{"APPI"}, []string{"act on the protection of personal information"}},
	{PIPL, []string{"PIPL"}, []string{"personal information protection law"}},
	{PDPA, []string{"PDPA"}, nil},
	{DPDPA, []string{"DPDPA", "DPDP Act"}, []string{"digital personal data protection act"}},
	{AUPrivacy, nil, []string{"privacy act 1988", "australian privacy principles", "australian privacy act"}},
	{POPIA, []string{"POPIA", "POPI Act"}, []string{"protection of personal information act"}},
	{NDPA, []string{"NDPA"}, []string{"nigeria data protection act", "nigerian data protection act"}},
	{NDPR, []string{"NDPR"}, []string{"nigeria data protection regulation", "nigerian data protection regulation"}},
	{Shield, []string{"Privacy Shield", "PRIVACY SHIELD"}, []string{"privacy shield framework"}},
	{DPF, []string{"DPF"}, []string{"data privacy framework"}},
}

// Regulations returns the names Facts.Regulations may hold, in the order
// they are reported.
func Regulations() []string {
	names := []string{GDPR, UKGDPR}
	for _, r := range regulationList {
		names = append(names, r.name)
	}
	return names
}

// ukPrefixes, when they end the text before a GDPR mention, make it the UK
// GDPR.
var ukPrefixes = []string{"uk ", "uk-", "u.k. ", "u.k.-", "united kingdom ", "uk's ", "uk’s "}

// euAndUK, when they end the text before "UK GDPR", mean both the GDPR and
// the UK GDPR ("the EU and UK GDPR").
var euAndUK = []string{"eu and ", "eu & ", "eu/", "eu or ", "eu and the ", "eu, ", "eu gdpr and ", "eu gdpr and the "}

// findRegulations returns the regulations and frameworks text names, in
// the order of the names above. "UK GDPR" (or "UK General Data
// Protection Regulation") counts as the UK GDPR only; the GDPR is reported
// when it is also named on its own, or as "the EU and UK GDPR". Acronyms
// must stand as words: "HIPAA" inside a longer word does not count.
func findRegulations(text, lower string) []string {
	found := make(map[string]bool, len(regulationList)+2)
	for _, o := range regulationsIn(text, lower) {
		found[o.Name] = true
	}
	out := []string{}
	for _, name := range Regulations() {
		if found[name] {
			out = append(out, name)
		}
	}
	return out
}

// Occurrence is a place where a text names something: a regulation (Name
// as Regulations gives it; RegulationsIn) or a URL (Name as written;
// URLsIn), text[Start:End] its words (byte offsets).
type Occurrence struct {
	Name       string
	Start, End int
}

// RegulationsIn returns every place text names a regulation, in order of
// Start, as Find reads them ("the EU and UK GDPR" is one place naming
// two).
func RegulationsIn(text string) []Occurrence {
	return regulationsIn(text, asciiLower(text))
}

// regulationsIn is RegulationsIn with lower, text in lower case (ASCII
// letters only, so that offsets agree).
func regulationsIn(text, lower string) []Occurrence {
	var out []Occurrence
	add := func(name string, start, end int) {
		out = append(out, Occurrence{name, start, end})
	}
	for _, form := range []struct {
		s     string
		exact bool
	}{{"GDPR", true}, {"general data protection regulation", false}, {"regulation (eu) 2016/679", false}} {
		hay := lower
		if form.exact {
			hay = text
		}
		for i := range indexAll(hay, form.s) {
			off := i + len(form.s)
			if !bounded(hay, i, off) {
				continue
			}
			before := lower[max(0, i-24):i]
			uk := false
			for _, p := range ukPrefixes {
				if strings.HasSuffix(before, p) {
					uk = true
					start := i - len(p)
					rest := before[:len(before)-len(p)]
					for _, e := range euAndUK {
						if strings.HasSuffix(rest, e) {
							add(GDPR, start-len(e), off)
							break
						}
					}
					add(UKGDPR, start, off)
					break
				}
			}
			if !uk {
				add(GDPR, i, off)
			}
		}
	}
	// The other forms, in one pass over the words of the text: a form
	// occurs as a whole word only where a word of the text is its first.
	idx := formIndex()
	eachWord(text, &idx.starts, func(i, j int) {
		for _, f := range idx.exact[text[i:j]] {
			if strings.HasPrefix(text[i:], f.s) && bounded(text, i, i+len(f.s)) {
				add(regulationList[f.reg].name, i, i+len(f.s))
			}
		}
		for _, f := range idx.folded[lower[i:j]] {
			if strings.HasPrefix(lower[i:], f.s) && bounded(lower, i, i+len(f.s)) {
				add(regulationList[f.reg].name, i, i+len(f.s))
			}
		}
	})
	// In order, one place per stretch of text naming a regulation: an
	// acronym and a phrase read at one start, or "General Data Protection
	// Regulation (EU) 2016/679" read twice, are one.
	slices.SortStableFunc(out, func(a, b Occurrence) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.End - a.End
	})
	last := map[string]int{}
	kept := out[:0]
	for _, o := range out {
		if k, ok := last[o.Name]; ok && o.Start < kept[k].End {
			kept[k].End = max(kept[k].End, o.End)
			continue
		}
		last[o.Name] = len(kept)
		kept = append(kept, o)
	}
	return kept
}

// regForm is one way of naming regulationList[reg]: an acronym, matched
// as written, or a phrase, matched in lower case.
type regForm struct {
	reg int
	s   string
}

// regForms indexes the forms of regulationList by their first words:
// acronyms by the word as written, phrases by the word in lower case.
type regForms struct {
	exact, folded map[string][]regForm
	// starts holds, by the first byte of the first words (a phrase's
	// in both cases), the set of their lengths (bit n for n bytes, up to
	// 63): most words of a text are passed over without a lookup.
	starts [256]uint64
}

var formIndex = sync.OnceValue(func() regForms {
	x := regForms{exact: map[string][]regForm{}, folded: map[string][]regForm{}}
	for i, r := range regulationList {
		for _, a := range r.acronyms {
			w := a[:wordEnd(a, 0)]
			x.exact[w] = append(x.exact[w], regForm{i, a})
			x.starts[w[0]] |= 1 << len(w)
		}
		for _, p := range r.phrases {
			w := p[:wordEnd(p, 0)]
			x.folded[w] = append(x.folded[w], regForm{i, p})
			x.starts[w[0]] |= 1 << len(w)
			if c := w[0]; 'a' <= c && c <= 'z' {
				x.starts[c-'a'+'A'] |= 1 << len(w)
			}
		}
	}
	return x
})

// eachWord calls fn with the bounds s[i:j] of each word of s (a run of
// letters and digits) whose first byte and length starts admits: bit n of
// starts[s[i]] for a word of n bytes (below 64). A table of forms indexed
// by their first words sets those bits, so that most words of a text are
// passed over without a lookup.
func eachWord(s string, starts *[256]uint64, fn func(i, j int)) {
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				i++
				continue
			}
		} else if r, size := utf8.DecodeRuneInString(s[i:]); !isWordRune(r) {
			i += size
			continue
		}
		j := wordEnd(s, i)
		if n := j - i; n < 64 && starts[s[i]]&(1<<n) != 0 {
			fn(i, j)
		}
		i = j
	}
}

// wordEnd returns where the word that starts at s[i] ends: at the first
// rune that is not a letter or digit.
func wordEnd(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !asciiWord[c] {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isWordRune(r) {
			break
		}
		i += size
	}
	return i
}

// asciiWord tells the ASCII letters and digits, as isWordRune does.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = isWordRune(rune(c))
	}
	return t
}()
