// Package matfile reads MATLAB MAT-files in pure Go.
//
// It decodes level 5 MAT-files, the format of MATLAB v5, v6 and v7 (every
// `save` format before -v7.3), compressed or not, in either byte order.
// MATLAB v7.3 files are HDF5 files; Open recognises them and hands them to
// the reader registered with RegisterV73, or returns an error wrapping
// ErrV73 when there is none. Package ingest/matfile/mat73 is that reader
// (it needs cgo, for HDF5); importing it registers it.
//
// # Values
//
// A variable decodes to a Value: *Numeric (double, single and the eight
// integer classes, real or complex, as float64 plus the exact integers of
// int64 and uint64 arrays), *Logical, *Char (rows as Go strings), *Cell,
// *Struct (structs and struct arrays, fields in file order) or *Sparse.
// Function handles and objects inside a struct or cell decode to
// *Unsupported placeholders so that the rest can be read; reaching one, or
// reading such a variable, gives an error wrapping ErrUnsupported.
//
// Element data stay in MATLAB's column-major order with the MATLAB
// dimensions (at least two). Dense, Vector and Scalar give 2-D arrays and
// vectors in row-major order: Dense returns a *mat.Dense whose element
// (i, j) is MATLAB's x(i+1, j+1).
//
// Values never share memory with the file and are not modified by this
// package after they are returned; a value that Lookup returns shares
// memory with the value it was selected from. A File decodes a variable only when it
// is asked for, so reading one variable of a large file does not decode the
// others.
//
// # Paths
//
// File.Lookup and Lookup take MATLAB paths with 1-based indices:
// "beforeLearning.clouds.spikes{3}", "D_emg(2).A", "U{165}", "x(2,3)".
// Errors name the file, the full path and what was found instead:
//
//	matfile: data.mat: Pc.xA_rw: struct Pc has no field "xA_rw" (fields: xA_raw, vA); did you mean "xA_raw"?
//
// Every error is an *Error holding the file name and the path, and wraps
// ErrFormat (not a MAT-file, corrupt or truncated; a file that ends inside
// a variable also matches ErrTruncated), ErrUnsupported, ErrNotFound or
// ErrV73. Malformed files give errors, not panics: sizes
// read from the file are checked against the data actually present before
// anything is allocated, and compressed data are inflated as a stream whose
// zlib checksum is verified.
//
// # On-disk layout of level 5 files
//
// A file starts with a 128-byte header: 116 bytes of text ("MATLAB 5.0
// MAT-file, Platform: …"), an 8-byte subsystem data offset, a 2-byte
// version (0x0100) and the endian indicator "IM" (little-endian) or "MI"
// (big-endian), which fixes the byte order of every number that follows.
//
// Then come data elements, one a variable. Each has an 8-byte tag, a
// 4-byte data type and a 4-byte byte count, followed by the data padded to
// 8 bytes. A tag whose upper 16 bits are not zero is a small data element:
// 2 bytes of count and 2 of type, and up to 4 bytes of data in the rest of
// the 8 bytes. A top-level element is miMATRIX (14), or miCOMPRESSED (15):
// a zlib stream holding one miMATRIX element (MATLAB v7's default).
//
// The data of a miMATRIX element are sub-elements: array flags (the class,
// and bits for complex, global and logical), dimensions (int32), the name
// (empty inside cells and structs), then by class:
//
//   - numeric: the real part and, if complex, the imaginary part. The data
//     type may be smaller than the class (MATLAB saves a double array of
//     small integers as miUINT8) and is converted.
//   - logical: uint8 class with the logical flag set.
//   - char: UTF-16 code units (miUINT16 or miUTF16), or miUTF8 text.
//   - cell: one miMATRIX element per cell, column-major.
//   - struct: the field name length, the NUL-padded field names, then one
//     miMATRIX element per field of each element, column-major.
//   - sparse: row indices, column starts, values and imaginary values.
//   - function handles, objects and MATLAB class objects (opaque): nested
//     matrices that this package does not interpret.
//
// # Why not an existing library
//
// Before writing this package (November 2026) we looked for a Go library:
// github.com/scigolib/matlab (MIT, maintained, v0.3.5) lists v5 structs and
// cell arrays as partial and its v5 parser decodes every matrix as a
// numeric array, ignoring the logical flag and the struct and cell layouts;
// it also decodes whole files at once and caps inflated data at 100 MB.
// github.com/florianl/matf (MIT) was last released in 2019 and returns raw
// data elements through reflection; github.com/sbinet/matfio (BSD-3, 2016)
// is an unfinished prototype that does not handle small data elements.
// None covers compressed elements, struct arrays, cells, logical and char
// arrays reliably, so this package implements the format itself with the
// standard library and gonum.
package matfile
