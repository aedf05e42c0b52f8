package main

import (
	"fmt"
	"io"

	"github.com/policylens/policylens/shared/analyze"
)

// SCAFFOLDING: the human-readable layout is finished with the core.
func writeText(w io.Writer, res *analyze.Result) error {
	_, err := fmt.Fprintf(w, "%s: %d clauses\n", res.Policy.Source, res.Policy.Clauses)
	return err
}
