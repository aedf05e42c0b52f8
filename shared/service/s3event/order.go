package s3event

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Order tokens. Each event is given a token that orders it among the events
// of the same key: S3's sequencer, a hexadecimal string that grows with
// every PUT and DELETE of a key, left-padded with zeros to seqWidth digits so
// that tokens compare as strings. Events without a sequencer (emulators,
// hand-written events) are ordered by their eventTime in microseconds since
// the epoch, in hexadecimal and padded the same way.
const seqWidth = 32

var errBadSequencer = errors.New("sequencer is not a hexadecimal string of at most 32 digits")

// OrderToken returns the order token of an S3 event from its sequencer, or
// from its event time when the sequencer is empty.
func OrderToken(sequencer, eventTime string) (string, error) {
	if sequencer != "" {
		s := strings.ToLower(sequencer)
		if len(s) > seqWidth || strings.Trim(s, "0123456789abcdef") != "" {
			return "", fmt.Errorf("%w: %q", errBadSequencer, sequencer)
		}
		return strings.Repeat("0", seqWidth-len(s)) + s, nil
	}
	t, err := parseEventTime(eventTime)
	if err != nil {
		return "", fmt.Errorf("event has no sequencer and %w", err)
	}
	us := t.UnixMicro()
	if us < 0 {
		return "", fmt.Errorf("event time %q is before 1970", eventTime)
	}
	return fmt.Sprintf("%0*x", seqWidth, us), nil
}

// parseEventTime reads an S3 event time: RFC 3339 as AWS writes it, or the
// zone-less form some emulators write, taken as UTC.
func parseEventTime(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04:05.999999999", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("event time %q is not a timestamp", s)
}
