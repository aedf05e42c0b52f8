package stack

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"

	"github.com/policylens/policylens/shared/domain/policy"
	"github.com/policylens/policylens/shared/service/api"
	"github.com/policylens/policylens/shared/service/topology"
)

func allStacks() []*synthesized { return []*synthesized{defaultStack, jwtStack, openStack} }

func TestBuckets(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			buckets := s.resources("AWS::S3::Bucket")
			if len(buckets) != 2 {
				t.Fatalf("want 2 buckets (uploads, access logs), got %d", len(buckets))
			}
			logsID, _ := s.only(t, "AWS::S3::Bucket", "AccessLogs")
			uploadsID, _ := s.only(t, "AWS::S3::Bucket", "Uploads")
			check(t, "every bucket encrypted, all public access blocked, owner-enforced", func() {
				s.template.AllResourcesProperties(jsii.String("AWS::S3::Bucket"), like(map[string]any{
					"BucketEncryption": map[string]any{"ServerSideEncryptionConfiguration": arrayWith(like(map[string]any{
						"ServerSideEncryptionByDefault": map[string]any{"SSEAlgorithm": "AES256"},
					}))},
					"PublicAccessBlockConfiguration": map[string]any{
						"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true,
					},
					"OwnershipControls": map[string]any{"Rules": arrayEquals(map[string]any{"ObjectOwnership": "BucketOwnerEnforced"})},
				}))
			})
			check(t, "uploads versioned, old versions expire, access logs to the log bucket", func() {
				s.template.HasResourceProperties(jsii.String("AWS::S3::Bucket"), like(map[string]any{
					"VersioningConfiguration": map[string]any{"Status": "Enabled"},
					"LifecycleConfiguration": map[string]any{"Rules": arrayWith(like(map[string]any{
						"Status":                      "Enabled",
						"NoncurrentVersionExpiration": map[string]any{"NoncurrentDays": noncurrentVersionDays},
					}))},
					"LoggingConfiguration": map[string]any{"DestinationBucketName": ref(logsID), "LogFilePrefix": "uploads/"},
				}))
			})
			for _, id := range []string{uploadsID, logsID} {
				check(t, id+" policy denies requests without TLS 1.2", func() {
					s.template.HasResourceProperties(jsii.String("AWS::S3::BucketPolicy"), like(map[string]any{
						"Bucket": ref(id),
						"PolicyDocument": like(map[string]any{"Statement": arrayWith(
							like(map[string]any{
								"Effect": "Deny", "Action": "s3:*", "Principal": map[string]any{"AWS": "*"},
								"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
							}),
							like(map[string]any{
								"Effect": "Deny", "Action": "s3:*",
								"Condition": map[string]any{"NumericLessThan": map[string]any{"s3:TlsVersion": 1.2}},
							}),
						)}),
					}))
				})
			}
			policy := "Retain"
			if !s.cfg.Retain {
				policy = "Delete"
			}
			check(t, "removal policy "+policy, func() {
				s.template.AllResources(jsii.String("AWS::S3::Bucket"), like(map[string]any{
					"DeletionPolicy": policy, "UpdateReplacePolicy": policy,
				}))
			})
			autoDelete := len(s.resources("Custom::S3AutoDeleteObjects"))
			if want := map[bool]int{true: 0, false: 2}[s.cfg.Retain]; autoDelete != want {
				t.Errorf("auto-delete custom resources: got %d, want %d (only destroy stacks empty their buckets)", autoDelete, want)
			}
		})
	}
}

// TestNotifications checks one notification per event type and accepted
// suffix, under the key prefix, to the ingest queue, and that the queue lets
// only this bucket send to it.
func TestNotifications(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			uploadsID, _ := s.only(t, "AWS::S3::Bucket", "Uploads")
			queueID, _ := s.only(t, "AWS::SQS::Queue", "IngestQueue")
			_, n := s.only(t, "Custom::S3BucketNotifications", "UploadsNotifications")
			if got := props(n)["BucketName"]; !jsonEqual(got, ref(uploadsID)) {
				t.Errorf("notifications are for bucket %v, want %v", got, ref(uploadsID))
			}
			conf := props(n)["NotificationConfiguration"].(map[string]any)
			for _, k := range []string{"LambdaFunctionConfigurations", "TopicConfigurations"} {
				if conf[k] != nil {
					t.Errorf("unexpected %s: %v", k, conf[k])
				}
			}
			var got, want []string
			for _, event := range []string{"s3:ObjectCreated:*", "s3:ObjectRemoved:*"} {
				for _, suffix := range policy.Extensions {
					want = append(want, fmt.Sprintf("%s prefix=%q suffix=%q", event, s.cfg.KeyPrefix, suffix))
				}
			}
			for _, q := range conf["QueueConfigurations"].([]any) {
				qc := q.(map[string]any)
				if !jsonEqual(qc["QueueArn"], getAtt(queueID, "Arn")) {
					t.Errorf("notification to %v, want the ingest queue", qc["QueueArn"])
				}
				rules := map[string]string{}
				for _, r := range qc["Filter"].(map[string]any)["Key"].(map[string]any)["FilterRules"].([]any) {
					rule := r.(map[string]any)
					rules[rule["Name"].(string)] = rule["Value"].(string)
				}
				for _, e := range qc["Events"].([]any) {
					got = append(got, fmt.Sprintf("%s prefix=%q suffix=%q", e, rules["prefix"], rules["suffix"]))
				}
			}
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("notifications:\n got %q\nwant %q", got, want)
			}
			check(t, "queue policy lets the bucket (and only it) send", func() {
				s.template.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), like(map[string]any{
					"Queues": arrayEquals(ref(queueID)),
					"PolicyDocument": like(map[string]any{"Statement": arrayWith(like(map[string]any{
						"Effect":    "Allow",
						"Principal": map[string]any{"Service": "s3.amazonaws.com"},
						"Action":    arrayWith("sqs:SendMessage"),
						"Condition": map[string]any{"ArnLike": map[string]any{"aws:SourceArn": getAtt(uploadsID, "Arn")}},
					}))}),
				}))
			})
		})
	}
}

func TestQueues(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			queueID, queue := s.only(t, "AWS::SQS::Queue", "IngestQueue")
			dlqID, dlq := s.only(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")
			want := map[string]any{
				"deadLetterTargetArn": getAtt(dlqID, "Arn"),
				"maxReceiveCount":     topology.MaxReceiveCount,
			}
			if got := props(queue)["RedrivePolicy"]; !jsonEqual(got, want) {
				t.Errorf("redrive policy %v, want %v", got, want)
			}
			if got, want := props(dlq)["MessageRetentionPeriod"], topology.DLQRetentionDays*24*3600; !jsonEqual(got, want) {
				t.Errorf("DLQ retention %v s, want %d s (%d days)", got, want, topology.DLQRetentionDays)
			}
			_, ingest := s.only(t, "AWS::Lambda::Function", IngestFunctionID)
			timeout := props(ingest)["Timeout"].(float64)
			if got := props(queue)["VisibilityTimeout"]; !jsonEqual(got, 6*timeout) {
				t.Errorf("visibility timeout %v, want 6 x the ingest timeout %v", got, timeout)
			}
			for _, id := range []string{queueID, dlqID} {
				check(t, id+" encrypted and TLS-only", func() {
					s.template.HasResourceProperties(jsii.String("AWS::SQS::Queue"), like(map[string]any{
						"SqsManagedSseEnabled": true,
					}))
					s.template.HasResourceProperties(jsii.String("AWS::SQS::QueuePolicy"), like(map[string]any{
						"Queues": arrayEquals(ref(id)),
						"PolicyDocument": like(map[string]any{"Statement": arrayWith(like(map[string]any{
							"Effect": "Deny", "Action": "sqs:*",
							"Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
						}))}),
					}))
				})
				if props(s.resources("AWS::SQS::Queue")[id])["SqsManagedSseEnabled"] != true {
					t.Errorf("%s: SqsManagedSseEnabled is not true", id)
				}
			}
		})
	}
}

func TestIngestFunction(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			queueID, _ := s.only(t, "AWS::SQS::Queue", "IngestQueue")
			tableID, _ := s.only(t, "AWS::DynamoDB::Table", "Table")
			logsID, _ := s.only(t, "AWS::Logs::LogGroup", "IngestLogs")
			busID, _ := s.only(t, "AWS::Events::EventBus", "ChangeEvents")
			fn, ok := s.resources("AWS::Lambda::Function")[IngestFunctionID]
			if !ok {
				t.Fatalf("no function with logical ID %s", IngestFunctionID)
			}
			c := s.cfg
			wantEnv := map[string]any{
				topology.EnvTableName:  ref(tableID),
				topology.EnvMaxBytes:   fmt.Sprint(c.MaxObjectBytes),
				topology.EnvMaxPages:   fmt.Sprint(c.MaxPDFPages),
				topology.EnvPDFTimeout: c.PDFTimeout.String(),
				topology.EnvKeyPrefix:  c.KeyPrefix,
				topology.EnvLogLevel:   c.LogLevel,
				// The function knows which delivery is the last.
				topology.EnvMaxReceiveCount: fmt.Sprint(topology.MaxReceiveCount),
				topology.EnvEventBusName:    ref(busID),
				topology.EnvKeepVersions:    fmt.Sprint(c.KeepVersions),
				topology.EnvIndexShards:     fmt.Sprint(topology.Shards),
				endpointEnv:                 "",
			}
			checkFunction(t, fn, c.IngestMemoryMB, c.IngestTimeout.Seconds(), wantEnv, logsID)
			check(t, "SQS event source with partial batch failures and bounded concurrency", func() {
				s.template.ResourceCountIs(jsii.String("AWS::Lambda::EventSourceMapping"), jsii.Number(1))
				s.template.HasResourceProperties(jsii.String("AWS::Lambda::EventSourceMapping"), map[string]any{
					"FunctionName":          ref(IngestFunctionID),
					"EventSourceArn":        getAtt(queueID, "Arn"),
					"BatchSize":             c.IngestBatchSize,
					"FunctionResponseTypes": arrayEquals("ReportBatchItemFailures"),
					"ScalingConfig":         map[string]any{"MaximumConcurrency": c.IngestMaxConcurrency},
					"Tags":                  anyValue(),
				})
			})
		})
	}
}

func TestLookupFunction(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			tableID, _ := s.only(t, "AWS::DynamoDB::Table", "Table")
			logsID, _ := s.only(t, "AWS::Logs::LogGroup", "LookupLogs")
			secretID, secret := s.only(t, "AWS::SecretsManager::Secret", "CursorSecret")
			fn, ok := s.resources("AWS::Lambda::Function")[LookupFunctionID]
			if !ok {
				t.Fatalf("no function with logical ID %s", LookupFunctionID)
			}
			c := s.cfg
			wantEnv := map[string]any{
				topology.EnvTableName: ref(tableID),
				// The secret's ARN, not its value: the function reads the
				// value through the SDK, so GetFunctionConfiguration
				// shows no key.
				topology.EnvCursorSecretARN: ref(secretID),
				topology.EnvMaxPageSize:     fmt.Sprint(c.MaxPageSize),
				topology.EnvLogLevel:        c.LogLevel,
				topology.EnvIndexShards:     fmt.Sprint(topology.Shards),
				endpointEnv:                 "",
			}
			checkFunction(t, fn, c.LookupMemoryMB, c.LookupTimeout.Seconds(), wantEnv, logsID)
			gen, _ := props(secret)["GenerateSecretString"].(map[string]any)
			if gen["PasswordLength"] != float64(64) || gen["ExcludePunctuation"] != true {
				t.Errorf("cursor secret generation %v, want 64 characters without punctuation", gen)
			}
		})
	}
}

// checkFunction checks what both functions share: a Go binary on
// provided.al2023 for arm64, its memory, timeout, environment and log group.
func checkFunction(t *testing.T, fn map[string]any, memoryMB int, timeout float64, env map[string]any, logsID string) {
	t.Helper()
	p := props(fn)
	want := map[string]any{
		"Runtime":       "provided.al2023",
		"Architectures": []any{"arm64"},
		"Handler":       "bootstrap",
		"MemorySize":    memoryMB,
		"Timeout":       timeout,
		"Environment":   map[string]any{"Variables": env},
		"LoggingConfig": map[string]any{"LogFormat": "JSON", "LogGroup": ref(logsID)},
	}
	for k, v := range want {
		if !jsonEqual(p[k], v) {
			t.Errorf("%s: got %s, want %s", k, toJSON(p[k]), toJSON(v))
		}
	}
}

func TestTable(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			s.only(t, "AWS::DynamoDB::Table", "Table")
			var gsis []any
			attrs := []any{
				map[string]any{"AttributeName": topology.PartitionKey, "AttributeType": "S"},
				map[string]any{"AttributeName": topology.SortKey, "AttributeType": "S"},
			}
			for _, idx := range topology.Indexes {
				gsis = append(gsis, map[string]any{
					"IndexName": idx.Name,
					"KeySchema": []any{
						map[string]any{"AttributeName": idx.PartitionKey, "KeyType": "HASH"},
						map[string]any{"AttributeName": idx.SortKey, "KeyType": "RANGE"},
					},
					"Projection": map[string]any{"ProjectionType": "ALL"},
				})
				attrs = append(attrs,
					map[string]any{"AttributeName": idx.PartitionKey, "AttributeType": "S"},
					map[string]any{"AttributeName": idx.SortKey, "AttributeType": "S"})
			}
			policy := "Retain"
			if !s.cfg.Retain {
				policy = "Delete"
			}
			check(t, "keys and indexes from topology, on-demand, PITR, deletion protection, TTL", func() {
				s.template.HasResource(jsii.String("AWS::DynamoDB::Table"), like(map[string]any{
					"DeletionPolicy":      policy,
					"UpdateReplacePolicy": policy,
					"Properties": map[string]any{
						"KeySchema": []any{
							map[string]any{"AttributeName": topology.PartitionKey, "KeyType": "HASH"},
							map[string]any{"AttributeName": topology.SortKey, "KeyType": "RANGE"},
						},
						"AttributeDefinitions":             attrs,
						"GlobalSecondaryIndexes":           gsis,
						"BillingMode":                      "PAY_PER_REQUEST",
						"PointInTimeRecoverySpecification": map[string]any{"PointInTimeRecoveryEnabled": true},
						"DeletionProtectionEnabled":        s.cfg.Retain,
						"TimeToLiveSpecification":          map[string]any{"AttributeName": topology.TTLAttribute, "Enabled": true},
						"Tags":                             anyValue(),
					},
				}))
			})
		})
	}
}

// grants flattens the IAM policies attached to a role into "action on
// resource" strings, so that merged and split statements compare equal.
func (s *synthesized) grants(t *testing.T, roleID string) []string {
	t.Helper()
	var out []string
	for id, p := range s.resources("AWS::IAM::Policy") {
		roles, _ := props(p)["Roles"].([]any)
		if !slices.ContainsFunc(roles, func(r any) bool { return jsonEqual(r, ref(roleID)) }) {
			continue
		}
		if len(roles) != 1 {
			t.Errorf("policy %s is shared by roles %v", id, roles)
		}
		doc := props(p)["PolicyDocument"].(map[string]any)
		for _, st := range doc["Statement"].([]any) {
			stmt := st.(map[string]any)
			if stmt["Effect"] != "Allow" {
				continue
			}
			cond := ""
			if stmt["Condition"] != nil {
				cond = " if " + toJSON(stmt["Condition"])
			}
			for _, a := range list(stmt["Action"]) {
				for _, r := range list(stmt["Resource"]) {
					out = append(out, fmt.Sprintf("%s on %s%s", a, toJSON(r), cond))
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func list(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

func TestLeastPrivilege(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			uploadsID, _ := s.only(t, "AWS::S3::Bucket", "Uploads")
			tableID, _ := s.only(t, "AWS::DynamoDB::Table", "Table")
			queueID, _ := s.only(t, "AWS::SQS::Queue", "IngestQueue")
			ingestRole, _ := s.only(t, "AWS::IAM::Role", "IngestRole")
			lookupRole, _ := s.only(t, "AWS::IAM::Role", "LookupRole")
			ingestLogs, _ := s.only(t, "AWS::Logs::LogGroup", "IngestLogs")
			lookupLogs, _ := s.only(t, "AWS::Logs::LogGroup", "LookupLogs")

			for fn, role := range map[string]string{IngestFunctionID: ingestRole, LookupFunctionID: lookupRole} {
				if got := props(s.resources("AWS::Lambda::Function")[fn])["Role"]; !jsonEqual(got, getAtt(role, "Arn")) {
					t.Errorf("%s runs as %v, want %s", fn, got, role)
				}
				r := props(s.resources("AWS::IAM::Role")[role])
				if r["ManagedPolicyArns"] != nil || r["Policies"] != nil {
					t.Errorf("%s has managed or inline policies: %v %v", role, r["ManagedPolicyArns"], r["Policies"])
				}
			}

			table := toJSON(getAtt(tableID, "Arn"))
			var indexes []string
			for _, idx := range topology.Indexes {
				indexes = append(indexes, toJSON(map[string]any{"Fn::Join": []any{"", []any{getAtt(tableID, "Arn"), "/index/" + idx.Name}}}))
			}
			grant := func(actions []string, resources ...string) []string {
				var out []string
				for _, a := range actions {
					for _, r := range resources {
						out = append(out, a+" on "+r)
					}
				}
				return out
			}
			logs := []string{"logs:CreateLogStream", "logs:PutLogEvents"}
			read := []string{"dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:Query"}
			objects := toJSON(map[string]any{"Fn::Join": []any{"", []any{getAtt(uploadsID, "Arn"), "/" + s.cfg.KeyPrefix + "*"}}})
			list := "s3:ListBucket on " + toJSON(getAtt(uploadsID, "Arn"))
			if s.cfg.KeyPrefix != "" {
				list += ` if {"StringLike":{"s3:prefix":"` + s.cfg.KeyPrefix + `*"}}`
			}

			var wantIngest []string
			wantIngest = append(wantIngest, grant(logs, toJSON(getAtt(ingestLogs, "Arn")))...)
			wantIngest = append(wantIngest, grant([]string{"s3:GetObject", "s3:GetObjectVersion"}, objects)...)
			wantIngest = append(wantIngest, list)
			wantIngest = append(wantIngest, grant(append(read, "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
				"dynamodb:DeleteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"), table)...)
			wantIngest = append(wantIngest, grant([]string{"dynamodb:Query"}, indexes...)...)
			busID, _ := s.only(t, "AWS::Events::EventBus", "ChangeEvents")
			wantIngest = append(wantIngest, grant([]string{"events:PutEvents"}, toJSON(getAtt(busID, "Arn")))...)
			wantIngest = append(wantIngest, grant([]string{"sqs:ChangeMessageVisibility", "sqs:DeleteMessage",
				"sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"}, toJSON(getAtt(queueID, "Arn")))...)
			sort.Strings(wantIngest)
			if got := s.grants(t, ingestRole); !slices.Equal(got, wantIngest) {
				t.Errorf("ingest role grants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantIngest, "\n"))
			}

			secretID, _ := s.only(t, "AWS::SecretsManager::Secret", "CursorSecret")
			var wantLookup []string
			wantLookup = append(wantLookup, grant(logs, toJSON(getAtt(lookupLogs, "Arn")))...)
			wantLookup = append(wantLookup, grant([]string{"secretsmanager:GetSecretValue"}, toJSON(ref(secretID)))...)
			wantLookup = append(wantLookup, grant(read, table)...)
			wantLookup = append(wantLookup, grant([]string{"dynamodb:Query"}, indexes...)...)
			sort.Strings(wantLookup)
			if got := s.grants(t, lookupRole); !slices.Equal(got, wantLookup) {
				t.Errorf("lookup role grants:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantLookup, "\n"))
			}
		})
	}
}

func TestHTTPAPI(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			apiID, _ := s.only(t, "AWS::ApiGatewayV2::Api", "LookupApi")
			integrationID, _ := s.only(t, "AWS::ApiGatewayV2::Integration", "LookupApi")
			accessLogsID, _ := s.only(t, "AWS::Logs::LogGroup", "ApiAccessLogs")
			check(t, "HTTP API with a Lambda proxy integration, payload 2.0", func() {
				s.template.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Api"), like(map[string]any{"ProtocolType": "HTTP"}))
				s.template.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Integration"), map[string]any{
					"ApiId":                ref(apiID),
					"IntegrationType":      "AWS_PROXY",
					"IntegrationUri":       getAtt(LookupFunctionID, "Arn"),
					"PayloadFormatVersion": "2.0",
				})
			})

			authType := map[AuthMode]string{AuthIAM: "AWS_IAM", AuthJWT: "JWT", AuthNone: "NONE"}[s.cfg.AuthMode]
			var authorizer any
			if s.cfg.AuthMode == AuthJWT {
				id, a := s.only(t, "AWS::ApiGatewayV2::Authorizer", "LookupApiJwtAuthorizer")
				authorizer = ref(id)
				want := map[string]any{
					"ApiId":          ref(apiID),
					"AuthorizerType": "JWT",
					"IdentitySource": []any{"$request.header.Authorization"},
					"JwtConfiguration": map[string]any{
						"Issuer": s.cfg.JWTIssuer, "Audience": toAny(s.cfg.JWTAudience),
					},
					"Name": "JwtAuthorizer",
				}
				if !jsonEqual(props(a), want) {
					t.Errorf("JWT authorizer %s, want %s", toJSON(props(a)), toJSON(want))
				}
			} else if n := len(s.resources("AWS::ApiGatewayV2::Authorizer")); n != 0 {
				t.Errorf("%d authorizer resources in %s mode", n, s.cfg.AuthMode)
			}

			var got []string
			for id, r := range s.resources("AWS::ApiGatewayV2::Route") {
				p := props(r)
				got = append(got, p["RouteKey"].(string))
				target := map[string]any{"Fn::Join": []any{"", []any{"integrations/", ref(integrationID)}}}
				if !jsonEqual(p["Target"], target) || !jsonEqual(p["ApiId"], ref(apiID)) {
					t.Errorf("route %s targets %v on %v, want the lookup integration", id, p["Target"], p["ApiId"])
				}
				if p["AuthorizationType"] != authType || !jsonEqual(p["AuthorizerId"], authorizer) {
					t.Errorf("route %s authorization %v %v, want %s %v", p["RouteKey"], p["AuthorizationType"], p["AuthorizerId"], authType, authorizer)
				}
			}
			want := append([]string{"$default"}, api.RouteKeys()...)
			sort.Strings(got)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("routes %q, want %q", got, want)
			}

			check(t, "$default stage with throttling and JSON access logs", func() {
				s.template.ResourceCountIs(jsii.String("AWS::ApiGatewayV2::Stage"), jsii.Number(1))
				s.template.HasResourceProperties(jsii.String("AWS::ApiGatewayV2::Stage"), like(map[string]any{
					"ApiId":      ref(apiID),
					"StageName":  "$default",
					"AutoDeploy": true,
					"DefaultRouteSettings": map[string]any{
						"ThrottlingRateLimit": s.cfg.ThrottleRate, "ThrottlingBurstLimit": s.cfg.ThrottleBurst,
					},
					"AccessLogSettings": map[string]any{
						"DestinationArn": getAtt(accessLogsID, "Arn"),
						"Format":         accessLogFormat,
					},
				}))
			})
			var format map[string]string
			if err := json.Unmarshal([]byte(accessLogFormat), &format); err != nil || format["requestId"] != "$context.requestId" {
				t.Errorf("access log format is not JSON with the request ID (%v): %s", err, accessLogFormat)
			}
			check(t, "API Gateway may invoke the lookup function", func() {
				s.template.HasResourceProperties(jsii.String("AWS::Lambda::Permission"), like(map[string]any{
					"Action": "lambda:InvokeFunction", "FunctionName": getAtt(LookupFunctionID, "Arn"),
					"Principal": "apigateway.amazonaws.com",
				}))
			})
		})
	}
}

func TestLogRetention(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			groups := s.resources("AWS::Logs::LogGroup")
			if len(groups) != 3 {
				t.Errorf("%d log groups, want 3 (ingest, lookup, API access)", len(groups))
			}
			check(t, "every log group has a retention", func() {
				s.template.AllResourcesProperties(jsii.String("AWS::Logs::LogGroup"), like(map[string]any{
					"RetentionInDays": s.cfg.LogRetentionDays,
				}))
			})
			// No function may log to a group without a retention, which
			// Lambda would create on its own.
			for id, fn := range s.resources("AWS::Lambda::Function") {
				if id != IngestFunctionID && id != LookupFunctionID {
					continue
				}
				lc, _ := props(fn)["LoggingConfig"].(map[string]any)
				if r, ok := lc["LogGroup"].(map[string]any); !ok || groups[r["Ref"].(string)] == nil {
					t.Errorf("%s logs to %v, not to one of the stack's log groups", id, lc["LogGroup"])
				}
			}
		})
	}
}

func TestAlarms(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			dlqID, _ := s.only(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")
			queueID, _ := s.only(t, "AWS::SQS::Queue", "IngestQueue")
			apiID, _ := s.only(t, "AWS::ApiGatewayV2::Api", "LookupApi")
			type metric struct {
				namespace, name, dim string
				value                any
				threshold            float64
			}
			want := map[string]metric{
				"DeadLetterQueueAlarm": {"AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", getAtt(dlqID, "QueueName"), 1},
				"IngestBacklogAlarm":   {"AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", getAtt(queueID, "QueueName"), 3600},
				"IngestErrorsAlarm":    {"AWS/Lambda", "Errors", "FunctionName", ref(IngestFunctionID), 1},
				"LookupErrorsAlarm":    {"AWS/Lambda", "Errors", "FunctionName", ref(LookupFunctionID), 1},
				"Api5xxAlarm":          {"AWS/ApiGateway", "5xx", "ApiId", ref(apiID), 1},
			}
			busID, _ := s.only(t, "AWS::Events::EventBus", "ChangeEvents")
			ruleID, _ := s.only(t, "AWS::Events::Rule", "PolicyChangedRule")
			want["ChangeEventsFailedAlarm"] = metric{"AWS/Events", "FailedInvocations", "", nil, 1}
			alarms := s.resources("AWS::CloudWatch::Alarm")
			if len(alarms) != len(want) {
				t.Errorf("%d alarms, want %d", len(alarms), len(want))
			}
			// Every stack has the topic, and every alarm notifies it.
			topicID, _ := s.only(t, "AWS::SNS::Topic", "AlarmTopic")
			topic := []any{ref(topicID)}
			for prefix, m := range want {
				_, a := s.only(t, "AWS::CloudWatch::Alarm", prefix)
				p := props(a)
				dims := []any{map[string]any{"Name": m.dim, "Value": m.value}}
				if prefix == "ChangeEventsFailedAlarm" {
					dims = []any{map[string]any{"Name": "EventBusName", "Value": ref(busID)}, map[string]any{"Name": "RuleName", "Value": ref(ruleID)}}
				}
				if p["Namespace"] != m.namespace || p["MetricName"] != m.name || !jsonEqual(p["Dimensions"], dims) {
					t.Errorf("%s watches %v %v %v, want %s %s %s", prefix, p["Namespace"], p["MetricName"], toJSON(p["Dimensions"]), m.namespace, m.name, toJSON(dims))
				}
				if p["Threshold"] != m.threshold || p["ComparisonOperator"] != "GreaterThanOrEqualToThreshold" || p["TreatMissingData"] != "notBreaching" {
					t.Errorf("%s fires on %v %v (missing data %v), want >= %v", prefix, p["ComparisonOperator"], p["Threshold"], p["TreatMissingData"], m.threshold)
				}
				if !jsonEqual(p["AlarmActions"], topic) || !jsonEqual(p["OKActions"], topic) {
					t.Errorf("%s actions %v / %v, want %v", prefix, p["AlarmActions"], p["OKActions"], topic)
				}
			}
			keyID, _ := s.only(t, "AWS::KMS::Key", "AlarmTopicKey")
			check(t, "alarm topic encrypted with a rotating key CloudWatch may use, TLS-only", func() {
				s.template.HasResourceProperties(jsii.String("AWS::SNS::Topic"), like(map[string]any{
					"KmsMasterKeyId": getAtt(keyID, "Arn"),
				}))
				s.template.HasResourceProperties(jsii.String("AWS::KMS::Key"), like(map[string]any{
					"EnableKeyRotation": true,
					"KeyPolicy": like(map[string]any{"Statement": arrayWith(like(map[string]any{
						"Effect":    "Allow",
						"Principal": map[string]any{"Service": "cloudwatch.amazonaws.com"},
						"Action":    arrayEquals("kms:Decrypt", "kms:GenerateDataKey*"),
					}))}),
				}))
				s.template.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), like(map[string]any{
					"PolicyDocument": like(map[string]any{"Statement": arrayWith(like(map[string]any{
						"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}},
					}))}),
				}))
			})
			subs := s.resources("AWS::SNS::Subscription")
			warnings := s.annotations.FindWarning(jsii.String("*"), assertions.Match_StringLikeRegexp(jsii.String("nobody is subscribed")))
			alarmSubs := 0
			for _, sub := range subs {
				if jsonEqual(props(sub)["TopicArn"], ref(topicID)) {
					alarmSubs++
				}
			}
			if want := map[bool]int{true: 0, false: 1}[s.cfg.AlarmEmail == ""]; alarmSubs != want {
				t.Errorf("%d subscriptions to the alarm topic, want %d", alarmSubs, want)
			}
			if s.cfg.AlarmEmail == "" {
				// Synthesis, and so every deploy, says that nobody hears
				// the alarms, and how to change that.
				if len(*warnings) != 1 || !strings.Contains(fmt.Sprint((*warnings)[0].Entry.Data), CtxAlarmEmail) {
					t.Errorf("warnings %v, want one saying nobody is subscribed and naming %s", *warnings, CtxAlarmEmail)
				}
				return
			}
			if len(*warnings) != 0 {
				t.Errorf("a stack with an alarm email warns: %v", *warnings)
			}
			check(t, "email subscription", func() {
				s.template.HasResourceProperties(jsii.String("AWS::SNS::Subscription"), like(map[string]any{
					"Protocol": "email", "Endpoint": s.cfg.AlarmEmail, "TopicArn": ref(topicID),
				}))
			})
		})
	}
}

func TestOutputs(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			uploadsID, _ := s.only(t, "AWS::S3::Bucket", "Uploads")
			tableID, _ := s.only(t, "AWS::DynamoDB::Table", "Table")
			apiID, _ := s.only(t, "AWS::ApiGatewayV2::Api", "LookupApi")
			check(t, "bucket, table and API URL outputs", func() {
				s.template.HasOutput(jsii.String(OutputBucketName), like(map[string]any{"Value": ref(uploadsID)}))
				s.template.HasOutput(jsii.String(OutputTableName), like(map[string]any{"Value": ref(tableID)}))
				s.template.HasOutput(jsii.String(OutputAPIURL), like(map[string]any{"Value": map[string]any{"Fn::Join": arrayEquals("", arrayWith(
					"https://", ref(apiID), ".execute-api.",
				))}}))
			})
			topicID, _ := s.only(t, "AWS::SNS::Topic", "AlarmTopic")
			dlqID, _ := s.only(t, "AWS::SQS::Queue", "IngestDeadLetterQueue")
			check(t, "alarm topic and dead-letter queue ARN outputs", func() {
				s.template.HasOutput(jsii.String(OutputAlarmTopicArn), like(map[string]any{"Value": ref(topicID)}))
				s.template.HasOutput(jsii.String(OutputDLQArn), like(map[string]any{"Value": getAtt(dlqID, "Arn")}))
			})
		})
	}
}

// The change events: a bus the ingest function may put events on (and
// only that), a rule matching policylens's Policy Changed events to an
// encrypted topic that EventBridge may publish to, with a message naming
// the change report's URL, and an e-mail subscription when one is set.
func TestChangeEvents(t *testing.T) {
	for _, s := range allStacks() {
		t.Run(s.cfg.StackName, func(t *testing.T) {
			busID, _ := s.only(t, "AWS::Events::EventBus", "ChangeEvents")
			ruleID, rule := s.only(t, "AWS::Events::Rule", "PolicyChangedRule")
			topicID, _ := s.only(t, "AWS::SNS::Topic", "ChangesTopic")
			keyID, _ := s.only(t, "AWS::KMS::Key", "ChangesTopicKey")
			apiID, _ := s.only(t, "AWS::ApiGatewayV2::Api", "LookupApi")
			p := props(rule)
			if !jsonEqual(p["EventBusName"], ref(busID)) || p["State"] != "ENABLED" ||
				!jsonEqual(p["EventPattern"], map[string]any{"source": []any{"policylens"}, "detail-type": []any{"Policy Changed"}}) {
				t.Errorf("rule %s: %s", ruleID, toJSON(p))
			}
			targets := p["Targets"].([]any)
			if len(targets) != 1 {
				t.Fatalf("rule targets %s", toJSON(targets))
			}
			target := targets[0].(map[string]any)
			input := toJSON(target["InputTransformer"])
			if !jsonEqual(target["Arn"], ref(topicID)) || !strings.Contains(input, `"$.detail.changes"`) ||
				!strings.Contains(input, toJSON(getAtt(apiID, "ApiEndpoint"))) || !strings.Contains(input, "changed from version") {
				t.Errorf("rule target %s, want the changes topic with a message naming the report's URL", toJSON(target))
			}
			check(t, "the changes topic encrypted with a rotating key, TLS-only, open to no service principal", func() {
				s.template.HasResourceProperties(jsii.String("AWS::SNS::Topic"), like(map[string]any{
					"KmsMasterKeyId": getAtt(keyID, "Arn"), "DisplayName": "policylens changes",
				}))
				s.template.HasResourceProperties(jsii.String("AWS::KMS::Key"), like(map[string]any{"EnableKeyRotation": true}))
				s.template.HasResourceProperties(jsii.String("AWS::SNS::TopicPolicy"), like(map[string]any{
					"Topics": arrayEquals(ref(topicID)),
					"PolicyDocument": like(map[string]any{"Statement": arrayEquals(
						like(map[string]any{"Effect": "Deny", "Condition": map[string]any{"Bool": map[string]any{"aws:SecureTransport": "false"}}}),
					)}),
				}))
			})
			// The rule publishes through a role of its own, which may do
			// that and nothing else.
			roleID, role := s.only(t, "AWS::IAM::Role", "PolicyChangedRuleEventsRole")
			if got := toJSON(props(role)["AssumeRolePolicyDocument"]); !strings.Contains(got, `"Service":"events.amazonaws.com"`) {
				t.Errorf("the rule's role is assumed by %s", got)
			}
			if !jsonEqual(target["RoleArn"], getAtt(roleID, "Arn")) {
				t.Errorf("the target publishes as %v, want the rule's role", target["RoleArn"])
			}
			want := []string{
				"kms:Decrypt on " + toJSON(getAtt(keyID, "Arn")),
				"kms:GenerateDataKey* on " + toJSON(getAtt(keyID, "Arn")),
				"sns:Publish on " + toJSON(ref(topicID)),
			}
			if got := s.grants(t, roleID); !slices.Equal(got, want) {
				t.Errorf("the rule's role may %q, want %q", got, want)
			}
			var emails []string
			for _, sub := range s.resources("AWS::SNS::Subscription") {
				if jsonEqual(props(sub)["TopicArn"], ref(topicID)) {
					emails = append(emails, fmt.Sprint(props(sub)["Protocol"], " ", props(sub)["Endpoint"]))
				}
			}
			var wantEmails []string
			if s.cfg.ChangesEmail != "" {
				wantEmails = []string{"email " + s.cfg.ChangesEmail}
			}
			if !slices.Equal(emails, wantEmails) {
				t.Errorf("subscriptions to the changes topic %v, want %v", emails, wantEmails)
			}
			check(t, "bus and topic outputs", func() {
				s.template.HasOutput(jsii.String(OutputEventBusName), like(map[string]any{"Value": ref(busID)}))
				s.template.HasOutput(jsii.String(OutputEventBusArn), like(map[string]any{"Value": getAtt(busID, "Arn")}))
				s.template.HasOutput(jsii.String(OutputChangesTopic), like(map[string]any{"Value": ref(topicID)}))
			})
		})
	}
}

func jsonEqual(a, b any) bool { return toJSON(a) == toJSON(b) }

func toJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("<%v>", err)
	}
	// Numbers from templates are float64 and from Go ints: both marshal
	// alike; round-trip to normalise maps and slices of other types.
	var n any
	if err := json.Unmarshal(b, &n); err != nil {
		return string(b)
	}
	b, _ = json.Marshal(n)
	return string(b)
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
