package ingest

import "bytes"

// Format names the kind of data file whose first bytes are head (128 are
// enough): "hdf5" (NWB files; HDF5 at offset 0), "mat" (MATLAB v5, and v7.3,
// whose 512-byte user block starts with the same text header), "npy",
// "npz" (a zip archive), or "" for anything else, such as the TOML of a
// manifest or a preset.
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
	}
	return ""
}
