// Package stack defines the policylens CloudFormation stack: the upload
// bucket and its notifications, the ingest queue and function, the table,
// the lookup function behind an HTTP API, the event bus of the change
// events with a rule to an SNS topic, alarms and outputs. Names, keys,
// indexes and queue settings come from shared/topology; the accepted file
// suffixes from shared/extract.
package stack

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigateway"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2authorizers"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2integrations"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatch"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudwatchactions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsdynamodb"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambdaeventsources"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3notifications"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssnssubscriptions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssqs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/topology"
)

// Logical IDs that SAM and events/env.json use to name the functions.
var (
	IngestFunctionID = topology.Ingest.LogicalID
	LookupFunctionID = topology.Lookup.LogicalID
)

// endpointEnv is the AWS SDK's standard variable for a custom endpoint.
// Both functions declare it empty, which the SDK ignores, because `sam local
// --env-vars` only sets variables the template declares: events/env.json can
// then point the functions at local emulators (make dev's moto_server).
const endpointEnv = "AWS_ENDPOINT_URL"

// Output names of the stack.
const (
	OutputBucketName     = "BucketName"
	OutputAPIURL         = "ApiUrl"
	OutputTableName      = "TableName"
	OutputQueueURL       = "IngestQueueUrl"
	OutputDLQURL         = "IngestDeadLetterQueueUrl"
	OutputDLQArn         = "IngestDeadLetterQueueArn"
	OutputAlarmTopicArn  = "AlarmTopicArn"
	OutputIngestFunction = "IngestFunctionName"
	OutputLookupFunction = "LookupFunctionName"
	OutputEventBusName   = "EventBusName"
	OutputEventBusArn    = "EventBusArn"
	OutputChangesTopic   = "ChangesTopicArn"
)

// Lifetimes of data the stack keeps on its own.
const (
	noncurrentVersionDays = 30  // old versions of uploads
	accessLogDays         = 365 // S3 server access logs
	queueRetentionDays    = 4   // ingest queue (SQS default)
)

// ErrMissingBinary is returned when a function's bootstrap binary is not
// where the stack expects it.
var ErrMissingBinary = errors.New("lambda binary missing")

// New adds the policylens stack to scope. It fails before creating anything
// when the configuration is invalid or a function binary is missing.
func New(scope constructs.Construct, cfg Config, props *awscdk.StackProps) (awscdk.Stack, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	for _, fn := range []string{"ingest", "lookup"} {
		if err := checkBinary(cfg.assetPath(fn)); err != nil {
			return nil, err
		}
	}
	if props == nil {
		props = &awscdk.StackProps{}
	}
	if props.Description == nil {
		props.Description = jsii.String("policylens: privacy policies uploaded to S3 become classified clauses in DynamoDB, served by an HTTP API")
	}
	s := awscdk.NewStack(scope, jsii.String(cfg.StackName), props)
	awscdk.Tags_Of(s).Add(jsii.String("project"), jsii.String("policylens"), nil)
	b := builder{stack: s, cfg: cfg}
	b.build()
	return s, nil
}

func checkBinary(dir string) error {
	path := filepath.Join(dir, "bootstrap")
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %s not found: run `make build` first (it builds the functions for linux/arm64)", ErrMissingBinary, path)
	case err != nil:
		return fmt.Errorf("%w: %v", ErrMissingBinary, err)
	case !info.Mode().IsRegular():
		return fmt.Errorf("%w: %s is not a regular file", ErrMissingBinary, path)
	}
	return nil
}

// builder holds what the parts of the stack need from one another.
type builder struct {
	stack awscdk.Stack
	cfg   Config

	removal awscdk.RemovalPolicy
	bucket  awss3.Bucket
	queue   awssqs.Queue
	dlq     awssqs.Queue
	table   awsdynamodb.Table
	secret  awssecretsmanager.Secret
	ingest  awslambda.Function
	lookup  awslambda.Function
	api     awsapigatewayv2.HttpApi
	stage   awsapigatewayv2.HttpStage
	topic   awssns.Topic
	bus     awsevents.EventBus
	changes awsevents.Rule
	// changesTopic receives the change events the rule matches.
	changesTopic awssns.Topic
}

func (b *builder) build() {
	b.removal = awscdk.RemovalPolicy_RETAIN
	if !b.cfg.Retain {
		b.removal = awscdk.RemovalPolicy_DESTROY
	}
	b.storage()
	b.queues()
	b.notifications()
	b.newTable()
	b.eventBus()
	b.ingestFunction()
	b.lookupFunction()
	b.httpAPI()
	b.changeNotifications()
	b.alarms()
	b.outputs()
}

func (b *builder) storage() {
	// Server access logs go to a bucket of their own: logging a bucket into
	// itself would log the log writes.
	logs := awss3.NewBucket(b.stack, jsii.String("AccessLogs"), &awss3.BucketProps{
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:        jsii.Bool(true),
		MinimumTLSVersion: jsii.Number(1.2),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-access-logs"),
			Expiration:                          awscdk.Duration_Days(jsii.Number(accessLogDays)),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(1)),
		}},
		RemovalPolicy:     b.removal,
		AutoDeleteObjects: jsii.Bool(!b.cfg.Retain),
	})
	// cdk-nag accepts a bucket that receives server access logs without
	// logging it in turn (AwsSolutions-S1).
	b.bucket = awss3.NewBucket(b.stack, jsii.String("Uploads"), &awss3.BucketProps{
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		EnforceSSL:             jsii.Bool(true),
		MinimumTLSVersion:      jsii.Number(1.2),
		ObjectOwnership:        awss3.ObjectOwnership_BUCKET_OWNER_ENFORCED,
		Versioned:              jsii.Bool(true),
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("uploads/"),
		LifecycleRules: &[]*awss3.LifecycleRule{{
			Id:                                  jsii.String("expire-old-versions"),
			NoncurrentVersionExpiration:         awscdk.Duration_Days(jsii.Number(noncurrentVersionDays)),
			ExpiredObjectDeleteMarker:           jsii.Bool(true),
			AbortIncompleteMultipartUploadAfter: awscdk.Duration_Days(jsii.Number(7)),
		}},
		RemovalPolicy:     b.removal,
		AutoDeleteObjects: jsii.Bool(!b.cfg.Retain),
	})
}

func (b *builder) queues() {
	b.dlq = awssqs.NewQueue(b.stack, jsii.String("IngestDeadLetterQueue"), &awssqs.QueueProps{
		Encryption:      awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:      jsii.Bool(true),
		RetentionPeriod: awscdk.Duration_Days(jsii.Number(topology.DLQRetentionDays)),
	})
	b.queue = awssqs.NewQueue(b.stack, jsii.String("IngestQueue"), &awssqs.QueueProps{
		Encryption:        awssqs.QueueEncryption_SQS_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		VisibilityTimeout: seconds(b.cfg.VisibilityTimeout().Seconds()),
		RetentionPeriod:   awscdk.Duration_Days(jsii.Number(queueRetentionDays)),
		DeadLetterQueue: &awssqs.DeadLetterQueue{
			Queue:           b.dlq,
			MaxReceiveCount: jsii.Number(topology.MaxReceiveCount),
		},
	})
}

// notifications sends ObjectCreated and ObjectRemoved events for every
// accepted suffix under the key prefix to the ingest queue: one rule per
// event type and suffix, since an S3 filter holds a single suffix.
func (b *builder) notifications() {
	dest := awss3notifications.NewSqsDestination(b.queue)
	for _, event := range []awss3.EventType{awss3.EventType_OBJECT_CREATED, awss3.EventType_OBJECT_REMOVED} {
		for _, suffix := range policy.Extensions {
			filter := &awss3.NotificationKeyFilter{Suffix: jsii.String(suffix)}
			if b.cfg.KeyPrefix != "" {
				filter.Prefix = jsii.String(b.cfg.KeyPrefix)
			}
			b.bucket.AddEventNotification(event, dest, filter)
		}
	}
	// The notification configuration is written by CDK's own custom
	// resource (CloudFormation's AWS::S3::Bucket cannot reference a queue
	// policy that references the bucket without a cycle).
	handler := b.stack.Node().TryFindChild(jsii.String("BucketNotificationsHandler050a0587b7544547bf325f094a3db834"))
	if handler != nil {
		cdknag.NagSuppressions_AddResourceSuppressions(handler, &[]*cdknag.NagPackSuppression{
			{
				Id:        jsii.String("AwsSolutions-IAM4"),
				Reason:    jsii.String("CDK's bucket-notifications handler, a singleton of aws-cdk-lib, uses the AWSLambdaBasicExecutionRole managed policy only to write its own logs."),
				AppliesTo: &[]interface{}{jsii.String("Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")},
			},
		}, jsii.Bool(true))
	}
}

func (b *builder) newTable() {
	props := &awsdynamodb.TableProps{
		PartitionKey: &awsdynamodb.Attribute{Name: jsii.String(topology.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
		SortKey:      &awsdynamodb.Attribute{Name: jsii.String(topology.SortKey), Type: awsdynamodb.AttributeType_STRING},
		BillingMode:  awsdynamodb.BillingMode_PAY_PER_REQUEST,
		PointInTimeRecoverySpecification: &awsdynamodb.PointInTimeRecoverySpecification{
			PointInTimeRecoveryEnabled: jsii.Bool(true),
		},
		DeletionProtection: jsii.Bool(b.cfg.Retain),
		RemovalPolicy:      b.removal,
		// Tombstones of deleted policies expire (see docs/data-model.md).
		TimeToLiveAttribute: jsii.String(topology.TTLAttribute),
	}
	b.table = awsdynamodb.NewTable(b.stack, jsii.String("Table"), props)
	for _, idx := range topology.Indexes {
		b.table.AddGlobalSecondaryIndex(&awsdynamodb.GlobalSecondaryIndexProps{
			IndexName:      jsii.String(idx.Name),
			PartitionKey:   &awsdynamodb.Attribute{Name: jsii.String(idx.PartitionKey), Type: awsdynamodb.AttributeType_STRING},
			SortKey:        &awsdynamodb.Attribute{Name: jsii.String(idx.SortKey), Type: awsdynamodb.AttributeType_STRING},
			ProjectionType: awsdynamodb.ProjectionType_ALL,
		})
	}
}

// indexArns lists the ARN of every index by name: no index/* wildcard.
func (b *builder) indexArns() []*string {
	arns := make([]*string, len(topology.Indexes))
	for i, idx := range topology.Indexes {
		arns[i] = jsii.String(*b.table.TableArn() + "/index/" + idx.Name)
	}
	return arns
}

// functionRole is a role for one function with no managed policy: it may
// write to its own log group and nothing else until granted more.
func (b *builder) functionRole(id string, logs awslogs.LogGroup) awsiam.Role {
	role := awsiam.NewRole(b.stack, jsii.String(id), &awsiam.RoleProps{
		AssumedBy: awsiam.NewServicePrincipal(jsii.String("lambda.amazonaws.com"), nil),
	})
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("WriteOwnLogs"),
		Actions:   jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources: &[]*string{logs.LogGroupArn()},
	}))
	return role
}

func (b *builder) logGroup(id string) awslogs.LogGroup {
	return awslogs.NewLogGroup(b.stack, jsii.String(id), &awslogs.LogGroupProps{
		Retention:     retentionDays(b.cfg.LogRetentionDays),
		RemovalPolicy: b.removal,
	})
}

// functionSpec is what differs between the two functions.
type functionSpec struct {
	id, description string
	asset           string // directory holding bootstrap
	memoryMB        int
	timeout         time.Duration
	env             map[string]*string
	role            awsiam.Role
	logs            awslogs.LogGroup
}

// function creates a Go function on provided.al2023 for arm64 whose
// logical ID is exactly spec.id, so that SAM and events/env.json can name it.
func (b *builder) function(spec functionSpec) awslambda.Function {
	fn := awslambda.NewFunction(b.stack, jsii.String(spec.id), &awslambda.FunctionProps{
		Description:   jsii.String(spec.description),
		Runtime:       awslambda.Runtime_PROVIDED_AL2023(),
		Architecture:  awslambda.Architecture_ARM_64(),
		Handler:       jsii.String("bootstrap"),
		Code:          awslambda.Code_FromAsset(jsii.String(spec.asset), nil),
		MemorySize:    jsii.Number(float64(spec.memoryMB)),
		Timeout:       seconds(spec.timeout.Seconds()),
		Environment:   &spec.env,
		Role:          spec.role,
		LogGroup:      spec.logs,
		LoggingFormat: awslambda.LoggingFormat_JSON,
		RecursiveLoop: awslambda.RecursiveLoop_TERMINATE,
	})
	fn.Node().DefaultChild().(awslambda.CfnFunction).OverrideLogicalId(jsii.String(spec.id))
	return fn
}

func (b *builder) ingestFunction() {
	logs := b.logGroup("IngestLogs")
	role := b.functionRole("IngestRole", logs)
	objects := b.bucket.ArnForObjects(jsii.String(b.cfg.KeyPrefix + "*"))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadUploads"),
		Actions:   jsii.Strings("s3:GetObject", "s3:GetObjectVersion"),
		Resources: &[]*string{objects},
	}))
	// ListBucket lets a GetObject of a key deleted since its notification
	// answer 404 (handled: nothing to ingest) instead of 403 (retried).
	list := &awsiam.PolicyStatementProps{
		Sid:       jsii.String("ListUploads"),
		Actions:   jsii.Strings("s3:ListBucket"),
		Resources: &[]*string{b.bucket.BucketArn()},
	}
	if b.cfg.KeyPrefix != "" {
		list.Conditions = &map[string]interface{}{
			"StringLike": map[string]interface{}{"s3:prefix": b.cfg.KeyPrefix + "*"},
		}
	}
	role.AddToPolicy(awsiam.NewPolicyStatement(list))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid: jsii.String("WriteTable"),
		Actions: jsii.Strings(
			"dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
			"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
			"dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
		),
		Resources: &[]*string{b.table.TableArn()},
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("QueryIndexes"),
		Actions:   jsii.Strings("dynamodb:Query"),
		Resources: ptrs(b.indexArns()),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("PutChangeEvents"),
		Actions:   jsii.Strings("events:PutEvents"),
		Resources: &[]*string{b.bus.EventBusArn()},
	}))
	objectsRule := "Resource::<" + *b.stack.GetLogicalId(b.bucket.Node().DefaultChild().(awss3.CfnBucket)) + ".Arn>/" + b.cfg.KeyPrefix + "*"
	cdknag.NagSuppressions_AddResourceSuppressions(role, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("Ingest reads whichever uploaded object a notification names: object keys are chosen by uploaders, so the object ARN ends in a wildcard under the configured key prefix. Only GetObject and GetObjectVersion are granted."),
		AppliesTo: &[]interface{}{jsii.String(objectsRule)},
	}}, jsii.Bool(true))

	c := b.cfg
	b.ingest = b.function(functionSpec{
		id:          IngestFunctionID,
		description: "policylens ingest: turns uploaded policies into classified clauses",
		asset:       c.assetPath("ingest"),
		memoryMB:    c.IngestMemoryMB,
		timeout:     c.IngestTimeout,
		role:        role,
		logs:        logs,
		env: map[string]*string{
			topology.EnvTableName:  b.table.TableName(),
			topology.EnvMaxBytes:   jsii.String(strconv.FormatInt(c.MaxObjectBytes, 10)),
			topology.EnvMaxPages:   jsii.String(strconv.Itoa(c.MaxPDFPages)),
			topology.EnvPDFTimeout: jsii.String(c.PDFTimeout.String()),
			topology.EnvKeyPrefix:  jsii.String(c.KeyPrefix),
			topology.EnvLogLevel:   jsii.String(c.LogLevel),
			// The queue's redrive policy says when a delivery is the last.
			topology.EnvMaxReceiveCount: jsii.String(strconv.Itoa(topology.MaxReceiveCount)),
			topology.EnvEventBusName:    b.bus.EventBusName(),
			topology.EnvKeepVersions:    jsii.String(strconv.Itoa(c.KeepVersions)),
			// Declared so that SAM's env.json can set make dev's 1.
			topology.EnvIndexShards: jsii.String(strconv.Itoa(topology.Shards)),
			endpointEnv:             jsii.String(""),
		},
	})
	b.ingest.AddEventSource(awslambdaeventsources.NewSqsEventSource(b.queue, &awslambdaeventsources.SqsEventSourceProps{
		BatchSize:               jsii.Number(float64(c.IngestBatchSize)),
		ReportBatchItemFailures: jsii.Bool(true),
		MaxConcurrency:          jsii.Number(float64(c.IngestMaxConcurrency)),
	}))
}

func (b *builder) lookupFunction() {
	// The key that signs pagination cursors is generated by Secrets Manager.
	// The function reads it through the SDK at its start (and again every
	// few minutes, for rotations): only the secret's ARN is in its
	// environment, and only the function may read the value.
	b.secret = awssecretsmanager.NewSecret(b.stack, jsii.String("CursorSecret"), &awssecretsmanager.SecretProps{
		Description: jsii.String("policylens: key that signs the lookup API's pagination cursors"),
		GenerateSecretString: &awssecretsmanager.SecretStringGenerator{
			PasswordLength:     jsii.Number(64),
			ExcludePunctuation: jsii.Bool(true),
		},
		RemovalPolicy: b.removal,
	})
	cdknag.NagSuppressions_AddResourceSuppressions(b.secret, &[]*cdknag.NagPackSuppression{{
		Id:     jsii.String("AwsSolutions-SMG4"),
		Reason: jsii.String("The secret only signs pagination cursors, which expire after a day. The lookup function is rotation-ready (it reads the current and previous versions and keeps accepting cursors of the previous one), but a generated string needs no rotation function: docs/operations.md says how to rotate it with put-secret-value, without a redeploy."),
	}}, jsii.Bool(true))

	logs := b.logGroup("LookupLogs")
	role := b.functionRole("LookupRole", logs)
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadTable"),
		Actions:   jsii.Strings("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query"),
		Resources: &[]*string{b.table.TableArn()},
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("QueryIndexes"),
		Actions:   jsii.Strings("dynamodb:Query"),
		Resources: ptrs(b.indexArns()),
	}))
	role.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadCursorSecret"),
		Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
		Resources: &[]*string{b.secret.SecretArn()},
	}))
	c := b.cfg
	b.lookup = b.function(functionSpec{
		id:          LookupFunctionID,
		description: "policylens lookup: the read-only HTTP API over policies and clauses",
		asset:       c.assetPath("lookup"),
		memoryMB:    c.LookupMemoryMB,
		timeout:     c.LookupTimeout,
		role:        role,
		logs:        logs,
		env: map[string]*string{
			topology.EnvTableName:       b.table.TableName(),
			topology.EnvCursorSecretARN: b.secret.SecretArn(),
			topology.EnvMaxPageSize:     jsii.String(strconv.Itoa(c.MaxPageSize)),
			topology.EnvLogLevel:        jsii.String(c.LogLevel),
			topology.EnvIndexShards:     jsii.String(strconv.Itoa(topology.Shards)),
			endpointEnv:                 jsii.String(""),
		},
	})
}

// accessLogs implements awsapigatewayv2.IAccessLogSettings.
type accessLogs struct {
	dest   awsapigatewayv2.IAccessLogDestination
	format awsapigateway.AccessLogFormat
}

func (a accessLogs) Destination() awsapigatewayv2.IAccessLogDestination { return a.dest }
func (a accessLogs) Format() awsapigateway.AccessLogFormat              { return a.format }

// accessLogFormat is one JSON object per request. It names the caller (the
// IAM principal or JWT subject) and the integration error, if any.
const accessLogFormat = `{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",` +
	`"requestTime":"$context.requestTime","method":"$context.httpMethod","path":"$context.path",` +
	`"routeKey":"$context.routeKey","status":"$context.status","protocol":"$context.protocol",` +
	`"responseLength":"$context.responseLength","latencyMs":"$context.responseLatency",` +
	`"integrationLatencyMs":"$context.integrationLatency","integrationError":"$context.integrationErrorMessage",` +
	`"userArn":"$context.identity.userArn","jwtSub":"$context.authorizer.claims.sub"}`

func (b *builder) authorizer() awsapigatewayv2.IHttpRouteAuthorizer {
	switch b.cfg.AuthMode {
	case AuthJWT:
		return awsapigatewayv2authorizers.NewHttpJwtAuthorizer(jsii.String("JwtAuthorizer"), jsii.String(b.cfg.JWTIssuer),
			&awsapigatewayv2authorizers.HttpJwtAuthorizerProps{JwtAudience: jsii.Strings(b.cfg.JWTAudience...)})
	case AuthNone:
		return awsapigatewayv2.NewHttpNoneAuthorizer()
	default:
		return awsapigatewayv2authorizers.NewHttpIamAuthorizer()
	}
}

func (b *builder) httpAPI() {
	integration := awsapigatewayv2integrations.NewHttpLambdaIntegration(jsii.String("LookupIntegration"), b.lookup,
		&awsapigatewayv2integrations.HttpLambdaIntegrationProps{
			PayloadFormatVersion: awsapigatewayv2.PayloadFormatVersion_VERSION_2_0(),
		})
	auth := b.authorizer()
	b.api = awsapigatewayv2.NewHttpApi(b.stack, jsii.String("LookupApi"), &awsapigatewayv2.HttpApiProps{
		Description:        jsii.String("policylens lookup API"),
		CreateDefaultStage: jsii.Bool(false),
		DefaultAuthorizer:  auth,
		// The $default route: unknown paths and methods reach the function,
		// which answers them with problem+json.
		DefaultIntegration: integration,
	})
	// The lookup handler's own route table: one source for the API, the
	// local server of make dev and the OpenAPI description. Anything else
	// reaches the function through the $default route, so that unknown
	// paths and methods get its problem+json 404 and 405 answers.
	for _, r := range api.Routes() {
		b.api.AddRoutes(&awsapigatewayv2.AddRoutesOptions{
			Path:        jsii.String(r.Pattern),
			Methods:     &[]awsapigatewayv2.HttpMethod{awsapigatewayv2.HttpMethod(r.Method)},
			Integration: integration,
		})
	}
	access := b.logGroup("ApiAccessLogs")
	b.stage = b.api.AddStage(jsii.String("DefaultStage"), &awsapigatewayv2.HttpStageOptions{
		StageName:  jsii.String("$default"),
		AutoDeploy: jsii.Bool(true),
		Throttle: &awsapigatewayv2.ThrottleSettings{
			RateLimit:  jsii.Number(b.cfg.ThrottleRate),
			BurstLimit: jsii.Number(float64(b.cfg.ThrottleBurst)),
		},
		AccessLogSettings: &accessLogs{
			dest:   awsapigatewayv2.NewLogGroupLogDestination(access),
			format: awsapigateway.AccessLogFormat_Custom(jsii.String(accessLogFormat)),
		},
	})
	if b.cfg.AuthMode == AuthNone {
		cdknag.NagSuppressions_AddResourceSuppressions(b.api, &[]*cdknag.NagPackSuppression{{
			Id:     jsii.String("AwsSolutions-APIG4"),
			Reason: jsii.String("The operator chose an open lookup API with policylens:authMode=none: it serves read-only analyses of published privacy policies, behind stage throttling."),
		}}, jsii.Bool(true))
	}
}

// eventBus creates the bus ingest puts the change events on.
func (b *builder) eventBus() {
	b.bus = awsevents.NewEventBus(b.stack, jsii.String("ChangeEvents"), &awsevents.EventBusProps{
		Description: jsii.String("policylens: a Policy Changed event for every new version of a policy that differs from the previous one"),
	})
}

// changeNotifications sends the change events to an SNS topic, as a short
// text naming the policy, the versions, the counts and the URL of the
// change report; an e-mail address can be subscribed from the context.
// Other consumers add rules of their own on the bus (docs/deploy.md shows
// one to a webhook).
func (b *builder) changeNotifications() {
	// The rule publishes through a role of its own, which may publish to
	// this topic and use its key and nothing else: the topic's policy
	// grants nothing to EventBridge at large. (An AWS-managed key would not
	// let the role use it.)
	key := awskms.NewKey(b.stack, jsii.String("ChangesTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("policylens: encrypts the changes topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     b.removal,
	})
	b.changesTopic = awssns.NewTopic(b.stack, jsii.String("ChangesTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("policylens changes"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	if b.cfg.ChangesEmail != "" {
		b.changesTopic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(b.cfg.ChangesEmail), nil))
	}
	field := func(path string) string { return *awsevents.EventField_FromPath(jsii.String("$.detail." + path)) }
	text := fmt.Sprintf("policylens: the policy %s (s3://%s/%s) changed from version %s to %s: %s clauses added, %s removed, %s modified, %s moved. "+
		"The change report: %s%s",
		field("policy"), field("bucket"), field("key"), field("from"), field("to"),
		field("summary.added"), field("summary.removed"), field("summary.modified"), field("summary.moved"),
		*b.api.ApiEndpoint(), field("changes"))
	b.changes = awsevents.NewRule(b.stack, jsii.String("PolicyChangedRule"), &awsevents.RuleProps{
		Description: jsii.String("policylens: Policy Changed events to the changes topic"),
		EventBus:    b.bus,
		EventPattern: &awsevents.EventPattern{
			Source:     jsii.Strings(topology.EventSource),
			DetailType: jsii.Strings(topology.EventDetailType),
		},
		Targets: &[]awsevents.IRuleTarget{awseventstargets.NewSnsTopic(b.changesTopic, &awseventstargets.SnsTopicProps{
			Message:            awsevents.RuleTargetInput_FromText(jsii.String(text)),
			AuthorizeUsingRole: jsii.Bool(true),
		})},
	})
	cdknag.NagSuppressions_AddResourceSuppressions(b.changes, &[]*cdknag.NagPackSuppression{{
		Id:        jsii.String("AwsSolutions-IAM5"),
		Reason:    jsii.String("The rule's role publishes to the encrypted changes topic: SNS needs kms:GenerateDataKey on the topic's key, which the topic's grantPublish grants as kms:GenerateDataKey* (GenerateDataKey and GenerateDataKeyWithoutPlaintext), on that key only."),
		AppliesTo: &[]interface{}{jsii.String("Action::kms:GenerateDataKey*")},
	}}, jsii.Bool(true))
}

// NoSubscriberWarning is the ID of the synthesis warning that the alarm
// topic has no subscriber.
const NoSubscriberWarning = "policylens:alarmsNotifyNobody"

// alarmTopic creates the SNS topic every alarm notifies, with an email
// subscription when one is configured; without one, synthesis (and so
// every deploy) warns that the alarms reach nobody.
func (b *builder) alarmTopic() {
	// CloudWatch can publish to an encrypted topic only when the key policy
	// lets it use the key, which an AWS-managed key does not.
	key := awskms.NewKey(b.stack, jsii.String("AlarmTopicKey"), &awskms.KeyProps{
		Description:       jsii.String("policylens: encrypts the alarm topic"),
		EnableKeyRotation: jsii.Bool(true),
		RemovalPolicy:     b.removal,
	})
	key.AddToResourcePolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowCloudWatchAlarms"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewServicePrincipal(jsii.String("cloudwatch.amazonaws.com"), nil)},
		Actions:    jsii.Strings("kms:Decrypt", "kms:GenerateDataKey*"),
		Resources:  jsii.Strings("*"),
		Conditions: &map[string]interface{}{
			"StringEquals": map[string]interface{}{"aws:SourceAccount": b.stack.Account()},
		},
	}), nil)
	b.topic = awssns.NewTopic(b.stack, jsii.String("AlarmTopic"), &awssns.TopicProps{
		DisplayName: jsii.String("policylens alarms"),
		MasterKey:   key,
		EnforceSSL:  jsii.Bool(true),
	})
	if b.cfg.AlarmEmail != "" {
		b.topic.AddSubscription(awssnssubscriptions.NewEmailSubscription(jsii.String(b.cfg.AlarmEmail), nil))
		return
	}
	awscdk.Annotations_Of(b.topic).AddWarningV2(jsii.String(NoSubscriberWarning), jsii.String(
		"The alarms notify the SNS topic "+OutputAlarmTopicArn+", which nobody is subscribed to: a full dead-letter queue or failing functions will go unnoticed. "+
			"Deploy with -c "+CtxAlarmEmail+"=you@example.com (and confirm the e-mail AWS sends), or subscribe to the topic as docs/operations.md says."))
}

func (b *builder) alarms() {
	b.alarmTopic()
	five := awscdk.Duration_Minutes(jsii.Number(5))
	type alarm struct {
		id, description string
		metric          awscloudwatch.IMetric
		threshold       float64
	}
	sum := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Sum")}
	maxOf := &awscloudwatch.MetricOptions{Period: five, Statistic: jsii.String("Maximum")}
	alarms := []alarm{
		{"DeadLetterQueueAlarm", "Messages in the ingest dead-letter queue: notifications that failed " + strconv.Itoa(topology.MaxReceiveCount) + " times. Read the ingest logs, fix, then redrive.",
			b.dlq.MetricApproximateNumberOfMessagesVisible(maxOf), 1},
		{"IngestBacklogAlarm", "The oldest ingest message has waited over an hour: ingest is failing or too slow.",
			b.queue.MetricApproximateAgeOfOldestMessage(maxOf), 3600},
		{"IngestErrorsAlarm", "The ingest function failed (crash, timeout or out of memory).",
			b.ingest.MetricErrors(sum), 1},
		{"LookupErrorsAlarm", "The lookup function failed (crash or timeout).",
			b.lookup.MetricErrors(sum), 1},
		{"Api5xxAlarm", "The lookup API answered with server errors (5xx).",
			b.api.MetricServerError(sum), 1},
		{"ChangeEventsFailedAlarm", "EventBridge could not deliver change events to the changes topic (after retrying for up to a day).",
			awscloudwatch.NewMetric(&awscloudwatch.MetricProps{
				Namespace: jsii.String("AWS/Events"), MetricName: jsii.String("FailedInvocations"),
				DimensionsMap: &map[string]*string{"EventBusName": b.bus.EventBusName(), "RuleName": b.changes.RuleName()},
				Period:        five, Statistic: jsii.String("Sum"),
			}), 1},
	}
	for _, a := range alarms {
		al := awscloudwatch.NewAlarm(b.stack, jsii.String(a.id), &awscloudwatch.AlarmProps{
			AlarmDescription:   jsii.String(a.description),
			Metric:             a.metric,
			Threshold:          jsii.Number(a.threshold),
			EvaluationPeriods:  jsii.Number(1),
			ComparisonOperator: awscloudwatch.ComparisonOperator_GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
			TreatMissingData:   awscloudwatch.TreatMissingData_NOT_BREACHING,
		})
		al.AddAlarmAction(awscloudwatchactions.NewSnsAction(b.topic))
		al.AddOkAction(awscloudwatchactions.NewSnsAction(b.topic))
	}
}

func (b *builder) outputs() {
	out := func(id, description string, value *string) {
		awscdk.NewCfnOutput(b.stack, jsii.String(id), &awscdk.CfnOutputProps{Description: jsii.String(description), Value: value})
	}
	out(OutputBucketName, "Upload policies here (aws s3 cp policy.pdf s3://BUCKET/"+b.cfg.KeyPrefix+")", b.bucket.BucketName())
	out(OutputAPIURL, "Lookup API base URL (requests are "+authDescription(b.cfg.AuthMode)+")", b.stage.Url())
	out(OutputTableName, "DynamoDB table of policies and clauses", b.table.TableName())
	out(OutputQueueURL, "Ingest queue fed by the bucket's notifications", b.queue.QueueUrl())
	out(OutputDLQURL, "Ingest dead-letter queue", b.dlq.QueueUrl())
	out(OutputDLQArn, "Ingest dead-letter queue ARN, for aws sqs start-message-move-task --source-arn", b.dlq.QueueArn())
	out(OutputIngestFunction, "Ingest function name", b.ingest.FunctionName())
	out(OutputLookupFunction, "Lookup function name", b.lookup.FunctionName())
	out(OutputAlarmTopicArn, "SNS topic the alarms notify: subscribe to it (docs/operations.md)", b.topic.TopicArn())
	out(OutputEventBusName, "EventBridge bus of the Policy Changed events (docs/deploy.md)", b.bus.EventBusName())
	out(OutputEventBusArn, "EventBridge bus ARN, for rules of your own (e.g. to a webhook)", b.bus.EventBusArn())
	out(OutputChangesTopic, "SNS topic that receives the Policy Changed events: subscribe to it", b.changesTopic.TopicArn())
}

func authDescription(m AuthMode) string {
	switch m {
	case AuthJWT:
		return "authorized by a bearer JWT"
	case AuthNone:
		return "open to anyone"
	default:
		return "signed with SigV4 by an IAM principal allowed execute-api:Invoke"
	}
}

func seconds(s float64) awscdk.Duration { return awscdk.Duration_Seconds(jsii.Number(s)) }

func ptrs(s []*string) *[]*string { return &s }

// retentionDays maps a validated number of days to the CDK enum.
func retentionDays(days int) awslogs.RetentionDays {
	m := map[int]awslogs.RetentionDays{
		1: awslogs.RetentionDays_ONE_DAY, 3: awslogs.RetentionDays_THREE_DAYS, 5: awslogs.RetentionDays_FIVE_DAYS,
		7: awslogs.RetentionDays_ONE_WEEK, 14: awslogs.RetentionDays_TWO_WEEKS, 30: awslogs.RetentionDays_ONE_MONTH,
		60: awslogs.RetentionDays_TWO_MONTHS, 90: awslogs.RetentionDays_THREE_MONTHS, 120: awslogs.RetentionDays_FOUR_MONTHS,
		150: awslogs.RetentionDays_FIVE_MONTHS, 180: awslogs.RetentionDays_SIX_MONTHS, 365: awslogs.RetentionDays_ONE_YEAR,
		400: awslogs.RetentionDays_THIRTEEN_MONTHS, 545: awslogs.RetentionDays_EIGHTEEN_MONTHS, 731: awslogs.RetentionDays_TWO_YEARS,
		1096: awslogs.RetentionDays_THREE_YEARS, 1827: awslogs.RetentionDays_FIVE_YEARS, 2192: awslogs.RetentionDays_SIX_YEARS,
		2557: awslogs.RetentionDays_SEVEN_YEARS, 2922: awslogs.RetentionDays_EIGHT_YEARS, 3288: awslogs.RetentionDays_NINE_YEARS,
		3653: awslogs.RetentionDays_TEN_YEARS,
	}
	return m[days]
}
