//go:build !cgo

package hdf5

// Without cgo there is no HDF5 library: the package builds, so that its
// importers build, and Open says why it cannot read.

type handle struct{}

func openFile(string) (*handle, error) { return nil, ErrNoCgo }

func (*handle) close() error                                        { return ErrNoCgo }
func (*handle) stat(string) (Kind, error)                           { return KindUnknown, ErrNoCgo }
func (*handle) members(string) ([]Member, error)                    { return nil, ErrNoCgo }
func (*handle) dataset(string) (DatasetInfo, error)                 { return DatasetInfo{}, ErrNoCgo }
func (*handle) attrNames(string) ([]string, error)                  { return nil, ErrNoCgo }
func (*handle) attr(string, string) (any, error)                    { return nil, ErrNoCgo }
func (*handle) read(string, int, int, want, []float64) (any, error) { return nil, ErrNoCgo }
