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

	"github.com/policylens/policylens/shared/domain/labels"
)

// The weights file is gzip-compressed; inside:
//
//	magic "policylens-classify\x00", format version byte
//	uvarint WordMin, WordMax, CharMin, CharMax, Lead
//	float32 group weights (word, char)
//	uvarint training texts, uvarint rows, uvarint word rows
//	keys: per group, ascending, as uvarint deltas from the previous key
//	uvarint document frequency per row (the IDF is computed from it)
//	float32 weight scale per label
//	int8 weight codes, labels.Count per row (row-major); a code q stands
//	for sign(q)*(q/127)^2 times the label's scale, which keeps precision
//	for the many small weights
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
	maxFileSize = 64 << 20
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
	docs := d.uvarint("row count")
	rows := d.uvarint("row count")
	nWord := d.uvarint("row count")
	if d.err != nil {
		return nil, d.err
	}
	if rows > maxRows || nWord > rows || docs > math.MaxInt32 {
		return nil, fmt.Errorf("implausible counts %d/%d/%d", docs, nWord, rows)
	}
	// Every row needs at least 1+1+labels.Count bytes, so a short file
	// cannot declare many rows.
	if need := rows * (1 + 1 + labels.Count); need > uint64(len(d.b)) {
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
	m.docs = int(docs)
	m.df = make([]uint32, rows)
	for i := range m.df {
		v := d.uvarint("document frequencies")
		if d.err == nil && (v == 0 || v > docs) {
			d.fail("row %d: document frequency %d outside 1-%d", i, v, docs)
		}
		m.df[i] = uint32(v)
	}
	var scales [labels.Count]float32
	for i := range scales {
		scales[i] = d.f32("weight scales")
		if d.err == nil && !(scales[i] >= 0 && scales[i] < math.MaxFloat32) {
			d.fail("label %d: weight scale %v", i, scales[i])
		}
	}
	if p := d.take(int(rows)*labels.Count, "weights"); p != nil {
		m.setWeights(scales, p)
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
	m.setIDF()
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
	b = binary.AppendUvarint(b, uint64(m.docs))
	b = binary.AppendUvarint(b, uint64(len(m.keys)))
	b = binary.AppendUvarint(b, uint64(m.nWord))
	for i, k := range m.keys {
		if i == 0 || i == m.nWord {
			b = binary.AppendUvarint(b, uint64(k))
		} else {
			b = binary.AppendUvarint(b, uint64(k-m.keys[i-1]))
		}
	}
	for _, v := range m.df {
		b = binary.AppendUvarint(b, uint64(v))
	}
	scales, codes := m.quantize()
	for _, v := range scales {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	b = append(b, codes...)
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

// quantize returns each label's weight scale (its largest absolute weight)
// and the weight codes: q = round(127*sign(w)*sqrt(|w|/scale)).
func (m *Model) quantize() ([labels.Count]float32, []byte) {
	var scales [labels.Count]float32
	for i, v := range m.w {
		l := i % labels.Count
		scales[l] = max(scales[l], float32(math.Abs(float64(v))))
	}
	codes := make([]byte, len(m.w))
	for i, v := range m.w {
		s := scales[i%labels.Count]
		if s == 0 {
			continue
		}
		q := math.Round(127 * math.Sqrt(math.Abs(float64(v))/float64(s)))
		codes[i] = byte(int8(math.Copysign(min(q, 127), float64(v))))
	}
	return scales, codes
}

// setWeights decodes weight codes made by quantize.
func (m *Model) setWeights(scales [labels.Count]float32, codes []byte) {
	var table [labels.Count][256]float32
	for l, s := range scales {
		for c := range 256 {
			q := float32(int8(uint8(c)))
			v := q * q / (127 * 127) * s
			if q < 0 {
				v = -v
			}
			table[l][c] = v
		}
	}
	m.w = make([]float32, len(codes))
	for i, c := range codes {
		m.w[i] = table[i%labels.Count][c]
	}
}

// setIDF computes the smoothed IDF of every row from its document
// frequency: ln((1+docs)/(1+df)) + 1.
func (m *Model) setIDF() {
	m.idf = make([]float32, len(m.df))
	for i, df := range m.df {
		m.idf[i] = float32(math.Log(float64(1+m.docs)/float64(1+df)) + 1)
	}
}
