package ingest

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// A float32 NPY written here reads back through ReadArray as the float32
// rounding of each value, with its shape.
func TestWriteFloat32RoundTrip(t *testing.T) {
	data := []float64{1, -2.5, 1.0 / 3, 1e-8, 3e38, 0}
	var b bytes.Buffer
	if err := WriteFloat32(&b, 2, 3, data); err != nil {
		t.Fatal(err)
	}
	if (b.Len()-4*len(data))%64 != 0 {
		t.Fatalf("header not padded to 64 bytes: file of %d bytes", b.Len())
	}
	path := filepath.Join(t.TempDir(), "w.npy")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a, _, err := ReadArray(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Shape) != 2 || a.Shape[0] != 2 || a.Shape[1] != 3 {
		t.Fatalf("shape %v, want [2 3]", a.Shape)
	}
	for i, v := range data {
		if want := float64(float32(v)); a.Data[i] != want {
			t.Errorf("value %d: %v, want %v", i, a.Data[i], want)
		}
	}
	if err := WriteFloat32(&b, 2, 2, data); err == nil {
		t.Error("6 values for a 2×2 matrix: no error")
	}
}
