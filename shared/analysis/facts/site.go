package facts

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// siteCompany returns the name a policy's own site goes by when the
// policy names itself no other way: the name of the domain of one of its
// e-mail addresses that the text uses as a proper name at least
// minSiteMentions times inside sentences ("privacy@acme.com" and "... when
// you use Acme ..." give Acme). Only an address's domain can be the
// policy's own (a policy links to other companies' opt-out pages, but
// gives its own address for questions); its links only rank the domains
// of its addresses (an address counts two, a link one; the first three
// are tried in turn). Mail providers' domains do not count. "" when no
// domain is used as a name.
func siteCompany(text string, emails, urls []string) string {
	score, fromMail := map[string]int{}, map[string]bool{}
	for _, e := range emails {
		if _, domain, ok := strings.Cut(e, "@"); ok {
			if l := siteLabel(domain); l != "" {
				score[l] += 2
				fromMail[l] = true
			}
		}
	}
	for _, u := range urls {
		if l := siteLabel(urlHost(u)); l != "" {
			score[l]++
		}
	}
	var labels []string
	for l := range score {
		if fromMail[l] && !mailProviders[l] {
			labels = append(labels, l)
		}
	}
	slices.SortFunc(labels, func(a, b string) int {
		return cmp.Or(score[b]-score[a], strings.Compare(a, b))
	})
	if len(labels) == 0 {
		return ""
	}
	labels = labels[:min(len(labels), 3)]
	// The names written as each label, with their counts.
	written := map[string]map[string]int{}
	for _, l := range labels {
		written[letters(l)] = map[string]int{}
	}
	capitalRuns(text, func(run string) {
		// "Acme Group" is acmegroup.com's, and "Acme Group" or "Acme
		// GmbH" acme.com's.
		if w, ok := written[strings.ToLower(letters(run))]; ok {
			w[run]++
		} else if w, ok := written[letters(companyKey(run))]; ok {
			w[run]++
		}
	})
	for _, l := range labels {
		name := companyName(corporateTail().ReplaceAllString(mostWritten(written[letters(l)]), ""))
		if plainName(name) {
			return name
		}
	}
	return ""
}

// minSiteMentions is how often a domain's name must be used as a name
// (siteCompany).
const minSiteMentions = 3

// mailProviders are domains of addresses that are not the policy's own.
var mailProviders = map[string]bool{"gmail": true, "googlemail": true, "outlook": true, "hotmail": true,
	"yahoo": true, "icloud": true, "aol": true, "gmx": true, "mail": true, "protonmail": true}

// urlHost returns the host of a URL as written: scheme, user, port and
// path aside ("https://www.acme.com/privacy" is www.acme.com).
func urlHost(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	return strings.ToLower(hostPart(u))
}

// siteLabel returns the label of a host that names its site: acme of
// www.acme.com, privacy.acme.co.uk and acme.de; "" for an address (an IP)
// or a host of one label.
func siteLabel(host string) string {
	parts := strings.Split(strings.Trim(host, "."), ".")
	if len(parts) < 2 {
		return ""
	}
	i := len(parts) - 2
	if len(parts) >= 3 && len(parts[len(parts)-1]) == 2 && secondLevel[parts[i]] {
		i-- // acme.co.uk
	}
	l := parts[i]
	if l == "" || strings.IndexFunc(l, unicode.IsLetter) < 0 {
		return ""
	}
	return l
}

// secondLevel are the labels countries put under their code before a
// site's name: co.uk, com.au.
var secondLevel = map[string]bool{"co": true, "com": true, "org": true, "net": true, "ac": true, "gov": true, "edu": true, "ne": true, "or": true}

// capitalRuns calls fn with each run of capitalised words of text that
// stands inside a sentence, as written (white space as one space): the
// words just before and after a run are not capitalised (a space, a
// hyphen, "&" or an apostrophe join the words of a run), and it does not
// open a sentence, a line, a list item or a heading.
func capitalRuns(text string, fn func(run string)) {
	start, end := -1, -1 // the current run
	opens := true        // the next word opens a sentence or a line
	startOpen := false
	flush := func() {
		if start >= 0 && !startOpen {
			fn(strings.Join(strings.Fields(text[start:end]), " "))
		}
		start = -1
	}
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) {
			switch r {
			case '.', '!', '?', ':', '\n', '#', '*', '|', '>', '•':
				flush()
				opens = true
			case ' ', '\t', '-', '&', '\'', '’':
				// inside a run: "Acme Labs", "Ben & Jerry", "Acme's"
			default:
				flush()
			}
			i += n
			continue
		}
		j := joinedWordEnd(text, i)
		if unicode.IsUpper(r) {
			if start < 0 {
				start, startOpen = i, opens
			}
			end = j
		} else {
			flush()
		}
		opens = false
		i = j
	}
	flush()
}

// joinedWordEnd returns where the word at text[i:] ends when a hyphen or
// a full stop between letters or digits joins words ("Wal-Mart",
// "Acme.com" and "1-800-ACME" are one word).
func joinedWordEnd(text string, i int) int {
	j := wordEnd(text, i)
	for j+1 < len(text) && (text[j] == '-' || text[j] == '.') {
		next, _ := utf8.DecodeRuneInString(text[j+1:])
		if !isWordRune(next) {
			break
		}
		j = wordEnd(text, j+1)
	}
	return j
}

// mostWritten returns the name most often written of counts (the first
// in order of a tie), when they add up to minSiteMentions or more.
func mostWritten(counts map[string]int) string {
	best, n, total := "", 0, 0
	for name, c := range counts {
		total += c
		if c > n || c == n && name < best {
			best, n = name, c
		}
	}
	if total < minSiteMentions {
		return ""
	}
	return best
}

// letters returns the letters and digits of s.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if isWordRune(r) {
			return r
		}
		return -1
	}, s)
}
