package systemtest_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/policylens/policylens/shared/analysis/attrs"
	"github.com/policylens/policylens/shared/service/s3event"
	"github.com/policylens/policylens/shared/service/topology"
)

// A policy that other models analysed is analysed again when its same
// bytes are uploaded again: a new version with the running models'
// answers, and no change event, since the document did not change. Once
// the running models have analysed it, the same bytes stay one version.
func TestSameBytesAnalysedAgainByNewModels(t *testing.T) {
	s := newSystem(t, options{})
	const key = "models/acme.txt"
	id := s3event.PolicyID(s.res.Bucket, key)
	body := policyOf(baseParagraphs...)
	s.put(key, body)
	s.drain()
	am, err := attrs.Default()
	if err != nil {
		t.Fatal(err)
	}
	var before map[string]any
	s.mustGet("/policies/"+id, &before)
	if before["attributeModelVersion"] != am.Version() {
		t.Fatalf("the policy names attribute model %v, want the running one %s", before["attributeModelVersion"], am.Version())
	}

	// As if an older attribute model had analysed the current version.
	_, err = s.db.UpdateItem(context.Background(), &dynamodb.UpdateItemInput{
		TableName: aws.String(s.res.Table),
		Key: map[string]types.AttributeValue{
			topology.PartitionKey: &types.AttributeValueMemberS{Value: "P#" + id},
			topology.SortKey:      &types.AttributeValueMemberS{Value: "P"},
		},
		UpdateExpression:          aws.String("SET attributeModelVersion = :v"),
		ConditionExpression:       aws.String("attribute_exists(attributeModelVersion)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: "000000000000"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s.put(key, body)
	s.drain()
	s.put(key, body)
	s.drain()

	vs := s.versions(id)
	if len(vs) != 2 || vs[0].SHA256 != vs[1].SHA256 || !vs[0].Current || vs[0].Version == vs[1].Version {
		t.Fatalf("versions %+v, want two of the same bytes, the newer current", vs)
	}
	if outs := s.outcomes(key); !slices.Equal(outs, []string{"ready", "ready", "unchanged"}) {
		t.Errorf("outcomes %v, want ready, ready (analysed again), unchanged", outs)
	}
	if n := len(s.logRecordsWith(key, "change", "reanalysed")); n != 1 {
		t.Errorf("%d records logged as analysed again, want 1", n)
	}
	if evs := s.changeEvents(); len(evs) != 0 {
		t.Errorf("change events %v, want none", transitions(evs))
	}
	var after map[string]any
	s.mustGet("/policies/"+id, &after)
	if after["attributeModelVersion"] != am.Version() || after["version"] != vs[0].Version {
		t.Errorf("the policy shows attribute model %v and version %v, want %s and %s",
			after["attributeModelVersion"], after["version"], am.Version(), vs[0].Version)
	}
}
