package extract

import (
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Cloudflare's e-mail obfuscation replaces an address in a page with
// "[email protected]" and hides it in hex: in a data-cfemail attribute, or
// after "/cdn-cgi/l/email-protection#" in a link. The first byte is a key
// the others are XORed with. A page saved from a site behind Cloudflare
// would otherwise lose its contact addresses.

// cfProtectionPath is the path of the links that carry an obfuscated
// address in their fragment.
const cfProtectionPath = "/cdn-cgi/l/email-protection#"

// cfPlaceholder reports whether s is the text Cloudflare shows in place of
// an address (HTML writes its space as a no-break space).
func cfPlaceholder(s string) bool {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
	return s == "" || strings.EqualFold(s, "[email protected]") || strings.EqualFold(s, `\[email protected\]`)
}

// cfLinkEmail returns the address hidden in the fragment of an
// e-mail-protection link, if href is one and it decodes to an address.
func cfLinkEmail(href string) (string, bool) {
	i := strings.Index(href, cfProtectionPath)
	if i < 0 {
		return "", false
	}
	return cfDecode(href[i+len(cfProtectionPath):])
}

// cfDecode decodes one obfuscated address; it reports false unless the
// result looks like an e-mail address: printable, without spaces, with
// one '@' that has text on both sides, at most 254 bytes.
func cfDecode(code string) (string, bool) {
	b, err := hex.DecodeString(strings.TrimSpace(code))
	if err != nil || len(b) < 4 || len(b) > 255 {
		return "", false
	}
	out := make([]byte, len(b)-1)
	for i := range out {
		out[i] = b[i+1] ^ b[0]
	}
	s := string(out)
	at := strings.IndexByte(s, '@')
	if !utf8.ValidString(s) || at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return "", false
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f || r == '<' || r == '>' || r == '"' {
			return "", false
		}
	}
	return s, true
}

// cfElementEmail returns the address an HTML element hides: one with a
// data-cfemail attribute, or a link to the e-mail-protection path whose
// text is the placeholder (a link with words of its own keeps them).
func cfElementEmail(n *html.Node) (string, bool) {
	if code := attr(n, "data-cfemail"); code != "" {
		return cfDecode(code)
	}
	if n.DataAtom != atom.A {
		return "", false
	}
	email, ok := cfLinkEmail(attr(n, "href"))
	if !ok || !cfPlaceholder(nodeText(n, 256)) {
		return "", false
	}
	return email, true
}

// nodeText is the text of n's descendants, up to about max bytes.
func nodeText(n *html.Node, max int) string {
	var sb strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && sb.Len() <= max; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				sb.WriteString(c.Data)
			case html.ElementNode:
				walk(c)
			}
		}
	}
	walk(n)
	return sb.String()
}
