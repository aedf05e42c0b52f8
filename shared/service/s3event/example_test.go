package s3event_test

import (
	"fmt"

	"github.com/policylens/policylens/shared/service/s3event"
)

// A policy's id is readable and stable for its bucket and key.
func ExamplePolicyID() {
	fmt.Println(s3event.PolicyID("policylens-local", "policies/Privacy Policy+2025.txt"))
	// Output: policies-privacy-policy-2025-txt-4336eb770257
}
