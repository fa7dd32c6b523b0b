package kinderr

import (
	"errors"
	"io/fs"
	"testing"
)

func TestNew(t *testing.T) {
	errKind := errors.New("kind")
	cause := &fs.PathError{Op: "open", Path: "x.npy", Err: fs.ErrNotExist}
	err := New(errKind, "reading %s: %w", "x", cause)
	if err.Error() != "reading x: open x.npy: file does not exist" {
		t.Errorf("message %q: want the formatted text alone", err)
	}
	var pe *fs.PathError
	if !errors.Is(err, errKind) || !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe != cause {
		t.Errorf("%v matches neither its kind nor its cause", err)
	}
	if errors.Is(New(errKind, "no cause"), fs.ErrNotExist) {
		t.Error("an error without a cause matches fs.ErrNotExist")
	}
}
