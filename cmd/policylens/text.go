package main

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
)

// wrapWidth is the column at which clause text wraps in text output.
const wrapWidth = 96

// writeText prints res for people: the privacy summary, a summary of the
// file, the clause count per label, then every clause with its heading
// path, page, labels, attributes and mentions.
func writeText(w io.Writer, res *policy.Analysis) error {
	bw := bufio.NewWriter(w)
	p := res.Policy
	title := p.Title
	if title == "" {
		title = p.Source
	}
	fmt.Fprintf(bw, "%s\n%s\n", title, strings.Repeat("=", min(len([]rune(title)), wrapWidth)))
	writePrivacy(bw, res.Privacy)
	fmt.Fprintln(bw)
	file := fmt.Sprintf("%s (%s", p.Source, p.Format)
	if p.Pages > 0 {
		file += fmt.Sprintf(", %d pages", p.Pages)
	}
	if p.Encoding != "" && p.Encoding != "utf-8" {
		file += ", " + p.Encoding
	}
	file += fmt.Sprintf(", %d bytes)", p.Bytes)
	field(bw, "File", file)
	if p.Company != "" {
		field(bw, "Company", p.Company)
	}
	lang := p.Language
	if lang != "" {
		lang = language.Name(lang) + " (" + lang + ")"
	}
	field(bw, "Language", lang)
	if p.Updated != nil {
		d := p.Updated.AsWritten
		if p.Updated.ISO != "" && p.Updated.ISO != d {
			d += " (" + p.Updated.ISO + ")"
		}
		field(bw, "Updated", d)
	}
	field(bw, "Contacts", strings.Join(p.Emails, ", "))
	field(bw, "Regulations", strings.Join(p.Regulations, ", "))
	field(bw, "URLs", strings.Join(p.URLs, ", "))
	field(bw, "Clauses", fmt.Sprint(p.Clauses))
	model := p.ModelVersion
	if p.AttributeModelVersion != "" {
		model += " (attributes " + p.AttributeModelVersion + ")"
	}
	if p.AnalysisVersion != "" {
		model += ", rules " + p.AnalysisVersion
	}
	field(bw, "Model", model)
	for _, n := range p.Notes {
		for i, line := range wrap(n, wrapWidth-13) {
			if i == 0 {
				field(bw, "Note", line)
			} else {
				fmt.Fprintf(bw, "%13s%s\n", "", line)
			}
		}
	}

	fmt.Fprintf(bw, "\nClauses per label\n")
	most := 0
	for _, n := range p.LabelCounts {
		most = max(most, n)
	}
	for _, l := range labels.All {
		n := p.LabelCounts[l.Name]
		bar := ""
		if most > 0 {
			bar = strings.Repeat("#", (n*30+most-1)/most)
		}
		fmt.Fprintf(bw, "  %-38s %5d  %s\n", l.Name, n, bar)
	}

	for _, c := range res.Clauses {
		fmt.Fprintf(bw, "\n[%d]", c.Ordinal)
		if len(c.Heading) > 0 {
			fmt.Fprintf(bw, " %s", strings.Join(c.Heading, " > "))
		}
		if c.Page > 0 {
			fmt.Fprintf(bw, "  (page %d)", c.Page)
		}
		fmt.Fprintln(bw)
		if len(c.Labels) == 0 {
			fmt.Fprintln(bw, "    labels: none")
		} else {
			parts := make([]string, len(c.Labels))
			for i, l := range c.Labels {
				parts[i] = fmt.Sprintf("%s %.2f", l.Label, l.Score)
			}
			fmt.Fprintf(bw, "    labels: %s\n", strings.Join(parts, "; "))
		}
		if len(c.Attributes) > 0 {
			parts := make([]string, len(c.Attributes))
			for i, a := range c.Attributes {
				parts[i] = fmt.Sprintf("%s: %s = %s %.2f", a.Category, a.Attribute, a.Value, a.Score)
			}
			writePrefixed(bw, "    attributes: ", strings.Join(parts, "; "))
		}
		if len(c.Mentions) > 0 {
			// Each value once, however often the clause states it (the
			// JSON keeps every span).
			var parts []string
			for _, m := range c.Mentions {
				if p := m.Kind + " " + m.Value; !slices.Contains(parts, p) {
					parts = append(parts, p)
				}
			}
			writePrefixed(bw, "    mentions: ", strings.Join(parts, "; "))
		}
		for _, line := range wrap(c.Text, wrapWidth-4) {
			fmt.Fprintf(bw, "    %s\n", line)
		}
	}
	return bw.Flush()
}

// writePrivacy prints the privacy summary: per section its values, each
// with the ordinals of the clauses that state it in brackets (and, for a
// third party, what goes to it in parentheses).
func writePrivacy(w io.Writer, p policy.PrivacySummary) {
	fmt.Fprintln(w, "\nPrivacy summary ([n]: the clauses that state it)")
	for _, sec := range []struct {
		name  string
		items []policy.SummaryItem
	}{
		{"Data collected", p.DataCollected},
		{"Purposes", p.Purposes},
		{"Third parties", p.ThirdParties},
		{"Sale", p.Sale},
		{"Retention", p.Retention},
		{"Choices", p.Choices},
		{"Access", p.Access},
		{"Audiences", p.Audiences},
		{"Security", p.Security},
		{"Do Not Track", p.DoNotTrack},
		{"Changes", p.Changes},
		{"Does not", p.Denials},
	} {
		parts := make([]string, len(sec.items))
		for i, it := range sec.items {
			parts[i] = fmt.Sprintf("%s [%s]", it.Value, clauseRefs(it.Clauses))
			switch {
			case it.Denied:
				parts[i] += " (" + deniedPractice(it) + ")"
			case len(it.Details) > 0:
				parts[i] += " (" + strings.Join(it.Details, ", ") + ")"
			}
		}
		value := strings.Join(parts, "; ")
		if value == "" {
			value = "-"
		}
		for i, line := range wrap(value, wrapWidth-18) {
			name := ""
			if i == 0 {
				name = sec.name + ":"
			}
			fmt.Fprintf(w, "  %-15s %s\n", name, line)
		}
	}
}

// deniedPractice says in a few words what a denial's item is not: "not
// collected or used", "not used for", "not shared", "not shared for",
// "not shared with".
func deniedPractice(it policy.SummaryItem) string {
	shared := slices.Contains(it.Details, "Third Party Sharing/Collection")
	switch {
	case it.Source == "mention" || it.Attribute == "Third Party Entity":
		return "not shared with"
	case it.Attribute == "Purpose" && shared:
		return "not shared for"
	case it.Attribute == "Purpose":
		return "not used for"
	case shared:
		return "not shared"
	}
	return "not collected or used"
}

// maxRefs is how many clause references (an ordinal or a run of them)
// a summary item lists in text output before it counts the rest.
const maxRefs = 10

// clauseRefs writes ordinals (ascending) for the text summary: runs of
// three or more as a range ("55-58"), at most maxRefs references, then
// how many clauses are left out ("+12 more"), so that a value stated in
// dozens of clauses keeps to the width of a line. The JSON lists them all.
func clauseRefs(ordinals []int) string {
	var refs []string
	shown := 0
	for i := 0; i < len(ordinals); {
		j := i
		for j+1 < len(ordinals) && ordinals[j+1] == ordinals[j]+1 {
			j++
		}
		if len(refs) == maxRefs {
			return strings.Join(refs, ",") + fmt.Sprintf(",+%d more", len(ordinals)-shown)
		}
		switch {
		case j-i >= 2:
			refs = append(refs, fmt.Sprintf("%d-%d", ordinals[i], ordinals[j]))
		default:
			j = i
			refs = append(refs, fmt.Sprint(ordinals[i]))
		}
		shown += j - i + 1
		i = j + 1
	}
	return strings.Join(refs, ",")
}

// writePrefixed prints text wrapped after a prefix, its further lines
// indented as far as the prefix.
func writePrefixed(w io.Writer, prefix, text string) {
	indent := strings.Repeat(" ", len(prefix))
	for i, line := range wrap(text, wrapWidth-len(prefix)) {
		if i == 0 {
			fmt.Fprintf(w, "%s%s\n", prefix, line)
		} else {
			fmt.Fprintf(w, "%s%s\n", indent, line)
		}
	}
}

func field(w io.Writer, name, value string) {
	if value == "" {
		value = "-"
	}
	fmt.Fprintf(w, "%-12s %s\n", name+":", value)
}

// wrap breaks text into lines of at most width runes at spaces; a word longer
// than width gets a line of its own.
func wrap(text string, width int) []string {
	var lines []string
	var cur strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		wl := len([]rune(word))
		if n > 0 && n+1+wl > width {
			lines = append(lines, cur.String())
			cur.Reset()
			n = 0
		}
		if n > 0 {
			cur.WriteByte(' ')
			n++
		}
		cur.WriteString(word)
		n += wl
	}
	if n > 0 {
		lines = append(lines, cur.String())
	}
	return lines
}
