package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/topology"
)

// IndexClause is a clause found through the attribute index: the clause
// item, with the score the entry has (the attribute's score; 1 for a
// mention).
type IndexClause struct {
	PolicyID string
	Gen      string
	Score    float64
	Clause   Clause
	// position is the entry's byLabel sort key.
	position string
}

type indexEntry struct {
	PolicyID string  `dynamodbav:"id"`
	Gen      string  `dynamodbav:"gen"`
	Ordinal  int     `dynamodbav:"ordinal"`
	Score    float64 `dynamodbav:"score"`
	position string
}

// IndexClauses lists the clauses of list k across all policies, highest
// score first (ties by policy id, then ordinal), with the same paging as
// LabelClauses (Page.Next is a position ValidLabelPosition accepts). Only
// clauses of each policy's current version are listed.
func (s *Store) IndexClauses(ctx context.Context, k IndexKey, q LabelQuery) (Page[IndexClause], error) {
	if q.After != "" && !ValidLabelPosition(q.After) {
		return Page[IndexClause]{}, fmt.Errorf("bad listing position %q", q.After)
	}
	if q.Limit <= 0 || k.key == "" {
		return Page[IndexClause]{}, nil
	}
	entries, err := listIndex(ctx, s, k.pk, q,
		func(item map[string]types.AttributeValue) (indexEntry, error) {
			var e indexEntry
			if err := attributevalue.UnmarshalMap(item, &e); err != nil {
				return e, fmt.Errorf("read index entry: %w", err)
			}
			return e, nil
		},
		func(e *indexEntry) *indexRef { return &indexRef{e.PolicyID, e.Gen, &e.position} })
	if err != nil {
		return Page[IndexClause]{}, fmt.Errorf("list %s: %w", k.key, err)
	}
	keys := make([]map[string]types.AttributeValue, 0, len(entries.Items))
	for _, e := range entries.Items {
		keys = append(keys, map[string]types.AttributeValue{
			topology.PartitionKey: str(genPK(e.PolicyID, e.Gen)), topology.SortKey: str(clauseSK(e.Ordinal)),
		})
	}
	items, err := s.batchGet(ctx, keys, "")
	if err != nil {
		return Page[IndexClause]{}, fmt.Errorf("read clauses of %s: %w", k.key, err)
	}
	byKey := make(map[string]Clause, len(items))
	for _, it := range items {
		var c Clause
		if err := attributevalue.UnmarshalMap(it, &c); err != nil {
			return Page[IndexClause]{}, fmt.Errorf("read clause item: %w", err)
		}
		byKey[sortKeyOf(it, topology.PartitionKey)+"#"+sortKeyOf(it, topology.SortKey)] = c
	}
	page := Page[IndexClause]{Items: make([]IndexClause, 0, len(entries.Items)), Next: entries.Next}
	for _, e := range entries.Items {
		// A clause deleted since its entry was read (its version was
		// replaced meanwhile) is left out.
		c, ok := byKey[genPK(e.PolicyID, e.Gen)+"#"+clauseSK(e.Ordinal)]
		if !ok {
			continue
		}
		page.Items = append(page.Items, IndexClause{PolicyID: e.PolicyID, Gen: e.Gen, Score: e.Score, Clause: c, position: e.position})
	}
	return page, nil
}

// Summary returns the privacy summary of generation gen of policy p (""
// for the current one), with whether it was cut to fit. p must come from
// Policy; a gen that is neither current nor kept is ErrGenerationChanged.
// A version stored before summaries were has an empty one.
func (s *Store) Summary(ctx context.Context, p *Policy, gen string) (policy.PrivacySummary, bool, error) {
	var ps policy.PrivacySummary
	if gen == "" {
		gen = p.Gen
	}
	if gen == "" {
		return emptySummary(ps), false, nil
	}
	if gen != p.Gen && !p.keeps(gen) {
		return ps, false, ErrGenerationChanged
	}
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table,
		Key: map[string]types.AttributeValue{
			topology.PartitionKey: str(genPK(p.ID, gen)), topology.SortKey: str(summarySortKey),
		},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return ps, false, fmt.Errorf("read the summary of %s: %w", p.ID, err)
	}
	if av, ok := out.Item["privacy"]; ok {
		if err := unmarshalSummary(av, &ps); err != nil {
			return ps, false, fmt.Errorf("read the summary of %s: %w", p.ID, err)
		}
	}
	cut := false
	if b, ok := out.Item["truncated"].(*types.AttributeValueMemberBOOL); ok {
		cut = b.Value
	}
	return emptySummary(ps), cut, nil
}

// emptySummary makes every section of ps a list, never nil.
func emptySummary(ps policy.PrivacySummary) policy.PrivacySummary {
	for _, sec := range sections(&ps) {
		if *sec == nil {
			*sec = []policy.SummaryItem{}
		}
		for i := range *sec {
			if (*sec)[i].Clauses == nil {
				(*sec)[i].Clauses = []int{}
			}
		}
	}
	return ps
}
