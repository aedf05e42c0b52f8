package extract

import (
	"net/url"
	"strings"

	"github.com/policylens/policylens/shared/domain/policy"
)

// maxLinkEmails bounds Document.LinkEmails: a page of thousands of mailto
// links keeps the first ones.
const maxLinkEmails = 100

// appendMailto appends the addresses of a link's target to list when it is
// a mailto link ("mailto:a@example.com,b@example.com?subject=Hi"), percent
// escapes decoded; other targets add nothing.
func appendMailto(list []string, href string) []string {
	href = strings.TrimSpace(href)
	if len(href) < len("mailto:") || !strings.EqualFold(href[:len("mailto:")], "mailto:") {
		return list
	}
	to, _, _ := strings.Cut(href[len("mailto:"):], "?")
	if dec, err := url.PathUnescape(to); err == nil {
		to = dec
	}
	for _, a := range strings.Split(to, ",") {
		if a = strings.TrimSpace(a); a != "" && len(list) < maxLinkEmails {
			list = append(list, a)
		}
	}
	return list
}

// maxLinks bounds the web links kept of a document (Block.Links).
const maxLinks = 2000

// maxLinkChars bounds a link's target: longer ones are left out.
const maxLinkChars = 500

// webLink returns the absolute http or https address a link's target
// names, resolved against base when relative (and base is not nil); ""
// for other targets (mailto:, javascript:, a fragment of the page, ...).
func webLink(base *url.URL, href string) string {
	href = strings.TrimSpace(href)
	if href == "" || href[0] == '#' || len(href) > maxLinkChars {
		return ""
	}
	u, err := url.Parse(href)
	if err != nil {
		return ""
	}
	if !u.IsAbs() && base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	if strings.HasPrefix(u.Path, "/cdn-cgi/l/email-protection") {
		// A page saved with its e-mail addresses hidden by the host's
		// scripts: the link leads to no page a reader could use.
		return ""
	}
	return u.String()
}

// cellLink is a link of a table cell: its words (white space collapsed)
// and target, and the index of its row among the table's rows of text
// (the header not counted).
type cellLink struct {
	words, url string
	row        int
}

// placeLinks puts the links of a table's cells, in order, at their words
// in the table's rows: in the row of their own index, else in one of the
// two before it (rows without text give no block, and an empty header row
// gives way to the next), not before the previous link. A link whose
// words are not there (a cell's lines were joined) is left out.
func placeLinks(rows []policy.Block, links []cellLink) {
	r, from := 0, 0
	for _, l := range links {
		for k := min(l.row, len(rows)-1); k >= max(r, l.row-2); k-- {
			f := 0
			if k == r {
				f = from
			}
			if start, end := indexWords(rows[k].Text, f, l.words); start >= 0 {
				rows[k].Links = append(rows[k].Links, policy.Link{Start: start, End: end, URL: l.url})
				r, from = k, end
				break
			}
		}
	}
}
