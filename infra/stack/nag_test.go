package stack

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// TestNagFindings fails on any AwsSolutions error or warning that is not
// suppressed. cdk-nag reports its findings as synthesis annotations.
func TestNagFindings(t *testing.T) {
	nag := assertions.Match_StringLikeRegexp(jsii.String("AwsSolutions-"))
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			for _, m := range *s.annotations.FindError(jsii.String("*"), nag) {
				t.Errorf("unsuppressed cdk-nag error at %s: %v", *m.Id, m.Entry.Data)
			}
			for _, m := range *s.annotations.FindWarning(jsii.String("*"), nag) {
				t.Errorf("unsuppressed cdk-nag warning at %s: %v", *m.Id, m.Entry.Data)
			}
			// The rules did run: the report lists compliant resources.
			report := s.nagReport(t)
			compliant := 0
			for _, row := range report {
				if row["Compliance"] == "Compliant" {
					compliant++
				}
			}
			if compliant < 20 {
				t.Errorf("the cdk-nag report has %d compliant findings: did the AwsSolutions checks run?", compliant)
			}
		})
	}
}

// TestNagSuppressions lists every suppression: each needs a real reason, and
// adding one means adding it here, where a reviewer sees it.
func TestNagSuppressions(t *testing.T) {
	want := map[string][]string{
		"PolicyLens": {
			"AwsSolutions-IAM4 BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
			"AwsSolutions-IAM5 IngestRole",
			"AwsSolutions-IAM5 PolicyChangedRule",
			"AwsSolutions-SMG4 CursorSecret",
		},
		"PolicyLensJwt": {
			"AwsSolutions-IAM4 BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
			"AwsSolutions-IAM5 IngestRole",
			"AwsSolutions-IAM5 PolicyChangedRule",
			"AwsSolutions-SMG4 CursorSecret",
		},
		"PolicyLensOpen": {
			"AwsSolutions-APIG4 LookupApi",
			"AwsSolutions-IAM4 BucketNotificationsHandler050a0587b7544547bf325f094a3db834",
			"AwsSolutions-IAM5 IngestRole",
			"AwsSolutions-IAM5 PolicyChangedRule",
			"AwsSolutions-SMG4 CursorSecret",
		},
	}
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			var got []string
			for _, row := range s.nagReport(t) {
				if row["Compliance"] != "Suppressed" {
					continue
				}
				reason := row["Exception Reason"]
				if i := strings.Index(reason, "] "); strings.HasPrefix(reason, "[") && i > 0 {
					reason = reason[i+2:] // drop the "[appliesTo]" cdk-nag puts first
				}
				if len(reason) < 60 {
					t.Errorf("%s on %s: reason %q is too short to explain anything", row["Rule ID"], row["Resource ID"], reason)
				}
				path := strings.Split(row["Resource ID"], "/")
				entry := row["Rule ID"] + " " + path[1]
				if !slices.Contains(got, entry) {
					got = append(got, entry)
				}
			}
			sort.Strings(got)
			if !slices.Equal(got, want[s.cfg.StackName]) {
				t.Errorf("suppressions:\n got %q\nwant %q", got, want[s.cfg.StackName])
			}
		})
	}
}

// nagReport reads the CSV report cdk-nag writes beside the template.
func (s *synthesized) nagReport(t *testing.T) []map[string]string {
	t.Helper()
	f, err := os.Open(filepath.Join(assemblyDir, "AwsSolutions-"+s.cfg.StackName+"-NagReport.csv"))
	if err != nil {
		t.Fatalf("cdk-nag report: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("cdk-nag report: %v (%d rows)", err, len(rows))
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, h := range rows[0] {
			if i < len(r) {
				m[h] = r[i]
			}
		}
		out = append(out, m)
	}
	return out
}
