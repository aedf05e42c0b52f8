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
	MHMDA      = "Washington My Health My Data Act"
	BIPA       = "BIPA"
	COPPA      = "COPPA"
	CalOPPA    = "CalOPPA"
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
	{MHMDA, []string{"MHMDA"}, []string{"my health my data act", "my health, my data act"}},
	{BIPA, []string{"BIPA"}, []string{"biometric information privacy act"}},
	{COPPA, []string{"COPPA"}, []string{"children's online privacy protection", "children’s online privacy protection", "childrens online privacy protection", "childrens' online privacy protection"}},
	{CalOPPA, []string{"CalOPPA", "CALOPPA", "Cal OPPA", "Cal-OPPA", "CalOppa"}, []string{"california online privacy protection act"}},
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
	for _, name := range Regulations() {
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
