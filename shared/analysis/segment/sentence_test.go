package segment

import (
	"strings"
	"testing"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"We collect data. We use it. Do we sell it? No! Never.",
			[]string{"We collect data.", "We use it.", "Do we sell it?", "No!", "Never."}},
		// Abbreviations do not end sentences.
		{"We use processors, e.g. Acme Hosting Inc. and Beta Ltd. in the U.S. and the U.K. market. They follow our rules.",
			[]string{"We use processors, e.g. Acme Hosting Inc. and Beta Ltd. in the U.S. and the U.K. market.", "They follow our rules."}},
		{"Write to Dr. Smith, Dept. of Privacy, No. 5 Main St. Springfield. We answer quickly.",
			[]string{"Write to Dr. Smith, Dept. of Privacy, No. 5 Main St. Springfield.", "We answer quickly."}},
		{"Data, i.e. Information about you, is protected. Initials like J. R. Smith stay whole.",
			[]string{"Data, i.e. Information about you, is protected.", "Initials like J. R. Smith stay whole."}},
		// Decimals, URLs, e-mail addresses and versions are not boundaries.
		{"Version 2.5 costs $3.99 at www.example.com/privacy.html or mail info@example.co.uk today. Thanks.",
			[]string{"Version 2.5 costs $3.99 at www.example.com/privacy.html or mail info@example.co.uk today.", "Thanks."}},
		// A lower-case word after a period continues the sentence ("etc.
		// and"); a capital after "etc." starts a new one.
		{"Names, emails, etc. and other data. Photos, videos, etc. We keep them safe.",
			[]string{"Names, emails, etc. and other data.", "Photos, videos, etc.", "We keep them safe."}},
		// Closing quotes and brackets stay with their sentence.
		{`He said "we never sell data." (This is true.) "Quoted" sentences work.`,
			[]string{`He said "we never sell data."`, `(This is true.)`, `"Quoted" sentences work.`}},
		// A section number starts a sentence; it does not end one.
		{"We delete it. 3. HOW WE USE DATA We use it. 4.2 Sharing We share it.",
			[]string{"We delete it.", "3. HOW WE USE DATA We use it.", "4.2 Sharing We share it."}},
		{"No boundary here", []string{"No boundary here"}},
	}
	for _, tt := range tests {
		var got []string
		for _, sp := range sentences(tt.in, nil) {
			got = append(got, tt.in[sp[0]:sp[1]])
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("sentences(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestLineHeading(t *testing.T) {
	tests := []struct {
		line string
		fam  family
		rank int
	}{
		{"4. Sharing", famNumber, 1},
		{"4.2 Service providers", famNumber, 2},
		{"4.2.1. Hosting", famNumber, 3},
		{"12) Contact Us", famNumber, 1},
		{"IV. Your Rights", famRoman, 0},
		{"B. Contact Details", famAlpha, 0},
		{"Section 3 - Contact", famSection, 0},
		{"ARTICLE 5: RETENTION", famSection, 0},
		{"§ 7 Data Transfers", famSection, 0},
		{"INFORMATION WE COLLECT", famCaps, 0},
		{"How We Use Your Information", famLine, 0},
		{"Access, Correction and Deletion", famLine, 0},
		{"Information we collect", famLine, 0},
		{"What Are Cookies?", famLine, 0},
		{"How do we protect your data?", famLine, 0},
		{"Your Rights:", famLine, 0},
		{"**Cookies**", famLine, 0},
		{"Pebble Kids – Privacy Policy", famLine, 0},
	}
	for _, tt := range tests {
		h, ok := lineHeading(tt.line, headingsAll)
		if !ok || h.fam != tt.fam || h.rank != tt.rank {
			t.Errorf("lineHeading(%q) = %+v, %v; want family %d rank %d", tt.line, h, ok, tt.fam, tt.rank)
		}
	}
	for _, line := range []string{
		"We collect your name.",
		"We collect the following:",
		"1. We collect your name when you register.",
		"1. we collect",
		"Last updated: March 3, 2024",
		"March 3, 2024",
		"Email: privacy@example.com",
		"https://example.com/privacy",
		"- Bullet item",
		"• Bullet item",
		"123 Main Street",
		"We may share your information with",
		"Identifiers | Name | Yes",
		"THIS SERVICE IS PROVIDED AS IS WITHOUT WARRANTIES OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING THE WARRANTIES OF FITNESS",
		"We do not sell data, rent it, or trade it",
		"Acme Inc.",
		"x",
	} {
		if h, ok := lineHeading(line, headingsAll); ok {
			t.Errorf("lineHeading(%q) = %+v, want no heading", line, h)
		}
	}
	// Documents with marked headings use only the strong patterns, or none.
	if _, ok := lineHeading("How We Use Your Information", headingsStrong); ok {
		t.Errorf("title-case line is a heading in strong mode")
	}
	if _, ok := lineHeading("4. Sharing", headingsStrong); !ok {
		t.Errorf("numbered line is not a heading in strong mode")
	}
	if _, ok := lineHeading("4. Sharing", headingsNone); ok {
		t.Errorf("numbered line is a heading when the source marks its headings")
	}
}

func TestEnumerators(t *testing.T) {
	tests := []struct{ line, tok, next string }{
		{"1. Name", "1", "2"},
		{"9) Email", "9", "10"},
		{"(a) access", "a", "b"},
		{"iii. third", "iii", "iv"},
		{"2.1 Sub", "2.1", "2.2"},
		{"B. Letters", "B", "C"},
		{"- bullet", "", ""},
	}
	for _, tt := range tests {
		tok := enumerator(tt.line)
		if tok != tt.tok || nextEnumerator(tok) != tt.next {
			t.Errorf("enumerator(%q) = %q (next %q), want %q (next %q)", tt.line, tok, nextEnumerator(tok), tt.tok, tt.next)
		}
	}
}

func TestCollapse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a \n\t b  ", "a b"},
		{"a\u00a0\u2003b", "a b"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := collapse(tt.in); got != tt.want {
			t.Errorf("collapse(%q) = %q, want %q", tt.in, got, tt.want)
		}
		n, _ := collapsedLen(tt.in)
		if n != len([]rune(tt.want)) {
			t.Errorf("collapsedLen(%q) = %d, want %d", tt.in, n, len([]rune(tt.want)))
		}
	}
}
