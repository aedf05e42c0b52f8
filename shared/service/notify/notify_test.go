package notify

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/policylens/policylens/shared/analysis/changes"
	"github.com/policylens/policylens/shared/domain/fault"
)

type fakePutter struct {
	in  *eventbridge.PutEventsInput
	out *eventbridge.PutEventsOutput
}

func (f *fakePutter) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, _ ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.in = in
	return f.out, nil
}

func TestDetail(t *testing.T) {
	rep := &changes.Report{Summary: changes.Summary{Added: 1, Unchanged: 3}}
	d := NewDetail("a-b-0123456789ab", "bkt", "a b.txt", "", "3HL4kqtJ/+x", "AAA", "2025-03-03T10:00:00Z", rep)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"policy":"a-b-0123456789ab","bucket":"bkt","key":"a b.txt","from":"3HL4kqtJ/+x","to":"AAA",` +
		`"received":"2025-03-03T10:00:00Z","summary":{"added":1,"removed":0,"modified":0,"moved":0,"unchanged":3,"cosmetic":0,"headings":0},` +
		`"labels":[],"facts":[],"changes":"/policies/a-b-0123456789ab/changes?from=3HL4kqtJ%2F%2Bx\u0026to=AAA"}`
	if string(b) != want {
		t.Errorf("detail\n%s\nwant\n%s", b, want)
	}

	// The key facts that changed travel with the event, so that a rule can
	// match a law newly named or a policy now in another language.
	rep.Facts = []changes.FactChange{{Fact: changes.FactRegulations, Added: []string{"PIPL"}}, {Fact: changes.FactLanguage, Before: "en", After: "es"}}
	b, _ = json.Marshal(NewDetail("a-b-0123456789ab", "bkt", "k", "", "A", "B", "2025-03-03T10:00:00Z", rep))
	var got struct{ Facts []changes.FactChange }
	if err := json.Unmarshal(b, &got); err != nil || len(got.Facts) != 2 || got.Facts[0].Added[0] != "PIPL" || got.Facts[1].After != "es" {
		t.Errorf("facts in the detail: %s", b)
	}
}

func TestPublish(t *testing.T) {
	f := &fakePutter{out: &eventbridge.PutEventsOutput{Entries: []types.PutEventsResultEntry{{EventId: aws.String("e-1")}}}}
	p := NewPublisher(f, "bus")
	id, err := p.Publish(context.Background(), []byte(`{"policy":"x"}`))
	if err != nil || id != "e-1" {
		t.Fatalf("publish: %q %v", id, err)
	}
	e := f.in.Entries[0]
	if aws.ToString(e.EventBusName) != "bus" || aws.ToString(e.Source) != "policylens" || aws.ToString(e.DetailType) != "Policy Changed" ||
		aws.ToString(e.Detail) != `{"policy":"x"}` {
		t.Errorf("entry %+v", e)
	}
	f.out = &eventbridge.PutEventsOutput{FailedEntryCount: 1, Entries: []types.PutEventsResultEntry{{ErrorCode: aws.String("ThrottlingException")}}}
	if _, err := p.Publish(context.Background(), []byte(`{}`)); fault.KindOf(err) != fault.Throttled {
		t.Errorf("throttled entry: %v", err)
	}
	f.out = &eventbridge.PutEventsOutput{FailedEntryCount: 1, Entries: []types.PutEventsResultEntry{{ErrorCode: aws.String("AccessDeniedException")}}}
	if _, err := p.Publish(context.Background(), []byte(`{}`)); err == nil || fault.KindOf(err) == fault.Throttled {
		t.Errorf("refused entry: %v", err)
	}
	if _, err := p.Publish(context.Background(), []byte(`{`)); err == nil {
		t.Error("a detail that is not JSON was sent")
	}
}
