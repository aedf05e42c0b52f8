package classify

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/policylens/policylens/shared/analysis/classify/internal/modelfile"
	"github.com/policylens/policylens/shared/domain/labels"
)

// ErrBadModel is wrapped by every error about a malformed weights file.
var ErrBadModel = errors.New("bad model file")

// maxFileSize bounds the size of a weights file Load reads.
const maxFileSize = 256 << 20

// Load reads a weights file written by training (package train).
func Load(r io.Reader) (*Model, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read model: %w", err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrBadModel, maxFileSize)
	}
	return LoadBytes(data)
}

// LoadBytes reads a weights file held in memory, which the model then uses
// in place: data must not change afterwards. The file's checksum is
// verified.
func LoadBytes(data []byte) (*Model, error) { return load(data, true) }

// load reads the model in data; verify checks the content's SHA-256 (the
// embedded model is checked by a test instead, so that starting a process
// does not read the whole file).
func load(data []byte, verify bool) (*Model, error) {
	m, err := decode(data, verify)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadModel, err)
	}
	return m, nil
}

func decode(data []byte, verify bool) (*Model, error) {
	f, err := modelfile.Parse(data, verify)
	if err != nil {
		return nil, err
	}
	sec := f.Section(modelfile.SecParams)
	if sec == nil {
		return nil, errors.New("no parameters")
	}
	p, err := modelfile.DecodeParams(sec)
	if err != nil {
		return nil, err
	}
	m := &Model{
		data:        data,
		version:     f.Version(),
		meta:        string(f.Section(modelfile.SecNotes)),
		feat:        Features{WordMin: p.WordMin, WordMax: p.WordMax, CharMin: p.CharMin, CharMax: p.CharMax, Lead: p.Lead},
		flags:       p.Flags,
		rows:        p.Rows,
		nWord:       p.WordRows,
		nChar:       p.CharRows,
		nHead:       p.HeadRows,
		groupWeight: p.GroupWeight,
		bias:        p.Bias,
		calib:       p.Calib,
		thresholds:  p.Thresholds,
		sentGate:    p.SentGate,
		fallback:    p.Fallback,
		ngrams:      f.Section(modelfile.SecNgramTable),
		idf:         f.Section(modelfile.SecIDF),
		codes:       f.Section(modelfile.SecCodes),
		lexicon:     f.Section(modelfile.SecLexicon),
		copyRows:    f.Section(modelfile.SecCopyRows),
		cache:       new(wordCache),
	}
	if err := m.feat.Validate(); err != nil {
		return nil, err
	}
	if err := sized("n-gram table", m.ngrams, 8, 2*p.Rows+1); err != nil {
		return nil, err
	}
	m.ngramMask = uint32(len(m.ngrams)/8 - 1)
	if len(m.idf) != 4*p.Rows || len(m.codes) != labels.Count*p.Rows {
		return nil, fmt.Errorf("IDF or weights of %d and %d bytes for %d rows", len(m.idf), len(m.codes), p.Rows)
	}
	if m.copyRows != nil && len(m.copyRows) != 4*p.WordRows {
		return nil, fmt.Errorf("copy rows of %d bytes for %d word rows", len(m.copyRows), p.WordRows)
	}
	m.rowTable = sync.OnceValue(m.buildRows)
	for i, s := range p.WeightScale {
		m.deq[i] = modelfile.Dequantize(s)
	}
	for _, g := range p.SentGate {
		m.gated = m.gated || g > 0
	}
	if p.Flags&modelfile.Memory != 0 {
		mem, err := modelfile.ParseMemory(f.Section(modelfile.SecMemory), p.WordRows)
		if err != nil {
			return nil, err
		}
		m.mem = mem
		// Indexed on first use, off the load path (about a millisecond).
		m.memory = sync.OnceValue(func() *Memory { return NewMemory(mem) })
	}
	if p.Hidden > 0 {
		n := &network{
			hidden:  p.Hidden,
			slots:   f.Section(modelfile.SecWordSlots),
			hashes:  f.Section(modelfile.SecWordHashes),
			weights: f.Section(modelfile.SecWordWeights),
			proj:    f.Section(modelfile.SecProjections),
			scale:   p.ProjScale,
			b1:      p.B1,
			w2:      p.W2,
			b2:      p.B2,
		}
		if err := sized("word table", n.slots, 4, 2*p.Words+1); err != nil {
			return nil, err
		}
		n.mask = uint64(len(n.slots)/4 - 1)
		if len(n.hashes) != 8*p.Words || len(n.weights) != p.Words || len(n.proj) != 2*p.Hidden*p.Words {
			return nil, fmt.Errorf("word table sections do not hold %d words of %d projections", p.Words, 2*p.Hidden)
		}
		m.net = n
	}
	return m, nil
}

// sized checks that an open-addressing table has a power-of-two number of
// slots of the given width, at least min of them.
func sized(what string, b []byte, width, min int) error {
	n := len(b) / width
	if len(b)%width != 0 || n < min || n&(n-1) != 0 {
		return fmt.Errorf("%s of %d bytes: want a power of two slots of %d bytes, at least %d", what, len(b), width, min)
	}
	return nil
}

// WriteTo writes the model's weights file to w.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(m.data)
	return int64(n), err
}

// Size is the size of the model's weights file in bytes.
func (m *Model) Size() int { return len(m.data) }
