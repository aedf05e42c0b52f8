package store

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/policylens/policylens/shared/analysis/analyze"
	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// generatedPolicy writes a policy of n paragraphs about a rotating set of
// practices.
func generatedPolicy(n int) []byte {
	practices := []string{
		"We collect the e-mail address and delivery address you give us when you order, and use them to deliver the order.",
		"We share your address with the courier that delivers your parcel and with nobody else.",
		"You can opt out of marketing e-mails at any time with the link at the bottom of each message.",
		"You may download a copy of your data or delete your account from the settings page.",
		"Order records are kept for six years and then erased; usage logs are deleted after one year.",
		"Your data is encrypted in transit and at rest, and access is limited to staff who need it.",
		"We will e-mail you thirty days before any change to this policy takes effect.",
		"Write to our data protection officer at privacy@example.org with any question about your data.",
	}
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%s This is paragraph %d of %d.\n\n", practices[i%len(practices)], i+1, n)
	}
	return []byte(b.String())
}

// BenchmarkItems reports what one version of a 3,000-clause policy costs
// to store: items, kilobytes, and write units on the table and its byLabel
// index (one unit per started KB of each item). The label entries depend
// on the model: the "3 labels" case assigns three labels to every clause,
// an upper bound for real policies.
func BenchmarkItems(b *testing.B) {
	m, err := classify.Default()
	if err != nil {
		b.Fatal(err)
	}
	res, err := analyze.New(m, policy.DefaultLimits()).Analyze(context.Background(), "policy.txt", generatedPolicy(3000))
	if err != nil {
		b.Fatal(err)
	}
	threeLabels := *res
	threeLabels.Clauses = make([]policy.Clause, len(res.Clauses))
	for i, c := range res.Clauses {
		c.Labels = []policy.LabelScore{{Label: "Data Retention", Score: 0.9}, {Label: "Data Security", Score: 0.8}, {Label: "Policy Change", Score: 0.7}}
		threeLabels.Clauses[i] = c
	}
	for _, tc := range []struct {
		name string
		res  *policy.Analysis
	}{{"model", res}, {"3 labels", &threeLabels}} {
		b.Run(tc.name, func(b *testing.B) {
			var items, bytes, wcu, gsiWCU int
			for b.Loop() {
				items, bytes, wcu, gsiWCU = 0, 0, 0, 0
				for _, c := range tc.res.Clauses {
					its, err := clauseItems("policies-privacy-policy-txt-0123456789ab", "67c5823a8b1d2e41", c, topology.Shards)
					if err != nil {
						b.Fatal(err)
					}
					for _, it := range its {
						n := itemSize(it)
						items++
						bytes += n
						wcu += (n + 1023) / 1024
						if _, ok := it["gsi1pk"]; ok {
							gsiWCU += (n + 1023) / 1024
						}
					}
				}
			}
			b.ReportMetric(float64(len(tc.res.Clauses)), "clauses")
			b.ReportMetric(float64(items), "items")
			b.ReportMetric(float64(bytes)/1024, "KB")
			b.ReportMetric(float64(wcu), "WCU")
			b.ReportMetric(float64(gsiWCU), "indexWCU")
		})
	}
}
