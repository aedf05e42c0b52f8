package store

import (
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// expr builds DynamoDB expressions. Every attribute name goes through a
// placeholder, so reserved words (key, status, type, ...) need no care.
type expr struct {
	names  map[string]string
	values map[string]types.AttributeValue
	set    []string
	remove []string
	add    []string
	del    []string
}

func newExpr() *expr {
	return &expr{names: map[string]string{}, values: map[string]types.AttributeValue{}}
}

// n returns the placeholder of attribute name a.
func (e *expr) n(a string) string {
	p := "#" + a
	e.names[p] = a
	return p
}

// name returns a placeholder for an attribute name that is not a plain
// identifier (a map key such as a label name with spaces and slashes).
func (e *expr) name(a string) string {
	p := fmt.Sprintf("#k%d", len(e.names))
	e.names[p] = a
	return p
}

// v returns a placeholder for value av.
func (e *expr) v(av types.AttributeValue) string {
	p := fmt.Sprintf(":v%d", len(e.values))
	e.values[p] = av
	return p
}

func (e *expr) Set(a string, av types.AttributeValue) { e.set = append(e.set, e.n(a)+" = "+e.v(av)) }

// SetIfMissing sets a unless the item already has it.
func (e *expr) SetIfMissing(a string, av types.AttributeValue) {
	e.set = append(e.set, fmt.Sprintf("%s = if_not_exists(%s, %s)", e.n(a), e.n(a), e.v(av)))
}

func (e *expr) Remove(as ...string) {
	for _, a := range as {
		e.remove = append(e.remove, e.n(a))
	}
}

func (e *expr) Add(a string, av types.AttributeValue) { e.add = append(e.add, e.n(a)+" "+e.v(av)) }

func (e *expr) Delete(a string, av types.AttributeValue) {
	e.del = append(e.del, e.n(a)+" "+e.v(av))
}

// Update returns the update expression.
func (e *expr) Update() *string {
	var parts []string
	for _, c := range []struct {
		kw    string
		items []string
	}{{"SET", e.set}, {"REMOVE", e.remove}, {"ADD", e.add}, {"DELETE", e.del}} {
		if len(c.items) > 0 {
			parts = append(parts, c.kw+" "+strings.Join(c.items, ", "))
		}
	}
	s := strings.Join(parts, " ")
	return &s
}

// Names and Values return the placeholders, nil when there are none (the
// API rejects empty maps).
func (e *expr) Names() map[string]string {
	if len(e.names) == 0 {
		return nil
	}
	return e.names
}

func (e *expr) Values() map[string]types.AttributeValue {
	if len(e.values) == 0 {
		return nil
	}
	return e.values
}
