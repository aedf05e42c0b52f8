package policy

import "time"

// Limits bound the work the analysis of one input may do. Zero fields take
// the defaults of DefaultLimits.
//
// The analysis of every format (extraction, segmentation and key facts)
// runs in a child process killed at Timeout or when its resident memory
// goes over MaxMemory (see shared/analysis/analyze); classification runs
// in the caller on at most MaxClauses clauses. docs/limits.md gives the
// figures and how they are measured.
type Limits struct {
	// MaxBytes is the largest input accepted.
	MaxBytes int64
	// MaxPages is the most PDF pages accepted.
	MaxPages int
	// MaxClauses is the most clauses a policy may have; segmentation stops
	// with a fault.TooLarge error as soon as it finds one more.
	MaxClauses int
	// Timeout bounds the wall time of the analysis of one file, in its
	// worker process.
	Timeout time.Duration
	// MaxMemory bounds the resident memory of the worker process that
	// analyses one file, including the decompressed size of PDF streams.
	MaxMemory int64
}

// Default limits.
const (
	DefaultMaxBytes   = 50 << 20
	DefaultMaxPages   = 1000
	DefaultMaxClauses = 20000
	DefaultTimeout    = 60 * time.Second
	DefaultMaxMemory  = 184 << 20
)

// UnitsPerClause bounds the blocks of text (paragraphs, lines, headings,
// list items, table rows, HTML elements) the analysis reads per clause of
// MaxClauses: a real policy has a few per clause, and a file made of
// millions of fragments is refused before it is held in memory.
const UnitsPerClause = 10

// MaxUnits is the most blocks of text (see UnitsPerClause) the analysis
// reads: UnitsPerClause times MaxClauses.
func (l Limits) MaxUnits() int { return l.WithDefaults().MaxClauses * UnitsPerClause }

// DefaultLimits returns the limits used when none are configured.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPages: DefaultMaxPages, MaxClauses: DefaultMaxClauses,
		Timeout: DefaultTimeout, MaxMemory: DefaultMaxMemory}
}

// WithDefaults returns l with its zero fields filled from DefaultLimits.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxBytes <= 0 {
		l.MaxBytes = d.MaxBytes
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxClauses <= 0 {
		l.MaxClauses = d.MaxClauses
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	return l
}
