package attrs

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/policylens/policylens/shared/domain/labels"
)

// The weights file: magic, the SHA-256 of the rest, then the rest: the
// length of the JSON parameters (uint32, little-endian), the parameters,
// and four tables read in place: the label-model rows the model weighs
// (uint32, ascending), per such row the start of its weights (uint32,
// one more than rows), each weight's target (uint16) and its 8-bit code
// (int8; the weight is code/127 times its target's scale).
const magic = "PLATTRS1"

// Params are the model's small parameters, stored as JSON in the file.
type Params struct {
	// LabelVersion and LabelRows identify the label model whose feature
	// pass the model reads; TextRows is its number of text rows.
	LabelVersion string `json:"labelVersion"`
	LabelRows    int    `json:"labelRows"`
	TextRows     int    `json:"textRows"`
	// WordRows is the label model's number of word n-gram rows (the
	// first of its text rows).
	WordRows int `json:"wordRows"`
	// Gate says which clauses get triples: GateAny, those the label model
	// labels, or GateCategory, only the triples of the categories it
	// assigns.
	Gate string `json:"gate,omitempty"`
	// Score says what a triple's score is: ScoreProduct, the value's
	// probability times the category's label score, or ScoreValue, the
	// value's probability alone.
	Score string `json:"score,omitempty"`
	// CharScale multiplies the values of the character n-gram rows (0:
	// 1).
	CharScale float64 `json:"charScale,omitempty"`
	// Targets are the modelled triples, those of one category together.
	Targets []Target `json:"targets"`
	// Pairs are the (category, attribute) pairs of the targets.
	Pairs []Pair `json:"pairs"`
	// Notes are training notes (JSON), if any.
	Notes json.RawMessage `json:"notes,omitempty"`
}

// Target is one modelled (category, attribute, value).
type Target struct {
	Category  string `json:"category"`
	Attribute string `json:"attribute"`
	Value     string `json:"value"`
	// Aux marks a value that is never predicted ("Unspecified"): its
	// margin only informs the other values of its pair.
	Aux   bool    `json:"aux,omitempty"`
	Pair  int     `json:"pair"`
	Bias  float64 `json:"bias"`
	Scale float64 `json:"scale"`
	// Stack are the coefficients of the margins of the pair's targets (in
	// target order), then a bias, of the value's logistic probability.
	Stack []float64 `json:"stack,omitempty"`
}

// Pair is a (category, attribute) with its decision threshold: a value
// is predicted when its probability times the category's label score
// reaches it.
type Pair struct {
	Category  string  `json:"category"`
	Attribute string  `json:"attribute"`
	Threshold float64 `json:"threshold"`
}

// Weight is one nonzero weight of a target on a label-model row.
type Weight struct {
	Row    uint32
	Target int
	Value  float64
}

// Encode writes a weights file from its parameters and weights (any
// order); each target's weights are quantised against its largest
// absolute weight, stored in the target's Scale.
func Encode(p Params, weights []Weight) ([]byte, error) {
	if len(p.Targets) > MaxTargets {
		return nil, fmt.Errorf("attrs: %d targets, at most %d", len(p.Targets), MaxTargets)
	}
	top := make([]float64, len(p.Targets))
	byRow := map[uint32][]Weight{}
	for _, w := range weights {
		if w.Target < 0 || w.Target >= len(p.Targets) || int(w.Row) >= p.TextRows {
			return nil, fmt.Errorf("attrs: weight %+v outside the targets or text rows", w)
		}
		top[w.Target] = max(top[w.Target], math.Abs(w.Value))
		byRow[w.Row] = append(byRow[w.Row], w)
	}
	for i := range p.Targets {
		p.Targets[i].Scale = top[i] / 127
	}
	header, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	keys := make([]uint32, 0, len(byRow))
	for r := range byRow {
		keys = append(keys, r)
	}
	sortU32(keys)
	var body bytes.Buffer
	put := func(v any) { binary.Write(&body, binary.LittleEndian, v) }
	put(uint32(len(header)))
	body.Write(header)
	put(uint32(len(keys)))
	put(keys)
	start := make([]uint32, 0, len(keys)+1)
	var cols []uint16
	var codes []int8
	for _, r := range keys {
		start = append(start, uint32(len(cols)))
		ws := byRow[r]
		sortWeights(ws)
		for _, w := range ws {
			c := math.Round(w.Value / p.Targets[w.Target].Scale)
			if c == 0 {
				continue
			}
			cols = append(cols, uint16(w.Target))
			codes = append(codes, int8(max(min(c, 127), -127)))
		}
	}
	start = append(start, uint32(len(cols)))
	put(start)
	put(uint32(len(cols)))
	put(cols)
	put(codes)
	sum := sha256.Sum256(body.Bytes())
	out := append([]byte(magic), sum[:]...)
	return append(out, body.Bytes()...), nil
}

// ErrBadModel is wrapped by every error about a malformed weights file.
var ErrBadModel = errors.New("bad attribute model file")

// decode reads a weights file in place; verify checks its checksum.
func decode(data []byte, verify bool) (*Model, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrBadModel, fmt.Sprintf(format, args...))
	}
	if len(data) < len(magic)+sha256.Size+4 || string(data[:len(magic)]) != magic {
		return nil, bad("not an attribute model")
	}
	sum := data[len(magic) : len(magic)+sha256.Size]
	body := data[len(magic)+sha256.Size:]
	if verify {
		if s := sha256.Sum256(body); !bytes.Equal(s[:], sum) {
			return nil, bad("checksum mismatch")
		}
	}
	m := &Model{data: data, version: hex.EncodeToString(sum[:6])}
	take := func(n int) []byte {
		if n < 0 || n > len(body) {
			return nil
		}
		b := body[:n]
		body = body[n:]
		return b
	}
	u32 := func() (int, bool) {
		b := take(4)
		if b == nil {
			return 0, false
		}
		return int(binary.LittleEndian.Uint32(b)), true
	}
	n, ok := u32()
	h := take(n)
	if !ok || h == nil {
		return nil, bad("truncated parameters")
	}
	if err := json.Unmarshal(h, &m.p); err != nil {
		return nil, bad("parameters: %v", err)
	}
	nk, ok := u32()
	if !ok {
		return nil, bad("truncated tables")
	}
	m.keys = take(4 * nk)
	m.start = take(4 * (nk + 1))
	nnz, ok := u32()
	if !ok || m.keys == nil || m.start == nil {
		return nil, bad("truncated tables")
	}
	cols, codes := take(2*nnz), take(nnz)
	if cols == nil || codes == nil || len(body) != 0 {
		return nil, bad("tables of the wrong size")
	}
	m.weights = make([]weight, nnz)
	for i := range nnz {
		t := binary.LittleEndian.Uint16(cols[2*i:])
		if t >= MaxTargets {
			return nil, bad("weight of target %d, at most %d targets", t, MaxTargets)
		}
		m.weights[i] = weight{target: uint8(t), code: int8(codes[i])}
	}
	if err := m.index(nk, nnz); err != nil {
		return nil, bad("%v", err)
	}
	return m, nil
}

// index checks the parameters and tables and builds what Predict needs.
func (m *Model) index(nk, nnz int) error {
	p := &m.p
	if p.Gate == "" {
		p.Gate = GateAny
	}
	if p.Gate != GateAny && p.Gate != GateCategory {
		return fmt.Errorf("gate %q", p.Gate)
	}
	if p.Score == "" {
		p.Score = ScoreProduct
	}
	if p.CharScale == 0 {
		p.CharScale = 1
	}
	if p.Score != ScoreProduct && p.Score != ScoreValue {
		return fmt.Errorf("score %q", p.Score)
	}
	if p.TextRows <= 0 || p.TextRows > p.LabelRows || p.WordRows > p.TextRows || len(p.Targets) == 0 || len(p.Targets) > MaxTargets {
		return fmt.Errorf("%d text rows of %d, %d targets", p.TextRows, p.LabelRows, len(p.Targets))
	}
	// The map from rows to keys ends at the last key's row: a model of
	// word n-grams only sees the character rows go by at no cost.
	last := -1
	if nk > 0 {
		last = int(binary.LittleEndian.Uint32(m.keys[4*(nk-1):]))
	}
	if last >= p.TextRows {
		return fmt.Errorf("row %d out of range", last)
	}
	m.rowMap = make([]int32, last+1)
	for i := range m.rowMap {
		m.rowMap[i] = -1
	}
	prev := -1
	for i := range nk {
		r := int(binary.LittleEndian.Uint32(m.keys[4*i:]))
		if r <= prev || r > last {
			return fmt.Errorf("row %d out of order or range", r)
		}
		prev = r
		m.rowMap[r] = int32(i)
	}
	for i := range nk + 1 {
		s := int(binary.LittleEndian.Uint32(m.start[4*i:]))
		if s > nnz || (i > 0 && s < int(binary.LittleEndian.Uint32(m.start[4*(i-1):]))) || (i == nk && s != nnz) {
			return fmt.Errorf("weight starts out of order")
		}
	}
	m.charScale = float32(p.CharScale)
	m.members = make([][]int, len(p.Pairs))
	m.labelOf = make([]int, len(p.Targets))
	m.pairLabel = make([]int, len(p.Pairs))
	for i := range m.gate {
		m.gate[i] = math.Inf(1)
	}
	for ti, t := range p.Targets {
		l, ok := categoryIndex(t.Category)
		if !ok || t.Pair < 0 || t.Pair >= len(p.Pairs) || p.Pairs[t.Pair].Category != t.Category || p.Pairs[t.Pair].Attribute != t.Attribute {
			return fmt.Errorf("target %d (%s / %s / %s) has no category or pair", ti, t.Category, t.Attribute, t.Value)
		}
		m.labelOf[ti] = l
		m.pairLabel[t.Pair] = l
		m.members[t.Pair] = append(m.members[t.Pair], ti)
	}
	// Each key's weights by label: targets are grouped by label, and a
	// key's weights sorted by target.
	m.entries = make([]keyEntry, nk)
	for j := range nk {
		from := binary.LittleEndian.Uint32(m.start[4*j:])
		to := binary.LittleEndian.Uint32(m.start[4*j+4:])
		if to-from > MaxTargets {
			return fmt.Errorf("key %d has %d weights, at most %d", j, to-from, MaxTargets)
		}
		e := &m.entries[j]
		e.base = from
		l, prevT := 0, -1
		for q := from; q < to; q++ {
			t := int(m.weights[q].target)
			if t >= len(p.Targets) || t <= prevT {
				return fmt.Errorf("weights of key %d not in target order", j)
			}
			for ; l <= m.labelOf[t]; l++ {
				e.off[l] = uint8(q - from)
			}
			prevT = t
		}
		for ; l < len(e.off); l++ {
			e.off[l] = uint8(to - from)
		}
		for l := range labels.Count {
			if e.off[l+1] > e.off[l] {
				e.labels |= 1 << l
			}
		}
	}
	for ti, t := range p.Targets {
		if ti > 0 && m.labelOf[ti] < m.labelOf[ti-1] {
			return fmt.Errorf("targets not grouped by label")
		}
		if len(t.Stack) != len(m.members[t.Pair])+1 {
			return fmt.Errorf("target %d: %d stacking coefficients for a pair of %d", ti, len(t.Stack), len(m.members[t.Pair]))
		}
		if !t.Aux {
			g := p.Pairs[t.Pair].Threshold
			if p.Score == ScoreValue {
				g = 0 // the label score is not part of the score
			}
			m.gate[m.labelOf[ti]] = min(m.gate[m.labelOf[ti]], g)
		}
	}
	return nil
}

func sortU32(a []uint32) { slices.Sort(a) }

func sortWeights(a []Weight) {
	slices.SortFunc(a, func(x, y Weight) int { return x.Target - y.Target })
}
