package extract

import (
	"net/url"
	"strings"
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
	return u.String()
}
