// Package classify assigns OPP-115 privacy-practice labels to clause text
// with a calibrated score per label.
package classify

import "github.com/policylens/policylens/shared/labels"

// Scores holds one score in [0,1] per label, indexed like labels.All.
type Scores [labels.Count]float64

// LabelScore is one label a clause carries, with its score.
type LabelScore struct {
	Label string  `json:"label"`
	Score float64 `json:"score"`
}

// SCAFFOLDING: replaced by the trained model.
type Model struct{}

// Default returns the model embedded in the binary.
func Default() (*Model, error) { return &Model{}, nil }

// Version identifies the model's weights.
func (m *Model) Version() string { return "scaffold" }

// Scores scores text against every label.
func (m *Model) Scores(text string) Scores { return Scores{} }

// Assign returns the labels whose score is at or above that label's
// threshold, highest score first.
func (m *Model) Assign(s Scores) []LabelScore { return nil }
