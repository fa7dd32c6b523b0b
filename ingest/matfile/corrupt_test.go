package matfile

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"testing"
)

// noRecover turns off the panic guard for the duration of a test, so that a
// panic in the decoder fails the test instead of becoming an error.
func noRecover(t testing.TB) {
	recoverPanics = false
	t.Cleanup(func() { recoverPanics = true })
}

// readAll opens b and decodes every variable and every element in it,
// returning the first error. It must never panic.
func readAll(b []byte) error {
	f, err := OpenReader(bytes.NewReader(b), int64(len(b)), "corrupt.mat")
	if err != nil {
		return checkErr(err)
	}
	defer f.Close()
	var first error
	for _, vi := range f.Vars() {
		v, err := f.Get(vi.Name)
		if err != nil {
			if first == nil {
				first = checkErr(err)
			}
			continue
		}
		visit(v)
	}
	return first
}

// checkErr reports errors that are not *Error values naming the file.
func checkErr(err error) error {
	var e *Error
	if !errors.As(err, &e) || e.File != "corrupt.mat" {
		return fmt.Errorf("error of type %T without the file name: %v", err, err)
	}
	return err
}

// visit touches every element of v and converts what it can to matrices.
func visit(v Value) {
	switch v := v.(type) {
	case *Numeric:
		v.Dense()
		v.Vector()
		if len(v.Real) > 0 {
			Lookup(v, fmt.Sprintf("(%d)", len(v.Real)))
		}
	case *Logical:
		v.Dense()
	case *Char:
		_ = v.String()
		if Numel(v) > 0 {
			Lookup(v, "(1)")
		}
	case *Sparse:
		if r, c := v.Size[0], v.Size[1]; r*c <= 1<<16 {
			v.Dense()
			if r*c > 0 {
				Lookup(v, fmt.Sprintf("(%d,%d)", r, c))
			}
		}
	case *Cell:
		for _, e := range v.Elems {
			visit(e)
		}
	case *Struct:
		for i, e := range v.Elems {
			for j, x := range e {
				visit(x)
				if len(v.Elems) == 1 {
					Lookup(v, "."+v.Fields[j])
				} else if j == 0 {
					Lookup(v, fmt.Sprintf("(%d).%s", i+1, v.Fields[j]))
				}
			}
		}
	}
}

// corruptInputs are the files the corruption tests damage.
func corruptInputs(t *testing.T) map[string][]byte {
	t.Helper()
	in := map[string][]byte{
		"synth-le": synthFile(binary.LittleEndian),
		"synth-be": synthFile(binary.BigEndian),
		"unsupp":   unsupportedFile(binary.BigEndian),
	}
	for _, name := range []string{
		"testdata/numeric.mat", "testdata/numeric_z.mat", "testdata/text.mat", "testdata/text_z.mat",
		"testdata/containers.mat", "testdata/containers_z.mat", "testdata/velime_example_data.mat", golubPath,
	} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		in[name] = b
	}
	return in
}

// boundaries returns the offsets at which a file can end and still be a
// valid (shorter) MAT-file: after the header and after each variable,
// with or without its padding.
func boundaries(t *testing.T, b []byte) map[int]bool {
	f := openBytes(t, b, "whole.mat")
	ends := map[int]bool{headerLen: true}
	for _, v := range f.b.(*v5file).vars {
		end := v.off + 8 + v.size
		for k := int64(0); k <= pad8(v.size) && v.typ == miMATRIX || k == 0; k++ {
			ends[int(end+k)] = true
		}
	}
	return ends
}

// TestTruncated cuts files short at many offsets: every cut that is not at
// the end of a variable must give an error, and none may panic.
func TestTruncated(t *testing.T) {
	noRecover(t)
	for name, b := range corruptInputs(t) {
		ends := boundaries(t, b)
		step := max(1, len(b)/400)
		for n := 0; n < len(b); n += step {
			for _, cut := range []int{n, n + 1} {
				if cut >= len(b) {
					continue
				}
				err := readAll(b[:cut])
				if err != nil && err.Error() == "" {
					t.Errorf("%s cut at %d: empty error message", name, cut)
				}
				if err == nil && !ends[cut] {
					t.Errorf("%s cut at %d of %d bytes: no error", name, cut, len(b))
				}
				if err != nil && errors.Is(err, ErrNotFound) {
					t.Errorf("%s cut at %d: %v", name, cut, err)
				}
			}
		}
	}
}

// TestFlipped damages single bytes: the result may or may not decode (a
// flipped bit in uncompressed data is undetectable), but it must not panic.
func TestFlipped(t *testing.T) {
	noRecover(t)
	detected := 0
	total := 0
	masks := []byte{0xff, 0x01, 0x80}
	for name, b := range corruptInputs(t) {
		// About 400 damaged copies of a small file, 30 of a large one
		// (whose decoding takes milliseconds), to keep the test fast;
		// FuzzOpen explores further.
		step := max(1, len(b)/400)
		if len(b) > 1<<14 {
			step = len(b) / 30
		}
		c := bytes.Clone(b)
		for k, i := 0, 0; i < len(b); k, i = k+1, i+step {
			mask := masks[k%len(masks)]
			c[i] = b[i] ^ mask
			err := readAll(c)
			c[i] = b[i]
			total++
			if err != nil {
				detected++
				if err.Error() == "" {
					t.Errorf("%s byte %d ^ %#x: empty error message", name, i, mask)
				}
			}
		}
	}
	t.Logf("%d of %d single-byte corruptions detected", detected, total)
}

// TestPanicGuard checks the last-resort guard at the API boundary.
func TestPanicGuard(t *testing.T) {
	f := NewFile("p.mat", "", panicky{})
	_, err := f.Get("x")
	if !errors.Is(err, ErrFormat) || err.Error() != "matfile: p.mat: x: internal error while decoding (please report): boom" {
		t.Errorf("Get: %v", err)
	}
	if _, err := f.Lookup("x.y"); !errors.Is(err, ErrFormat) {
		t.Errorf("Lookup: %v", err)
	}
}

type panicky struct{}

func (panicky) Vars() []VarInfo           { return nil }
func (panicky) Get(string) (Value, error) { panic("boom") }
func (panicky) Close() error              { return nil }
