// Package wiretest helps test the messages of package wire: Fill gives
// every field of a value a distinct non-zero value, so that a round trip
// that compares equal has carried every field, those added since the
// encoding was written included.
package wiretest

import (
	"fmt"
	"reflect"
)

// Fill sets every field reachable from the pointer v: strings, numbers and
// bools to distinct non-zero values, pointers to new filled values, slices
// to two filled elements. It panics on kinds it does not know (maps,
// interfaces, channels, functions), so that a message type that grows one
// makes its test fail until the test learns it.
func Fill(v any) {
	n := 0
	fill(reflect.ValueOf(v).Elem(), &n)
}

func fill(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d é", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n % 100))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n % 100))
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), n)
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n)
			}
		}
	default:
		panic(fmt.Sprintf("wiretest: cannot fill a %v", v.Type()))
	}
}
