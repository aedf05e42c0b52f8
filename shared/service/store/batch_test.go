package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// batchDB plays DynamoDB's BatchWriteItem: reply decides, per call, how
// many of the requests to leave unprocessed or which error to return.
type batchDB struct {
	DB
	mu      sync.Mutex
	calls   int
	written map[string]int
	reply   func(call, n int) (unprocessed int, err error)
}

func (f *batchDB) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	var reqs []types.WriteRequest
	for _, r := range in.RequestItems {
		reqs = r
	}
	if len(reqs) > batchSize {
		return nil, fmt.Errorf("%d requests in one batch", len(reqs))
	}
	left, err := f.reply(f.calls, len(reqs))
	if err != nil {
		return nil, err
	}
	for _, r := range reqs[:len(reqs)-left] {
		f.written[r.PutRequest.Item["pk"].(*types.AttributeValueMemberS).Value]++
	}
	out := &dynamodb.BatchWriteItemOutput{}
	if left > 0 {
		out.UnprocessedItems = map[string][]types.WriteRequest{"t": reqs[len(reqs)-left:]}
	}
	return out, nil
}

func puts(n int) []types.WriteRequest {
	out := make([]types.WriteRequest, n)
	for i := range out {
		out[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{"pk": str(strconv.Itoa(i))}}}
	}
	return out
}

var throttled = &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException", Message: "slow down"}

func TestBatchWriteRetries(t *testing.T) {
	fast := Backoff{Base: time.Microsecond, Max: 10 * time.Microsecond, Attempts: 5}
	tests := []struct {
		name    string
		n       int
		reply   func(call, n int) (int, error)
		wantErr bool
	}{
		{"all processed", 60, func(int, int) (int, error) { return 0, nil }, false},
		{"unprocessed items retried", 100, func(call, n int) (int, error) {
			if call%2 == 1 {
				return n / 2, nil
			}
			return 0, nil
		}, false},
		{"throttled, then accepted", 30, func(call, n int) (int, error) {
			if call <= 3 {
				return 0, throttled
			}
			return 0, nil
		}, false},
		{"never processed", 10, func(_, n int) (int, error) { return n, nil }, true},
		{"always throttled", 10, func(int, int) (int, error) { return 0, throttled }, true},
		{"other error", 10, func(int, int) (int, error) { return 0, errors.New("access denied") }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := &batchDB{written: map[string]int{}, reply: tt.reply}
			s := New(db, "t")
			s.Retry = fast
			err := s.batchWrite(context.Background(), puts(tt.n))
			if (err != nil) != tt.wantErr {
				t.Fatalf("batchWrite error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			for i := range tt.n {
				if c := db.written[strconv.Itoa(i)]; c != 1 {
					t.Errorf("item %d written %d times", i, c)
				}
			}
		})
	}
}

func TestBatchWriteStopsWithContext(t *testing.T) {
	db := &batchDB{written: map[string]int{}, reply: func(_, n int) (int, error) { return n, nil }}
	s := New(db, "t")
	s.Retry = Backoff{Base: time.Hour, Max: time.Hour, Attempts: 100}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.batchWrite(ctx, puts(30))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want the context's", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("batchWrite took %v after its context ended", d)
	}
}

// shardDB serves sorted shards for the merger.
type shardDB struct {
	shards map[string][]string
	mu     sync.Mutex
	reads  int
}

func (f *shardDB) Query(ctx context.Context, in *dynamodb.QueryInput, _ ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	data := f.shards[in.ExpressionAttributeValues[":pk"].(*types.AttributeValueMemberS).Value]
	start := 0
	if in.ExclusiveStartKey != nil {
		start, _ = strconv.Atoi(in.ExclusiveStartKey["i"].(*types.AttributeValueMemberS).Value)
	}
	end := min(len(data), start+int(aws.ToInt32(in.Limit)))
	out := &dynamodb.QueryOutput{}
	for _, k := range data[start:end] {
		out.Items = append(out.Items, map[string]types.AttributeValue{"k": str(k)})
	}
	f.reads += end - start
	if end < len(data) {
		out.LastEvaluatedKey = map[string]types.AttributeValue{"i": str(strconv.Itoa(end))}
	}
	return out, nil
}

// The merger returns the shards' items in one sorted sequence, reading
// not much more than it returns.
func TestMerger(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, desc := range []bool{false, true} {
		db := &shardDB{shards: map[string][]string{}}
		var all []string
		var ins []*dynamodb.QueryInput
		for sh := range 16 {
			pk := fmt.Sprintf("s%d", sh)
			n := rng.IntN(40)
			if sh == 3 {
				n = 0 // an empty shard
			}
			var keys []string
			for range n {
				keys = append(keys, fmt.Sprintf("%08d", rng.IntN(1e8)))
			}
			slices.Sort(keys)
			if desc {
				slices.Reverse(keys)
			}
			db.shards[pk] = keys
			all = append(all, keys...)
			ins = append(ins, &dynamodb.QueryInput{
				ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pk)},
				Limit:                     aws.Int32(3),
			})
		}
		slices.Sort(all)
		if desc {
			slices.Reverse(all)
		}
		m := newMerger(db, "k", desc, ins)
		var got []string
		for len(got) < 20 {
			it, err := m.next(context.Background())
			if err != nil || it == nil {
				t.Fatalf("next: %v %v", it, err)
			}
			got = append(got, sortKeyOf(it, "k"))
		}
		if !slices.Equal(got, all[:20]) {
			t.Errorf("desc %v: first 20 = %v, want %v", desc, got, all[:20])
		}
		if db.reads > 20+16*6 {
			t.Errorf("desc %v: read %d items to return 20", desc, db.reads)
		}
		for {
			it, err := m.next(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if it == nil {
				break
			}
			got = append(got, sortKeyOf(it, "k"))
		}
		if !slices.Equal(got, all) {
			t.Errorf("desc %v: merged %d items, want all %d in order", desc, len(got), len(all))
		}
	}
}
