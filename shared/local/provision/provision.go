// Package provision creates the AWS resources of policylens in an emulator
// (moto_server) from the definitions in package topology: the table and its
// indexes, the cursor secret, the ingest queue and its dead-letter queue,
// the upload bucket with its notification to the queue, and the event bus
// of the change events with a rule that delivers them to a queue. The
// integration tests and the local development system (make dev) use it; in
// AWS the CDK stack creates the same resources from the same definitions
// (there, the rule's target is an SNS topic).
package provision

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	dbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	smtypes "github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/policylens/policylens/shared/service/topology"
)

// Names are the names of the resources to create.
type Names struct {
	Bucket, Table, Queue, DLQ string
	// CursorSecret, when set, names the Secrets Manager secret that signs
	// the lookup API's cursors; Create gives it a new random value.
	CursorSecret string
	// KeyPrefix, when set, limits the bucket notification to keys under it.
	KeyPrefix string
	// VisibilityTimeout of the ingest queue: how long a received message
	// stays hidden before it is delivered again. Zero means 60 seconds.
	VisibilityTimeout time.Duration
	// EventBus, when set, names the event bus of the change events;
	// ChangesQueue the queue a rule on it delivers them to.
	EventBus, ChangesQueue string
	// MaxReceiveCount of the ingest queue: receives before a message goes
	// to the dead-letter queue. Zero means topology.MaxReceiveCount.
	MaxReceiveCount int
}

// LocalNames returns the names of the local development system.
func LocalNames() Names {
	return Names{Bucket: topology.LocalBucket, Table: topology.LocalTable, Queue: topology.LocalQueue, DLQ: topology.LocalDLQ,
		CursorSecret: topology.LocalCursorSecret, EventBus: topology.LocalEventBus, ChangesQueue: topology.LocalChangesQueue}
}

// Resources describes what Create made.
type Resources struct {
	Bucket, Table      string
	QueueURL, QueueARN string
	DLQURL, DLQARN     string
	// CursorSecretARN is the cursor secret's ARN, when one was made.
	CursorSecretARN string
	// EventBus is the change events' bus and ChangesQueueURL the queue
	// they are delivered to, when they were made.
	EventBus, ChangesQueueURL string
}

// Clients are the SDK clients Create uses.
type Clients struct {
	S3             *s3.Client
	SQS            *sqs.Client
	DynamoDB       *dynamodb.Client
	SecretsManager *secretsmanager.Client
	EventBridge    *eventbridge.Client
}

// NewClients builds clients from cfg for an emulator: S3 uses path-style
// addressing.
func NewClients(cfg aws.Config) Clients {
	return Clients{
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = true
			o.DisableLogOutputChecksumValidationSkipped = true // the emulator sends no checksums
		}),
		SQS:            sqs.NewFromConfig(cfg),
		DynamoDB:       dynamodb.NewFromConfig(cfg),
		SecretsManager: secretsmanager.NewFromConfig(cfg),
		EventBridge:    eventbridge.NewFromConfig(cfg),
	}
}

// Create makes the table, the cursor secret (when named), the event bus
// and its queue (when named), the queues and the bucket, in that order, so
// that S3's test event lands in a queue that exists.
func Create(ctx context.Context, c Clients, n Names) (Resources, error) {
	r := Resources{Bucket: n.Bucket, Table: n.Table}
	if err := CreateTable(ctx, c.DynamoDB, n.Table); err != nil {
		return r, err
	}
	var err error
	if n.CursorSecret != "" {
		if r.CursorSecretARN, err = CreateCursorSecret(ctx, c.SecretsManager, n.CursorSecret); err != nil {
			return r, err
		}
	}
	if n.EventBus != "" {
		if r.ChangesQueueURL, err = CreateEventBus(ctx, c.EventBridge, c.SQS, n.EventBus, n.ChangesQueue); err != nil {
			return r, err
		}
		r.EventBus = n.EventBus
	}
	if r.DLQURL, r.DLQARN, err = createQueue(ctx, c.SQS, n.DLQ, map[string]string{
		string(sqstypes.QueueAttributeNameMessageRetentionPeriod): strconv.Itoa(topology.DLQRetentionDays * 24 * 3600),
	}); err != nil {
		return r, err
	}
	receives := n.MaxReceiveCount
	if receives <= 0 {
		receives = topology.MaxReceiveCount
	}
	redrive, _ := json.Marshal(map[string]string{
		"deadLetterTargetArn": r.DLQARN,
		"maxReceiveCount":     strconv.Itoa(receives),
	})
	vis := n.VisibilityTimeout
	if vis <= 0 {
		vis = time.Minute
	}
	if r.QueueURL, r.QueueARN, err = createQueue(ctx, c.SQS, n.Queue, map[string]string{
		string(sqstypes.QueueAttributeNameRedrivePolicy):     string(redrive),
		string(sqstypes.QueueAttributeNameVisibilityTimeout): strconv.Itoa(int(vis.Seconds())),
	}); err != nil {
		return r, err
	}
	if err := createBucket(ctx, c.S3, n.Bucket, r.QueueARN, n.KeyPrefix); err != nil {
		return r, err
	}
	return r, nil
}

// CreateTable creates the policylens table: string keys pk and sk, the
// global secondary indexes of topology.Indexes with every attribute
// projected, on-demand billing and time to live on topology.TTLAttribute.
// It returns when the table is active.
func CreateTable(ctx context.Context, db *dynamodb.Client, name string) error {
	attrs := []dbtypes.AttributeDefinition{
		{AttributeName: aws.String(topology.PartitionKey), AttributeType: dbtypes.ScalarAttributeTypeS},
		{AttributeName: aws.String(topology.SortKey), AttributeType: dbtypes.ScalarAttributeTypeS},
	}
	var gsis []dbtypes.GlobalSecondaryIndex
	for _, ix := range topology.Indexes {
		attrs = append(attrs,
			dbtypes.AttributeDefinition{AttributeName: aws.String(ix.PartitionKey), AttributeType: dbtypes.ScalarAttributeTypeS},
			dbtypes.AttributeDefinition{AttributeName: aws.String(ix.SortKey), AttributeType: dbtypes.ScalarAttributeTypeS})
		gsis = append(gsis, dbtypes.GlobalSecondaryIndex{
			IndexName: aws.String(ix.Name),
			KeySchema: []dbtypes.KeySchemaElement{
				{AttributeName: aws.String(ix.PartitionKey), KeyType: dbtypes.KeyTypeHash},
				{AttributeName: aws.String(ix.SortKey), KeyType: dbtypes.KeyTypeRange},
			},
			Projection: &dbtypes.Projection{ProjectionType: dbtypes.ProjectionTypeAll},
		})
	}
	_, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{
		TableName:            aws.String(name),
		AttributeDefinitions: attrs,
		KeySchema: []dbtypes.KeySchemaElement{
			{AttributeName: aws.String(topology.PartitionKey), KeyType: dbtypes.KeyTypeHash},
			{AttributeName: aws.String(topology.SortKey), KeyType: dbtypes.KeyTypeRange},
		},
		GlobalSecondaryIndexes: gsis,
		BillingMode:            dbtypes.BillingModePayPerRequest,
	})
	var inUse *dbtypes.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return fmt.Errorf("create table %s: %w", name, err)
	}
	w := dynamodb.NewTableExistsWaiter(db, func(o *dynamodb.TableExistsWaiterOptions) {
		o.MinDelay, o.MaxDelay = 100*time.Millisecond, time.Second
	})
	if err := w.Wait(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(name)}, time.Minute); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	if _, err := db.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: aws.String(name),
		TimeToLiveSpecification: &dbtypes.TimeToLiveSpecification{
			AttributeName: aws.String(topology.TTLAttribute), Enabled: aws.Bool(true),
		},
	}); err != nil && !isTTLAlreadyEnabled(err) {
		return fmt.Errorf("enable time to live on %s: %w", name, err)
	}
	return nil
}

// changesRule is the name of the rule that delivers the change events to
// the changes queue.
const changesRule = "policylens-changes"

// CreateEventBus makes the event bus of the change events and a queue with
// a rule that delivers every "Policy Changed" event of the bus to it, and
// returns the queue's URL. What exists already is kept.
func CreateEventBus(ctx context.Context, eb *eventbridge.Client, q *sqs.Client, bus, queue string) (string, error) {
	if _, err := eb.CreateEventBus(ctx, &eventbridge.CreateEventBusInput{Name: aws.String(bus)}); err != nil {
		var exists *ebtypes.ResourceAlreadyExistsException
		if !errors.As(err, &exists) {
			return "", fmt.Errorf("create event bus %s: %w", bus, err)
		}
	}
	url, arn, err := createQueue(ctx, q, queue, nil)
	if err != nil {
		return "", err
	}
	pattern, _ := json.Marshal(map[string][]string{"source": {topology.EventSource}, "detail-type": {topology.EventDetailType}})
	if _, err := eb.PutRule(ctx, &eventbridge.PutRuleInput{
		Name: aws.String(changesRule), EventBusName: aws.String(bus), EventPattern: aws.String(string(pattern)),
		State: ebtypes.RuleStateEnabled, Description: aws.String("policylens change events to " + queue),
	}); err != nil {
		return "", fmt.Errorf("create rule %s on %s: %w", changesRule, bus, err)
	}
	out, err := eb.PutTargets(ctx, &eventbridge.PutTargetsInput{
		Rule: aws.String(changesRule), EventBusName: aws.String(bus),
		Targets: []ebtypes.Target{{Id: aws.String("changes-queue"), Arn: aws.String(arn)}},
	})
	if err == nil && out.FailedEntryCount > 0 {
		err = fmt.Errorf("%s", aws.ToString(out.FailedEntries[0].ErrorMessage))
	}
	if err != nil {
		return "", fmt.Errorf("deliver rule %s to %s: %w", changesRule, queue, err)
	}
	return url, nil
}

// CreateCursorSecret makes the secret name hold a new random value, as the
// stack's generated secret holds one in AWS, and returns its ARN. A secret
// of that name that exists already gets a new version: what it signed
// before stays valid as its previous version.
func CreateCursorSecret(ctx context.Context, sm *secretsmanager.Client, name string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	value := aws.String(hex.EncodeToString(b))
	out, err := sm.CreateSecret(ctx, &secretsmanager.CreateSecretInput{Name: aws.String(name), SecretString: value})
	var exists *smtypes.ResourceExistsException
	if errors.As(err, &exists) {
		put, perr := sm.PutSecretValue(ctx, &secretsmanager.PutSecretValueInput{SecretId: aws.String(name), SecretString: value})
		if perr != nil {
			return "", fmt.Errorf("put a new value in secret %s: %w", name, perr)
		}
		return aws.ToString(put.ARN), nil
	}
	if err != nil {
		return "", fmt.Errorf("create secret %s: %w", name, err)
	}
	return aws.ToString(out.ARN), nil
}

// isTTLAlreadyEnabled recognises the error of enabling time to live twice,
// on a table that existed before.
func isTTLAlreadyEnabled(err error) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == "ValidationException" &&
		strings.Contains(strings.ToLower(ae.ErrorMessage()), "already enabled")
}

func createQueue(ctx context.Context, q *sqs.Client, name string, attrs map[string]string) (url, arn string, err error) {
	out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		return "", "", fmt.Errorf("create queue %s: %w", name, err)
	}
	ga, err := q.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl:       out.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return "", "", fmt.Errorf("read queue %s: %w", name, err)
	}
	return *out.QueueUrl, ga.Attributes[string(sqstypes.QueueAttributeNameQueueArn)], nil
}

// createBucket creates the upload bucket and its notification of created
// and removed objects to the queue. The bucket is not versioned: moto
// sends no notification for delete markers.
func createBucket(ctx context.Context, c *s3.Client, name, queueARN, prefix string) error {
	in := &s3.CreateBucketInput{Bucket: aws.String(name)}
	if r := c.Options().Region; r != "" && r != "us-east-1" {
		in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(r)}
	}
	if _, err := c.CreateBucket(ctx, in); err != nil {
		var owned *s3types.BucketAlreadyOwnedByYou
		if !errors.As(err, &owned) {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	qc := s3types.QueueConfiguration{
		Id:       aws.String("policylens-ingest"),
		QueueArn: aws.String(queueARN),
		Events:   []s3types.Event{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"},
	}
	if prefix != "" {
		qc.Filter = &s3types.NotificationConfigurationFilter{Key: &s3types.S3KeyFilter{
			FilterRules: []s3types.FilterRule{{Name: s3types.FilterRuleNamePrefix, Value: aws.String(prefix)}},
		}}
	}
	if _, err := c.PutBucketNotificationConfiguration(ctx, &s3.PutBucketNotificationConfigurationInput{
		Bucket:                    aws.String(name),
		NotificationConfiguration: &s3types.NotificationConfiguration{QueueConfigurations: []s3types.QueueConfiguration{qc}},
	}); err != nil {
		return fmt.Errorf("configure notifications of bucket %s: %w", name, err)
	}
	return nil
}
