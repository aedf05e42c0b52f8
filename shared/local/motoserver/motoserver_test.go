package motoserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

func TestNotInstalled(t *testing.T) {
	_, err := Start(context.Background(), Options{Program: "no-such-moto-server"})
	if !errors.Is(err, ErrNotInstalled) || !strings.Contains(err.Error(), `pip install "moto[server]"`) {
		t.Errorf("error %v, want one saying how to install moto_server", err)
	}
}

// The server answers on loopback, and Stop ends it.
func TestStartStop(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") || s.Env()["AWS_ENDPOINT_URL"] != s.URL {
		t.Errorf("URL %s, env %v", s.URL, s.Env())
	}
	resp, err := http.Get(s.URL + "/moto-api/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	pid := s.PID()
	s.Stop()
	s.Stop() // twice is fine
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("moto_server %d still runs after Stop", pid)
	}
	if _, err := http.Get(s.URL + "/moto-api/"); err == nil {
		t.Error("the server still answers after Stop")
	}
}

// Conditional writes to one item at the same time: exactly one succeeds, as
// in DynamoDB, although moto_server alone lets several through.
func TestDynamoDBWritesAreAtomic(t *testing.T) {
	s, err := Start(context.Background(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	db := dynamodb.New(dynamodb.Options{
		Region: Region, BaseEndpoint: aws.String(s.Env()["AWS_ENDPOINT_URL_DYNAMODB"]),
		Credentials: credentials.NewStaticCredentialsProvider(AccessKey, SecretKey, ""),
	})
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String("t"),
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		BillingMode:          types.BillingModePayPerRequest,
	}); err != nil {
		t.Fatal(err)
	}
	for round := range 10 {
		var wg sync.WaitGroup
		var won atomic.Int32
		for i := range 8 {
			wg.Go(func() {
				_, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
					TableName:           aws.String("t"),
					Key:                 map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: fmt.Sprint(round)}},
					UpdateExpression:    aws.String("SET w = :w"),
					ConditionExpression: aws.String("attribute_not_exists(pk)"),
					ExpressionAttributeValues: map[string]types.AttributeValue{
						":w": &types.AttributeValueMemberN{Value: fmt.Sprint(i)},
					},
				})
				var cf *types.ConditionalCheckFailedException
				switch {
				case err == nil:
					won.Add(1)
				case !errors.As(err, &cf):
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if n := won.Load(); n != 1 {
			t.Errorf("round %d: %d conditional writes succeeded, want 1", round, n)
		}
	}
}
