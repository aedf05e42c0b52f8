package facts

import "strings"

// regulation is a law or framework and the ways policies name it: exact
// acronyms (matched case-sensitively) and phrases (matched ignoring ASCII
// case), each as a whole word.
type regulation struct {
	name     string
	acronyms []string
	phrases  []string
}

// The regulation names reported, in the order they are reported.
const (
	GDPR        = "GDPR"
	UKGDPR      = "UK GDPR"
	CCPA        = "CCPA"
	CPRA        = "CPRA"
	COPPA       = "COPPA"
	CalOPPA     = "CalOPPA"
	PIPEDA      = "PIPEDA"
	LGPD        = "LGPD"
	HIPAA       = "HIPAA"
	CANSPAM     = "CAN-SPAM"
	Shield      = "Privacy Shield"
	DPF         = "Data Privacy Framework"
	regulations = 12
)

// regulationList lists the regulations other than the GDPR family, which
// findRegulations handles itself.
var regulationList = []regulation{
	{CCPA, []string{"CCPA"}, []string{"california consumer privacy act"}},
	{CPRA, []string{"CPRA"}, []string{"california privacy rights act"}},
	{COPPA, []string{"COPPA"}, []string{"children's online privacy protection", "children’s online privacy protection", "childrens online privacy protection", "childrens' online privacy protection"}},
	{CalOPPA, []string{"CalOPPA", "CALOPPA", "Cal OPPA", "Cal-OPPA", "CalOppa"}, []string{"california online privacy protection act"}},
	{PIPEDA, []string{"PIPEDA"}, []string{"personal information protection and electronic documents act"}},
	{LGPD, []string{"LGPD"}, []string{"lei geral de proteção de dados", "lei geral de protecao de dados", "brazilian general data protection law", "brazil's general data protection law", "brazil’s general data protection law"}},
	{HIPAA, []string{"HIPAA"}, []string{"health insurance portability and accountability act"}},
	{CANSPAM, []string{"CAN-SPAM", "CAN SPAM", "CANSPAM"}, []string{"can-spam act", "controlling the assault of non-solicited pornography and marketing act"}},
	{Shield, []string{"Privacy Shield", "PRIVACY SHIELD"}, []string{"privacy shield framework"}},
	{DPF, []string{"DPF"}, []string{"data privacy framework"}},
}

// ukPrefixes, when they end the text before a GDPR mention, make it the UK
// GDPR.
var ukPrefixes = []string{"uk ", "uk-", "u.k. ", "u.k.-", "united kingdom ", "uk's ", "uk’s "}

// euAndUK, when they end the text before "UK GDPR", mean both the GDPR and
// the UK GDPR ("the EU and UK GDPR").
var euAndUK = []string{"eu and ", "eu & ", "eu/", "eu or ", "eu and the ", "eu, ", "eu gdpr and ", "eu gdpr and the "}

// findRegulations returns the regulations and frameworks text names, in
// the order of the constants above. "UK GDPR" (or "UK General Data
// Protection Regulation") counts as the UK GDPR only; the GDPR is reported
// when it is also named on its own, or as "the EU and UK GDPR". Acronyms
// must stand as words: "HIPAA" inside a longer word does not count.
func findRegulations(text, lower string) []string {
	found := make(map[string]bool, regulations)
	for _, form := range []struct {
		s     string
		exact bool
	}{{"GDPR", true}, {"general data protection regulation", false}, {"regulation (eu) 2016/679", false}} {
		hay := lower
		if form.exact {
			hay = text
		}
		for off := 0; off < len(hay); {
			i := strings.Index(hay[off:], form.s)
			if i < 0 {
				break
			}
			i += off
			off = i + len(form.s)
			if !bounded(hay, i, off) {
				continue
			}
			before := lower[max(0, i-24):i]
			uk := false
			for _, p := range ukPrefixes {
				if strings.HasSuffix(before, p) {
					uk = true
					found[UKGDPR] = true
					rest := before[:len(before)-len(p)]
					for _, e := range euAndUK {
						if strings.HasSuffix(rest, e) {
							found[GDPR] = true
						}
					}
					break
				}
			}
			if !uk {
				found[GDPR] = true
			}
		}
	}
	for _, r := range regulationList {
		if found[r.name] {
			continue
		}
		for _, a := range r.acronyms {
			if containsWord(text, a) {
				found[r.name] = true
				break
			}
		}
		if found[r.name] {
			continue
		}
		for _, p := range r.phrases {
			if containsWord(lower, p) {
				found[r.name] = true
				break
			}
		}
	}
	out := []string{}
	for _, name := range []string{GDPR, UKGDPR, CCPA, CPRA, COPPA, CalOPPA, PIPEDA, LGPD, HIPAA, CANSPAM, Shield, DPF} {
		if found[name] {
			out = append(out, name)
		}
	}
	return out
}

// containsWord reports whether w occurs in s as a whole word.
func containsWord(s, w string) bool {
	for off := 0; off < len(s); {
		i := strings.Index(s[off:], w)
		if i < 0 {
			return false
		}
		i += off
		if bounded(s, i, i+len(w)) {
			return true
		}
		off = i + 1
	}
	return false
}
