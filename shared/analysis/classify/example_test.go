package classify_test

import (
	"fmt"

	"github.com/policylens/policylens/shared/analysis/classify"
)

// The embedded model scores a clause for all 12 labels and assigns those
// at or above their thresholds.
func ExampleModel_Assign() {
	m, err := classify.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	scores := m.Scores("Data retention. We keep your order history for seven years, as tax law requires, and then delete it.")
	for _, l := range m.Assign(scores) {
		fmt.Println(l.Label, l.Score > 0.5)
	}
	// Output:
	// Data Retention true
}
