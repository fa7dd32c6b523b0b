package ingest

import (
	"errors"
	"fmt"
)

// Errors a caller can test with errors.Is. Every error of a reader of this
// package about the content of a file (not an I/O error such as a missing
// file, which wraps the os package's error) matches one of them; the
// message still names the file and says what is wrong.
var (
	// ErrFormat reports a file that is not in the format its reader
	// expects, or whose framing is corrupt (an unreadable header, a shape
	// the data does not fit).
	ErrFormat = errors.New("malformed file")

	// ErrTruncated reports a file that ends before the data its header
	// declares: an interrupted copy or download. An error that matches
	// ErrTruncated also matches ErrFormat.
	ErrTruncated = fmt.Errorf("truncated file (%w)", ErrFormat)

	// ErrUnsupported reports a well-formed file whose content this
	// package does not read: an element type or a format version.
	ErrUnsupported = errors.New("unsupported file content")
)

// cutShort returns ErrTruncated for data shorter than its header declares
// (short), ErrFormat for data of another wrong length.
func cutShort(short bool) error {
	if short {
		return ErrTruncated
	}
	return ErrFormat
}
