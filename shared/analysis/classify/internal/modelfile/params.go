package modelfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/policylens/policylens/shared/domain/labels"
)

// Labels is the number of labels, the width of every per-row weight vector.
const Labels = labels.Count

// The calibration inputs of a clause, in order: the linear margins of the
// clause, the highest margin of each label over its sentences, the
// network's logits, 1 when the clause comes with a heading path, and,
// when its place in the document is known, 1 for the part of the document
// it sits in (PlaceParts equal parts, see PlacePart); then, for a model
// with a memory, three per label of the training clauses nearest the
// clause (MemoryInputs). The calibration of
// label i is the logistic function of Calib[i][CalibBias] + sum_j
// Calib[i][j] * input_j; inputs a model does not compute are 0 and their
// coefficients too.
const (
	CalibSentence = Labels
	CalibNet      = 2 * Labels
	CalibFlag     = 3 * Labels
	CalibPlace    = CalibFlag + 1
	PlaceParts    = 5
	CalibMemory   = CalibPlace + PlaceParts
	CalibInputs   = CalibMemory + 3*Labels
	CalibBias     = CalibInputs
	CalibDim      = CalibBias + 1
)

// The memory inputs of label l, at CalibMemory + MemoryVote*Labels + l and
// so on: the similarity-weighted share of the nearest training clauses
// that carry the label, less one half; that times the best similarity;
// and whether the nearest carries it (1 or 0), less one half, times its
// similarity. A clause with no neighbour has 0 for all three.
const (
	MemoryVote = iota
	MemoryVoteSim
	MemoryNearest
)

// MemoryInput is the position of memory input kind (MemoryVote, ...) of
// label l among the calibration inputs.
func MemoryInput(kind, l int) int { return CalibMemory + kind*Labels + l }

// IsMemoryInput reports whether calibration input j is a memory input, and
// of which label.
func IsMemoryInput(j int) (label int, ok bool) {
	if j < CalibMemory || j >= CalibInputs {
		return 0, false
	}
	return (j - CalibMemory) % Labels, true
}

// PlacePart returns which of the PlaceParts equal parts of a document of
// count clauses (or segments) its clause index (from 0) sits in, by its
// relative place index/(count-1); -1 when count is not above 0 or index is
// outside [0, count).
func PlacePart(index, count int) int {
	if count <= 0 || index < 0 || index >= count {
		return -1
	}
	if count == 1 {
		return 0
	}
	rel := float64(index) / float64(count-1)
	return min(int(rel*PlaceParts), PlaceParts-1)
}

// calibColumns lists the calibration coefficients a file of flags f
// stores per label, in order: a file without Place stores none of the
// place inputs' (the layout before they existed).
func calibColumns(f Flags) []int {
	var cols []int
	for j := range CalibDim {
		if f&Place == 0 && j >= CalibPlace && j < CalibMemory {
			continue
		}
		if f&Memory == 0 && j >= CalibMemory && j < CalibBias {
			continue
		}
		cols = append(cols, j)
	}
	return cols
}

// Groups of n-gram rows, each L2-normalised apart and weighted.
const (
	GroupWord = iota
	GroupChar
	GroupHead
	GroupCopy
	NumGroups
)

// Flags are the model's switches.
type Flags uint32

const (
	// Sentences: the calibration reads the best sentence margins, and
	// sentence gates may raise a clause's scores.
	Sentences Flags = 1 << iota
	// LangCheck: text that does not read as English gets no label.
	LangCheck
	// HeadFlag: the calibration reads whether a heading path was given.
	HeadFlag
	// FallbackGate: a clause that states something and that no threshold
	// admits gets its best label.
	FallbackGate
	// Place: the calibration reads the part of the document a clause sits
	// in, when its caller knows it (CalibPlace).
	Place
	// Memory: the calibration reads the labels of the training clauses
	// nearest the clause (SecMemory, CalibMemory).
	Memory
)

// Limits on what a file may declare, so that a damaged count cannot make a
// reader allocate or loop without bound.
const (
	MaxRows   = 1 << 24
	MaxWords  = 1 << 22
	MaxHidden = 1024
)

// Params are a model's scalars and small arrays.
type Params struct {
	// The n-gram features (see classify.Features).
	WordMin, WordMax, CharMin, CharMax, Lead int
	Flags                                    Flags
	GroupWeight                              [NumGroups]float32
	// Rows counts the n-gram rows; the first WordRows are word n-grams,
	// then CharRows character n-grams, then HeadRows heading n-grams, the
	// rest modern copies of word n-grams.
	Rows, WordRows, CharRows, HeadRows int
	// WeightScale is each label's largest absolute weight (see Quantize).
	WeightScale [Labels]float32
	Bias        [Labels]float32
	Calib       [Labels][CalibDim]float64
	Thresholds  [Labels]float64
	// Fallback, when above 0, gives a clause that no threshold admits its
	// best label if that label's score reaches it.
	Fallback float64
	// SentGate: where above 0, a sentence scored alone that reaches its
	// label's gate raises the clause's score to its own.
	SentGate [Labels]float64
	// Hidden is the network's hidden width (0: no network); Words the rows
	// of its per-word table.
	Hidden, Words int
	B1            []float32 // Hidden
	W2            []float32 // Labels x Hidden, row-major
	B2            [Labels]float32
	ProjScale     []float32 // 2 x Hidden
}

// Encode returns the Params section.
func (p *Params) Encode() []byte {
	var b []byte
	u32 := func(v int) { b = binary.LittleEndian.AppendUint32(b, uint32(v)) }
	f32 := func(vs ...float32) {
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	f64 := func(vs ...float64) {
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
	}
	for _, v := range []int{p.WordMin, p.WordMax, p.CharMin, p.CharMax, p.Lead, int(p.Flags),
		p.Rows, p.WordRows, p.CharRows, p.HeadRows, p.Hidden, p.Words} {
		u32(v)
	}
	f32(p.GroupWeight[:]...)
	f32(p.WeightScale[:]...)
	f32(p.Bias[:]...)
	for i := range p.Calib {
		for _, j := range calibColumns(p.Flags) {
			f64(p.Calib[i][j])
		}
	}
	f64(p.Thresholds[:]...)
	f64(p.Fallback)
	f64(p.SentGate[:]...)
	f32(p.B1...)
	f32(p.W2...)
	f32(p.B2[:]...)
	f32(p.ProjScale...)
	return b
}

// DecodeParams reads a Params section and checks that its values are in
// range.
func DecodeParams(b []byte) (*Params, error) {
	d := reader{b: b}
	p := &Params{}
	ints := []*int{&p.WordMin, &p.WordMax, &p.CharMin, &p.CharMax, &p.Lead, nil,
		&p.Rows, &p.WordRows, &p.CharRows, &p.HeadRows, &p.Hidden, &p.Words}
	for i, v := range ints {
		x := d.u32()
		if v == nil {
			p.Flags = Flags(x)
			continue
		}
		*ints[i] = int(x)
	}
	d.f32s(p.GroupWeight[:])
	d.f32s(p.WeightScale[:])
	d.f32s(p.Bias[:])
	for i := range p.Calib {
		for _, j := range calibColumns(p.Flags) {
			p.Calib[i][j] = d.f64()
		}
	}
	d.f64s(p.Thresholds[:])
	p.Fallback = d.f64()
	d.f64s(p.SentGate[:])
	if d.err != nil {
		return nil, d.err
	}
	switch {
	case p.Rows > MaxRows || p.WordRows+p.CharRows+p.HeadRows > p.Rows:
		return nil, fmt.Errorf("implausible row counts %d/%d/%d of %d", p.WordRows, p.CharRows, p.HeadRows, p.Rows)
	case p.Hidden > MaxHidden || p.Words > MaxWords || (p.Hidden == 0) != (p.Words == 0):
		return nil, fmt.Errorf("implausible network of %d hidden units over %d words", p.Hidden, p.Words)
	}
	p.B1 = make([]float32, p.Hidden)
	p.W2 = make([]float32, Labels*p.Hidden)
	p.ProjScale = make([]float32, 2*p.Hidden)
	d.f32s(p.B1)
	d.f32s(p.W2)
	d.f32s(p.B2[:])
	d.f32s(p.ProjScale)
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%d unexpected bytes after the parameters", len(d.b))
	}
	return p, p.check()
}

func (p *Params) check() error {
	finite := func(what string, vs ...float64) error {
		for _, v := range vs {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("%s is not finite", what)
			}
		}
		return nil
	}
	f32 := func(vs []float32) []float64 {
		out := make([]float64, len(vs))
		for i, v := range vs {
			out[i] = float64(v)
		}
		return out
	}
	for i := range Labels {
		if err := finite("calibration", p.Calib[i][:]...); err != nil {
			return err
		}
		for _, v := range []float64{p.Thresholds[i], p.SentGate[i]} {
			if !(v >= 0 && v <= 1) {
				return fmt.Errorf("label %d: threshold or gate %v outside [0,1]", i, v)
			}
		}
		if !(p.WeightScale[i] >= 0) {
			return fmt.Errorf("label %d: weight scale %v", i, p.WeightScale[i])
		}
	}
	if !(p.Fallback >= 0 && p.Fallback <= 1) {
		return fmt.Errorf("fallback %v outside [0,1]", p.Fallback)
	}
	for _, vs := range [][]float32{p.GroupWeight[:], p.WeightScale[:], p.Bias[:], p.B1, p.W2, p.B2[:], p.ProjScale} {
		if err := finite("a weight", f32(vs)...); err != nil {
			return err
		}
	}
	return nil
}

// reader reads little-endian numbers, remembering the first error.
type reader struct {
	b   []byte
	err error
}

var errTruncated = errors.New("parameters truncated")

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n > len(r.b) {
		r.err = errTruncated
		return nil
	}
	p := r.b[:n]
	r.b = r.b[n:]
	return p
}

func (r *reader) u32() uint32 {
	if p := r.take(4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (r *reader) f64() float64 {
	if p := r.take(8); p != nil {
		return math.Float64frombits(binary.LittleEndian.Uint64(p))
	}
	return 0
}

func (r *reader) f32s(out []float32) {
	p := r.take(4 * len(out))
	if p == nil {
		return
	}
	for i := range out {
		out[i] = math.Float32frombits(binary.LittleEndian.Uint32(p[4*i:]))
	}
}

func (r *reader) f64s(out []float64) {
	p := r.take(8 * len(out))
	if p == nil {
		return
	}
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(p[8*i:]))
	}
}
