// Package modelfile is the clause classifier's weights file: written once by
// training (package train), read in place by the classifier (package
// classify), which uses its tables straight from the file's bytes (the
// bytes embedded in the binary, for the shipped model) with no per-weight
// work at load.
//
// Layout, all numbers little-endian:
//
//	header (64 bytes): magic "policylens-classify\x00", format version
//	byte, 3 zero bytes, the SHA-256 of everything after the header (32
//	bytes), uint32 section count, 4 zero bytes
//	table of contents: per section uint32 id, 4 zero bytes, uint64 offset
//	from the start of the file, uint64 length
//	the sections, each at an offset that is a multiple of 8
//
// The sections are listed with the Section constants. A reader checks that
// every section lies inside the file and has the size its Params imply;
// the hash guards files read from disk (the embedded file is checked by a
// test).
package modelfile

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// Magic starts every weights file.
const Magic = "policylens-classify\x00"

// Version is the format version this package writes and reads.
const Version = 3

const (
	headerSize = 64
	tocEntry   = 24
)

// Section identifies a section of the file.
type Section uint32

// The sections. Rows are the hashed n-gram features (word, character,
// heading, modern copy, in that order); word rows are the words of the
// network's per-word table.
const (
	// SecParams holds the model's scalars and small arrays (Params).
	SecParams Section = 1 + iota
	// SecNotes holds the training notes, JSON.
	SecNotes
	// SecNgramTable is an open-addressing index of the n-gram keys: a
	// power-of-two number of uint64 slots, key<<32 | row+1, 0 for empty;
	// a key is looked for from slot key&(slots-1) on, one slot at a time.
	SecNgramTable
	// SecIDF holds one float32 IDF per row.
	SecIDF
	// SecCodes holds Labels int8 weight codes per row (see Quantize).
	SecCodes
	// SecLexicon is the model's lexicon (see EncodeLexicon).
	SecLexicon
	// SecWordSlots is an open-addressing index of the word table: a
	// power-of-two number of uint32 slots, word row+1, 0 for empty; a word
	// of hash h (WordHash) is looked for from slot h&(slots-1) on.
	SecWordSlots
	// SecWordHashes holds the uint64 WordHash of every word row.
	SecWordHashes
	// SecWordWeights holds one uint8 per word row: its weight times 255.
	SecWordWeights
	// SecProjections holds 2*Hidden int8 codes per word row: the network's
	// first-layer projection of the word's vector for the text half of its
	// input, then for the heading half; code q stands for
	// q*ProjScale[column].
	SecProjections
	// SecCopyRows holds, per word row, the uint32 row of its modern copy
	// (NoRow when the copy is not a feature).
	SecCopyRows
	// SecMemory holds the memory of the training clauses (see ClauseMemory).
	SecMemory
	numSections = iota
)

// NoRow stands for "no row" in SecCopyRows.
const NoRow = 0xffffffff

// Writer assembles a weights file.
type Writer struct {
	ids  []Section
	data [][]byte
}

// Add adds a section; each id at most once.
func (w *Writer) Add(id Section, b []byte) {
	w.ids = append(w.ids, id)
	w.data = append(w.data, b)
}

// Bytes returns the file.
func (w *Writer) Bytes() []byte {
	off := headerSize + tocEntry*len(w.ids)
	offsets := make([]int, len(w.ids))
	for i, b := range w.data {
		off = align8(off)
		offsets[i] = off
		off += len(b)
	}
	out := make([]byte, off)
	copy(out, Magic)
	out[len(Magic)] = Version
	binary.LittleEndian.PutUint32(out[56:], uint32(len(w.ids)))
	for i, id := range w.ids {
		e := out[headerSize+tocEntry*i:]
		binary.LittleEndian.PutUint32(e, uint32(id))
		binary.LittleEndian.PutUint64(e[8:], uint64(offsets[i]))
		binary.LittleEndian.PutUint64(e[16:], uint64(len(w.data[i])))
		copy(out[offsets[i]:], w.data[i])
	}
	sum := sha256.Sum256(out[headerSize:])
	copy(out[24:56], sum[:])
	return out
}

func align8(n int) int { return (n + 7) &^ 7 }

// File is a parsed weights file: its sections, sharing the file's bytes.
type File struct {
	sum      [32]byte
	sections [numSections + 1][]byte
}

// Parse reads the header and table of contents of data. With verify, it
// also checks the SHA-256 of the content, which costs about a millisecond
// per 2 MB.
func Parse(data []byte, verify bool) (*File, error) {
	if len(data) < headerSize || string(data[:len(Magic)]) != Magic {
		return nil, errors.New("not a policylens classifier weights file")
	}
	if v := data[len(Magic)]; v != Version {
		return nil, fmt.Errorf("format version %d, want %d", v, Version)
	}
	f := &File{}
	copy(f.sum[:], data[24:56])
	if verify {
		if sha256.Sum256(data[headerSize:]) != f.sum {
			return nil, errors.New("content does not match its checksum (damaged file)")
		}
	}
	n := binary.LittleEndian.Uint32(data[56:])
	if uint64(n) > numSections || headerSize+tocEntry*uint64(n) > uint64(len(data)) {
		return nil, fmt.Errorf("truncated or damaged table of contents (%d sections)", n)
	}
	for i := range int(n) {
		e := data[headerSize+tocEntry*i:]
		id := binary.LittleEndian.Uint32(e)
		off := binary.LittleEndian.Uint64(e[8:])
		size := binary.LittleEndian.Uint64(e[16:])
		if id == 0 || id > numSections || f.sections[id] != nil {
			return nil, fmt.Errorf("bad or repeated section id %d", id)
		}
		if off > uint64(len(data)) || size > uint64(len(data))-off {
			return nil, fmt.Errorf("section %d lies outside the file (truncated?)", id)
		}
		f.sections[id] = data[off : off+size : off+size]
	}
	return f, nil
}

// Section returns the bytes of section id, nil if the file has none.
func (f *File) Section(id Section) []byte {
	if id == 0 || id > numSections {
		return nil
	}
	return f.sections[id]
}

// Version is the first 12 hex digits of the content's SHA-256.
func (f *File) Version() string { return hex.EncodeToString(f.sum[:6]) }

// Sections lists the ids of the sections present, ascending.
func (f *File) Sections() []Section {
	var out []Section
	for id, b := range f.sections {
		if b != nil {
			out = append(out, Section(id))
		}
	}
	return slices.Clip(out)
}
