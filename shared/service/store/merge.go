package store

import (
	"context"
	"maps"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxChunk bounds how many items one shard query reads.
const maxChunk = 256

// querier is the Query call of the table.
type querier interface {
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

// merger reads the shards of an index partition key as one list, in the
// order of the index sort key: a k-way merge that queries each shard a few
// items at a time, so that a page of n items costs about n reads plus a few
// per shard, not n per shard.
type merger struct {
	db      querier
	sortKey string // attribute holding the order
	desc    bool
	streams []*stream
}

type stream struct {
	in   dynamodb.QueryInput
	buf  []map[string]types.AttributeValue
	lek  map[string]types.AttributeValue
	done bool
}

// newMerger returns a merger over queries ins, one per shard, whose
// results are ordered by sortKey (descending when desc). Each query's Limit
// is how many items it fetches at a time.
func newMerger(db querier, sortKey string, desc bool, ins []*dynamodb.QueryInput) *merger {
	m := &merger{db: db, sortKey: sortKey, desc: desc}
	for _, in := range ins {
		m.streams = append(m.streams, &stream{in: *in})
	}
	return m
}

// fill fetches the next items of every stream that has run dry, at once.
func (m *merger) fill(ctx context.Context) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for _, s := range m.streams {
		if len(s.buf) > 0 || s.done {
			continue
		}
		wg.Go(func() {
			in := s.in
			in.ExpressionAttributeValues = maps.Clone(s.in.ExpressionAttributeValues)
			in.ExclusiveStartKey = s.lek
			out, err := m.db.Query(ctx, &in)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				return
			}
			s.buf = out.Items
			s.lek = out.LastEvaluatedKey
			if len(s.lek) == 0 {
				s.done = true
			}
			// A shard read again is one the page needs more of: read
			// more at a time.
			if s.in.Limit != nil && *s.in.Limit < maxChunk {
				s.in.Limit = aws.Int32(min(2**s.in.Limit, maxChunk))
			}
		})
	}
	wg.Wait()
	return first
}

// next returns the next item in merged order, or nil at the end.
func (m *merger) next(ctx context.Context) (map[string]types.AttributeValue, error) {
	for {
		if err := m.fill(ctx); err != nil {
			return nil, err
		}
		var best *stream
		var bestKey string
		pending := false
		for _, s := range m.streams {
			if len(s.buf) == 0 {
				if !s.done {
					pending = true // an empty page with more to come
				}
				continue
			}
			k := sortKeyOf(s.buf[0], m.sortKey)
			if best == nil || (!m.desc && k < bestKey) || (m.desc && k > bestKey) {
				best, bestKey = s, k
			}
		}
		if pending {
			continue
		}
		if best == nil {
			return nil, nil
		}
		item := best.buf[0]
		best.buf = best.buf[1:]
		return item, nil
	}
}

func sortKeyOf(item map[string]types.AttributeValue, attr string) string {
	if s, ok := item[attr].(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
