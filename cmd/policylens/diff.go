package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/analysis/language"
	"github.com/policylens/policylens/shared/domain/policy"
)

// diffOutput is the JSON of policylens diff: the change report with the
// two files it compares in place of the service's version ids.
type diffOutput struct {
	From string `json:"from"`
	To   string `json:"to"`
	*changes.Report
}

func runDiff(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	formatOf := formatFlag(fs, "text", "output format: json or text", "json", "text")
	limits := limitFlags(fs)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: policylens diff [--format json|text] [--max-bytes N] [--max-pages N] [--max-clauses N] [--timeout D] [--max-memory MB] OLD NEW")
		fmt.Fprintln(stderr, "Compares two versions of a policy (any formats; - reads one from stdin).")
		fs.PrintDefaults()
	}
	files, ok := parseFiles(fs, args, 2)
	if !ok {
		return 2
	}
	format, ok := formatOf(stderr)
	if !ok {
		return 2
	}
	if files[0] == "-" && files[1] == "-" {
		fmt.Fprintln(stderr, "policylens diff: only one of OLD and NEW can be - (stdin)")
		return 2
	}
	lim := limits()
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(cliMemoryLimit)
	}
	m, err := classify.Default()
	if err != nil {
		fmt.Fprintf(stderr, "policylens diff: load model: %v\n", err)
		return 1
	}
	an := analyze.New(m, lim)
	var versions [2]*policy.Analysis
	for k, name := range files {
		data, err := readInput(name, stdin, lim.MaxBytes)
		if err != nil {
			fmt.Fprintf(stderr, "policylens diff: %v\n", err)
			return 1
		}
		versions[k], err = an.Analyze(ctx, displayName(name), data)
		if err != nil {
			fmt.Fprintf(stderr, "policylens diff: %v\n", err)
			return 1
		}
	}
	rep := changes.Compare(versions[0], versions[1])
	if format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		err = enc.Encode(diffOutput{From: displayName(files[0]), To: displayName(files[1]), Report: rep})
	} else {
		err = writeDiffText(stdout, displayName(files[0]), displayName(files[1]), rep)
	}
	if err != nil {
		fmt.Fprintf(stderr, "policylens diff: write output: %v\n", err)
		return 1
	}
	return 0
}

// writeDiffText prints a change report for people: the counts, the label
// counts, facts and headings that changed, then each changed clause, a
// modified one with its deletions in [-...-] and insertions in {+...+}.
func writeDiffText(w io.Writer, from, to string, r *changes.Report) error {
	bw := bufio.NewWriter(w)
	s := r.Summary
	title := fmt.Sprintf("Changes from %s to %s", from, to)
	fmt.Fprintf(bw, "%s\n%s\n", title, strings.Repeat("=", min(len([]rune(title)), wrapWidth)))
	fmt.Fprintf(bw, "%d added, %d removed, %d modified, %d moved, %d unchanged", s.Added, s.Removed, s.Modified, s.Moved, s.Unchanged)
	if s.Cosmetic > 0 {
		fmt.Fprintf(bw, " (%d with cosmetic edits)", s.Cosmetic)
	}
	if s.Headings > 0 {
		fmt.Fprintf(bw, "; headings changed: %d", s.Headings)
	}
	fmt.Fprintln(bw)
	if r.Quiet() {
		fmt.Fprintln(bw, "Cosmetic only: no clause was added, removed, modified or moved.")
	}
	for _, f := range r.Facts {
		if f.Fact == changes.FactLanguage {
			note := fmt.Sprintf("Note: the versions are in different languages (%s, then %s): their clauses are compared as text, so a translation reads as a new policy, and only English is labelled.",
				language.Name(f.Before), language.Name(f.After))
			for _, line := range wrap(note, wrapWidth) {
				fmt.Fprintln(bw, line)
			}
		}
	}

	if len(r.Labels) > 0 {
		fmt.Fprintf(bw, "\nClauses per label (before -> after)\n")
		for _, l := range r.Labels {
			fmt.Fprintf(bw, "  %-38s %5d -> %d\n", l.Label, l.Before, l.After)
		}
	}
	if len(r.Attributes) > 0 {
		fmt.Fprintf(bw, "\nClauses per attribute value (before -> after)\n")
		for _, a := range r.Attributes {
			name := a.Category + " / " + a.Attribute + ": " + a.Value
			if a.Kind != "" {
				name = a.Kind + ": " + a.Value
			}
			if a.Denied {
				name += " (denied)"
			}
			// A name too long for its column takes lines of its own, the
			// counts stay in theirs.
			lines := wrap(name, 70)
			last := lines[len(lines)-1]
			for _, l := range lines[:len(lines)-1] {
				fmt.Fprintf(bw, "  %s\n", l)
			}
			if len([]rune(last)) > 70 {
				fmt.Fprintf(bw, "  %s\n", last)
				last = ""
			}
			fmt.Fprintf(bw, "  %-70s %5d -> %d\n", last, a.Before, a.After)
		}
	}
	if len(r.Facts) > 0 {
		fmt.Fprintf(bw, "\nKey facts\n")
		for _, f := range r.Facts {
			if f.Added != nil || f.Removed != nil {
				var parts []string
				for _, v := range f.Added {
					parts = append(parts, "+ "+v)
				}
				for _, v := range f.Removed {
					parts = append(parts, "- "+v)
				}
				fmt.Fprintf(bw, "  %-12s %s\n", f.Fact+":", strings.Join(parts, ", "))
				continue
			}
			fmt.Fprintf(bw, "  %-12s %s -> %s\n", f.Fact+":", orDash(f.Before), orDash(f.After))
		}
	}
	if len(r.Headings) > 0 {
		fmt.Fprintf(bw, "\nHeadings\n")
		for _, h := range r.Headings {
			fmt.Fprintf(bw, "  %s -> %s (%d clauses)\n", path(h.Before), path(h.After), h.Clauses)
		}
	}
	for _, c := range r.Clauses {
		fmt.Fprintln(bw)
		switch c.Change {
		case changes.Added:
			fmt.Fprintf(bw, "+ added [%d] %s\n", c.After.Ordinal, path(c.After.Heading))
			writeWrapped(bw, c.After.Text)
		case changes.Removed:
			fmt.Fprintf(bw, "- removed [%d] %s\n", c.Before.Ordinal, path(c.Before.Heading))
			writeWrapped(bw, c.Before.Text)
		case changes.Moved:
			fmt.Fprintf(bw, "> moved [%d] -> [%d] %s\n", c.Before.Ordinal, c.After.Ordinal, path(c.After.Heading))
			if p := path(c.Before.Heading); changes.Key(p) != changes.Key(path(c.After.Heading)) {
				fmt.Fprintf(bw, "    (was under %s)\n", p)
			}
			writeWrapped(bw, c.After.Text)
		case changes.Modified:
			fmt.Fprintf(bw, "~ modified [%s] -> [%d] %s\n", ordinals(c), c.After.Ordinal, path(c.After.Heading))
			var sb strings.Builder
			for _, op := range c.Diff {
				switch op.Op {
				case changes.OpInsert:
					sb.WriteString("{+" + strings.TrimSpace(op.Text) + "+} ")
				case changes.OpDelete:
					sb.WriteString("[-" + strings.TrimSpace(op.Text) + "-] ")
				default:
					sb.WriteString(op.Text)
				}
			}
			writeWrapped(bw, sb.String())
		}
	}
	return bw.Flush()
}

func writeWrapped(w io.Writer, text string) {
	for _, line := range wrap(text, wrapWidth-4) {
		fmt.Fprintf(w, "    %s\n", line)
	}
}

func ordinals(c changes.ClauseChange) string {
	if len(c.Sources) == 0 {
		return fmt.Sprint(c.Before.Ordinal)
	}
	parts := make([]string, len(c.Sources))
	for i, o := range c.Sources {
		parts[i] = fmt.Sprint(o)
	}
	return strings.Join(parts, "+")
}

func path(h []string) string {
	if len(h) == 0 {
		return "(no heading)"
	}
	return strings.Join(h, " > ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
