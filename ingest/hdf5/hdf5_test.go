package hdf5_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/oblique-neuro/oblique/ingest/hdf5"
	"github.com/oblique-neuro/oblique/internal/inputfile"
)

// testdata/types.h5 is written by testdata/gen_types.py; the values below
// restate that script's closed forms.
const typesFile = "testdata/types.h5"

func open(t *testing.T, name string) *hdf5.File {
	t.Helper()
	f, err := hdf5.Open(name)
	if errors.Is(err, hdf5.ErrNoCgo) {
		t.Skip("built without cgo")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func seq(n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = float64(i) * scale
	}
	return v
}

func TestNumbers(t *testing.T) {
	f := open(t, typesFile)
	ints := []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	for _, c := range []struct {
		name, dtype string
		float       bool
	}{
		{"i1", "int8", false}, {"i2", "int16", false}, {"i4", "int32", false}, {"i8", "int64", false},
		{"u1", "uint8", false}, {"u2", "uint16", false}, {"u4", "uint32", false}, {"u8", "uint64", false},
		{"be_i4", "int32", false}, {"be_f8", "float64", true},
		{"f2", "float16", true}, {"f4", "float32", true}, {"f8", "float64", true},
	} {
		p := "/num/" + c.name
		d, err := f.Dataset(p)
		if err != nil {
			t.Fatal(err)
		}
		if d.Dtype.String() != c.dtype || !reflect.DeepEqual(d.Shape, []int{10}) || d.Path != p {
			t.Errorf("%s: got %+v (%v), want dtype %s shape [10]", p, d, d.Dtype, c.dtype)
		}
		got, err := f.ReadFloat64(p)
		if err != nil {
			t.Fatal(err)
		}
		// i/4 is exact in every float width, and integers up to 9 too:
		// the comparison is exact.
		want := seq(10, 1)
		if c.float {
			want = seq(10, 0.25)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: ReadFloat64 = %v, want %v", p, got, want)
		}
		gotInts, err := f.ReadInts(p)
		if c.float {
			var de *hdf5.DtypeError
			if !errors.As(err, &de) || !errors.Is(err, hdf5.ErrDtype) {
				t.Errorf("%s: ReadInts error = %v, want a DtypeError", p, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(gotInts, ints) {
			t.Errorf("%s: ReadInts = %v, %v", p, gotInts, err)
		}
	}

	// 2⁶³+5 does not fit an int64: an error, not a clip. As a float64 it
	// rounds to 2⁶³ (53-bit mantissa).
	if _, err := f.ReadInts("/num/u8_big"); err == nil || !strings.Contains(err.Error(), "does not fit an int64") {
		t.Errorf("ReadInts(u8_big) error = %v", err)
	}
	if got, err := f.ReadFloat64("num/u8_big"); err != nil || got[1] != math.Exp2(63) {
		t.Errorf("ReadFloat64(u8_big) = %v, %v", got, err)
	}

	d, _ := f.Dataset("/num/bool")
	if d.Dtype.Class != hdf5.Bool || d.Dtype.String() != "bool" {
		t.Errorf("bool dtype = %+v", d.Dtype)
	}
	if got, err := f.ReadInts("/num/bool"); err != nil || !reflect.DeepEqual(got, []int64{1, 0, 1, 1}) {
		t.Errorf("ReadInts(bool) = %v, %v", got, err)
	}
	d, _ = f.Dataset("/num/enum")
	if d.Dtype.Class != hdf5.Enum || d.Dtype.Size != 2 {
		t.Errorf("enum dtype = %+v", d.Dtype)
	}
	if got, err := f.ReadFloat64("/num/enum"); err != nil || !reflect.DeepEqual(got, []float64{0, 2, 1}) {
		t.Errorf("ReadFloat64(enum) = %v, %v", got, err)
	}

	d, _ = f.Dataset("/num/scalar")
	if d.Shape != nil || d.Len() != 1 || d.Rows() != 1 {
		t.Errorf("scalar: %+v", d)
	}
	if got, err := f.ReadFloat64("/num/scalar"); err != nil || !reflect.DeepEqual(got, []float64{2.5}) {
		t.Errorf("ReadFloat64(scalar) = %v, %v", got, err)
	}
	d, _ = f.Dataset("/num/null")
	if !d.Null || d.Len() != 0 {
		t.Errorf("null: %+v", d)
	}
	for _, p := range []string{"/num/null", "/num/empty"} {
		if got, err := f.ReadFloat64(p); err != nil || len(got) != 0 {
			t.Errorf("ReadFloat64(%s) = %v, %v", p, got, err)
		}
	}
}

func TestRanges(t *testing.T) {
	f := open(t, typesFile)
	for _, c := range []struct {
		path         string
		start, count int
		want         []float64
	}{
		{"/num/f8", 2, 3, []float64{0.5, 0.75, 1}},
		{"/num/f8", 7, -1, []float64{1.75, 2, 2.25}},
		{"/num/f8", 10, 0, []float64{}},
		{"/num/matrix", 1, 2, seq(9, 1)[3:]},
		{"/num/cube", 1, 1, seq(24, 1)[12:]},
		{"/num/chunked", 60, 10, seq(70, 0.5)[60:]},
		{"/num/chunked", 990, -1, seq(1000, 0.5)[990:]},
	} {
		got, err := f.ReadFloat64Range(c.path, c.start, c.count)
		if err != nil {
			t.Errorf("%s[%d:+%d]: %v", c.path, c.start, c.count, err)
			continue
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s[%d:+%d] = %v, want %v", c.path, c.start, c.count, got, c.want)
		}
	}
	if got, err := f.ReadIntsRange("/num/u2", 8, 2); err != nil || !reflect.DeepEqual(got, []int64{8, 9}) {
		t.Errorf("ReadIntsRange = %v, %v", got, err)
	}
	for _, c := range [][2]int{{9, 2}, {11, 0}, {-1, 1}, {0, -2}} {
		_, err := f.ReadFloat64Range("/num/f8", c[0], c[1])
		if err == nil || !strings.HasPrefix(err.Error(), typesFile+": /num/f8: ") {
			t.Errorf("range %v: error = %v", c, err)
		}
	}
}

func TestStrings(t *testing.T) {
	f := open(t, typesFile)
	for _, c := range []struct {
		path, dtype string
		want        []string
	}{
		{"/str/vlen_utf8", "vlen string", []string{"alpha", "", "β-gamma"}},
		{"/str/vlen_ascii", "vlen string", []string{"x", "yz"}},
		{"/str/fixed", "string[4]", []string{"ab", "abcd", ""}},
		{"/str/scalar", "vlen string", []string{"hello"}},
		{"/str/matrix", "vlen string", []string{"a", "b", "c", "d", "e", "f"}},
	} {
		d, err := f.Dataset(c.path)
		if err != nil || d.Dtype.String() != c.dtype {
			t.Errorf("%s: %v %v, want %s", c.path, d.Dtype, err, c.dtype)
		}
		got, err := f.ReadStrings(c.path)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ReadStrings(%s) = %q, %v; want %q", c.path, got, err, c.want)
		}
	}
	if got, err := f.ReadStringsRange("/str/matrix", 1, 1); err != nil || !reflect.DeepEqual(got, []string{"c", "d"}) {
		t.Errorf("ReadStringsRange = %q, %v", got, err)
	}
	if _, err := f.ReadFloat64("/str/fixed"); err == nil || err.Error() != typesFile+": /str/fixed: dtype string[4], want a number" {
		t.Errorf("ReadFloat64(strings) error = %v", err)
	}
}

func TestRefsAndLinks(t *testing.T) {
	f := open(t, typesFile)
	got, err := f.ReadRefs("/ref/objects")
	want := []hdf5.Ref{{Path: "/num/i4"}, {Path: "/str"}, {}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("ReadRefs(objects) = %v, %v", got, err)
	}
	got, err = f.ReadRefs("/ref/regions")
	if err != nil || !reflect.DeepEqual(got, []hdf5.Ref{{Path: "/num/f8", Region: true}}) {
		t.Errorf("ReadRefs(regions) = %v, %v", got, err)
	}

	ms, err := f.Members("/ref")
	if err != nil {
		t.Fatal(err)
	}
	wantMembers := []hdf5.Member{
		{Name: "dangling", Kind: hdf5.KindUnknown, Link: "/nowhere"},
		{Name: "external", Kind: hdf5.KindUnknown, Link: "other.h5:/x"},
		{Name: "hard", Kind: hdf5.KindDataset},
		{Name: "objects", Kind: hdf5.KindDataset},
		{Name: "regions", Kind: hdf5.KindDataset},
		{Name: "soft", Kind: hdf5.KindDataset, Link: "/num/f8"},
	}
	// Addr tells objects apart: "hard" is a second hard link to /num/u2
	// (its address as h5py's h5o.get_info(…).addr gives it: 5568), the
	// others lead elsewhere.
	num, err := f.Members("/num")
	if err != nil {
		t.Fatal(err)
	}
	addr := map[string]uint64{}
	for i, m := range ms {
		addr[m.Name] = m.Addr
		ms[i].Addr = 0
	}
	for _, m := range num {
		if m.Name == "u2" && (m.Addr != addr["hard"] || m.Addr != 5568) {
			t.Errorf("/num/u2 at %d, /ref/hard at %d: want both 5568", m.Addr, addr["hard"])
		}
	}
	if a, b := addr["objects"], addr["regions"]; a == 0 || b == 0 || a == b || a == addr["hard"] {
		t.Errorf("addresses %v: want distinct non-zero ones for distinct objects", addr)
	}
	if !reflect.DeepEqual(ms, wantMembers) {
		t.Errorf("Members(/ref) =\n%+v\nwant\n%+v", ms, wantMembers)
	}
	if v, err := f.ReadFloat64Range("/ref/soft", 1, 1); err != nil || v[0] != 0.25 {
		t.Errorf("read through a soft link: %v, %v", v, err)
	}
	if k, err := f.Stat("/"); err != nil || k != hdf5.KindGroup {
		t.Errorf("Stat(/) = %v, %v", k, err)
	}
	if _, err := f.Stat("/ref/dangling"); err == nil {
		t.Error("Stat of a dangling link: no error")
	}
}

func TestAttrs(t *testing.T) {
	f := open(t, typesFile)
	names, err := f.AttrNames("/num/f8")
	want := []string{"ascii", "b", "compound", "empty", "f", "f32s", "i", "ref", "refs", "str", "strs", "u"}
	if err != nil || !reflect.DeepEqual(names, want) {
		t.Errorf("AttrNames = %q, %v", names, err)
	}
	for name, want := range map[string]any{
		"str":   "scalar utf-8",
		"ascii": "fixed ascii",
		"strs":  []string{"a", "bc"},
		"f":     0.5,
		"f32s":  []float64{1.5, 2.5},
		"i":     int64(-3),
		"u":     uint64(1<<63 + 5),
		"b":     true,
		"ref":   hdf5.Ref{Path: "/str"},
		"refs":  []hdf5.Ref{{Path: "/num"}, {Path: "/num/i1"}},
		"empty": nil,
	} {
		got, err := f.Attr("/num/f8", name)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Attr(%s) = %#v, %v; want %#v", name, got, err, want)
		}
	}
	if got, err := f.Attr("str", "neurodata_type"); err != nil || got != "Thing" {
		t.Errorf("group attribute = %v, %v", got, err)
	}
	if names, err := f.AttrNames("/num"); err != nil || len(names) != 0 {
		t.Errorf("AttrNames(/num) = %q, %v", names, err)
	}
	_, err = f.Attr("/num/f8", "compound")
	if !errors.Is(err, hdf5.ErrUnsupported) || !strings.Contains(err.Error(), `/num/f8: attribute "compound": `) {
		t.Errorf("compound attribute error = %v", err)
	}
	_, err = f.Attr("/num/f8", "nope")
	if !errors.Is(err, hdf5.ErrNotFound) || err.Error() != typesFile+`: /num/f8: attribute "nope": not found` {
		t.Errorf("missing attribute error = %v", err)
	}
}

func TestUnsupported(t *testing.T) {
	f := open(t, typesFile)
	for p, class := range map[string]hdf5.Class{
		"/other/compound": hdf5.Compound, "/other/vlen_int": hdf5.VarLen, "/other/opaque": hdf5.Opaque,
	} {
		d, err := f.Dataset(p)
		if err != nil || d.Dtype.Class != class {
			t.Errorf("Dataset(%s) = %+v, %v", p, d, err)
		}
		for _, read := range []func(string) error{
			func(p string) error { _, err := f.ReadFloat64(p); return err },
			func(p string) error { _, err := f.ReadStrings(p); return err },
			func(p string) error { _, err := f.ReadRefs(p); return err },
		} {
			if err := read(p); !errors.Is(err, hdf5.ErrUnsupported) {
				t.Errorf("%s: error = %v, want ErrUnsupported", p, err)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	f := open(t, typesFile)
	check := func(err error, want string, sentinel error) {
		t.Helper()
		if err == nil || err.Error() != want {
			t.Errorf("error = %v\nwant    %s", err, want)
		}
		if sentinel != nil && !errors.Is(err, sentinel) {
			t.Errorf("%v does not wrap %v", err, sentinel)
		}
	}
	_, err := f.Dataset("/num/missing")
	check(err, typesFile+": /num/missing: not found", hdf5.ErrNotFound)
	_, err = f.ReadFloat64("/num/f8/below")
	check(err, typesFile+": /num/f8/below: not found (/num/f8 is not a group)", hdf5.ErrNotFound)
	_, err = f.Dataset("/num")
	check(err, typesFile+": /num: is a group, not a dataset", nil)
	_, err = f.Members("/num/f8")
	check(err, typesFile+": /num/f8: is a dataset, not a group", nil)
	_, err = f.ReadInts("num/f4")
	check(err, typesFile+": /num/f4: dtype float32, want an integer", hdf5.ErrDtype)
	_, err = f.ReadRefs("/num/i8")
	check(err, typesFile+": /num/i8: dtype int64, want a reference", hdf5.ErrDtype)

	g := open(t, typesFile)
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	if err := g.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, err = g.ReadFloat64("/num/f8")
	check(err, typesFile+": /num/f8: file is closed", hdf5.ErrClosed)
}

func TestBadFiles(t *testing.T) {
	open(t, typesFile) // skips without cgo
	raw, err := os.ReadFile(typesFile)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zeroSuper := append([]byte(nil), raw...)
	copy(zeroSuper[8:48], make([]byte, 40)) // the superblock after its signature
	for _, c := range []struct {
		path, want string
		sentinel   error
	}{
		{filepath.Join(dir, "missing.h5"), "no such file or directory", nil},
		{dir, "is a directory, not an HDF5 file", nil},
		{write("empty.h5", nil), "not an HDF5 file (no HDF5 signature)", hdf5.ErrNotHDF5},
		{write("text.h5", []byte("id,value\n1,2\n")), "not an HDF5 file (no HDF5 signature)", hdf5.ErrNotHDF5},
		{write("npy.h5", append([]byte("\x93NUMPY\x01\x00"), make([]byte, 120)...)), "not an HDF5 file (no HDF5 signature)", hdf5.ErrNotHDF5},
		{write("truncated.h5", raw[:len(raw)/2]), "unable to open file: truncated file: eof = " + strconv.Itoa(len(raw)/2), nil},
		{write("zeroed.h5", zeroSuper), "unable to open file: ", nil},
	} {
		_, err := hdf5.Open(c.path)
		if err == nil || !strings.HasPrefix(err.Error(), c.path+": "+c.want) {
			t.Errorf("Open(%s) error = %v\nwant prefix %s: %s", c.path, err, c.path, c.want)
		}
		if c.sentinel != nil && !errors.Is(err, c.sentinel) {
			t.Errorf("Open(%s) error does not wrap %v", c.path, c.sentinel)
		}
	}
}

// walk reads everything in the file below p, returning the first error.
func walk(f *hdf5.File, p string) error {
	names, err := f.AttrNames(p)
	if err != nil {
		return err
	}
	for _, n := range names {
		if _, err := f.Attr(p, n); err != nil && !errors.Is(err, hdf5.ErrUnsupported) {
			return err
		}
	}
	k, err := f.Stat(p)
	if err != nil || k != hdf5.KindGroup {
		if err == nil && k == hdf5.KindDataset {
			d, err := f.Dataset(p)
			if err != nil {
				return err
			}
			switch {
			case d.Dtype.IsNumeric():
				_, err = f.ReadFloat64(p)
			case d.Dtype.Class == hdf5.String:
				_, err = f.ReadStrings(p)
			case d.Dtype.Class == hdf5.Reference:
				_, err = f.ReadRefs(p)
			}
			return err
		}
		return err
	}
	ms, err := f.Members(p)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if m.Link != "" {
			continue
		}
		if err := walk(f, strings.TrimSuffix(p, "/")+"/"+m.Name); err != nil {
			return err
		}
	}
	return nil
}

func TestWalk(t *testing.T) {
	if err := walk(open(t, typesFile), "/"); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrent(t *testing.T) {
	f := open(t, typesFile)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				start := (g*50 + i) % 990
				v, err := f.ReadFloat64Range("/num/chunked", start, 10)
				if err != nil || v[0] != float64(start)*0.5 {
					errs <- fmt.Errorf("goroutine %d: %v %v", g, v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestGoFaultsStillPanic checks that the fault guard hands faults outside
// HDF5 calls to Go: a nil dereference is still a recoverable panic.
func TestGoFaultsStillPanic(t *testing.T) {
	open(t, typesFile) // the guard is installed with the package
	defer func() {
		if r := recover(); r == nil {
			t.Error("no panic")
		}
	}()
	var p *[4]int
	t.Log(p[2])
}

// corruptEnv names the corruption a child process applies to types.h5:
// "heap" or a random seed.
const corruptEnv = "OBLIQUE_HDF5_CORRUPT"

// TestCorruptChild is TestCorrupt's child: it corrupts a copy of types.h5
// and reads everything, printing the first error.
func TestCorruptChild(t *testing.T) {
	mode := os.Getenv(corruptEnv)
	if mode == "" {
		t.Skip("run by TestCorrupt")
	}
	raw, err := os.ReadFile(typesFile)
	if err != nil {
		t.Fatal(err)
	}
	if mode == "heap" {
		// The first global heap collection holds the variable-length
		// strings; its header is 16 bytes, then object 1's index (2),
		// reference count (2), reserved (4) and size (8). A size of 1 MiB
		// makes HDF5 1.10 copy far past the collection: a memory fault.
		i := bytes.Index(raw, []byte("GCOL"))
		if i < 0 {
			t.Fatal("no global heap")
		}
		binary.LittleEndian.PutUint64(raw[i+24:], 1<<20)
	} else {
		seed, _ := strconv.Atoi(mode)
		r := rand.New(rand.NewPCG(uint64(seed), 1))
		for range 1 + r.IntN(40) {
			raw[r.IntN(len(raw))] = byte(r.IntN(256))
		}
	}
	p := filepath.Join(t.TempDir(), "corrupt.h5")
	if err := os.WriteFile(p, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := hdf5.Open(p)
	if err == nil {
		err = walk(f, "/")
		f.Close()
	}
	fmt.Printf("RESULT %v\n", err)
	if errors.Is(err, hdf5.ErrFault) {
		// After a fault, is the next file read?
		g, err := hdf5.Open(typesFile)
		if err == nil {
			_, err = g.ReadFloat64("/num/f8")
			g.Close()
		}
		fmt.Printf("AFTER %v\n", err)
	}
}

// TestCorrupt reads corrupt copies of types.h5, each in a child process (in
// process, a fault disables HDF5 for the rest of the process), in both
// modes. Every child must end normally, with an error or without: no crash.
// After a fault, a reader process is lost and the next file opens in
// another; in process, HDF5 is refused from then on.
func TestCorrupt(t *testing.T) {
	open(t, typesFile)
	for _, mode := range []string{"isolated", "inprocess"} {
		if mode == "inprocess" && raceEnabled {
			t.Log("inprocess: skipped: the race detector's exit allocates from a C heap the fault may have damaged")
			continue
		}
		// "heap" faults for sure; the seeds were checked to give a mix
		// of open errors, read errors and faults, in a few ms each.
		for _, corrupt := range []string{"heap", "0", "1", "2", "4", "5"} {
			cmd := exec.Command(os.Args[0], "-test.run=^TestCorruptChild$", "-test.v")
			cmd.Env = append(os.Environ(), corruptEnv+"="+corrupt, hdf5.ModeEnv+"="+mode)
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Errorf("%s %s: child crashed: %v\n%s", mode, corrupt, err, out)
				continue
			}
			i := bytes.Index(out, []byte("RESULT "))
			if i < 0 {
				t.Errorf("%s %s: no result:\n%s", mode, corrupt, out)
				continue
			}
			result := string(out[i:])
			result = result[:strings.IndexByte(result, '\n')]
			t.Logf("%s %s: %s", mode, corrupt, result)
			if corrupt != "heap" {
				continue
			}
			want := "memory fault in the HDF5 library while reading this"
			if !strings.Contains(result, "corrupt.h5: /str/") || !strings.Contains(result, want) {
				t.Errorf("%s heap: %s\nwant an error naming the path and %q", mode, result, want)
			}
			after := "AFTER " + typesFile + ": memory fault in the HDF5 library on an earlier, corrupt file"
			if mode == "isolated" {
				after = "AFTER <nil>"
			}
			if !bytes.Contains(out, []byte(after)) {
				t.Errorf("%s heap: want %q after the fault:\n%s", mode, after, out)
			}
		}
	}
}

// TestVlenBytesAttr reads MATLAB's MATLAB_fields attribute: variable-length
// sequences of one-character strings, one per field, in the v7.3 fixture of
// package mat73 (make_v73.py).
func TestVlenBytesAttr(t *testing.T) {
	f := open(t, "../matfile/mat73/testdata/v73_layout.mat")
	got, err := f.Attr("/s", "MATLAB_fields")
	if want := []string{"zeta", "alpha", "inner"}; err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Attr(/s, MATLAB_fields) = %#v, %v; want %q", got, err, want)
	}
}

// TestReadLimit: a read whose float64 form is beyond OBLIQUE_MAX_INPUT is
// refused before anything is allocated, naming the file and the dataset;
// a read within it goes through. /num/chunked holds 1000 float64 values
// (8000 bytes): the limit of 4 KiB refuses the whole and allows 100 rows.
func TestReadLimit(t *testing.T) {
	t.Setenv(inputfile.LimitEnv, "4KiB")
	f := open(t, typesFile)
	_, err := f.ReadFloat64("/num/chunked")
	if !errors.Is(err, inputfile.ErrTooLarge) || !strings.HasPrefix(err.Error(), typesFile+": /num/chunked: ") {
		t.Errorf("whole dataset: error = %v, want ErrTooLarge naming the file and dataset", err)
	}
	got, err := f.ReadFloat64Range("/num/chunked", 0, 100)
	if err != nil || !reflect.DeepEqual(got, seq(100, 0.5)) {
		t.Errorf("100 rows: %v, %v", got, err)
	}
}
