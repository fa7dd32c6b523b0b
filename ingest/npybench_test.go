package ingest_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/oblique-neuro/oblique/ingest"
)

// BenchmarkReadArray reads an NPY file of 2²³ values (64 MiB as float64)
// in each layout: little-endian float64 (read straight into the array),
// big-endian float64, uint8 and float64 in Fortran order.
func BenchmarkReadArray(b *testing.B) {
	const n = 1 << 23
	dir := b.TempDir()
	for _, c := range []struct{ descr, shape string }{
		{"<f8", fmt.Sprintf("(%d,)", n)}, {">f8", fmt.Sprintf("(%d,)", n)}, {"|u1", fmt.Sprintf("(%d,)", n)},
		{"<f8", fmt.Sprintf("(%d, 256)", n/256)},
	} {
		var buf bytes.Buffer
		buf.Write(ingest.NPYHeader(c.descr, c.shape))
		for i := range n {
			switch c.descr {
			case "<f8":
				binary.Write(&buf, binary.LittleEndian, math.Float64bits(float64(i%7)))
			case ">f8":
				binary.Write(&buf, binary.BigEndian, math.Float64bits(float64(i%7)))
			default:
				buf.WriteByte(byte(i % 7))
			}
		}
		p := filepath.Join(dir, fmt.Sprintf("a%d.npy", buf.Len()))
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Run(c.descr+c.shape, func(b *testing.B) {
			b.SetBytes(int64(buf.Len()))
			for b.Loop() {
				if _, _, err := ingest.ReadArray(p, ""); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
