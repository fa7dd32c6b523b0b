//go:build cgo && unix

package hdf5

import (
	"fmt"
	"os"
	"syscall"
)

// shared is the memory a reader process and its program share: a file
// (newShared) that both map. The numbers a read brings in travel there, so
// that only their count goes through the pipe.
//
// Only the reader changes the file's size (grow, release), and it never
// touches its mapping beyond the size it set; the program maps the file
// when a response says how many bytes to take (view), which the reader has
// made sure the file holds.
type shared struct {
	f   *os.File
	mem []byte
}

// keepShared is the shared memory a reader keeps after closing a file;
// more is given back.
const keepShared = 4 << 20

// grow makes the shared memory at least size bytes long and maps it, in the
// reader.
func (s *shared) grow(size int) error {
	if size <= len(s.mem) {
		return nil
	}
	st, err := s.f.Stat()
	if err != nil {
		return fmt.Errorf("shared memory: %w", err)
	}
	if st.Size() < int64(size) {
		if err := s.f.Truncate(int64(size)); err != nil {
			return fmt.Errorf("shared memory of %d bytes: %w", size, err)
		}
	} else {
		size = int(st.Size())
	}
	return s.remap(size)
}

// release unmaps the shared memory and gives its pages back, in the reader.
func (s *shared) release() {
	s.unmap()
	s.f.Truncate(0)
}

// view returns the first size bytes of the shared memory, in the program.
func (s *shared) view(size int) ([]byte, error) {
	if size > len(s.mem) {
		st, err := s.f.Stat()
		if err != nil {
			return nil, fmt.Errorf("shared memory: %w", err)
		}
		if st.Size() < int64(size) {
			return nil, fmt.Errorf("shared memory of %d bytes holds less than the %d bytes of the values read", st.Size(), size)
		}
		if err := s.remap(int(st.Size())); err != nil {
			return nil, err
		}
	}
	return s.mem[:size], nil
}

func (s *shared) remap(size int) error {
	s.unmap()
	m, err := syscall.Mmap(int(s.f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
	if err != nil {
		return fmt.Errorf("shared memory of %d bytes: %w", size, err)
	}
	s.mem = m
	return nil
}

func (s *shared) unmap() {
	if s.mem != nil {
		syscall.Munmap(s.mem)
		s.mem = nil
	}
}

// close unmaps and closes the shared memory.
func (s *shared) close() {
	s.unmap()
	s.f.Close()
}
