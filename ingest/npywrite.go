package ingest

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteFloat32 writes a rows × cols matrix (row-major data) as a
// little-endian float32 NPY file (format 1.0, C order): the compact form in
// which trained networks are stored and shipped.
func WriteFloat32(w io.Writer, rows, cols int, data []float64) error {
	if len(data) != rows*cols {
		return fmt.Errorf("npy: %d values for a %d×%d matrix", len(data), rows, cols)
	}
	hdr := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", rows, cols)
	// magic (6) + version (2) + header length (2) + header + '\n', padded
	// with spaces to a multiple of 64 bytes.
	pad := (64 - (10+len(hdr)+1)%64) % 64
	hdr += strings.Repeat(" ", pad) + "\n"
	buf := make([]byte, 0, 10+len(hdr)+4*len(data))
	buf = append(buf, "\x93NUMPY\x01\x00"...)
	buf = binary.LittleEndian.AppendUint16(buf, uint16(len(hdr)))
	buf = append(buf, hdr...)
	for _, v := range data {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(float32(v)))
	}
	_, err := w.Write(buf)
	return err
}
