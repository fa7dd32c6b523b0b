// Package kinderr makes errors that match a package's sentinel error with
// errors.Is without repeating the sentinel's text in the message: a
// reader's message stays "truncated .npy header" while callers test
// errors.Is(err, ingest.ErrTruncated).
package kinderr

import "fmt"

// New returns an error whose message is fmt.Sprintf(format, args...) and
// that matches kind (errors.Is, errors.As) as well as any error args
// wraps with %w.
func New(kind error, format string, args ...any) error {
	return &kindError{kind: kind, err: fmt.Errorf(format, args...)}
}

type kindError struct{ kind, err error }

func (e *kindError) Error() string { return e.err.Error() }

// Unwrap returns the formatted error (and what it wraps) and the kind.
func (e *kindError) Unwrap() []error { return []error{e.err, e.kind} }
