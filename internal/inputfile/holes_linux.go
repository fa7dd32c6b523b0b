package inputfile

import (
	"errors"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxExtents bounds the data extents checkHoles walks; past them, the rest
// of the file counts as data.
const maxExtents = 1 << 12

// checkHoles refuses a file of at least MinSparse bytes of which more than
// half are holes. The allocated block count rules most files out at once;
// a file with few blocks (sparse, or compressed by the file system) is
// walked with SEEK_DATA and SEEK_HOLE, which find holes only.
func checkHoles(f *os.File, fi os.FileInfo) error {
	size := fi.Size()
	if size < MinSparse {
		return nil
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Blocks*512 >= size/2 {
		return nil
	}
	data, err := dataBytes(int(f.Fd()), size)
	if err != nil {
		return nil // no SEEK_DATA here: nothing known about holes
	}
	if data < size/2 {
		return sparseError(size, data)
	}
	return nil
}

// dataBytes adds up the extents of fd that are not holes.
func dataBytes(fd int, size int64) (int64, error) {
	var data, off int64
	for i := 0; off < size; i++ {
		start, err := unix.Seek(fd, off, unix.SEEK_DATA)
		if errors.Is(err, unix.ENXIO) {
			break // only a hole is left
		}
		if err != nil {
			return 0, err
		}
		if i == maxExtents {
			data += size - start
			break
		}
		end, err := unix.Seek(fd, start, unix.SEEK_HOLE)
		if err != nil {
			return 0, err
		}
		data += end - start
		off = end
	}
	// Leave the offset where a reader expects it.
	if _, err := unix.Seek(fd, 0, 0); err != nil {
		return 0, err
	}
	return data, nil
}
