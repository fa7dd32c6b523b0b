// Package hdf5 reads HDF5 files: groups, datasets, attributes. It is the only
// package of oblique that uses cgo, and it is a leaf: it imports nothing of the
// project, and no C type appears in its API.
//
// # What it reads
//
// A File lists groups (Members), describes datasets (Dataset: shape and
// dtype), reads whole datasets or a range of their rows (ReadFloat64,
// ReadFloat64Range, ReadInts, ReadIntsRange, ReadStrings, ReadStringsRange,
// ReadRefs) and reads attributes as Go values (Attr, AttrNames). Dtypes:
//
//   - signed and unsigned integers of any width, float16/32/64: read as
//     float64 by the ReadFloat64 family and, integers only, as int64 by the
//     ReadInts family (HDF5 converts; an unsigned value above MaxInt64 is an
//     error, never a silent clip);
//   - h5py's booleans (an int8 enum with FALSE = 0, TRUE = 1, reported as
//     class Bool) and other enums, read as their integer values;
//   - fixed- and variable-length strings, ASCII or UTF-8 (ReadStrings);
//   - object and dataset-region references (ReadRefs, and as attributes),
//     resolved to the path of the object they point at.
//
// Compound, opaque, array, bitfield, time and non-string variable-length
// dtypes are described by Dataset but not read: reads return an error that
// wraps ErrUnsupported.
//
// Range reads select rows [start, start+count) along the first dimension with
// an HDF5 hyperslab, so reading one unit's spikes, or a window of a long time
// series, reads only those rows from disk.
//
// # Errors
//
// Every error names the file as given to Open and, where there is one, the
// path inside it (and the attribute): it is an *Error, e.g.
//
//	rec.nwb: /units/spike_times_index: dtype float32, want an integer
//
// Errors wrap the sentinels ErrNotFound, ErrDtype, ErrUnsupported, ErrClosed,
// ErrNotHDF5, ErrFault, ErrTimeout and ErrNoCgo, for errors.Is. Corrupt, truncated and non-HDF5
// files give errors, with the HDF5 library's own explanation where it has one
// ("truncated file: eof = 1000, …"); the library's printing of error stacks to
// stderr is switched off. Nothing here panics on a user's file.
//
// # Reader processes and the time limit
//
// HDF5 1.10 trusts what it reads. A corrupt file can make it loop for ever
// (a zeroed global heap address in an attribute: issue 17) or fault, and a
// call stuck in C can be neither interrupted nor abandoned: it holds the
// library's lock. So, by default, the library runs in a reader process: the
// program itself started again (os.Executable, /proc/self/exe on Linux;
// package initialisation makes it serve instead of running main, so every
// binary linking this package can be one, test binaries included). Each
// open File has a reader of its own; requests and answers go through two
// pipes, the numbers the library reads through shared memory (a memfd on
// Linux, an unlinked temporary file elsewhere) that both processes map and
// that grows to the file's largest such read (given back, beyond 4 MiB,
// when the file is closed). Starting a reader costs about what starting
// the program does (86 ms at a load of 10 on 2 cores: BenchmarkOpen), once:
// closed files give their reader back to a pool (two are kept) for the
// next file; StopReaders ends the idle ones.
//
// Each file may spend DefaultTimeout (60 s) in the library, summed over its
// calls from Open to Close; OBLIQUE_HDF5_TIMEOUT sets another limit (a Go
// duration, or off). A call that reaches it gets its reader killed and
// returns an error that names the file and wraps ErrTimeout; the file's
// later calls return ErrTimeout too, and the other files go on with other
// readers. A fault in the library kills only the reader: the call returns
// an error wrapping ErrFault. A reader ends with its program however the
// program ends: the request pipe closes; a lifeline pipe, which a reader
// watches on a goroutine of its own, closes even while the library is stuck;
// and on Linux the kernel kills it (parent-death signal). Readers have their
// own process group, so that the terminal's Ctrl-C reaches the program only.
//
// OBLIQUE_HDF5=inprocess runs the library in the program instead, as before
// reader processes existed: no time limit. There every call into the
// library (reading data, attributes, types, links and references: where
// faults were seen) runs under a guard: a SIGSEGV, SIGBUS, SIGFPE or SIGABRT
// on that thread during the call returns an error wrapping ErrFault that
// names the file and path, instead of killing the program. The library's
// state is then unknown, so every later call in the process returns
// ErrFault too, and the C heap may be damaged: a program should report the
// error and end. Faults outside these calls reach Go's handler unchanged (a
// nil dereference is still a panic). Opening the file, its groups and
// datasets goes through gonum/hdf5 unguarded; HDF5 checks that metadata
// better, and no fault was seen there in some 500 runs on randomly
// corrupted copies of the test files. Readers use the same guard, so that
// they answer with ErrFault before they are ended.
//
// # Speed
//
// A call answered by a reader costs a round trip through the pipes (59 µs
// against 13 µs in process, at a load of 10 on 2 cores: BenchmarkCall), so
// File asks for as little as it can. Contiguous datasets of plain numbers (most
// spike times and behaviour in NWB files) are read by File itself with one
// pread into the caller's slice and converted there, bit for bit as the
// library converts (direct.go). What the library has said of the file is
// kept (kinds of paths, dataset descriptions, small attributes, and the
// link names of groups, so that asking for an absent member costs nothing),
// and Prefetch answers the queries of several calls to come in one round
// trip; package nwb uses it. Reading the nlb-maze preset's data makes some
// fifteen round trips.
//
// # Build
//
// With cgo (the default where a C compiler is found), File is backed by the
// HDF5 C library through gonum.org/v1/hdf5, with direct calls to the C API
// for what that binding does not cover: variable-length strings, references,
// enums, attribute values, link kinds and the library's error stack. On
// Debian, `apt-get install libhdf5-dev` (HDF5 1.10) is all it needs: the
// #cgo lines know Debian's serial-HDF5 layout, and the Makefile adds
// pkg-config's flags for other layouts.
//
// With CGO_ENABLED=0 the package still builds, so that everything importing
// it builds too; Open then returns an error wrapping ErrNoCgo.
//
// # Reader
//
// Reader is the interface File implements. Code that interprets a file's
// layout (package ingest/nwb) is written against Reader so that it can be
// tested with an in-memory fake, and so that nothing else of the project
// depends on how the bytes are read.
//
// A File may be used from several goroutines. Its calls into the library
// run one at a time (in process, those of all files do: the library is not
// thread-safe), while its direct reads, and the calls of files open in
// different readers, run in parallel.
package hdf5
