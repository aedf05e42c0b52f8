package lookup

import (
	"fmt"
	"time"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/store"
	"github.com/policylens/policylens/shared/service/topology"
)

// The JSON documents of the API. Their schemas are in api/openapi.yaml.

type policySummary struct {
	ID       string `json:"id"`
	Bucket   string `json:"bucket"`
	Key      string `json:"key"`
	Status   string `json:"status"`
	Reason   string `json:"reason,omitempty"`
	Title    string `json:"title,omitempty"`
	Format   string `json:"format,omitempty"`
	Language string `json:"language,omitempty"`
	// Notes are what a reader of the current version's labels should
	// know (policy.Summary.Notes).
	Notes   []string `json:"notes,omitempty"`
	Pages   int      `json:"pages,omitempty"`
	Bytes   int64    `json:"bytes,omitempty"`
	Clauses int      `json:"clauses"`
	// The models and rules that analysed its current version.
	policy.Versions
	CreatedAt string `json:"createdAt,omitempty"`
	UpdatedAt string `json:"updatedAt"`
}

// policyListItem is a policy as the listing shows it: its summary, its
// company and the regulations its key facts name (the policy itself has
// them in facts).
type policyListItem struct {
	policySummary
	// Company is the name the policy's company goes by (facts.company).
	Company     string   `json:"company,omitempty"`
	Regulations []string `json:"regulations"`
}

type policyList struct {
	Items      []policyListItem `json:"items"`
	NextCursor string           `json:"nextCursor,omitempty"`
}

type policyDetail struct {
	policySummary
	// Version is the id of the version whose analysis the policy shows
	// (GET /policies/{id}/versions); VersionID is the S3 object version.
	Version        string         `json:"version,omitempty"`
	VersionID      string         `json:"versionId,omitempty"`
	ETag           string         `json:"eTag,omitempty"`
	SHA256         string         `json:"sha256,omitempty"`
	Encoding       string         `json:"encoding,omitempty"`
	Facts          *policy.Facts  `json:"facts,omitempty"`
	FactsTruncated bool           `json:"factsTruncated,omitempty"`
	LabelCounts    map[string]int `json:"labelCounts,omitempty"`
}

// StalledAfter is how long a policy may stay PROCESSING without a new
// attempt before it is shown FAILED: two deliveries of its message, each
// the queue's visibility timeout plus the ingest function's time. Every
// delivery claims the policy anew (and sets updatedAt), so a claim this old
// means that no delivery is coming: the last one was killed before it
// could mark the policy FAILED (the Lambda runtime crashed or timed out on
// the message's last attempt), and the message is in the dead-letter
// queue.
var StalledAfter = 2 * (topology.VisibilityTimeout(topology.Ingest.Timeout()) + topology.Ingest.Timeout())

// stalledReason is the reason a stalled policy shows.
const stalledReason = "processing stopped without a result: no attempt has finished since %s; " +
	"its message is in the ingest dead-letter queue (redrive it, docs/operations.md#redrive) or still queued behind a backlog"

func summaryOf(p *store.Policy, now time.Time) policySummary {
	s := policySummary{
		ID: p.ID, Bucket: p.Bucket, Key: p.Key, Status: string(p.Status), Reason: p.Reason,
		Title: p.Title, Format: p.Format, Language: p.Language, Notes: p.Notes, Pages: p.Pages, Bytes: p.Bytes, Clauses: p.Clauses,
		Versions:  p.AnalysedBy(),
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt,
	}
	if p.Status == policy.Processing {
		if t, err := time.Parse(time.RFC3339Nano, p.UpdatedAt); err == nil && now.Sub(t) > StalledAfter {
			s.Status, s.Reason = string(policy.Failed), fmt.Sprintf(stalledReason, p.UpdatedAt)
		}
	}
	return s
}

func detailOf(p *store.Policy, now time.Time) policyDetail {
	d := policyDetail{
		policySummary: summaryOf(p, now), Version: p.Version, VersionID: p.VersionID, ETag: p.ETag, SHA256: p.SHA256,
		Encoding: p.Encoding, FactsTruncated: p.FactsTruncated, LabelCounts: p.LabelCounts,
	}
	// Facts and counts describe the current generation: a READY policy's,
	// or the previous version's while a new one is PROCESSING.
	if p.Gen != "" {
		f := p.Facts
		f.Emails, f.URLs, f.Regulations = nonNil(f.Emails), nonNil(f.URLs), nonNil(f.Regulations)
		d.Facts = &f
		if d.LabelCounts == nil {
			d.LabelCounts = map[string]int{}
		}
	}
	return d
}

type labelRef struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

type labelScore struct {
	Label string  `json:"label"`
	Slug  string  `json:"slug"`
	Score float64 `json:"score"`
}

type clauseView struct {
	Ordinal   int                `json:"ordinal"`
	Heading   []string           `json:"heading"`
	Text      string             `json:"text"`
	Truncated bool               `json:"truncated,omitempty"`
	Start     int                `json:"start"`
	End       int                `json:"end"`
	Page      int                `json:"page,omitempty"`
	Labels    []labelScore       `json:"labels"`
	Scores    map[string]float64 `json:"scores"`
	// Attributes and Mentions are what the clause states (see GET
	// /attributes), with their evidence spans.
	Attributes []attrView    `json:"attributes"`
	Mentions   []mentionView `json:"mentions"`
}

func clauseViewOf(c store.Clause) clauseView {
	v := clauseView{
		Ordinal: c.Ordinal, Heading: nonNil(c.Heading), Text: c.Text, Truncated: c.Truncated,
		Start: c.Start, End: c.End, Page: c.Page, Labels: make([]labelScore, 0, len(c.Labels)), Scores: c.Scores,
		Attributes: make([]attrView, 0, len(c.Attributes)), Mentions: make([]mentionView, 0, len(c.Mentions)),
	}
	for _, a := range c.Attributes {
		v.Attributes = append(v.Attributes, attrViewOf(a))
	}
	for _, m := range c.Mentions {
		v.Mentions = append(v.Mentions, mentionViewOf(m))
	}
	if v.Scores == nil {
		v.Scores = map[string]float64{}
	}
	for _, l := range c.Labels {
		ls := labelScore{Label: l.Label, Score: l.Score}
		if i, ok := labels.Index(l.Label); ok {
			ls.Slug = labels.All[i].Slug
		}
		v.Labels = append(v.Labels, ls)
	}
	return v
}

type clauseList struct {
	PolicyID string `json:"policyId"`
	Status   string `json:"status"`
	// Version is the id of the version listed.
	Version    string       `json:"version,omitempty"`
	Items      []clauseView `json:"items"`
	NextCursor string       `json:"nextCursor,omitempty"`
}

// foundClauseView is a clause found through an index (a label's, an
// attribute value's or a mention's), with the score it was found by.
type foundClauseView struct {
	PolicyID  string   `json:"policyId"`
	Ordinal   int      `json:"ordinal"`
	Heading   []string `json:"heading"`
	Text      string   `json:"text"`
	Truncated bool     `json:"truncated,omitempty"`
	Page      int      `json:"page,omitempty"`
	Score     float64  `json:"score"`
}

type labelClauseList struct {
	Label      labelRef          `json:"label"`
	Items      []foundClauseView `json:"items"`
	NextCursor string            `json:"nextCursor,omitempty"`
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
