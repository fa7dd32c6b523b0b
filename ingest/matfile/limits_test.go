package matfile

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// TestMemoryBudget: decoding a variable allocates at most the limit for
// one input (OBLIQUE_MAX_INPUT, here 1 MiB), counting what the data
// expand to (uint8 → float64 is 8×) and every decoded value; a compressed
// variable that declares more than the limit is refused before it is
// inflated.
func TestMemoryBudget(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "1MiB")
	w := matWriter{binary.LittleEndian}
	u8 := func(n int) []byte {
		return w.matrix(ClassUint8, 0, []int32{1, int32(n)}, "x", w.el(miUINT8, make([]byte, n)))
	}
	// 100 000 uint8 → 800 KB of float64 + 100 KB of data: within 1 MiB.
	if err := readAll(w.file(u8(100_000))); err != nil {
		t.Errorf("100 000 uint8 values: %v", err)
	}
	// 200 000 → 1.6 MB: over.
	cells := make([]byte, 0, 8*100_000)
	for range 100_000 {
		cells = append(cells, w.el(miMATRIX, nil)...) // an empty array each
	}
	bomb := w.matrix(ClassDouble, 0, []int32{1, 1 << 17}, "z", w.el(miDOUBLE, make([]byte, 8<<17)))
	for name, b := range map[string][]byte{
		"200 000 uint8 values": w.file(u8(200_000)),
		// 800 KB holding 100 000 values: each costs far more than its 8 bytes.
		"100 000 empty cells": w.file(w.matrix(ClassCell, 0, []int32{1, 100_000}, "c", cells)),
		// 1 MiB of zeros compressed to 1 KB.
		"compressed 1 MiB": w.file(w.compressed(bomb)),
	} {
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		err := readAll(b)
		runtime.ReadMemStats(&ms1)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the 1.0 MiB one input may take (OBLIQUE_MAX_INPUT") {
			t.Errorf("%s (%d bytes): %v, want ErrTooLarge", name, len(b), err)
		}
		// The file's bytes, what the limit allows and a little more.
		if a := ms1.TotalAlloc - ms0.TotalAlloc; a > uint64(len(b))+3<<20 {
			t.Errorf("%s: %d bytes allocated", name, a)
		}
	}
}

// TestSparseDenseLimit: a sparse array of 10⁶ × 10⁶ with one value is a
// few bytes in the file but 8 TB as a dense matrix: Dense refuses it.
func TestSparseDenseLimit(t *testing.T) {
	s := &Sparse{Size: []int{1e6, 1e6}, ColStart: make([]int, 1e6+1), RowIndex: []int{}, Real: []float64{}}
	_, err := s.Dense()
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "1000000×1000000 sparse double as a dense matrix needs 7.3 TiB") {
		t.Errorf("Dense: %v", err)
	}
}

// TestOpenSpecialFiles: a MAT-file linked to /dev/urandom was reported as
// "0 bytes" (its size as stat gives it); it is now named for what it is.
func TestOpenSpecialFiles(t *testing.T) {
	if _, err := os.Stat("/dev/urandom"); err != nil {
		t.Skip(err)
	}
	p := filepath.Join(t.TempDir(), "data.mat")
	if err := os.Symlink("/dev/urandom", p); err != nil {
		t.Fatal(err)
	}
	_, err := Open(p)
	want := "matfile: " + p + ": a link to /dev/urandom, a character device, not a regular file"
	if err == nil || err.Error() != want || !errors.Is(err, inputfile.ErrNotRegular) {
		t.Errorf("Open: %v, want %q", err, want)
	}
}
