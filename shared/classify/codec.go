package classify

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/policylens/policylens/shared/labels"
)

// The weights file is gzip-compressed; inside:
//
//	magic "policylens-classify\x00", format version byte
//	uvarint WordMin, WordMax, CharMin, CharMax, Lead
//	float32 group weights (word, char)
//	uvarint rows, uvarint word rows
//	keys: per group, ascending, as uvarint deltas from the previous key
//	float16 idf per row
//	float16 weights, labels.Count per row (row-major)
//	per label: float32 bias, labels.Count+1 float64 calibration
//	coefficients, float64 threshold
//	float64 fallback
//	uvarint length, then that many bytes of training notes (JSON)
//
// Multi-byte numbers are little-endian. gzip's CRC-32 guards the content.

const (
	magic         = "policylens-classify\x00"
	formatVersion = 1
	// maxRows bounds the rows a file may declare, so a corrupt count cannot
	// make Load allocate without limit.
	maxRows = 1 << 24
	// maxFileSize bounds the decompressed size of a weights file.
	maxFileSize = 1 << 30
)

// ErrBadModel is wrapped by every error about a malformed weights file.
var ErrBadModel = errors.New("bad model file")

// Load reads a weights file written by (*Model).WriteTo.
func Load(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	return LoadBytes(data)
}

// LoadBytes reads a weights file held in memory; see Load.
func LoadBytes(data []byte) (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	if len(raw) > maxFileSize {
		return nil, fmt.Errorf("%w: decompresses to more than %d bytes", ErrBadModel, maxFileSize)
	}
	m, err := decode(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	sum := sha256.Sum256(data)
	m.version = hex.EncodeToString(sum[:6])
	return m, nil
}

// decoder reads the fields of a weights file, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf(format, args...)
	}
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > len(d.b) {
		d.fail("truncated in %s", what)
		return nil
	}
	p := d.b[:n]
	d.b = d.b[n:]
	return p
}

func (d *decoder) uvarint(what string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail("truncated or invalid number in %s", what)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) f32(what string) float32 {
	p := d.take(4, what)
	if p == nil {
		return 0
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(p))
}

func (d *decoder) f64(what string) float64 {
	p := d.take(8, what)
	if p == nil {
		return 0
	}
	return math.Float64frombits(binary.LittleEndian.Uint64(p))
}

func decode(raw []byte) (*Model, error) {
	d := &decoder{b: raw}
	if string(d.take(len(magic), "header")) != magic {
		return nil, errors.New("not a policylens classifier weights file")
	}
	if v := d.take(1, "header"); d.err == nil && v[0] != formatVersion {
		return nil, fmt.Errorf("format version %d, want %d", v[0], formatVersion)
	}
	m := &Model{}
	m.feat.WordMin = int(d.uvarint("features"))
	m.feat.WordMax = int(d.uvarint("features"))
	m.feat.CharMin = int(d.uvarint("features"))
	m.feat.CharMax = int(d.uvarint("features"))
	m.feat.Lead = int(d.uvarint("features"))
	if d.err == nil {
		if err := m.feat.validate(); err != nil {
			return nil, err
		}
	}
	for g := range m.groupWeight {
		m.groupWeight[g] = d.f32("group weights")
	}
	rows := d.uvarint("row count")
	nWord := d.uvarint("row count")
	if d.err != nil {
		return nil, d.err
	}
	if rows > maxRows || nWord > rows {
		return nil, fmt.Errorf("implausible row counts %d/%d", nWord, rows)
	}
	// Every row needs at least 1+2+2*labels.Count bytes, so a short file
	// cannot declare many rows.
	if need := rows * (1 + 2 + 2*labels.Count); need > uint64(len(d.b)) {
		return nil, fmt.Errorf("truncated: %d rows need at least %d bytes, %d left", rows, need, len(d.b))
	}
	m.nWord = int(nWord)
	m.keys = make([]uint32, rows)
	var key uint64
	for i := range m.keys {
		delta := d.uvarint("keys")
		if i == 0 || i == m.nWord {
			key = delta
		} else {
			if delta == 0 {
				d.fail("keys not strictly ascending at row %d", i)
			}
			key += delta
		}
		if key > math.MaxUint32 {
			d.fail("key out of range at row %d", i)
		}
		m.keys[i] = uint32(key)
	}
	p := d.take(2*int(rows), "idf")
	m.idf = make([]float32, rows)
	for i := range m.idf {
		if p != nil {
			m.idf[i] = f16to32(binary.LittleEndian.Uint16(p[2*i:]))
		}
	}
	p = d.take(2*int(rows)*labels.Count, "weights")
	m.w = make([]float32, int(rows)*labels.Count)
	for i := range m.w {
		if p != nil {
			m.w[i] = f16to32(binary.LittleEndian.Uint16(p[2*i:]))
		}
	}
	for i := range labels.Count {
		m.bias[i] = d.f32("bias")
		for j := range m.calib[i] {
			m.calib[i][j] = d.f64("calibration")
		}
		m.thresholds[i] = d.f64("thresholds")
	}
	m.fallback = d.f64("fallback")
	n := d.uvarint("notes")
	if n > uint64(len(d.b)) {
		d.fail("truncated in notes")
	}
	m.meta = string(d.take(int(n), "notes"))
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, fmt.Errorf("%d unexpected bytes after the notes", len(d.b))
	}
	for i := range labels.Count {
		for _, v := range append([]float64{float64(m.bias[i]), m.thresholds[i]}, m.calib[i][:]...) {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("label %d: calibration is not finite", i)
			}
		}
		if t := m.thresholds[i]; t < 0 || t > 1 {
			return nil, fmt.Errorf("label %d: threshold %v outside [0,1]", i, t)
		}
	}
	for i, v := range m.idf {
		if !(v > 0) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("row %d: idf %v is not a positive number", i, v)
		}
	}
	for _, v := range m.w {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, errors.New("weights are not finite")
		}
	}
	if err := m.buildTable(); err != nil {
		return nil, err
	}
	return m, nil
}

// WriteTo writes the model's weights file to w.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	var b []byte
	b = append(b, magic...)
	b = append(b, formatVersion)
	for _, v := range []int{m.feat.WordMin, m.feat.WordMax, m.feat.CharMin, m.feat.CharMax, m.feat.Lead} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	for _, v := range m.groupWeight {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	b = binary.AppendUvarint(b, uint64(len(m.keys)))
	b = binary.AppendUvarint(b, uint64(m.nWord))
	for i, k := range m.keys {
		if i == 0 || i == m.nWord {
			b = binary.AppendUvarint(b, uint64(k))
		} else {
			b = binary.AppendUvarint(b, uint64(k-m.keys[i-1]))
		}
	}
	for _, v := range m.idf {
		b = binary.LittleEndian.AppendUint16(b, f32to16(v))
	}
	for _, v := range m.w {
		b = binary.LittleEndian.AppendUint16(b, f32to16(v))
	}
	for i := range labels.Count {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.bias[i]))
		for _, v := range m.calib[i] {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.thresholds[i]))
	}
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(m.fallback))
	b = binary.AppendUvarint(b, uint64(len(m.meta)))
	b = append(b, m.meta...)

	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if err != nil {
		return 0, err
	}
	if _, err := zw.Write(b); err != nil {
		return 0, err
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	n, err := w.Write(out.Bytes())
	return int64(n), err
}

// f32to16 converts to IEEE 754 half precision, rounding to nearest even;
// values beyond its range become ±65504.
func f32to16(f float32) uint16 {
	bits := math.Float32bits(f)
	sign := uint16(bits>>16) & 0x8000
	exp := int(bits>>23&0xff) - 127 + 15
	mant := bits & 0x7fffff
	switch {
	case bits&0x7fffffff == 0:
		return sign
	case exp >= 31:
		return sign | 0x7bff
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - exp)
		half := uint32(1) << (shift - 1)
		rest := mant & (1<<shift - 1)
		m := mant >> shift
		if rest > half || (rest == half && m&1 == 1) {
			m++
		}
		return sign | uint16(m)
	}
	m := mant >> 13
	rest := mant & 0x1fff
	h := uint32(exp)<<10 | m
	if rest > 0x1000 || (rest == 0x1000 && m&1 == 1) {
		h++ // may carry into the exponent, which is still correct
	}
	if h >= 0x7c00 {
		return sign | 0x7bff
	}
	return sign | uint16(h)
}

// f16to32 converts from IEEE 754 half precision.
func f16to32(h uint16) float32 {
	sign := uint32(h&0x8000) << 16
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h & 0x3ff)
	switch {
	case exp == 0:
		return math.Float32frombits(sign) + float32(math.Ldexp(float64(mant), -24))*signOf(sign)
	case exp == 31:
		if mant == 0 {
			return math.Float32frombits(sign | 0x7f800000)
		}
		return float32(math.NaN())
	}
	return math.Float32frombits(sign | (exp-15+127)<<23 | mant<<13)
}

func signOf(sign uint32) float32 {
	if sign != 0 {
		return -1
	}
	return 1
}
