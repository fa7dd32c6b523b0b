package ingest

import (
	"bytes"
	"io"

	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// Format names the kind of data file whose first bytes are head (128 are
// enough): "hdf5" (NWB files; HDF5 at offset 0), "mat" (MATLAB v5, and v7.3,
// whose 512-byte user block starts with the same text header), "npy",
// "npz" (a zip archive), "arrow" (an Arrow IPC file, as oblique writes),
// or "" for anything else, such as the TOML of a manifest or a preset.
func Format(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x89HDF\r\n\x1a\n")):
		return "hdf5"
	case bytes.HasPrefix(head, []byte("MATLAB")):
		return "mat"
	case bytes.HasPrefix(head, []byte("\x93NUMPY")):
		return "npy"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return "npz"
	case bytes.HasPrefix(head, []byte("ARROW1")):
		return "arrow"
	}
	return ""
}

// FileFormat returns Format of the file at path and its size in bytes
// (0: an empty file), opened as inputfile.Open opens it: a named pipe or a
// device is an error, not waited on or read.
func FileFormat(path string) (format string, empty bool, err error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return "", false, err
	}
	defer f.Close()
	head := make([]byte, 128)
	n, _ := io.ReadFull(f, head)
	return Format(head[:n]), n == 0, nil
}

// FormatName says what a Format value is, for messages: "an HDF5 (NWB)
// file", "a MATLAB file", "an array file", "an Arrow table"; "" for "".
func FormatName(format string) string {
	switch format {
	case "hdf5":
		return "an HDF5 (NWB) file"
	case "mat":
		return "a MATLAB file"
	case "npy", "npz":
		return "an array file"
	case "arrow":
		return "an Arrow table"
	}
	return ""
}
