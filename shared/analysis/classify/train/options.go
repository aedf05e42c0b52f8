// Package train fits the clause classifier of package classify and
// measures it: the vocabulary, the linear solvers, the small network and
// the word vectors it reads, cross-validation folds, calibration,
// thresholds, fallback and sentence gates, the weights file, and the
// evaluation figures. Nothing here is linked into the Lambda functions.
//
// Train is deterministic for a seed, whatever the number of workers.
package train

import (
	"io"

	"github.com/policylens/policylens/shared/analysis/classify"
	"github.com/policylens/policylens/shared/domain/labels"
)

// Options configure Train. Zero fields of the core settings take the
// defaults noted; the other settings are off at zero.
type Options struct {
	// Features are the n-grams to read; zero means
	// classify.DefaultFeatures.
	Features classify.Features
	// CharWeight scales the character n-gram block against the word block
	// (each is L2-normalised first); 0 means DefaultCharWeight.
	CharWeight float64
	// MinDF drops n-grams seen in fewer training texts; 0 means
	// DefaultMinDF.
	MinDF int
	// C lists the candidate costs of the linear SVM (inverse
	// regularisation); each label takes the one with the best
	// cross-validated log-loss. Empty means DefaultC.
	C []float64
	// PosWeight weights a label's positive examples by
	// (negatives/positives)^PosWeight: 1 is fully balanced; 0 means
	// DefaultPosWeight, and a negative value leaves the classes unweighted.
	PosWeight float64
	// Folds is the number of cross-validation folds on the training data,
	// used to calibrate scores and tune thresholds; 0 means DefaultFolds.
	// The final weights are the mean of the folds' models (see Refit).
	Folds int
	// Seed fixes the order of the solvers' updates and the network's
	// initial weights.
	Seed uint64
	// Model is the linear learner: "svm", "nbsvm", "both" (the mean of the
	// two) or "lr"; empty means DefaultModel.
	Model string
	// Stack lets each label's calibration read the inputs of all labels
	// (their margins, best sentence margins and network logits), the other
	// labels' coefficients L2-penalised by Stack, so that label
	// co-occurrence and competition inform the scores. 0 means
	// DefaultStack; a negative value gives plain Platt scaling of the
	// label's own inputs.
	Stack float64
	// InSampleCalib tunes thresholds, fallback and sentence gates on the
	// scores of the calibration fitted on all the out-of-fold inputs,
	// the very values it was fitted on (optimistic: the figures of models
	// trained before 2026-12-01). By default each example's scores come
	// from a calibration fitted on the other folds.
	InSampleCalib bool
	// Fallback tunes a score at or above which a clause that no threshold
	// admits still gets its best label.
	Fallback bool
	// FallbackGate gives every clause that classify.States something (and
	// reads as English, with LangCheck) its best label when no threshold
	// admits one; navigation and bare headings may stay unlabelled. With
	// Fallback too, cross-validation keeps the better of the two.
	FallbackGate bool
	// PerLabel keeps the thresholds that maximise each label's F1 alone.
	// By default they are then refined by coordinate ascent on the
	// objective (see objective).
	PerLabel bool
	// Refit trains the final weights of each label on all the training
	// data instead of averaging the folds' weights (which keeps the scale
	// of the margins that calibration and thresholds were fitted on).
	Refit bool
	// HeadWeight weights the block of heading-path word 1-2-grams; 0
	// means no heading block.
	HeadWeight float64
	// CopyWeight, when above 0, gives clauses with a heading path a copy
	// of their word n-grams in a block of its own with this weight
	// (feature augmentation for today's wording).
	CopyWeight float64
	// ModernWeight weights the examples of the modern corpus in the
	// linear models' costs and the network's loss; 0 means 1.
	ModernWeight float64
	// HeadFlag lets the calibration read whether a clause comes with a
	// heading path (modern clauses) or not (OPP-115 segments).
	HeadFlag bool
	// Place lets the calibration read which fifth of its document a
	// clause sits in, for the examples whose place is known
	// (corpus.Example.Count). The calibration is fitted on every example
	// twice, with its place and without, so that a clause whose place
	// its caller does not know is scored as a model without places would.
	Place bool `json:",omitempty"`
	// Memory, when above 0, gives the model a memory of its training
	// clauses, each by its MemoryWords heaviest words (0 means
	// DefaultMemoryWords) and its labels: the calibration reads the labels
	// of the Memory clauses nearest a clause (while training, the nearest
	// of the other folds, as for a clause of a policy the model has not
	// seen).
	Memory      int `json:",omitempty"`
	MemoryWords int `json:",omitempty"`
	// MemoryMaxShare leaves out of the memory the words that more than
	// this share of the training clauses keep (0 means
	// DefaultMemoryMaxShare).
	MemoryMaxShare float64 `json:",omitempty"`
	// MemoryQuery, when above 0, looks a clause's nearest up by its
	// MemoryQuery heaviest word rows only (0: all its word rows).
	MemoryQuery int `json:",omitempty"`
	// Sentences lets the calibration read each label's highest margin over
	// a clause's sentences as well as the clause's, and enables the
	// sentence gates.
	Sentences bool
	// SentGate: where a sentence scored alone reaches its label's gate,
	// the clause's score rises to the sentence's (with Sentences). 0 tunes
	// a gate per label by cross-validation, rarest label first; above 0
	// offers only that gate; below 0 turns them off.
	SentGate float64
	// SentTolerance is how much of the cross-validated objective (a sum of
	// F1 figures) a label's gate may cost; 0 means 0.001.
	SentTolerance float64
	// LangCheck keeps text that does not read as English unlabelled.
	LangCheck bool
	// Vectors are the word vectors of the network (see NewVectors); with
	// Network set, the model keeps the network's first layer per word.
	Vectors *Vectors `json:"-"`
	// Network, when set with Vectors, adds a small network over the
	// weighted averages of the word vectors of a clause's text and heading
	// path, whose logits the calibration reads.
	Network *NetworkOptions `json:",omitempty"`
	// Workers bounds the goroutines used; 0 means 2. It does not change
	// the result.
	Workers int `json:"-"`
	// OOF, when set, receives one line per training example with its
	// cross-validated prediction: index, corpus (0 OPP-115, 1 modern),
	// gold and predicted label sets as bit masks, and the 12 scores.
	OOF io.Writer `json:"-"`
	// Log, when set, receives progress lines.
	Log io.Writer `json:"-"`
}

// DefaultC are the candidate SVM costs.
var DefaultC = []float64{0.1, 0.3, 1, 3}

// Defaults of the core settings.
const (
	DefaultPosWeight  = 0.5
	DefaultCharWeight = 0.5
	DefaultMinDF      = 3
	DefaultFolds      = 10
	DefaultModel      = "both"
	DefaultStack      = 30.0
)

// Shipped returns the options the shipped model was trained with (with its
// word vectors given apart, see NewVectors), chosen by cross-validation on
// the training splits of both corpora (docs/model.md).
func Shipped() Options {
	return Options{
		C:             []float64{0.3, 1},
		Fallback:      true,
		FallbackGate:  true,
		HeadWeight:    0.5,
		CopyWeight:    0.5,
		ModernWeight:  2,
		HeadFlag:      true,
		Place:         true,
		Sentences:     true,
		SentTolerance: 0.005,
		LangCheck:     true,
		Network:       &NetworkOptions{Hidden: 64},
	}
}

func (o *Options) defaults() {
	if o.Features == (classify.Features{}) {
		o.Features = classify.DefaultFeatures
	}
	if o.CharWeight == 0 {
		o.CharWeight = DefaultCharWeight
	}
	if o.Model == "" {
		o.Model = DefaultModel
	}
	if o.MinDF == 0 {
		o.MinDF = DefaultMinDF
	}
	if o.Stack == 0 {
		o.Stack = DefaultStack
	}
	if o.PosWeight == 0 {
		o.PosWeight = DefaultPosWeight
	}
	if len(o.C) == 0 {
		o.C = DefaultC
	}
	if o.Folds == 0 {
		o.Folds = DefaultFolds
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.ModernWeight == 0 {
		o.ModernWeight = 1
	}
	if o.SentTolerance == 0 {
		o.SentTolerance = 0.001
	}
	if o.Memory > 0 && o.MemoryWords == 0 {
		o.MemoryWords = DefaultMemoryWords
	}
	if o.Memory > 0 && o.MemoryMaxShare == 0 {
		o.MemoryMaxShare = DefaultMemoryMaxShare
	}
	if o.Network != nil {
		n := *o.Network
		n.defaults()
		o.Network = &n
	}
}

// Report describes a training run; it is stored in the weights file as
// its notes.
type Report struct {
	Examples int `json:"examples"`
	Rows     int `json:"features"`
	Words    int `json:"words,omitempty"`
	// Options are the options trained with, defaults filled in.
	Options Options `json:"options"`
	// C is the cost chosen per label.
	C [labels.Count]float64 `json:"c"`
	// The cross-validated figures on the training data with the tuned
	// thresholds (optimistic: the thresholds were tuned on them).
	CVMicroF1 float64 `json:"cvMicroF1"`
	CVMacroF1 float64 `json:"cvMacroF1"`
	// CVByCorpus splits the cross-validated figures by corpus ("opp115",
	// "modern"; micro, macro), also with no fallback ("/nofallback"), with
	// the best label given to every clause ("/forcebest") and to every
	// clause that states something ("/gated").
	CVByCorpus map[string][2]float64 `json:"cvByCorpus,omitempty"`
	Fallback   float64               `json:"fallback"`
	Gated      bool                  `json:"fallbackGate,omitempty"`
	SentGate   [labels.Count]float64 `json:"sentGate"`
}
