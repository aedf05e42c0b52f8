// Command lookup is the lookup Lambda function: the read API of policylens
// behind an API Gateway HTTP API. See package lookup; the configuration is
// read by settings.LoadLookup.
package main

import (
	"os"

	"github.com/policylens/policylens/shared/service/lookup"
)

func main() {
	if err := lookup.Start(); err != nil {
		os.Exit(1)
	}
}
