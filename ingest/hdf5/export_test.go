package hdf5

// SetDirectReads switches direct reads (direct.go) on or off for the files
// opened from then on, and returns the previous setting.
func SetDirectReads(on bool) bool {
	was := directReads
	directReads = on
	return was
}

// DirectReads reports whether f reads contiguous datasets itself.
func DirectReads(f *File) bool { return f.raw != nil }

// DirectLayout reports whether f reads the dataset at p itself.
func DirectLayout(f *File, p string) bool {
	_, lay, err := f.c.dataset(clean(p), f.b)
	return err == nil && lay.Direct && f.raw != nil
}
