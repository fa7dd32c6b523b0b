//go:build !cgo

package hdf5

import "time"

// Without cgo there is no HDF5 library: the package builds, so that its
// importers build, and Open says why it cannot read.

type handle struct{}

func openFile(string) (*handle, error)                  { return nil, ErrNoCgo }
func openRemote(string, time.Duration) (*handle, error) { return nil, ErrNoCgo }
func stopReaders()                                      {}

func (*handle) close() error                                  { return ErrNoCgo }
func (*handle) ident() fileIdent                              { return fileIdent{} }
func (*handle) stat(string, bool) (statInfo, error)           { return statInfo{}, ErrNoCgo }
func (*handle) members(string) ([]Member, error)              { return nil, ErrNoCgo }
func (*handle) dataset(string) (DatasetInfo, layout, error)   { return DatasetInfo{}, layout{}, ErrNoCgo }
func (*handle) attrNames(string) ([]string, error)            { return nil, ErrNoCgo }
func (*handle) attr(string, string) (any, error)              { return nil, ErrNoCgo }
func (*handle) read(string, int, int, want, any) (any, error) { return nil, ErrNoCgo }
