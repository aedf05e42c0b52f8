package changes

import "testing"

func TestKeyCosmetic(t *testing.T) {
	same := [][2]string{
		{"We keep your data for 30 days.", "We  keep your\u00a0data for 30 days"},
		{"We keep your data for 30 days.", "we KEEP your data, for 30 days!"},
		{`Our "partners" may call you.`, "Our “partners” may call you."},
		{"Contact us at privacy@example.com.", "Contact us at Privacy@Example.com"},
		{"third-party cookies and e-mail", "third party cookies and email"},
		{"Read the help page\u200b.", "\ufeffRead the help page."},
		{"See https://example.com/help?utm_source=a&utm_medium=b for more.",
			"See http://www.example.com/help/?utm_source=c&fbclid=x#top for more."},
		{"See https://example.com/help?id=3&utm_campaign=x.", "See https://example.com/help?id=3."},
		{"3. We may share your data.", "4. We may share your data."},
		{"(b) We may share your data.", "(c) We may share your data."},
		{"iv. We may share your data.", "We may share your data."},
		{"This policy is effective as of March 3, 2025 for all users.", "This policy is effective as of 1 June 2026 for all users."},
		{"We last updated this policy on 3 March 2025.", "We last updated this policy on 4 June 2026."},
		{"Previous versions: Effective March 7, 2022 Effective January 1, 2020", "Previous versions: Effective January 2023"},
	}
	for _, p := range same {
		if ka, kb := Key(p[0]), Key(p[1]); ka != kb {
			t.Errorf("Key(%q) = %q, Key(%q) = %q: want equal", p[0], ka, p[1], kb)
		}
	}
	differ := [][2]string{
		{"We keep your data for 30 days.", "We keep your data for 60 days."},
		{"We do not sell your data.", "We sell your data."},
		{"We keep data until December 2025.", "We keep data until December 2026."},
		{"Opt out at https://example.com/optout.", "Opt out at https://example.com/stay."},
		{"See https://example.com/help?id=3.", "See https://example.com/help?id=4."},
		{"Write to privacy@example.com.", "Write to legal@example.com."},
		{"We may update this policy.", "We will update this policy."},
		{"Data is updated on 5 systems.", "Data is updated on 6 systems."},
		{"Effective encryption since 2019 protects it.", "Effective encryption since 2020 protects it."},
		{"Changes are effective 30 days after notice.", "Changes are effective 10 days after notice."},
		{"Updated records are kept 2 years.", "Updated records are kept 3 years."},
	}
	for _, p := range differ {
		if ka, kb := Key(p[0]), Key(p[1]); ka == kb {
			t.Errorf("Key(%q) = Key(%q) = %q: want different", p[0], p[1], ka)
		}
	}
}

func TestKeyDateLines(t *testing.T) {
	for _, line := range []string{
		"Last updated: March 3, 2025",
		"(Last Updated: December 22, 2025)",
		"Effective: June 23, 2026",
		"Effective date: 2025-03-03",
		"Updated today",
		"Updated over a week ago",
		"Updated this week",
		"Updated last month",
		"July 10, 2026",
		"2024-08-28 02:22",
		"Privacy Policy – last revised 3rd of May, 2024",
		"Vigente: 23 de junio de 2026",
		"Updated yesterday Updated July 10, 2026",
	} {
		if k := Key(line); k != "" {
			t.Errorf("Key(%q) = %q, want \"\" (a date line has no words)", line, k)
		}
	}
	for _, notLine := range []string{
		"Updated",
		"We updated our app",
		"May we help?",
		"10 days",
		"Today we collect less.",
		"Data is kept 30 days after closing your account",
	} {
		if Key(notLine) == "" {
			t.Errorf("Key(%q) = \"\": it is not a date line", notLine)
		}
	}
}

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.Example.com/a/?utm_source=x&b=2#frag", "example.com/a?b=2"},
		{"http://example.com", "example.com"},
		{"www.example.com/privacy/", "example.com/privacy"},
		{"//cdn.example.com/x.png?utm_content=thumbnail", "cdn.example.com/x.png"},
		{"https://example.com/?gclid=1&fbclid=2&spm=3", "example.com"},
		{"not a url", "not a url"},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSplitSentences(t *testing.T) {
	text := "We collect data, e.g. your name. We use it in the U.S. and abroad! Why? Because \"We can.\" • First item | Cell two 2. Third"
	var got []string
	for _, s := range splitSentences(text) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{
		"We collect data, e.g. your name.",
		"We use it in the U.S. and abroad!",
		"Why?",
		`Because "We can."`,
		"First item",
		"Cell two 2.",
		"Third",
	}
	if len(got) != len(want) {
		t.Fatalf("got %d sentences %q, want %q", len(got), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("sentence %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestSameSpacing(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"a  b", "a b", true},
		{" a b\n", "a\tb", true},
		{"ab", "a b", false},
		{"a b", "ab", false},
		{"a b", "a c", false},
		{"a", "a b", false},
		{"", "  ", true},
	}
	for _, tt := range tests {
		if got := sameSpacing(tt.a, tt.b); got != tt.want {
			t.Errorf("sameSpacing(%q, %q) = %v", tt.a, tt.b, got)
		}
	}
}
