package wire

import (
	"errors"
	"math"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	e := NewEncoder(nil)
	e.Int(0)
	e.Int(-1)
	e.Int(math.MaxInt64)
	e.Int(math.MinInt64)
	e.Bool(true)
	e.Bool(false)
	e.String("")
	e.String("héllo\x00world")
	e.Data(nil)
	e.Data([]byte{})
	e.Data([]byte{1, 2, 3})
	e.Strings(nil)
	e.Strings([]string{})
	e.Strings([]string{"a", "", "ü"})
	d := NewDecoder(e.Bytes())
	got := []any{d.Int(), d.Int(), d.Int(), d.Int(), d.Bool(), d.Bool(), d.String(), d.String(),
		d.Data(), d.Data(), d.Data(), d.Strings(), d.Strings(), d.Strings()}
	want := []any{int64(0), int64(-1), int64(math.MaxInt64), int64(math.MinInt64), true, false, "", "héllo\x00world",
		[]byte(nil), []byte{}, []byte{1, 2, 3}, []string(nil), []string{}, []string{"a", "", "ü"}}
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}

// Every cut or corruption of a message gives ErrDamaged (or a message that
// decodes), never a panic or an allocation beyond the message's size.
func TestDamagedMessages(t *testing.T) {
	e := NewEncoder(nil)
	e.String("policy")
	e.Strings([]string{"a", "bc"})
	e.Data([]byte("data"))
	e.Int(42)
	msg := e.Bytes()
	read := func(b []byte) error {
		d := NewDecoder(b)
		_ = d.String()
		d.Strings()
		d.Data()
		d.Int()
		return d.Err()
	}
	for n := 0; n < len(msg); n++ {
		if err := read(msg[:n]); !errors.Is(err, ErrDamaged) {
			t.Errorf("cut at %d: err = %v, want ErrDamaged", n, err)
		}
	}
	if err := read(append(msg[:len(msg):len(msg)], 0)); !errors.Is(err, ErrDamaged) {
		t.Errorf("a byte too many: err = %v", err)
	}
	// A count of 2^62 items in a message of a few bytes.
	huge := NewEncoder(nil)
	huge.Count(1<<62, false)
	d := NewDecoder(huge.Bytes())
	if n, _ := d.Count(1); n != 0 || !errors.Is(d.Err(), ErrDamaged) {
		t.Errorf("huge count: n = %d, err = %v", n, d.Err())
	}
}

func FuzzDecoder(f *testing.F) {
	e := NewEncoder(nil)
	e.String("x")
	e.Strings([]string{"a"})
	e.Data([]byte("d"))
	e.Int(-5)
	e.Bool(true)
	f.Add(e.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		d := NewDecoder(b)
		_ = d.String()
		ss := d.Strings()
		data := d.Data()
		d.Int()
		d.Bool()
		if len(ss) > len(b) || len(data) > len(b) {
			t.Fatalf("%d strings, %d bytes from a message of %d", len(ss), len(data), len(b))
		}
		_ = d.Err()
	})
}
