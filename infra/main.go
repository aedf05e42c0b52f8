// Command infra is the policylens CDK app: `npx cdk synth` and `npx cdk deploy`
// run it (see cdk.json and docs/deploy.md). Options come from the CDK context.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"

	"github.com/policylens/policylens/infra/stack"
)

func main() {
	err := run()
	jsii.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, "policylens infra:", err)
		os.Exit(1)
	}
}

func run() error {
	app := awscdk.NewApp(nil)
	ctx, _ := app.Node().GetAllContext(nil).(map[string]any)
	cfg, err := stack.ConfigFromContext(ctx)
	if err != nil {
		return err
	}
	if _, err := stack.New(app, cfg, nil); err != nil {
		return err
	}
	stack.Check(app)
	app.Synth(nil)
	return nil
}
