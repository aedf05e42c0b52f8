// Package wire is the encoding of the messages between the analysis
// workers and their callers (packages analyze and extract): integers as
// varints, strings and byte slices with their length first, lists with
// their count first. It is a few lines of code where encoding/gob was a
// package whose registrations every process that links it pays for at
// start-up, the Lambda functions' included, and it reads a message without
// reflection. A decoder checks every length against the bytes left, so a
// damaged message gives an error, not a panic or a huge allocation.
package wire

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/policylens/policylens/shared/domain/policy"
)

// Encoder appends values to a buffer.
type Encoder struct{ b []byte }

// NewEncoder returns an encoder that appends to buf (which may be nil).
func NewEncoder(buf []byte) *Encoder { return &Encoder{b: buf} }

// Bytes returns the encoded message.
func (e *Encoder) Bytes() []byte { return e.b }

// Int appends v.
func (e *Encoder) Int(v int64) { e.b = binary.AppendVarint(e.b, v) }

// Bool appends v.
func (e *Encoder) Bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

// String appends s.
func (e *Encoder) String(s string) {
	e.b = binary.AppendUvarint(e.b, uint64(len(s)))
	e.b = append(e.b, s...)
}

// Data appends b; a nil b decodes as nil, an empty one as empty.
func (e *Encoder) Data(b []byte) {
	e.Count(len(b), b == nil)
	e.b = append(e.b, b...)
}

// Strings appends ss; a nil ss decodes as nil, an empty one as empty.
func (e *Encoder) Strings(ss []string) {
	e.Count(len(ss), ss == nil)
	for _, s := range ss {
		e.String(s)
	}
}

// Count appends the length of a list that follows, or that the list is
// nil.
func (e *Encoder) Count(n int, isNil bool) {
	if isNil {
		e.b = append(e.b, 0)
		return
	}
	e.b = binary.AppendUvarint(e.b, uint64(n)+1)
}

// ErrDamaged reports a message that is not one the encoder wrote.
var ErrDamaged = errors.New("damaged message")

// Decoder reads values from a message in the order they were appended.
// After the first error every read returns a zero value; Err reports it.
type Decoder struct {
	b   []byte
	err error
}

// NewDecoder returns a decoder of msg.
func NewDecoder(msg []byte) *Decoder { return &Decoder{b: msg} }

func (d *Decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: bad %s", ErrDamaged, what)
	}
	d.b = nil
}

// Err returns the first error, or an error if bytes are left over.
func (d *Decoder) Err() error {
	if d.err == nil && len(d.b) > 0 {
		return fmt.Errorf("%w: %d bytes left over", ErrDamaged, len(d.b))
	}
	return d.err
}

// Int reads an integer.
func (d *Decoder) Int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail("integer")
		return 0
	}
	d.b = d.b[n:]
	return v
}

// Bool reads a bool.
func (d *Decoder) Bool() bool {
	if len(d.b) == 0 || d.b[0] > 1 {
		d.fail("bool")
		return false
	}
	v := d.b[0] == 1
	d.b = d.b[1:]
	return v
}

// length reads a length that must fit in the bytes left, each item taking
// at least min bytes.
func (d *Decoder) length(what string, min int) int {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(what)
		return 0
	}
	d.b = d.b[n:]
	if v > uint64(len(d.b)/max(min, 1)) {
		d.fail(what)
		return 0
	}
	return int(v)
}

// String reads a string.
func (d *Decoder) String() string {
	n := d.length("string length", 1)
	if d.err != nil {
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// Data reads a byte slice. It is part of the message, not a copy.
func (d *Decoder) Data() []byte {
	n, isNil := d.Count(1)
	if isNil || d.err != nil {
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

// Count reads the length of a list that follows, each of whose items takes
// at least min bytes, and whether the list is nil.
func (d *Decoder) Count(min int) (n int, isNil bool) {
	if len(d.b) > 0 && d.b[0] == 0 {
		d.b = d.b[1:]
		return 0, true
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 || v == 0 || v-1 > uint64(len(d.b[k:])/max(min, 1)) {
		d.fail("count")
		return 0, false
	}
	d.b = d.b[k:]
	return int(v - 1), false
}

// Strings reads a list of strings.
func (d *Decoder) Strings() []string {
	n, isNil := d.Count(1)
	if isNil || d.err != nil {
		return nil
	}
	ss := make([]string, n)
	for i := range ss {
		ss[i] = d.String()
	}
	return ss
}

// Links appends a list of links (a block's or a clause's); a nil list
// decodes as nil.
func (e *Encoder) Links(ls []policy.Link) {
	e.Count(len(ls), ls == nil)
	for _, l := range ls {
		e.Int(int64(l.Start))
		e.Int(int64(l.End))
		e.String(l.URL)
	}
}

// Links reads a list of links.
func (d *Decoder) Links() []policy.Link {
	n, isNil := d.Count(3)
	if isNil || d.err != nil {
		return nil
	}
	ls := make([]policy.Link, n)
	for i := range ls {
		ls[i] = policy.Link{Start: int(d.Int()), End: int(d.Int()), URL: d.String()}
	}
	return ls
}
