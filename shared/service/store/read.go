package store

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/domain/labels"
	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/topology"
)

// Policy returns the policy with the given id, or ErrNotFound.
func (s *Store) Policy(ctx context.Context, id string) (*Policy, error) {
	if !s3event.ValidPolicyID(id) {
		return nil, ErrNotFound
	}
	p, err := s.Snapshot(ctx, id)
	if err != nil {
		return nil, err
	}
	if p == nil || p.Status == policy.Deleted {
		return nil, ErrNotFound
	}
	return p, nil
}

// Page is one page of a listing. Next is the position to resume after, or
// empty at the end of the listing.
type Page[T any] struct {
	Items []T
	Next  string
}

// policySummary are the attributes a policy listing reads.
var policySummary = []string{"id", "bucket", "key", "status", "reason", "title", "format", "language", "notes", "pages", "bytes",
	"clauses", "createdAt", "updatedAt", "modelVersion", "attributeModelVersion", "analysisVersion", topology.ByRecency.SortKey}

// PolicyQuery selects a page of the policy listing.
type PolicyQuery struct {
	// After is the position to list after (Page.Next), empty for the
	// first page.
	After string
	Limit int
	// Regulation, when set, keeps the policies whose key facts name it
	// (policy.Facts.Regulations). The listing then reads past the policies
	// that do not, as many as there are.
	Regulation string
	// Company, when set, keeps the policies whose company's CompanyKey
	// it is, the same way.
	Company string
}

// companyKeyAttribute holds CompanyKey of a policy's company on its item,
// for PolicyQuery.Company.
const companyKeyAttribute = "companyKey"

// CompanyKey is the form in which the listing compares companies: lower
// case, runs of white space as one space ("Acme  Labs" is "acme labs").
func CompanyKey(company string) string {
	return strings.Join(strings.Fields(strings.ToLower(company)), " ")
}

// Policies lists policies, most recently updated first. Listed policies
// carry the attributes of a summary, the regulations their key facts name
// and their company, no other facts and no label counts.
func (s *Store) Policies(ctx context.Context, q PolicyQuery) (Page[Policy], error) {
	after, limit := q.After, q.Limit
	if after != "" && !ValidPolicyPosition(after) {
		return Page[Policy]{}, fmt.Errorf("bad listing position %q", after)
	}
	chunk := shardChunk(limit, s.shards())
	ins := make([]*dynamodb.QueryInput, s.shards())
	for shard := range s.shards() {
		e := newExpr()
		kc := e.n(topology.ByRecency.PartitionKey) + " = " + e.v(str(recencyPK(shard)))
		if after != "" {
			kc += " AND " + e.n(topology.ByRecency.SortKey) + " < " + e.v(str(after))
		}
		names := make([]string, len(policySummary), len(policySummary)+1)
		for i, a := range policySummary {
			names[i] = e.n(a)
		}
		regulations := e.n("facts") + "." + e.n("regulations")
		company := e.n("facts") + "." + e.n("company")
		proj := strings.Join(append(names, regulations, company), ", ")
		var conds []string
		if q.Regulation != "" {
			conds = append(conds, "contains("+regulations+", "+e.v(str(q.Regulation))+")")
		}
		if q.Company != "" {
			conds = append(conds, e.n(companyKeyAttribute)+" = "+e.v(str(q.Company)))
		}
		var filter *string
		if len(conds) > 0 {
			filter = aws.String(strings.Join(conds, " AND "))
		}
		ins[shard] = &dynamodb.QueryInput{
			FilterExpression:          filter,
			TableName:                 &s.table,
			IndexName:                 aws.String(topology.ByRecency.Name),
			KeyConditionExpression:    &kc,
			ProjectionExpression:      &proj,
			ExpressionAttributeNames:  e.Names(),
			ExpressionAttributeValues: e.Values(),
			ScanIndexForward:          aws.Bool(false),
			Limit:                     aws.Int32(chunk),
		}
	}
	m := newMerger(s.db, topology.ByRecency.SortKey, true, ins)
	var page Page[Policy]
	for len(page.Items) <= limit {
		item, err := m.next(ctx)
		if err != nil {
			return Page[Policy]{}, fmt.Errorf("list policies: %w", err)
		}
		if item == nil {
			return page, nil
		}
		p, err := unmarshalPolicy(item)
		if err != nil {
			return Page[Policy]{}, err
		}
		page.Items = append(page.Items, *p)
	}
	page.Items = page.Items[:limit]
	page.Next = page.Items[limit-1].position
	return page, nil
}

// shardChunk is how many items each shard query fetches at a time for a
// page of limit items: a little more than a fair share.
func shardChunk(limit, shards int) int32 {
	return int32(min(1000, (limit+1)/shards+4))
}

// ClauseQuery selects clauses of one policy.
type ClauseQuery struct {
	// Label, when set, is the slug of a label the clauses must carry.
	Label string
	// MinScore keeps clauses whose score for Label (without Label: whose
	// highest score) is at least MinScore.
	MinScore float64
	// After is the ordinal to resume after; 0 starts at the beginning.
	After int
	Limit int
}

// Clauses lists clauses of generation gen of policy p ("" for the current
// one) in ordinal order. p must come from Policy; gen must be its current
// generation or that of one of its kept versions, otherwise Clauses
// returns ErrGenerationChanged (the version was replaced, or fell out of
// the history). Page.Next, when set, is the ordinal to resume after, in
// decimal.
func (s *Store) Clauses(ctx context.Context, p *Policy, gen string, q ClauseQuery) (Page[Clause], error) {
	if gen == "" {
		gen = p.Gen
	}
	if gen != p.Gen && !p.keeps(gen) {
		return Page[Clause]{}, ErrGenerationChanged
	}
	if gen == "" || q.Limit <= 0 {
		return Page[Clause]{}, nil
	}
	pk := genPK(p.ID, gen)
	// The current version's label entries say which clauses carry a
	// label; a version that is no longer current has none, and its clause
	// items are filtered instead.
	entries := q.Label != "" && gen == p.Gen
	var from, to string
	if entries {
		from, to = labelSK(q.Label, q.After+1), labelSK(q.Label, maxOrdinal())
	} else {
		from, to = clauseSK(q.After+1), clauseSK(maxOrdinal())
	}
	e := newExpr()
	kc := fmt.Sprintf("%s = %s AND %s BETWEEN %s AND %s", e.n(topology.PartitionKey), e.v(str(pk)),
		e.n(topology.SortKey), e.v(str(from)), e.v(str(to)))
	in := &dynamodb.QueryInput{
		TableName:              &s.table,
		KeyConditionExpression: &kc,
		ConsistentRead:         aws.Bool(true),
		Limit:                  aws.Int32(int32(q.Limit + 1)),
	}
	var filters []string
	if q.Label != "" && !entries {
		filters = append(filters, fmt.Sprintf("contains(%s, %s)", e.n("slugs"), e.v(str(q.Label))))
	}
	if q.MinScore > 0 {
		var score string
		switch {
		case entries:
			score = e.n("score")
		case q.Label != "":
			name := q.Label
			if i, ok := labels.Index(q.Label); ok {
				name = labels.All[i].Name
			}
			score = e.n("scores") + "." + e.name(name)
		default:
			score = e.n("top")
		}
		filters = append(filters, fmt.Sprintf("%s >= %s", score, e.v(&types.AttributeValueMemberN{Value: fmt.Sprint(q.MinScore)})))
	}
	if len(filters) > 0 {
		f := strings.Join(filters, " AND ")
		in.FilterExpression = &f
		// A filter drops items after Limit counts them: read more at once.
		in.Limit = aws.Int32(int32(max(q.Limit+1, 200)))
	}
	if entries {
		proj := e.n(topology.SortKey)
		in.ProjectionExpression = &proj
	}
	in.ExpressionAttributeNames = e.Names()
	in.ExpressionAttributeValues = e.Values()
	var items []map[string]types.AttributeValue
	for len(items) <= q.Limit {
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return Page[Clause]{}, fmt.Errorf("list clauses of %s: %w", p.ID, err)
		}
		items = append(items, out.Items...)
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	var page Page[Clause]
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last, _ := parseOrdinal(sortKeyOf(items[len(items)-1], topology.SortKey))
		page.Next = fmt.Sprint(last)
	}
	if entries {
		// The label entries give the ordinals; the clause items the rest.
		keys := make([]map[string]types.AttributeValue, 0, len(items))
		for _, it := range items {
			o, ok := parseOrdinal(sortKeyOf(it, topology.SortKey))
			if !ok {
				return Page[Clause]{}, fmt.Errorf("bad label entry key %q", sortKeyOf(it, topology.SortKey))
			}
			keys = append(keys, map[string]types.AttributeValue{
				topology.PartitionKey: str(pk), topology.SortKey: str(clauseSK(o)),
			})
		}
		var err error
		if items, err = s.batchGet(ctx, keys, ""); err != nil {
			return Page[Clause]{}, fmt.Errorf("read clauses of %s: %w", p.ID, err)
		}
	}
	page.Items = make([]Clause, 0, len(items))
	for _, it := range items {
		var c Clause
		if err := attributevalue.UnmarshalMap(it, &c); err != nil {
			return Page[Clause]{}, fmt.Errorf("read clause item: %w", err)
		}
		page.Items = append(page.Items, c)
	}
	slices.SortFunc(page.Items, func(a, b Clause) int { return a.Ordinal - b.Ordinal })
	return page, nil
}

func maxOrdinal() int { return int(math.Pow10(ordinalWidth)) - 1 }

// LabelQuery selects clauses of one label across all policies.
type LabelQuery struct {
	// MinScore keeps clauses whose score for the label is at least MinScore.
	MinScore float64
	// After is the position to resume after: a Page.Next of a previous call.
	After string
	Limit int
}

// LabelClauses lists the clauses carrying the label with the given slug
// across all policies, highest score first (ties by policy id, then
// ordinal). Only clauses of each policy's current generation are listed.
func (s *Store) LabelClauses(ctx context.Context, slug string, q LabelQuery) (Page[LabelClause], error) {
	if q.After != "" && !ValidLabelPosition(q.After) {
		return Page[LabelClause]{}, fmt.Errorf("bad listing position %q", q.After)
	}
	if q.Limit <= 0 {
		return Page[LabelClause]{}, nil
	}
	page, err := listIndex(ctx, s, func(shard int) string { return labelPK(slug, shard) }, q,
		func(item map[string]types.AttributeValue) (LabelClause, error) {
			var lc LabelClause
			if err := attributevalue.UnmarshalMap(item, &lc); err != nil {
				return lc, fmt.Errorf("read label entry: %w", err)
			}
			return lc, nil
		},
		func(lc *LabelClause) *indexRef { return &indexRef{lc.PolicyID, lc.Gen, &lc.position} })
	if err != nil {
		return Page[LabelClause]{}, fmt.Errorf("list label %s: %w", slug, err)
	}
	return page, nil
}

// indexRef is what the listing of an index needs of an entry: its policy
// and generation, and where to record its position.
type indexRef struct {
	id, gen string
	pos     *string
}

// listIndex lists the entries of one index list, whose shards pk names,
// highest score first (ties by policy id, then ordinal). Only entries of
// each policy's current generation are listed.
func listIndex[T any](ctx context.Context, s *Store, pk func(shard int) string, q LabelQuery,
	decode func(map[string]types.AttributeValue) (T, error), ref func(*T) *indexRef) (Page[T], error) {
	// Entries past bound score below MinScore.
	bound := ""
	if q.MinScore > 0 {
		bound = fmt.Sprintf("%05d", scoreScale-int(math.Ceil(q.MinScore*scoreScale-1e-9))+1)
	}
	chunk := shardChunk(q.Limit, s.shards())
	ins := make([]*dynamodb.QueryInput, s.shards())
	for shard := range s.shards() {
		e := newExpr()
		kc := e.n(topology.ByLabel.PartitionKey) + " = " + e.v(str(pk(shard)))
		switch {
		case q.After != "":
			kc += " AND " + e.n(topology.ByLabel.SortKey) + " > " + e.v(str(q.After))
		case bound != "":
			kc += " AND " + e.n(topology.ByLabel.SortKey) + " < " + e.v(str(bound))
		}
		ins[shard] = &dynamodb.QueryInput{
			TableName:                 &s.table,
			IndexName:                 aws.String(topology.ByLabel.Name),
			KeyConditionExpression:    &kc,
			ExpressionAttributeNames:  e.Names(),
			ExpressionAttributeValues: e.Values(),
			Limit:                     aws.Int32(chunk),
		}
	}
	m := newMerger(s.db, topology.ByLabel.SortKey, false, ins)
	// Entries of replaced or unfinished generations are skipped; so that a
	// page of them cannot cost without bound, a page examines at most
	// budget entries and may come back short, with a position to go on.
	budget := max(4*q.Limit, 200)
	current := map[string]*Policy{}
	var (
		page     Page[T]
		examined int
		lastPos  string
		done     bool
	)
	for len(page.Items) <= q.Limit && examined < budget && !done {
		// Take a batch of candidates, then look up their policies at once.
		var batch []T
		var ids []string
		for len(batch) < q.Limit+1-len(page.Items) && examined+len(batch) < budget {
			item, err := m.next(ctx)
			if err != nil {
				return Page[T]{}, err
			}
			pos := sortKeyOf(item, topology.ByLabel.SortKey)
			if item == nil || (bound != "" && pos >= bound) {
				done = true
				break
			}
			v, err := decode(item)
			if err != nil {
				return Page[T]{}, err
			}
			r := ref(&v)
			*r.pos = pos
			batch = append(batch, v)
			ids = append(ids, r.id)
		}
		if err := s.currentPolicies(ctx, ids, current); err != nil {
			return Page[T]{}, err
		}
		for i := range batch {
			examined++
			r := ref(&batch[i])
			lastPos = *r.pos
			if p := current[r.id]; p != nil && p.Status != policy.Deleted && p.Gen == r.gen {
				page.Items = append(page.Items, batch[i])
				if len(page.Items) > q.Limit {
					break
				}
			}
		}
	}
	switch {
	case len(page.Items) > q.Limit:
		page.Items = page.Items[:q.Limit]
		page.Next = *ref(&page.Items[q.Limit-1]).pos
	case !done && lastPos != "":
		page.Next = lastPos
	}
	return page, nil
}

// currentPolicies adds to known the status and generation of the policies
// ids that it does not know yet.
func (s *Store) currentPolicies(ctx context.Context, ids []string, known map[string]*Policy) error {
	var keys []map[string]types.AttributeValue
	for _, id := range ids {
		if _, ok := known[id]; ok {
			continue
		}
		known[id] = nil
		keys = append(keys, policyKey(id))
	}
	items, err := s.batchGet(ctx, keys, "id, gen, #status")
	if err != nil {
		return err
	}
	for _, it := range items {
		p, err := unmarshalPolicy(it)
		if err != nil {
			return err
		}
		known[p.ID] = p
	}
	return nil
}

// batchGet reads the items with the given keys, consistently, 100 at a
// time, retrying unprocessed keys. proj, when set, is a projection
// expression in which #status stands for the status attribute.
func (s *Store) batchGet(ctx context.Context, keys []map[string]types.AttributeValue, proj string) ([]map[string]types.AttributeValue, error) {
	var out []map[string]types.AttributeValue
	for i := 0; i < len(keys); i += 100 {
		ka := types.KeysAndAttributes{Keys: keys[i:min(i+100, len(keys))], ConsistentRead: aws.Bool(true)}
		if proj != "" {
			ka.ProjectionExpression = &proj
			ka.ExpressionAttributeNames = map[string]string{"#status": "status"}
		}
		req := map[string]types.KeysAndAttributes{s.table: ka}
		for attempt := 0; len(req) > 0; attempt++ {
			res, err := s.db.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil && !isThrottle(err) {
				return nil, err
			}
			if err == nil {
				out = append(out, res.Responses[s.table]...)
				req = res.UnprocessedKeys
				if len(req) == 0 {
					break
				}
			}
			if attempt+1 >= s.Retry.Attempts {
				return nil, fmt.Errorf("batch get: keys still unprocessed after %d attempts", attempt+1)
			}
			if err := s.Retry.wait(ctx, attempt); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// Ping checks that the table can be read.
func (s *Store) Ping(ctx context.Context) error {
	_, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.table,
		Key: map[string]types.AttributeValue{
			topology.PartitionKey: str("health"), topology.SortKey: str("health"),
		},
	})
	if err != nil {
		return fmt.Errorf("read table %s: %w", s.table, err)
	}
	return nil
}
