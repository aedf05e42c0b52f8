package mentions

import (
	"regexp"
	"strings"
	"sync"
)

// The kinds of personal data a clause names that the OPP-115 values
// ("Health", "Financial", "Personal identifier", ...) leave general: the
// sensitive categories of today's laws (biometric, genetic and health
// data, precise geolocation, racial or ethnic origin, ...) and the data
// reviews ask for by name (government identifiers, payment card data,
// voice recordings, contacts). Only in a sentence about handling data,
// and not in one that says the data is not collected or processed.
var dataTypeGroups = [...]group{
	{around(map[string][2]int{"biometric": {0, 2}, "biometrics": {0, 0}, "faceprint": {0, 0}, "faceprints": {0, 0},
		"fingerprint": {1, 0}, "fingerprints": {1, 0}, "voiceprint": {0, 0}, "voiceprints": {0, 0}, "facial": {0, 3}, "face": {0, 1}, "voice": {0, 1}}),
		`biometrics?(?:\s+(?:data|information|identifiers?|templates?))?|face\s*prints?|(?:(?:build|device|browser|canvas|digital|audio)\s+)?fingerprints?|voice\s*prints?|facial\s+(?:recognition|geometry|scans?|features|templates?)(?:\s+(?:data|templates?))?`},
	{around(map[string][2]int{"precise": {1, 3}, "gps": {0, 1}}),
		`(?:non[\s-]?)?precise\s+(?:geo[\s-]?)?location(?:\s+(?:data|information))?|gps\s+(?:location|data|coordinates|signals)`},
	{around(map[string][2]int{"health": {0, 2}, "medical": {0, 2}, "genetic": {0, 1}}),
		`(?:health|medical)(?:[\s-]related)?\s+(?:data|information|records?|conditions?|history)|genetic\s+(?:data|information)`},
	{around(map[string][2]int{"social": {0, 2}, "ssn": {0, 0}, "ssns": {0, 0}, "passport": {0, 1}, "passports": {0, 1}, "driver": {0, 3}, "drivers": {0, 2},
		"national": {0, 3}, "tax": {0, 3}, "government": {0, 3}}),
		`social\s+security\s+numbers?|SSNs?|passports?(?:\s+(?:numbers?|details|data))?|driver[’']?s?\s+licen[cs]es?(?:\s+numbers?)?|national\s+(?:id|identity|identification)\s+(?:numbers?|cards?)|tax\s+(?:id|identification)\s+numbers?|government[\s-]issued\s+(?:id|identification|identity\s+documents?)`},
	{around(map[string][2]int{"credit": {0, 3}, "debit": {0, 3}, "payment": {0, 3}, "card": {0, 1}, "bank": {0, 3}}),
		`(?:credit|debit|payment)\s+card\s+(?:numbers?|details|information|data)|card\s+numbers?|bank\s+account\s+(?:numbers?|details|information|data)`},
	{around(map[string][2]int{"birth": {2, 1}, "birthdate": {0, 0}, "birthdates": {0, 0}, "birthday": {0, 0}, "birthdays": {0, 0}}),
		`date\s+of\s+birth|birth\s*dates?|birthdays?`},
	{around(map[string][2]int{"racial": {0, 3}, "race": {0, 2}, "ethnic": {0, 1}, "ethnicity": {0, 0}, "religious": {0, 3},
		"sexual": {0, 1}, "sex": {0, 1}, "political": {0, 1}, "union": {1, 1}, "criminal": {0, 1}}),
		`racial\s+or\s+ethnic\s+origin|race(?:\s+(?:or|and|/)\s+ethnicity|,\s+ethnicity)|ethnic\s+origin|ethnicity|religious\s+(?:or\s+philosophical\s+)?beliefs|sexual\s+orientation|sex\s+life|political\s+(?:opinions?|views|affiliations?)|(?:trade\s+)?union\s+membership|criminal\s+(?:records?|convictions?|history|offen[cs]es)`},
	{around(map[string][2]int{"voice": {0, 1}, "audio": {0, 1}, "call": {0, 1}, "recordings": {0, 3}, "address": {0, 1}, "contact": {0, 1},
		"phone": {0, 1}, "browsing": {0, 1}, "search": {0, 1}, "content": {0, 3}, "contents": {0, 3}}),
		`(?:voice|audio|call)\s+recordings?|recordings\s+of\s+(?:your\s+)?(?:calls|voice)|address\s+book|contact\s+lists?|phone\s+contacts|browsing\s+history|search\s+history|contents?\s+of\s+(?:your\s+)?(?:messages|communications|emails|chats)`},
}

// dataTypeRes are the expressions of dataTypeGroups.
var dataTypeRes = sync.OnceValue(func() []*regexp.Regexp { return compile(dataTypeGroups[:]) })

// handlingRe finds that a sentence is about handling data.
var handlingRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b(?:collect\w*|process\w*|receiv\w*|obtain\w*|gather\w*|stor(?:e|es|ed|ing)|record(?:s|ed|ing)?|captur\w*|us(?:e|es|ed|ing)|shar(?:e|es|ed|ing)|disclos\w*|provid\w*|submit\w*|upload\w*|includ\w*|such\s+as|ask\w*|request\w*|scan\w*|verif\w*|categor\w*|retain\w*|keep|kept)\b`)
})

// notHandledRe finds that a sentence says data is not handled: "we do not
// collect biometric data", "we never ask for your passport", "no health
// data is processed".
var notHandledRe = sync.OnceValue(func() *regexp.Regexp {
	const verb = `(?:collect|process|ask|request|store|retain|keep|use|obtain|receive|require|sell|share|gather|knowingly|intentionally|have\s+access)`
	return regexp.MustCompile(`(?i)\b(?:do|does|did|will|shall|would|may|can|could)\s+not\s+(?:\w+\s+){0,3}?` + verb +
		`|\b(?:don|doesn|won|didn|can)[’']t\s+(?:\w+\s+){0,2}?` + verb + `|\bnever\s+(?:\w+\s+){0,2}?` + verb +
		`|\bnot\s+(?:be\s+)?(?:collected|processed|stored|used|requested|shared)\b|\bno\s+(?:\w+\s+){0,2}?(?:data|information)\s+(?:is|are|will\s+be)\b`)
})

// sensitiveListRe finds a sentence that speaks of the sensitive or special
// categories of data in general ("sensitive personal information includes
// racial or ethnic origin, ..."); weHandleRe finds that it says the
// service or the reader handles them.
var (
	sensitiveListRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\bspecial\s+categor|\bsensitive\s+(?:personal\s+)?(?:data|information)\b`)
	})
	weHandleRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`(?i)\b(?:we|you)\s+(?:\w+\s+){0,3}?(?:collect|process|use|receive|obtain|ask|provide|share|store|choose|give)\w*\b`)
	})
)

// dataSentence reports whether a sentence is one whose kinds of data
// count: about handling data, not saying it is not handled, and not a
// law's list of sensitive categories.
func dataSentence(s string) bool {
	if !handlingRe().MatchString(s) {
		return false
	}
	// The costlier expressions only where their words are.
	l := strings.ToLower(s)
	if containsAny(l, "not", "n't", "n’t", "never", "no ") && notHandledRe().MatchString(s) {
		return false
	}
	return !containsAny(l, "special", "sensitive") || !sensitiveListRe().MatchString(s) || weHandleRe().MatchString(s)
}

// dataType is the kind of data that words, a match of dataTypeRes, name
// (in a sentence dataSentence accepts).
func dataType(words, _ string) string {
	w := strings.ToLower(strings.Join(strings.Fields(words), " "))
	has := func(subs ...string) bool { return containsAny(w, subs...) }
	if strings.HasPrefix(w, "non") || has("fingerprint") && !strings.HasPrefix(w, "fingerprint") {
		// "non-precise location" is coarse; a device's or a browser's
		// fingerprint identifies a machine, not a body.
		return ""
	}
	switch {
	case has("biometric", "face", "facial", "finger", "voiceprint", "voice print"):
		return "biometric data"
	case has("precise", "gps"):
		return "precise geolocation"
	case has("genetic"):
		return "genetic data"
	case has("health", "medical"):
		return "health data"
	case has("social security", "ssn", "passport", "licen", "national", "tax", "government"):
		return "government identifiers"
	case has("card"):
		return "payment card data"
	case has("bank"):
		return "bank account details"
	case has("birth"):
		return "date of birth"
	case has("racial", "race", "ethnic"):
		return "racial or ethnic origin"
	case has("religious"):
		return "religious beliefs"
	case has("sexual", "sex life"):
		return "sexual orientation or sex life"
	case has("political"):
		return "political opinions"
	case has("union"):
		return "trade union membership"
	case has("criminal"):
		return "criminal records"
	case has("recording"):
		return "voice recordings"
	case has("address book", "contact", "phone contacts"):
		return "contacts"
	case has("browsing", "search"):
		return "browsing or search history"
	case has("content"):
		return "message content"
	}
	return ""
}
