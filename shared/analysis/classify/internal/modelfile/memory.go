package modelfile

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ClauseMemory is what a model keeps of its training clauses to find a clause's
// nearest ones: per clause its labels, and per word row the clauses that
// keep the row among their heaviest words, with the row's weight in the
// clause (a bag of keywords per clause, not its text).
//
// SecMemory holds, little-endian: the uint32s K (neighbours read), N
// (clauses), R (word rows indexed), E (entries) and Q (how many of its
// heaviest word rows a clause looks the nearest up by; 0: all); N uint16 label sets
// (bit l: label l), padded to 4 bytes; R+1 uint32 starts (row r's entries
// are [Start[r], Start[r+1])); E uint16 clause indexes; E uint8 weights
// (the weight times 255).
type ClauseMemory struct {
	K       int
	Q       int
	Labels  []uint16
	Start   []uint32
	Clause  []uint16
	Weights []uint8
}

// Limits of a memory, so that a damaged file cannot make a reader
// allocate without bound.
const (
	MaxMemoryClauses = 1 << 16
	MaxMemoryK       = 64
)

// Encode returns the SecMemory section.
func (m *ClauseMemory) Encode() []byte {
	var b []byte
	u32 := func(v int) { b = binary.LittleEndian.AppendUint32(b, uint32(v)) }
	u32(m.K)
	u32(len(m.Labels))
	u32(len(m.Start) - 1)
	u32(len(m.Clause))
	u32(m.Q)
	for _, l := range m.Labels {
		b = binary.LittleEndian.AppendUint16(b, l)
	}
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	for _, s := range m.Start {
		b = binary.LittleEndian.AppendUint32(b, s)
	}
	for _, c := range m.Clause {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, m.Weights...)
}

// memoryHeader is the size of SecMemory's header: K, N, R, E and Q.
const memoryHeader = 20

// MemoryView reads a SecMemory section in place.
type MemoryView struct {
	K, N, R, E, Q int
	labels        []byte
	start         []byte
	clause        []byte
	weights       []byte
}

// ParseMemory checks the sizes of a SecMemory section of a model of
// wordRows word rows and returns its view. A damaged row start gives the
// row no entries; a damaged clause index is for the reader to pass over
// (RowEntries): nothing is read out of bounds.
func ParseMemory(b []byte, wordRows int) (*MemoryView, error) {
	if len(b) < memoryHeader {
		return nil, errors.New("memory truncated")
	}
	v := &MemoryView{
		K: int(binary.LittleEndian.Uint32(b)),
		N: int(binary.LittleEndian.Uint32(b[4:])),
		R: int(binary.LittleEndian.Uint32(b[8:])),
		E: int(binary.LittleEndian.Uint32(b[12:])),
		Q: int(binary.LittleEndian.Uint32(b[16:])),
	}
	switch {
	case v.K < 1 || v.K > MaxMemoryK:
		return nil, fmt.Errorf("memory reads %d neighbours", v.K)
	case v.N < 1 || v.N > MaxMemoryClauses:
		return nil, fmt.Errorf("memory of %d clauses", v.N)
	case v.R > wordRows:
		return nil, fmt.Errorf("memory indexes %d rows of %d word rows", v.R, wordRows)
	case v.Q > wordRows:
		return nil, fmt.Errorf("memory looks clauses up by %d of %d word rows", v.Q, wordRows)
	case v.E > len(b):
		return nil, fmt.Errorf("memory of %d entries in %d bytes", v.E, len(b))
	}
	labelBytes := (2*v.N + 3) &^ 3
	if want := memoryHeader + labelBytes + 4*(v.R+1) + 3*v.E; len(b) != want {
		return nil, fmt.Errorf("memory of %d bytes, want %d", len(b), want)
	}
	p := b[memoryHeader:]
	v.labels, p = p[:2*v.N], p[labelBytes:]
	v.start, p = p[:4*(v.R+1)], p[4*(v.R+1):]
	v.clause, v.weights = p[:2*v.E], p[2*v.E:]
	return v, nil
}

// Labels returns clause i's labels, a bit per label.
func (v *MemoryView) Labels(i int) uint16 { return binary.LittleEndian.Uint16(v.labels[2*i:]) }

// Row returns the entries of word row r, [lo, hi); none for a row the
// memory does not index.
func (v *MemoryView) Row(r int) (lo, hi int) {
	if r < 0 || r >= v.R {
		return 0, 0
	}
	lo = int(binary.LittleEndian.Uint32(v.start[4*r:]))
	hi = int(binary.LittleEndian.Uint32(v.start[4*r+4:]))
	if lo > hi || hi > v.E {
		return 0, 0
	}
	return lo, hi
}

// RowEntries returns the entries of word row r: two bytes a clause
// index (little-endian) and one a weight code each; none for a row the
// memory does not index. Clause indexes are not checked: a reader passes
// over those not below N.
func (v *MemoryView) RowEntries(r int) (clauses, codes []byte) {
	lo, hi := v.Row(r)
	return v.clause[2*lo : 2*hi], v.weights[lo:hi]
}
