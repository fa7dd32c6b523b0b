package ingest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"os"
	"strings"
	"testing"
)

// NPYHeader is a version 1 .npy header.
func NPYHeader(descr, shape string) []byte {
	h := "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }"
	h += strings.Repeat(" ", 63-(10+len(h))%64) + "\n"
	return append([]byte("\x93NUMPY\x01\x00"), append([]byte{byte(len(h)), byte(len(h) >> 8)}, h...)...)
}

// WriteZeroBomb writes an NPZ archive whose one member, x.npy, is hdr and
// zeros zero bytes, deflated; the archive declares its size as declared
// (the true size when negative). One megabyte of zeros is deflated once
// and its flushed blocks repeated: a stream of 1030:1.
func WriteZeroBomb(t testing.TB, path string, hdr []byte, zeros, declared int64) {
	t.Helper()
	const block = 1 << 20
	if zeros%block != 0 {
		t.Fatal("zeros must be whole megabytes")
	}
	var head, rep, tail bytes.Buffer
	fw, _ := flate.NewWriter(&head, flate.BestCompression)
	fw.Write(hdr)
	fw.Flush()
	fw.Reset(&rep)
	fw.Write(make([]byte, block))
	fw.Flush()
	fw.Reset(&tail)
	fw.Close() // a final empty block
	crc := crc32.ChecksumIEEE(hdr)
	zero := make([]byte, block)
	for range zeros / block {
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	size := int64(len(hdr)) + zeros
	if declared >= 0 {
		size = declared
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(f)
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: "x.npy", Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(head.Len() + int(zeros/block)*rep.Len() + tail.Len()),
		UncompressedSize64: uint64(size),
	})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(head.Bytes())
	for range zeros / block {
		w.Write(rep.Bytes())
	}
	w.Write(tail.Bytes())
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
