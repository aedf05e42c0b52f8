package policy

import "time"

// Limits bound the work the analysis of one input may do. Zero fields take
// the defaults of DefaultLimits.
type Limits struct {
	// MaxBytes is the largest input accepted.
	MaxBytes int64
	// MaxPages is the most PDF pages accepted.
	MaxPages int
	// Timeout bounds the wall time of PDF extraction.
	Timeout time.Duration
	// MaxMemory bounds the memory PDF extraction may use, including the
	// decompressed size of its streams.
	MaxMemory int64
}

// Default limits.
const (
	DefaultMaxBytes  = 50 << 20
	DefaultMaxPages  = 1000
	DefaultTimeout   = 60 * time.Second
	DefaultMaxMemory = 512 << 20
)

// DefaultLimits returns the limits used when none are configured.
func DefaultLimits() Limits {
	return Limits{MaxBytes: DefaultMaxBytes, MaxPages: DefaultMaxPages, Timeout: DefaultTimeout, MaxMemory: DefaultMaxMemory}
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
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	return l
}
