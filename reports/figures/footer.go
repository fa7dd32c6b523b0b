package figures

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
)

// The Arrow reader sizes slices by the lengths of the footer's vectors of
// fields, child fields and custom metadata (Schema.fbs) before it reads
// them, so that one corrupted length can make it allocate gigabytes: a
// fatal error that no recover catches. checkFooter reads those lengths
// first and rejects any whose vector does not fit in the footer.

// checkFooter checks the schema in the footer of the Arrow IPC file f
// (File.fbs: the footer flatbuffer, its length as an int32, "ARROW1"). A
// file that does not end like an Arrow file is left to the reader, which
// says so.
func checkFooter(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	const tail = 10
	size := st.Size()
	if size < tail {
		return nil
	}
	var end [tail]byte
	if _, err := f.ReadAt(end[:], size-tail); err != nil {
		return err
	}
	n := int64(binary.LittleEndian.Uint32(end[:4]))
	if !bytes.Equal(end[4:], []byte("ARROW1")) || n > size-tail {
		return nil
	}
	b := make(fbuf, n)
	if _, err := f.ReadAt(b, size-tail-n); err != nil {
		return err
	}
	errFooter := errors.New("footer's schema does not fit in the footer")
	root, ok := b.u32(0)
	if !ok {
		return errFooter
	}
	// Footer.schema (slot 1); its fields (1) and custom_metadata (2).
	schema, ok := b.ref(root, 1)
	if !ok || schema != 0 && !b.fieldsFit(schema, 1, 2) {
		return errFooter
	}
	return nil
}

// fbuf is a flatbuffer (flatbuffers.dev, "Internals"): tables at
// positions in it, read with every offset checked.
type fbuf []byte

func (b fbuf) u32(at int64) (int64, bool) {
	if at < 0 || at+4 > int64(len(b)) {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint32(b[at:])), true
}

func (b fbuf) u16(at int64) (int64, bool) {
	if at < 0 || at+2 > int64(len(b)) {
		return 0, false
	}
	return int64(binary.LittleEndian.Uint16(b[at:])), true
}

// ref returns where the offset in field slot of the table at pos points
// to (a table or a vector); 0 when the field is absent.
func (b fbuf) ref(pos int64, slot int) (int64, bool) {
	so, ok := b.u32(pos)
	if !ok {
		return 0, false
	}
	vt := pos - int64(int32(so))
	vlen, ok := b.u16(vt)
	if !ok {
		return 0, false
	}
	at := int64(4 + 2*slot)
	if at+2 > vlen {
		return 0, true
	}
	off, ok := b.u16(vt + at)
	if !ok || off == 0 {
		return 0, ok
	}
	u, ok := b.u32(pos + off)
	return pos + off + u, ok
}

// vector returns the start and length of the vector of tables in field
// slot of the table at pos (0, 0 when absent); ok is false when its
// offsets do not fit in b.
func (b fbuf) vector(pos int64, slot int) (start, n int64, ok bool) {
	v, ok := b.ref(pos, slot)
	if !ok || v == 0 {
		return 0, 0, ok
	}
	n, ok = b.u32(v)
	return v + 4, n, ok && v+4+4*n <= int64(len(b))
}

// fieldsFit checks the vector of fields in slot of the table at pos and
// the custom metadata in metaSlot, then each field's children (Field slot
// 5) and custom metadata (slot 6). Each table lies after the one that
// refers to it, so that the walk ends.
func (b fbuf) fieldsFit(pos int64, slot, metaSlot int) bool {
	if _, _, ok := b.vector(pos, metaSlot); !ok {
		return false
	}
	start, n, ok := b.vector(pos, slot)
	if !ok {
		return false
	}
	for i := int64(0); i < n; i++ {
		u, _ := b.u32(start + 4*i)
		if !b.fieldsFit(start+4*i+u, 5, 6) {
			return false
		}
	}
	return true
}
