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

// A clause is scored with its heading path, as analyze does; text that is
// not English gets no label.
func ExampleModel_AssignInput() {
	m, err := classify.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, in := range []classify.Input{
		{Heading: []string{"Your rights", "Objecting"}, Text: "You may object at any time to processing based on our legitimate interests."},
		{Heading: []string{"Vos droits"}, Text: "Vous pouvez vous opposer à tout moment au traitement de vos données fondé sur nos intérêts légitimes."},
	} {
		labels := m.AssignInput(in, m.ScoresInput(in))
		fmt.Println(len(labels) > 0 && labels[0].Label == "User Choice/Control", len(labels))
	}
	// Output:
	// true 1
	// false 0
}
