package modelfile

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestQuantize(t *testing.T) {
	w := make([]float32, 3*Labels)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range w {
		w[i] = float32(rng.NormFloat64() * float64(i%Labels+1))
	}
	w[0], w[Labels+1] = 0, -1e-7
	scales, codes := Quantize(w)
	var table [Labels][256]float32
	for l, s := range scales {
		table[l] = Dequantize(s)
	}
	for i, v := range w {
		l := i % Labels
		got, s := float64(table[l][codes[i]]), float64(scales[l])
		// The code is within half a step of 127*sqrt(|w|/s).
		if d := math.Abs(127*math.Sqrt(math.Abs(got)/s) - 127*math.Sqrt(math.Abs(float64(v))/s)); d > 0.5+1e-4 {
			t.Errorf("weight %d: %g decodes to %g, %.2f steps away", i, v, got, d)
		}
		if got != 0 && math.Signbit(got) != math.Signbit(float64(v)) {
			t.Errorf("weight %d: %g decodes to %g, sign flipped", i, v, got)
		}
	}
	if table[0][codes[0]] != 0 {
		t.Errorf("0 decodes to %g", table[0][codes[0]])
	}
}

func TestQuantizeColumns(t *testing.T) {
	v := []float32{1, -2, 0.5, 0, -0.25, 1}
	scales, codes := QuantizeColumns(v, 3)
	for i, x := range v {
		got := float32(int8(codes[i])) * scales[i%3]
		if math.Abs(float64(got-x)) > float64(scales[i%3])/2+1e-6 {
			t.Errorf("value %d: %g decodes to %g", i, x, got)
		}
	}
}

// lookup finds key in a SecNgramTable as the classifier does.
func lookup(table []byte, key uint32) int {
	mask := uint32(len(table)/8 - 1)
	for i := key & mask; ; i = (i + 1) & mask {
		e := binary.LittleEndian.Uint64(table[8*i:])
		if e == 0 {
			return -1
		}
		if uint32(e>>32) == key {
			return int(uint32(e)) - 1
		}
	}
}

func TestNgramTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	keys := make([]uint32, 1000)
	seen := map[uint32]bool{}
	for i := range keys {
		for keys[i] == 0 || seen[keys[i]] {
			keys[i] = rng.Uint32() & 0xffff // many collide in the slots
		}
		seen[keys[i]] = true
	}
	table, err := NgramTable(keys)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(table) / 8; n < 2*len(keys)+1 || n&(n-1) != 0 {
		t.Errorf("%d slots for %d keys", n, len(keys))
	}
	for row, key := range keys {
		if got := lookup(table, key); got != row {
			t.Errorf("key %#x: row %d, want %d", key, got, row)
		}
	}
	if got := lookup(table, 0x10000); got != -1 {
		t.Errorf("absent key found at row %d", got)
	}
	if _, err := NgramTable([]uint32{5, 7, 5}); err == nil {
		t.Error("a key given twice was accepted")
	}
}

func TestWordTable(t *testing.T) {
	var hashes []uint64
	for _, w := range []string{"data", "privacy", "cookies", "delete"} {
		hashes = append(hashes, WordHash(FNV([]byte(w))))
	}
	slots, hb, err := WordTable(hashes)
	if err != nil {
		t.Fatal(err)
	}
	mask := uint64(len(slots)/4 - 1)
	for row, h := range hashes {
		found := -1
		for i := h & mask; ; i = (i + 1) & mask {
			r := binary.LittleEndian.Uint32(slots[4*i:])
			if r == 0 {
				break
			}
			if binary.LittleEndian.Uint64(hb[8*(r-1):]) == h {
				found = int(r) - 1
				break
			}
		}
		if found != row {
			t.Errorf("word %d found at row %d", row, found)
		}
	}
	if _, _, err := WordTable([]uint64{1, 1}); err == nil {
		t.Error("a hash given twice was accepted")
	}
}

func TestFileRoundTrip(t *testing.T) {
	p := &Params{WordMin: 1, WordMax: 2, Rows: 3, WordRows: 3, Hidden: 2, Words: 1,
		B1: []float32{1, 2}, W2: make([]float32, 2*Labels), ProjScale: []float32{1, 1, 1, 1}, Fallback: 0.15}
	p.Thresholds[3], p.SentGate[7], p.Calib[2][CalibBias] = 0.4, 0.98, -1.5
	var w Writer
	w.Add(SecParams, p.Encode())
	w.Add(SecNotes, []byte(`{"a":1}`))
	w.Add(SecIDF, []byte{1, 2, 3})
	data := w.Bytes()
	f, err := Parse(data, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Version()) != 12 || string(f.Section(SecNotes)) != `{"a":1}` || !bytes.Equal(f.Section(SecIDF), []byte{1, 2, 3}) || f.Section(SecCodes) != nil {
		t.Errorf("sections: version %q, notes %q, idf %v", f.Version(), f.Section(SecNotes), f.Section(SecIDF))
	}
	q, err := DecodeParams(f.Section(SecParams))
	if err != nil {
		t.Fatal(err)
	}
	if q.Thresholds[3] != 0.4 || q.SentGate[7] != 0.98 || q.Calib[2][CalibBias] != -1.5 || q.Fallback != 0.15 || q.B1[1] != 2 || q.Words != 1 {
		t.Errorf("parameters changed in a round trip: %+v", q)
	}
	// A file without Place keeps the layout from before places: no place
	// coefficients, and the same bytes as then.
	if n := len(p.Encode()); n != oldParamsLen(p) {
		t.Errorf("parameters without Place take %d bytes, want %d", n, oldParamsLen(p))
	}
	pl := *p
	pl.Flags |= Place
	pl.Calib[4][CalibPlace+2] = 0.75
	if n := len(pl.Encode()); n != oldParamsLen(p)+8*Labels*PlaceParts {
		t.Errorf("parameters with Place take %d bytes", n)
	}
	if q, err := DecodeParams(pl.Encode()); err != nil || q.Calib[4][CalibPlace+2] != 0.75 || q.Calib[2][CalibBias] != -1.5 {
		t.Errorf("place coefficients lost in a round trip: %v", err)
	}
	bad := *p
	bad.Thresholds[0] = 2
	if _, err := DecodeParams(bad.Encode()); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("a threshold of 2: %v", err)
	}
	bad = *p
	bad.Calib[0][0] = math.NaN()
	if _, err := DecodeParams(bad.Encode()); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("a NaN coefficient: %v", err)
	}
	if _, err := DecodeParams(append(p.Encode(), 0)); err == nil {
		t.Error("trailing bytes accepted")
	}
}

// oldParamsLen is the size of p's parameters in the layout before places.
func oldParamsLen(p *Params) int {
	return 12*4 + NumGroups*4 + 2*Labels*4 + Labels*(CalibFlag+2)*8 + Labels*8 + 8 + Labels*8 +
		4*(len(p.B1)+len(p.W2)+Labels+len(p.ProjScale))
}

func TestPlacePart(t *testing.T) {
	for _, tt := range []struct{ index, count, want int }{
		{0, 0, -1}, {0, 1, 0}, {1, 1, -1}, {-1, 5, -1},
		{0, 10, 0}, {1, 10, 0}, {2, 10, 1}, {4, 10, 2}, {5, 10, 2}, {7, 10, 3}, {8, 10, 4}, {9, 10, 4},
		{0, 2, 0}, {1, 2, 4},
	} {
		if got := PlacePart(tt.index, tt.count); got != tt.want {
			t.Errorf("PlacePart(%d, %d) = %d, want %d", tt.index, tt.count, got, tt.want)
		}
	}
}
