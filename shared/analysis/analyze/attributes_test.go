package analyze

import (
	"context"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/policylens/policylens/shared/analysis/summary"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/local/fixture"
)

// Labelled clauses carry attributes whose spans lie in their text, and the
// privacy summary's items name clauses that state them.
func TestAnalyzeAttributesAndSummary(t *testing.T) {
	data, err := os.ReadFile(fixture.Path("testdata", "policies", "lumen-fitness.txt"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := analyzer(t).Analyze(context.Background(), "lumen-fitness.txt", data)
	if err != nil {
		t.Fatal(err)
	}
	withAttrs := 0
	for _, c := range res.Clauses {
		if c.Attributes == nil || c.Mentions == nil {
			t.Fatalf("clause %d: nil attributes or mentions would print as null", c.Ordinal)
		}
		if len(c.Labels) == 0 && len(c.Attributes) > 0 {
			t.Errorf("clause %d has attributes but no label", c.Ordinal)
		}
		if len(c.Attributes) > 0 {
			withAttrs++
		}
		n := utf8.RuneCountInString(c.Text)
		for _, a := range c.Attributes {
			if len(a.Spans) == 0 || a.Score <= 0 || a.Score > 1 {
				t.Errorf("clause %d: %+v has no span or a score outside (0,1]", c.Ordinal, a)
			}
			for _, s := range a.Spans {
				if s.Start < 0 || s.End > n || s.Start >= s.End {
					t.Errorf("clause %d: span %+v outside its %d code points", c.Ordinal, s, n)
				}
			}
		}
		for _, m := range c.Mentions {
			if m.Span.Start < 0 || m.Span.End > n || m.Span.Start >= m.Span.End {
				t.Errorf("clause %d: mention %+v outside its %d code points", c.Ordinal, m, n)
			}
		}
	}
	if withAttrs < len(res.Clauses)/4 {
		t.Errorf("%d of %d clauses have attributes", withAttrs, len(res.Clauses))
	}
	p := res.Privacy
	if len(p.DataCollected) == 0 || len(p.ThirdParties) == 0 || len(p.Choices) == 0 {
		t.Errorf("summary lacks data collected, third parties or choices: %+v", p)
	}
	for _, sec := range [][]policy.SummaryItem{p.DataCollected, p.Purposes, p.ThirdParties, p.Retention, p.Choices,
		p.Access, p.Audiences, p.Security, p.DoNotTrack, p.Changes} {
		for _, it := range sec {
			if len(it.Clauses) == 0 {
				t.Errorf("%+v names no clause", it)
			}
			for _, o := range it.Clauses {
				if o < 1 || o > len(res.Clauses) || !states(res.Clauses[o-1], it) {
					t.Errorf("%+v: clause %d does not state it", it, o)
				}
			}
		}
	}
}

func states(c policy.Clause, it policy.SummaryItem) bool { return summary.States(c, it) }

// A policy not in English gets no attributes or mentions and an empty
// summary (every section present and empty).
func TestAnalyzeNoAttributesInFrench(t *testing.T) {
	french := "Politique de confidentialité\n\nNous collectons votre nom et votre adresse e-mail lors de votre inscription, et nous les utilisons pour gérer votre compte.\n\n" +
		"Nous partageons l'historique de vos achats avec Google Analytics et nos partenaires publicitaires pendant 30 jours.\n"
	res, err := analyzer(t).Analyze(context.Background(), "fr.txt", []byte(french))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range res.Clauses {
		if len(c.Attributes) > 0 || len(c.Mentions) > 0 {
			t.Errorf("clause %d: %+v %+v", c.Ordinal, c.Attributes, c.Mentions)
		}
	}
	p := res.Privacy
	if p.DataCollected == nil || len(p.DataCollected)+len(p.ThirdParties)+len(p.Retention) != 0 {
		t.Errorf("summary of a French policy: %+v", p)
	}
	if v := res.Policy.AttributeModelVersion; v != "" {
		t.Errorf("a French policy names the attribute model %q, which gave it no attributes", v)
	}
}
