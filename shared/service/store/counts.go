package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/fault"
	"github.com/policylens/policylens/shared/service/topology"
)

// Vocabulary counts. Each policy item records, in attrCounts, how many of
// its current version's clauses state each value, each attribute and each
// mention kind ("<group>|<name>": the group is the category slug, or
// "mentions", or "*" for the totals). Counter items sum them over all
// policies: the policy's change and the change of the counters are one
// transaction (TransactWriteItems), on the same condition as the change
// alone, so that the counters move exactly once for every switch of a
// current version, failure and deletion, however events are repeated or
// reordered. A reader sums the counter items of all shards with one query.
//
//	pk "N", sk "<shard>#<group>": "c:<name>" the clauses, "p:<name>" the
//	policies whose current version states <name>
//
// Each transaction touches the counter items of one shard (the policy's),
// one per group, so that the update expression of each stays far below
// DynamoDB's 4 KB whatever a policy states.
const (
	countsPK        = "N"
	typeCounts      = "counts"
	countsAttribute = "attrCounts"
	mentionsGroup   = "mentions"
	totalsGroup     = "*"
)

func countValueKey(cat, attr, value string) string { return cat + "|" + attr + "/" + value }
func countPairKey(cat, attr string) string         { return cat + "|" + attr }
func countKindKey(kind string) string              { return mentionsGroup + "|" + kind }

// Count keys of the totals.
const (
	CountPolicies = totalsGroup + "|policies"
	CountClauses  = totalsGroup + "|clauses"
)

// CountValueKey, CountPairKey and CountKindKey are the keys of
// AttributeCounts for a value, an attribute (any value), and a mention kind
// (slugs and kind names as in package attributes).
func CountValueKey(cat, attr, value string) string { return countValueKey(cat, attr, value) }
func CountPairKey(cat, attr string) string         { return countPairKey(cat, attr) }
func CountKindKey(kind string) string              { return countKindKey(kind) }

// Count is how many current policies, and how many of their clauses, state
// something.
type Count struct {
	Policies int `json:"policies"`
	Clauses  int `json:"clauses"`
}

// countDelta groups what the counters change by when a policy's counts go
// from old to new: per group, attribute name ("c:..." or "p:...") to
// change.
func countDelta(old, new map[string]int) map[string]map[string]int {
	out := map[string]map[string]int{}
	add := func(key string, dc, dp int) {
		group, name, ok := strings.Cut(key, "|")
		if !ok || (dc == 0 && dp == 0) {
			return
		}
		if out[group] == nil {
			out[group] = map[string]int{}
		}
		if dc != 0 {
			out[group]["c:"+name] += dc
		}
		if dp != 0 {
			out[group]["p:"+name] += dp
		}
	}
	for k, n := range new {
		add(k, n-old[k], b2i(n > 0)-b2i(old[k] > 0))
	}
	for k, n := range old {
		if _, ok := new[k]; !ok {
			add(k, -n, -b2i(n > 0))
		}
	}
	for g, m := range out {
		for k, n := range m {
			if n == 0 {
				delete(m, k)
			}
		}
		if len(m) == 0 {
			delete(out, g)
		}
	}
	return out
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func countsKey(shard int, group string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{
		topology.PartitionKey: str(countsPK),
		topology.SortKey:      str(fmt.Sprintf("%02d#%s", shard, group)),
	}
}

// updateCounting runs in, a conditional update of the policy item of id,
// together with delta on the counters of the policy's shard. A failed
// condition is reported as a ConditionalCheckFailedException, as the
// update alone would report it.
func (s *Store) updateCounting(ctx context.Context, id string, in *dynamodb.UpdateItemInput, delta map[string]map[string]int) error {
	if len(delta) == 0 {
		_, err := s.db.UpdateItem(ctx, in)
		return err
	}
	items := []types.TransactWriteItem{{Update: &types.Update{
		TableName: in.TableName, Key: in.Key, UpdateExpression: in.UpdateExpression,
		ConditionExpression: in.ConditionExpression, ExpressionAttributeNames: in.ExpressionAttributeNames,
		ExpressionAttributeValues: in.ExpressionAttributeValues,
	}}}
	shard := shardOf(id, s.shards())
	groups := make([]string, 0, len(delta))
	for g := range delta {
		groups = append(groups, g)
	}
	slices.Sort(groups)
	for _, g := range groups {
		e := newExpr()
		e.Set("type", str(typeCounts))
		names := make([]string, 0, len(delta[g]))
		for k := range delta[g] {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			e.add = append(e.add, e.name(k)+" "+e.v(num(int64(delta[g][k]))))
		}
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.table, Key: countsKey(shard, g), UpdateExpression: e.Update(),
			ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
		}})
	}
	for attempt := 0; ; attempt++ {
		_, err := s.db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		var tc *types.TransactionCanceledException
		switch {
		case err == nil:
			return nil
		case errors.As(err, &tc):
			retry := false
			for i, r := range tc.CancellationReasons {
				switch aws.ToString(r.Code) {
				case "ConditionalCheckFailed":
					if i == 0 {
						return &types.ConditionalCheckFailedException{Message: aws.String("the policy changed")}
					}
				case "TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded":
					retry = true
				}
			}
			if !retry {
				return err
			}
		case !isThrottle(err) && !isConflict(err):
			return err
		}
		if attempt+1 >= s.Retry.Attempts {
			return fault.Wrap(fault.Throttled, err, fmt.Sprintf("still conflicting after %d attempts: %v", attempt+1, err))
		}
		if werr := s.Retry.wait(ctx, attempt); werr != nil {
			return werr
		}
	}
}

func isConflict(err error) bool {
	var tc *types.TransactionConflictException
	var ip *types.TransactionInProgressException
	return errors.As(err, &tc) || errors.As(err, &ip)
}

// AttributeCounts sums the counters of all shards: for every count key
// (see CountValueKey, CountPairKey, CountKindKey, CountPolicies and
// CountClauses) that any current policy states, how many policies and
// clauses state it. One query, whatever the number of policies.
func (s *Store) AttributeCounts(ctx context.Context) (map[string]Count, error) {
	e := newExpr()
	kc := e.n(topology.PartitionKey) + " = " + e.v(str(countsPK))
	in := &dynamodb.QueryInput{
		TableName: &s.table, KeyConditionExpression: &kc,
		ExpressionAttributeNames: e.Names(), ExpressionAttributeValues: e.Values(),
	}
	out := map[string]Count{}
	for {
		res, err := s.db.Query(ctx, in)
		if err != nil {
			return nil, fmt.Errorf("read attribute counts: %w", err)
		}
		for _, it := range res.Items {
			_, group, ok := strings.Cut(sortKeyOf(it, topology.SortKey), "#")
			if !ok {
				continue
			}
			for attr, av := range it {
				n, ok := av.(*types.AttributeValueMemberN)
				if !ok {
					continue
				}
				v, err := strconv.Atoi(n.Value)
				if err != nil {
					continue
				}
				kind, name, ok := strings.Cut(attr, ":")
				if !ok {
					continue
				}
				key := group + "|" + name
				c := out[key]
				switch kind {
				case "c":
					c.Clauses += v
				case "p":
					c.Policies += v
				}
				out[key] = c
			}
		}
		if len(res.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	for k, c := range out {
		if c.Policies <= 0 && c.Clauses <= 0 {
			delete(out, k)
			continue
		}
		out[k] = Count{Policies: max(c.Policies, 0), Clauses: max(c.Clauses, 0)}
	}
	return out, nil
}
