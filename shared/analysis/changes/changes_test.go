package changes

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/domain/policy"
)

// cl is a clause for a test: its heading path as "A > B", its text and
// labels.
type cl struct {
	heading, text string
	labels        []string
}

func analysis(cs ...cl) *policy.Analysis {
	a := &policy.Analysis{}
	for i, c := range cs {
		var h []string
		if c.heading != "" {
			h = strings.Split(c.heading, " > ")
		}
		var ls []policy.LabelScore
		for _, l := range c.labels {
			ls = append(ls, policy.LabelScore{Label: l, Score: 0.9})
		}
		a.Clauses = append(a.Clauses, policy.Clause{Ordinal: i + 1, Heading: h, Text: c.text, Labels: ls})
	}
	return a
}

// base is a small policy: three sections of two clauses.
var base = []cl{
	{"1. Collection", "We collect your name and email address when you sign up. We also collect the city you live in.", []string{"First Party Collection/Use"}},
	{"1. Collection", "While you use the app we record crash reports and the screens you open.", []string{"First Party Collection/Use"}},
	{"2. Sharing", "We share your orders with the shops you buy from.", []string{"Third Party Sharing/Collection"}},
	{"2. Sharing", "We never sell your personal information to anyone.", []string{"Third Party Sharing/Collection"}},
	{"3. Retention", "We keep your orders for six years because tax law requires it.", []string{"Data Retention"}},
	{"3. Retention", "Crash reports are deleted after twelve months.", []string{"Data Retention"}},
}

// edit returns a copy of base changed by fn.
func edit(fn func(cs []cl) []cl) []cl {
	return fn(slices.Clone(base))
}

// compare compares two test policies and checks the counts that must add
// up.
func compare(t *testing.T, prev, next []cl) *Report {
	t.Helper()
	a, b := analysis(prev...), analysis(next...)
	r := Compare(a, b)
	s := r.Summary
	if got := s.Added + s.Modified + s.Moved + s.Unchanged; got != len(b.Clauses) {
		t.Errorf("added+modified+moved+unchanged = %d, the new version has %d clauses", got, len(b.Clauses))
	}
	if n := s.Added + s.Removed + s.Modified + s.Moved; n != len(r.Clauses) {
		t.Errorf("summary counts %d changes, the report lists %d", n, len(r.Clauses))
	}
	if s.Headings != len(r.Headings) {
		t.Errorf("summary counts %d heading changes, the report lists %d", s.Headings, len(r.Headings))
	}
	return r
}

// changeList describes the listed clauses as "change:before>after"
// ordinals, 0 for none.
func changeList(r *Report) []string {
	var out []string
	for _, c := range r.Clauses {
		b, a := 0, 0
		if c.Before != nil {
			b = c.Before.Ordinal
		}
		if c.After != nil {
			a = c.After.Ordinal
		}
		out = append(out, string(c.Change)+":"+itoa(b)+">"+itoa(a))
	}
	return out
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func TestCompareIdentical(t *testing.T) {
	r := compare(t, base, base)
	if !r.Quiet() || r.Summary.Unchanged != len(base) || len(r.Clauses) != 0 || r.Summary.Cosmetic != 0 {
		t.Errorf("identical versions: %+v", r.Summary)
	}
}

func TestCompareCosmeticOnly(t *testing.T) {
	prev := append([]cl{{"", "Last updated: March 3, 2025", nil}}, base...)
	next := append([]cl{{"", "Last Updated: 19 September 2025", nil}}, edit(func(cs []cl) []cl {
		cs[0].text = "We collect your name and e-mail address when you sign up.  We also collect the city you live in"
		cs[2].heading = "2. SHARING"
		cs[3].text = "We never sell your “personal information” to anyone!"
		return cs
	})...)
	r := compare(t, prev, next)
	if !r.Quiet() {
		t.Fatalf("cosmetic edits reported: %+v %v", r.Summary, changeList(r))
	}
	if r.Summary.Cosmetic != 2 {
		t.Errorf("cosmetic = %d, want 2 (the clauses whose text changed)", r.Summary.Cosmetic)
	}
}

func TestCompareAddedRemovedModified(t *testing.T) {
	next := edit(func(cs []cl) []cl {
		cs[3].text = "We never sell your personal information, but we share it with advertising partners."
		cs = slices.Insert(cs, 4, cl{"2. Sharing", "Payment providers receive your card number to take payment.", nil})
		return slices.Delete(cs, 6, 7) // crash reports retention
	})
	r := compare(t, base, next)
	got := strings.Join(changeList(r), " ")
	if want := "modified:4>4 added:0>5 removed:6>0"; got != want {
		t.Fatalf("changes %q, want %q", got, want)
	}
	mod := r.Clauses[0]
	if mod.Before.Text != base[3].text || mod.After.Text != next[3].text {
		t.Errorf("modified clause quotes %q -> %q", mod.Before.Text, mod.After.Text)
	}
	var ins []string
	for _, op := range mod.Diff {
		if op.Op == OpInsert {
			ins = append(ins, strings.TrimSpace(op.Text))
		}
	}
	if strings.Join(ins, "|") != "but we share it with advertising partners." {
		t.Errorf("inserted words %q", ins)
	}
	if r.Quiet() {
		t.Error("a changed version is quiet")
	}
}

func TestCompareReordered(t *testing.T) {
	next := edit(func(cs []cl) []cl {
		// Retention comes before Sharing.
		return []cl{cs[0], cs[1], cs[4], cs[5], cs[2], cs[3]}
	})
	r := compare(t, base, next)
	if r.Summary.Moved != 2 || r.Summary.Added+r.Summary.Removed+r.Summary.Modified != 0 {
		t.Fatalf("reordered sections: %+v %v", r.Summary, changeList(r))
	}
	if r.Quiet() {
		t.Error("a reordered version is quiet")
	}
}

func TestCompareSplitAndMerge(t *testing.T) {
	split := edit(func(cs []cl) []cl {
		return slices.Replace(cs, 0, 1,
			cl{"1. Collection", "We collect your name and email address when you sign up.", nil},
			cl{"1. Collection", "We also collect the city you live in.", nil})
	})
	if r := compare(t, base, split); !r.Quiet() || r.Summary.Unchanged != len(split) {
		t.Errorf("split clause: %+v %v", r.Summary, changeList(r))
	}
	merged := edit(func(cs []cl) []cl {
		return slices.Replace(cs, 4, 6, cl{"3. Retention", cs[4].text + " " + cs[5].text, nil})
	})
	if r := compare(t, base, merged); !r.Quiet() {
		t.Errorf("merged clauses: %+v %v", r.Summary, changeList(r))
	}
	// A merge with an edit: one modified clause drawing on both.
	mergedEdit := edit(func(cs []cl) []cl {
		return slices.Replace(cs, 4, 6, cl{"3. Retention", cs[4].text + " Crash reports are deleted after six months.", nil})
	})
	r := compare(t, base, mergedEdit)
	if got := strings.Join(changeList(r), " "); got != "modified:5>5" {
		t.Fatalf("merged and edited: %q", got)
	}
	if c := r.Clauses[0]; !slices.Equal(c.Sources, []int{5, 6}) || c.Before.Text != base[4].text+" "+base[5].text {
		t.Errorf("merged clause: sources %v, before %q", c.Sources, c.Before.Text)
	}
	// A split with an edit: the edited part is modified, drawing on part of
	// the old clause.
	splitEdit := edit(func(cs []cl) []cl {
		return slices.Replace(cs, 0, 1,
			cl{"1. Collection", "We collect your name and email address when you sign up.", nil},
			cl{"1. Collection", "We also collect the town you live in.", nil})
	})
	r = compare(t, base, splitEdit)
	if got := strings.Join(changeList(r), " "); got != "modified:1>2" {
		t.Fatalf("split and edited: %q", got)
	}
	if c := r.Clauses[0]; c.Before.Text != "We also collect the city you live in." {
		t.Errorf("split clause draws on %q", c.Before.Text)
	}
}

func TestCompareHeadings(t *testing.T) {
	renamed := edit(func(cs []cl) []cl {
		cs[2].heading, cs[3].heading = "2. Who we share data with", "2. Who we share data with"
		return cs
	})
	r := compare(t, base, renamed)
	if len(r.Clauses) != 0 || len(r.Headings) != 1 || r.Quiet() {
		t.Fatalf("renamed heading: %+v %v %+v", r.Summary, changeList(r), r.Headings)
	}
	if h := r.Headings[0]; h.Before[0] != "2. Sharing" || h.After[0] != "2. Who we share data with" || h.Clauses != 2 {
		t.Errorf("heading change %+v", h)
	}
	renumbered := edit(func(cs []cl) []cl {
		for i := range cs {
			cs[i].heading = "Part " + cs[i].heading[3:]
			cs[i].heading = strings.Replace(cs[i].heading, "Part ", "", 1)
		}
		return cs
	})
	if r := compare(t, base, renumbered); !r.Quiet() {
		t.Errorf("headings without their numbers: %+v %+v", r.Summary, r.Headings)
	}
}

func TestCompareLabelsAndFacts(t *testing.T) {
	next := edit(func(cs []cl) []cl {
		cs[3].labels = []string{"Third Party Sharing/Collection", "User Choice/Control"}
		return cs[:5]
	})
	a, b := analysis(base...), analysis(next...)
	a.Policy.Facts = policy.Facts{Title: "Shop Privacy Policy", Updated: &policy.Date{AsWritten: "March 3, 2025", ISO: "2025-03-03"},
		Emails: []string{"privacy@shop.example"}, URLs: []string{"https://shop.example/help?utm_source=x"}, Regulations: []string{"GDPR"}}
	b.Policy.Facts = policy.Facts{Title: "Shop privacy policy.", Updated: &policy.Date{AsWritten: "June 1, 2026", ISO: "2026-06-01"},
		Emails: []string{"Privacy@shop.example", "dpo@shop.example"}, URLs: []string{"https://www.shop.example/help?utm_source=y"}, Regulations: []string{"CCPA/CPRA"}}
	r := Compare(a, b)
	wantLabels := []LabelChange{{"User Choice/Control", 0, 1}, {"Data Retention", 2, 1}}
	if len(r.Labels) != 2 || !slices.Contains(r.Labels, wantLabels[0]) || !slices.Contains(r.Labels, wantLabels[1]) {
		t.Errorf("labels %+v, want %+v", r.Labels, wantLabels)
	}
	got, _ := json.Marshal(r.Facts)
	want := `[{"fact":"updated","before":"2025-03-03","after":"2026-06-01"},{"fact":"emails","added":["dpo@shop.example"]},{"fact":"regulations","added":["CCPA/CPRA"],"removed":["GDPR"]}]`
	if string(got) != want {
		t.Errorf("facts\n%s\nwant\n%s", got, want)
	}
}

// A version in another language (an archive that alternates between a
// policy and its translation) says so among the facts; a version whose
// language is unknown (stored before languages were) does not.
func TestCompareLanguage(t *testing.T) {
	a, b := analysis(base...), analysis(base...)
	a.Policy.Language, b.Policy.Language = "en", "es"
	got, _ := json.Marshal(Compare(a, b).Facts)
	if want := `[{"fact":"language","before":"en","after":"es"}]`; string(got) != want {
		t.Errorf("facts %s, want %s", got, want)
	}
	for _, pair := range [][2]string{{"en", "en"}, {"", "es"}, {"en", ""}} {
		a.Policy.Language, b.Policy.Language = pair[0], pair[1]
		if r := Compare(a, b); len(r.Facts) != 0 {
			t.Errorf("languages %q -> %q: facts %+v", pair[0], pair[1], r.Facts)
		}
	}
}

// A policy now in another company's name says so; the same name written
// otherwise, or a version that names none, does not.
func TestCompareCompany(t *testing.T) {
	a, b := analysis(base...), analysis(base...)
	a.Policy.Company, b.Policy.Company = "Kestrel Trails", "Globex Outdoors"
	got, _ := json.Marshal(Compare(a, b).Facts)
	if want := `[{"fact":"company","before":"Kestrel Trails","after":"Globex Outdoors"}]`; string(got) != want {
		t.Errorf("facts %s, want %s", got, want)
	}
	for _, other := range []string{"KESTREL  TRAILS", ""} {
		b.Policy.Company = other
		if r := Compare(a, b); len(r.Facts) != 0 {
			t.Errorf("company %q after %q: facts %+v", other, a.Policy.Company, r.Facts)
		}
	}
}

func TestCompareNil(t *testing.T) {
	a := analysis(base...)
	r := Compare(nil, a)
	if r.Summary.Added != len(base) || r.Summary.Removed != 0 {
		t.Errorf("from nothing: %+v", r.Summary)
	}
	r = Compare(a, nil)
	if r.Summary.Removed != len(base) || r.Summary.Added != 0 {
		t.Errorf("to nothing: %+v", r.Summary)
	}
	if r := Compare(nil, nil); !r.Quiet() {
		t.Errorf("nothing to nothing: %+v", r.Summary)
	}
}

// The report serialises to the body of GET /policies/{id}/changes less
// what the service adds.
func TestReportJSON(t *testing.T) {
	next := edit(func(cs []cl) []cl {
		cs[3].text = "We sell your personal information to data brokers."
		cs = append(cs, cl{"4. Contact", "Write to privacy@shop.example.", nil})
		return slices.Delete(cs, 1, 2)
	})
	data, err := json.Marshal(compare(t, base, next))
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]json.RawMessage
	if err := json.Unmarshal(data, &body); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"summary", "labels", "facts", "headings", "clauses"} {
		if _, ok := body[k]; !ok {
			t.Errorf("no %q in %s", k, data)
		}
	}
	var summary map[string]int
	json.Unmarshal(body["summary"], &summary)
	for _, k := range []string{"added", "removed", "modified", "moved", "unchanged"} {
		if _, ok := summary[k]; !ok {
			t.Errorf("summary lacks %q: %s", k, body["summary"])
		}
	}
	var clauses []map[string]json.RawMessage
	json.Unmarshal(body["clauses"], &clauses)
	seen := map[string]bool{}
	for _, c := range clauses {
		var change string
		json.Unmarshal(c["change"], &change)
		seen[change] = true
		before, after := string(c["before"]), string(c["after"])
		switch change {
		case "added":
			if before != "null" || after == "null" {
				t.Errorf("added clause: before %s, after %s", before, after)
			}
		case "removed":
			if before == "null" || after != "null" {
				t.Errorf("removed clause: before %s, after %s", before, after)
			}
		case "modified":
			var diff []Op
			if err := json.Unmarshal(c["diff"], &diff); err != nil || len(diff) == 0 {
				t.Errorf("modified clause without a diff: %s", c["diff"])
			}
		}
		for _, side := range []json.RawMessage{c["before"], c["after"]} {
			if string(side) == "null" {
				continue
			}
			var ref map[string]json.RawMessage
			json.Unmarshal(side, &ref)
			for _, k := range []string{"ordinal", "heading", "text", "labels"} {
				if v, ok := ref[k]; !ok || string(v) == "null" {
					t.Errorf("%s clause: %q is %s", change, k, v)
				}
			}
		}
	}
	if !seen["added"] || !seen["removed"] || !seen["modified"] {
		t.Errorf("changes seen: %v", seen)
	}
}

// On a large policy with edits all over, every edit is found and nothing
// else is reported: the synthetic edits of the benchmarks.
func TestCompareAtScale(t *testing.T) {
	prev := synthetic(11, 2000)
	next, origin, swapped := edited(prev, 12)
	r := Compare(prev, next)
	listed := map[int]Change{} // by new ordinal
	for _, c := range r.Clauses {
		if c.After != nil {
			listed[c.After.Ordinal] = c.Change
		}
	}
	kept := map[int]bool{}
	for k, c := range next.Clauses {
		o := origin[k]
		got := listed[c.Ordinal]
		switch {
		case o == 0:
			if got != Added {
				t.Errorf("new clause %d reported %q", c.Ordinal, got)
			}
		case prev.Clauses[o-1].Text != c.Text:
			kept[o] = true
			if got != Modified {
				t.Errorf("edited clause %d (was %d) reported %q", c.Ordinal, o, got)
			}
		default:
			kept[o] = true
			if got != "" && !(got == Moved && swapped[k]) {
				t.Errorf("unchanged clause %d (was %d) reported %q", c.Ordinal, o, got)
			}
		}
	}
	removed := 0
	for _, c := range r.Clauses {
		if c.Change == Removed {
			removed++
			if kept[c.Before.Ordinal] {
				t.Errorf("clause %d reported removed, it is still there", c.Before.Ordinal)
			}
		}
	}
	if want := len(prev.Clauses) - len(kept); removed != want {
		t.Errorf("%d clauses reported removed, %d were", removed, want)
	}
	if r.Summary.Moved < 8 {
		t.Errorf("%d clauses reported moved; two runs of 16 swapped", r.Summary.Moved)
	}
}

// A section title the segmenter read as text in one version and as a
// heading in the other (navigation lines that repeat the next section's
// title, renumbered when a section before it went) is no change, alone as
// a clause or as a sentence at the end of one; a title-like clause that is
// no heading in the other version still is.
func TestHeadingReadAsTextIsNoChange(t *testing.T) {
	prev := edit(func(cs []cl) []cl {
		cs[1].text += " 3. Retention"
		return append(cs[:4:4], append([]cl{{"2. Sharing", "4. Contacting us", nil}}, cs[4:]...)...)
	})
	next := edit(func(cs []cl) []cl {
		for i := range cs {
			cs[i].heading = strings.NewReplacer("3. Retention", "2. Retention").Replace(cs[i].heading)
		}
		return append(cs, cl{"3. Contacting us", "Write to privacy@shop.example.", nil})
	})
	r := compare(t, prev, next)
	if got := changeList(r); len(got) != 1 || !strings.HasPrefix(got[0], "added:") {
		t.Errorf("changes %v, want only the new contact clause added", got)
	}
	// Without a heading "Contacting us" in the new version, the clause
	// that says only that is removed.
	r = compare(t, prev, base)
	if s := r.Summary; s.Removed != 1 || s.Modified != 0 || s.Added != 0 {
		t.Errorf("summary %+v, want the title-only clause removed and nothing else", s)
	}
}
