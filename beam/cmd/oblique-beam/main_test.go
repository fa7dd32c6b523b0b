package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"

	"github.com/oblique-neuro/oblique/beam/jobs"
)

// The test binary is also the command: with OBLIQUE_BEAM_MAIN=1 it runs
// main (as a job's launcher and its LOOPBACK workers), so the tests need
// no second build of Beam.
func TestMain(m *testing.M) {
	if os.Getenv("OBLIQUE_BEAM_MAIN") == "1" {
		os.Args = append([]string{"oblique-beam"}, os.Args[1:]...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

var (
	root   = filepath.Join("..", "..", "..") // the repository
	shared = filepath.Join(root, "..", "shared", "data")
)

// built holds the programs the tests build once: the oblique command, and
// Prism's stand-alone job server (Beam's cmd/prism).
var built sync.Map // package → *tool

type tool struct {
	once sync.Once
	path string
	err  error
}

var toolDir = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "oblique-beam-tools-") })

// build builds a main package of the module's dependencies, once.
func build(t testing.TB, pkg string) string {
	t.Helper()
	v, _ := built.LoadOrStore(pkg, &tool{})
	tl := v.(*tool)
	tl.once.Do(func() {
		dir, err := toolDir()
		if err != nil {
			tl.err = err
			return
		}
		tl.path = filepath.Join(dir, filepath.Base(pkg))
		if out, err := exec.Command("go", "build", "-o", tl.path, pkg).CombinedOutput(); err != nil {
			tl.err = fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
		}
	})
	if tl.err != nil {
		t.Fatal(tl.err)
	}
	return tl.path
}

func obliqueCmd(t testing.TB) string { return build(t, "github.com/oblique-neuro/oblique/cmd/oblique") }
func prismCmd(t testing.TB) string   { return build(t, "github.com/apache/beam/sdks/v2/go/cmd/prism") }

// command runs a program; it returns its exit status and output.
func command(t testing.TB, env []string, name string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	status := 0
	if ee, ok := err.(*exec.ExitError); ok {
		status = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return status, stdout.String(), stderr.String()
}

// hdf5Limit is the HDF5 reader's time limit per file in the tests, on both
// sides (it is in the error of a file that hangs the library).
const hdf5Limit = "OBLIQUE_HDF5_TIMEOUT=5s"

// beamCmd runs oblique-beam (this test binary as main).
func beamCmd(t testing.TB, args ...string) (int, string, string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return command(t, []string{"OBLIQUE_BEAM_MAIN=1", hdf5Limit}, exe, args...)
}

// input is a recording of the test set: its file and preset, and whether
// it must fail (corrupt files), must succeed, or either (the shared NWB
// files, which need presets of their own).
type input struct {
	path, preset string
	want         outcome
}

type outcome int

const (
	succeeds outcome = iota
	fails
	either
)

// needShared fails (CI) or skips the test when the shared recordings are
// not beside the repository.
func needShared(t testing.TB) {
	t.Helper()
	if _, err := os.Stat(shared); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the shared recordings are missing: %v", err)
		}
		t.Skipf("the shared recordings are not beside the repository (%v)", err)
	}
}

// recordings builds the test set in dir: the bundled and shared real
// recordings (Golub MAT and NPY; the shared NWB files, with their example
// presets where the repository has one, else the NLB preset, which
// refuses them with a message), generated NLB-like NWB files, two corrupt
// files, and a file on which the HDF5 library hangs (when hang is true).
func recordings(t testing.TB, dir string, hang bool) []input {
	t.Helper()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	golub := abs(filepath.Join(shared, "golub2018_bci", "npy"))
	velime := abs(filepath.Join(shared, "golub_velime", "npy"))
	manifest := func(name, body string) string {
		p := filepath.Join(dir, name+".toml")
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	golubManifest := func(phase string) string {
		return manifest("shared-golub-"+phase, fmt.Sprintf(`name = "shared-golub-%[1]s"
[activity]
array = "%[2]s/%[1]s_spikes.npy"
kind = "counts"
bin_ms = 45
[behaviour]
array = "%[2]s/%[1]s_vraw_intuitive.npy"
[decoder]
weights = "%[2]s/map_intuitive_M2.npy"
[samples]
condition = "%[2]s/%[1]s_cloud_index.npy"
[mask]
angle_of = "%[2]s/%[1]s_cursor_to_target_dir.npy"
exclude_angles_deg = [0, 45, 90, 135, 180, 225, 270, 315]
`, phase, golub))
	}
	in := []input{
		{filepath.Join(root, "data", "golub2018_bci", "before.toml"), "", succeeds},
		{filepath.Join(root, "data", "golub2018_bci", "exampleData.mat"), "bci-golub", succeeds},
		{filepath.Join(root, "presets", "testdata", "maze_like.nwb"), "nlb-maze", succeeds},
		{filepath.Join(root, "presets", "testdata", "rtt_like.nwb"), "nlb-rtt", succeeds},
		{filepath.Join(root, "presets", "testdata", "cycling_like.mat"), "cycling", succeeds},
		{filepath.Join(root, "presets", "testdata", "hennig_like.mat"), "bci-hennig", succeeds},
		{filepath.Join(shared, "golub2018_bci", "exampleData.mat"), "bci-golub", succeeds},
		{golubManifest("before"), "", succeeds},
		{golubManifest("after"), "", succeeds},
		{manifest("shared-velime", fmt.Sprintf(`name = "shared-velime"
[activity]
array = "%[1]s/spikes.npy"
kind = "counts"
bin_ms = 16
[behaviour]
array = "%[1]s/cursor_pos.npy"
[samples]
trial = "%[1]s/trial_index.npy"
`, velime)), "", succeeds},
	}
	// The shared NWB files with their example presets (issue 16) where
	// the repository has them; the NLB preset refuses them otherwise.
	nwbs, _ := filepath.Glob(filepath.Join(shared, "nwb*", "*.nwb"))
	if len(nwbs) < 6 {
		t.Fatalf("%d shared NWB files, want 6", len(nwbs))
	}
	for _, f := range nwbs {
		preset := "nlb-maze"
		if ex := filepath.Join(root, "presets", "examples", strings.TrimSuffix(filepath.Base(f), ".nwb")+".toml"); exists(ex) {
			preset = ex
		}
		in = append(in, input{f, preset, either})
	}
	// Generated NLB-like files, each from its own seed.
	gen := filepath.Join(dir, "nlb")
	if status, out, errs := command(t, nil, python(), filepath.Join(root, "presets", "testdata", "make_nlb.py"), "--variants", gen, "--count", "8"); status != 0 {
		t.Fatalf("make_nlb.py: status %d\n%s%s", status, out, errs)
	}
	for i := 1; i <= 8; i++ {
		kind, preset := "rtt", "nlb-rtt"
		if i%2 == 1 {
			kind, preset = "maze", "nlb-maze"
		}
		in = append(in, input{path: filepath.Join(gen, fmt.Sprintf("%s_v%d.nwb", kind, i)), preset: preset})
	}
	// Two corrupt files: an NWB file cut short, and a MATLAB file of
	// random bytes after a valid header line.
	maze, err := os.ReadFile(filepath.Join(root, "presets", "testdata", "maze_like.nwb"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "truncated.nwb")
	must(t, os.WriteFile(cut, maze[:len(maze)/3], 0o644))
	junk := make([]byte, 4096)
	for i := range junk {
		junk[i] = byte(i*7919 + i/13)
	}
	bad := filepath.Join(dir, "garbage.mat")
	must(t, os.WriteFile(bad, append([]byte("MATLAB 5.0 MAT-file, Platform: GLNXA64"), junk...), 0o644))
	in = append(in, input{cut, "nlb-maze", fails}, input{bad, "bci-golub", fails})
	if hang {
		// Issue 17's reproducer: the global-heap address of the root's
		// nwb_version attribute zeroed; H5Aread spins forever.
		h := slices.Clone(maze)
		clear(h[5783 : 5783+8])
		p := filepath.Join(dir, "hangs.nwb")
		must(t, os.WriteFile(p, h, 0o644))
		in = append(in, input{p, "nlb-maze", fails})
	}
	return in
}

// python is the Python with h5py that make_nlb.py is written for: Debian's
// (python3-h5py), else the first python3 on PATH.
func python() string {
	if exists("/usr/bin/python3") {
		return "/usr/bin/python3"
	}
	return "python3"
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// The analysis settings of the tests: the paper's, with fewer draws and
// resamples to keep the test short (the same for both sides).
var quick = []string{"-seed", "3", "-draws", "4", "-time-draws", "4", "-bootstrap", "100"}

// TestBatch runs batch on Prism over the test set (27 recordings, a file
// that hangs the HDF5 library among them: the reader's time limit ends it)
// and checks its table against `oblique analyze` on the same files, row by
// row (same numbers, bit for bit; same errors); runs it again (every result reused, the same
// table); and submits it to a stand-alone Prism job server through the
// portable job API (the same table).
func TestBatch(t *testing.T) {
	needShared(t)
	oblique, prism := obliqueCmd(t), prismCmd(t)
	dir := t.TempDir()
	in := recordings(t, dir, true)
	if len(in) < 24+2 {
		t.Fatalf("%d recordings, want at least 24 and the corrupt ones", len(in))
	}
	list, byPreset := writeList(t, dir, in)

	// The reference: `oblique analyze`, one run per preset.
	want := map[string]row{}
	var wantMeta map[string]string
	for p, files := range byPreset {
		out := filepath.Join(dir, "analyze-"+filepath.Base(p)+".arrow")
		analyzeSeq(t, oblique, out, p, files, quick)
		rec := readArrow(t, out)
		if wantMeta == nil {
			wantMeta = metadata(rec.Schema())
		}
		for _, r := range rows(t, rec) {
			want[r.input+"\x00"+r.name] = r
		}
	}

	out := filepath.Join(dir, "batch.arrow")
	t0 := time.Now()
	status, stdout, stderr := beamCmd(t, append([]string{"batch", "-o", out, "-list", list, "-ui-port", "-1"}, quick...)...)
	first := time.Since(t0)
	if status != 1 || !strings.Contains(stderr, "items failed") {
		t.Fatalf("batch: status %d, want 1 (corrupt files)\n%s%s", status, stdout, stderr)
	}
	t.Logf("batch on Prism: %d recordings in %v\n%s", len(in), first, stdout)
	for _, w := range []string{"runner: prism (in-process)", fmt.Sprintf("item: %d/%d done", len(in), len(in))} {
		if !strings.Contains(stdout+stderr, w) {
			t.Errorf("batch output lacks %q:\n%s%s", w, stdout, stderr)
		}
	}
	got := readArrow(t, out)
	logTable(t, got)
	checkBatch(t, got, in, want, wantMeta, false)

	// Again: every result that succeeded is reused, the table is the same.
	// The in-process Prism serves its web UI, on a port of the system's.
	status, stdout, stderr = beamCmd(t, append([]string{"batch", "-o", out, "-list", list, "-ui-port", "0"}, quick...)...)
	if status != 1 || !strings.Contains(stderr, "runner: prism (in-process); UI: http://localhost:") {
		t.Fatalf("second batch: status %d\n%s%s", status, stdout, stderr)
	}
	again := readArrow(t, out)
	checkBatch(t, again, in, want, wantMeta, true)
	sameTables(t, "second run", got, again, "elapsed_s", "worker", "reused")

	// The portable job API: a stand-alone Prism job server, a separate
	// process, with LOOPBACK workers in the launcher.
	port, web := freePort(t), freePort(t)
	srv := exec.Command(prism, "--job_port", fmt.Sprint(port), "--web_port", fmt.Sprint(web), "--log_level", "warn")
	var srvLog bytes.Buffer
	srv.Stdout, srv.Stderr = &srvLog, &srvLog
	must(t, srv.Start())
	defer func() {
		srv.Process.Kill()
		srv.Wait()
	}()
	waitPort(t, port)
	remote := filepath.Join(dir, "remote.arrow")
	status, stdout, stderr = beamCmd(t, append([]string{"batch", "-o", remote, "-list", list,
		"--runner=universal", fmt.Sprintf("--endpoint=localhost:%d", port), "--environment_type=LOOPBACK"}, quick...)...)
	if status != 1 || !strings.Contains(stderr, fmt.Sprintf("runner: universal at localhost:%d", port)) {
		t.Fatalf("batch on the stand-alone Prism: status %d\n%s%s\nserver:\n%s", status, stdout, stderr, srvLog.String())
	}
	onServer := readArrow(t, remote)
	checkBatch(t, onServer, in, want, wantMeta, false)
	sameTables(t, "stand-alone Prism", got, onServer, "elapsed_s", "worker", "reused")
}

// writeList writes the list of inputs for batch -list (absolute paths and
// presets), and returns it and the files of each preset.
func writeList(t testing.TB, dir string, in []input) (string, map[string][]string) {
	list := filepath.Join(dir, "inputs.txt")
	var lines []string
	byPreset := map[string][]string{}
	for _, r := range in {
		p, err := filepath.Abs(r.path)
		must(t, err)
		lines = append(lines, strings.TrimSpace(p+" "+r.preset))
		byPreset[r.preset] = append(byPreset[r.preset], p)
	}
	must(t, os.WriteFile(list, []byte("# the test set\n"+strings.Join(lines, "\n")+"\n"), 0o644))
	return list, byPreset
}

// analyzeSeq runs `oblique analyze` on files with preset (and the HDF5
// reader's time limit hdf5Limit) into out.
func analyzeSeq(t testing.TB, oblique, out, preset string, files, settings []string) {
	t.Helper()
	args := append(append([]string{"analyze", "-quiet", "-o", out}, settings...), files...)
	if preset != "" {
		args = append(args, "-preset", preset)
	}
	status, stdout, stderr := command(t, []string{hdf5Limit}, oblique, reorder(args)...)
	if status > 1 {
		t.Fatalf("oblique analyze -preset %q: status %d\n%s%s", preset, status, stdout, stderr)
	}
}

// reorder puts flags before the files (Go's flag package stops at the
// first argument that is not a flag).
func reorder(args []string) []string {
	cmd, rest := args[0], args[1:]
	var flags, files []string
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
			if a != "-quiet" && i+1 < len(rest) {
				flags = append(flags, rest[i+1])
				i++
			}
			continue
		}
		files = append(files, a)
	}
	return append(append([]string{cmd}, flags...), files...)
}

// row is one row of an analyze table: its input, and every column's value
// as text that tells every bit of a number apart.
type row struct {
	input  string
	name   string // the recording column
	err    string
	values map[string]string
}

// rows reads the rows of a table.
func rows(t testing.TB, rec arrow.RecordBatch) []row {
	t.Helper()
	s := rec.Schema()
	var out []row
	for i := 0; i < int(rec.NumRows()); i++ {
		r := row{values: map[string]string{}}
		for j, f := range s.Fields() {
			v := exact(rec.Column(j), i)
			r.values[f.Name] = v
			switch f.Name {
			case "input":
				r.input = v
			case "recording":
				r.name = v
			case "error":
				r.err = v
			}
		}
		out = append(out, r)
	}
	return out
}

// exact renders a value with every float as its bits.
func exact(a arrow.Array, i int) string {
	if a.IsNull(i) {
		return "null"
	}
	switch a := a.(type) {
	case *array.Float64:
		return fmt.Sprintf("%x", math.Float64bits(a.Value(i)))
	case *array.List:
		lo, hi := a.ValueOffsets(i)
		var parts []string
		for k := lo; k < hi; k++ {
			parts = append(parts, exact(a.ListValues(), int(k)))
		}
		return "[" + strings.Join(parts, " ") + "]"
	default:
		return a.ValueStr(i)
	}
}

func metadata(s *arrow.Schema) map[string]string {
	m := map[string]string{}
	md := s.Metadata()
	for i, k := range md.Keys() {
		m[k] = md.Values()[i]
	}
	return m
}

// checkBatch checks a batch table: the rows of each input in the list's
// order (one, or one per recording a preset finds in the file: the same
// as `oblique analyze`'s), analyze's columns equal to `oblique analyze`'s
// row for the same input and recording (numbers bit for bit, errors word
// for word), analyze's settings in the metadata, and the added columns.
func checkBatch(t testing.TB, rec arrow.RecordBatch, in []input, want map[string]row, wantMeta map[string]string, reusedRun bool) {
	t.Helper()
	got := rows(t, rec)
	if len(got) != len(want) {
		t.Fatalf("%d rows for %d recordings (of %d inputs)", len(got), len(want), len(in))
	}
	meta := metadata(rec.Schema())
	for k, v := range wantMeta {
		if !strings.HasPrefix(k, "preset") && meta[k] != v {
			t.Errorf("metadata %s = %q, oblique analyze wrote %q", k, meta[k], v)
		}
	}
	failed, ok, last := 0, 0, 0
	for _, g := range got {
		i, err := strconv.Atoi(g.values["item"])
		if err != nil || i < last || i < 1 || i > len(in) {
			t.Errorf("%s: item %s after item %d", g.input, g.values["item"], last)
			continue
		}
		last, i = i, i-1
		abs, _ := filepath.Abs(in[i].path)
		if g.input != abs {
			t.Errorf("row of item %d is %s, want %s", i+1, g.input, abs)
			continue
		}
		w, found := want[g.input+"\x00"+g.name]
		if !found {
			t.Errorf("%s (%s): no row in oblique analyze's tables", g.input, g.name)
			continue
		}
		for name, v := range w.values {
			if g.values[name] != v {
				t.Errorf("%s: column %s = %.200s, oblique analyze: %.200s", g.input, name, g.values[name], v)
			}
		}
		if g.err != "null" {
			failed++
		} else {
			ok++
		}
		if (in[i].want == fails && g.err == "null") || (in[i].want == succeeds && g.err != "null") {
			t.Errorf("%s: error %.300s", g.input, g.err)
		}
		if g.values["item"] != fmt.Sprint(i+1) || g.values["worker"] == "null" || g.values["elapsed_s"] == "null" {
			t.Errorf("%s: item %s, worker %s, elapsed %s", g.input, g.values["item"], g.values["worker"], g.values["elapsed_s"])
		}
		b, err := os.ReadFile(g.input)
		must(t, err)
		if sum := sha256.Sum256(b); g.values["input_sha256"] != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: input_sha256 %s", g.input, g.values["input_sha256"])
		}
		if wantPreset := map[bool]string{true: in[i].preset, false: "null"}[in[i].preset != ""]; g.values["preset"] != wantPreset {
			t.Errorf("%s: preset %s, want %s", g.input, g.values["preset"], wantPreset)
		}
		if reused := g.values["reused"] == "true"; reused != (reusedRun && g.err == "null") {
			t.Errorf("%s: reused %v in a run that %s", g.input, reused, map[bool]string{true: "reuses the stored results", false: "computes every result"}[reusedRun])
		}
	}
	if last != len(in) {
		t.Errorf("the last row is of item %d, want %d", last, len(in))
	}
	if failed < 2 || ok < 18 {
		t.Errorf("%d recordings failed and %d succeeded: want at least the 2 corrupt ones to fail and 18 to succeed", failed, ok)
	}
}

// sameTables checks that two tables have the same rows, but for the
// columns named.
func sameTables(t testing.TB, what string, a, b arrow.RecordBatch, except ...string) {
	t.Helper()
	ra, rb := rows(t, a), rows(t, b)
	if len(ra) != len(rb) {
		t.Fatalf("%s: %d rows, want %d", what, len(rb), len(ra))
	}
	for i := range ra {
		for name, v := range ra[i].values {
			if !slices.Contains(except, name) && rb[i].values[name] != v {
				t.Errorf("%s: %s: column %s = %.200s, first run: %.200s", what, ra[i].input, name, rb[i].values[name], v)
			}
		}
	}
}

// logTable logs each row's input, time and error.
func logTable(t testing.TB, rec arrow.RecordBatch) {
	t.Helper()
	col := func(name string) arrow.Array { return rec.Column(rec.Schema().FieldIndices(name)[0]) }
	in, el, er := col("input").(*array.String), col("elapsed_s").(*array.Float64), col("error").(*array.String)
	var b strings.Builder
	for i := 0; i < int(rec.NumRows()); i++ {
		e := "ok"
		if er.IsValid(i) {
			e = er.Value(i)
			if len(e) > 110 {
				e = e[:110] + "…"
			}
		}
		fmt.Fprintf(&b, "%-42s %7.3f s  %s\n", filepath.Base(in.Value(i)), el.Value(i), e)
	}
	t.Log("\n" + b.String())
}

func readArrow(t testing.TB, path string) arrow.RecordBatch {
	t.Helper()
	b, err := os.ReadFile(path)
	must(t, err)
	rec, err := jobs.ReadTable(b)
	must(t, err)
	t.Cleanup(rec.Release)
	return rec
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "localhost:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitPort(t testing.TB, port int) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if c, err := net.Dial("tcp", fmt.Sprintf("localhost:%d", port)); err == nil {
			c.Close()
			return
		}
	}
	t.Fatalf("nothing listens on port %d after 60 s", port)
}

// TestSweep runs a small sweep (2 tasks × 2 regimes × 2 seeds, short
// training) and checks its three tables against `oblique sweep` + `oblique
// models -runs` on the same grid, value for value, and its simulated
// recordings' table against `oblique simulate` + `oblique analyze`. One run is left as a
// preempted worker leaves it (trained part of the way, with its
// checkpoint): the sweep resumes it, to the same weights as a run trained
// without a stop.
func TestSweep(t *testing.T) {
	oblique := obliqueCmd(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "sweep.toml")
	must(t, os.WriteFile(file, []byte("tasks = [\"romo\", \"flipflop\"]\nregimes = [\"aligned\", \"oblique\"]\nseeds = [1, 2]\nn = 8\nsteps = 200\n"), 0o644))
	// Both sides in folders of their own, each with its runs in ./runs,
	// so that the tables name the same run directories.
	ref, job := filepath.Join(dir, "ref"), filepath.Join(dir, "job")
	must(t, os.MkdirAll(ref, 0o755))
	must(t, os.MkdirAll(job, 0o755))
	in := func(d string, name string, args ...string) (int, string, string) {
		t.Helper()
		defer func(t0 time.Time) { t.Logf("%s %s: %v", filepath.Base(name), args[0], time.Since(t0)) }(time.Now())
		cmd := exec.Command(name, args...)
		cmd.Dir = d
		cmd.Env = append(os.Environ(), "OBLIQUE_BEAM_MAIN=1")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stdout.String(), stderr.String()
		}
		must(t, err)
		return 0, stdout.String(), stderr.String()
	}
	if status, out, errs := in(ref, oblique, "sweep", file, "-o", "runs", "-quiet"); status != 0 {
		t.Fatalf("oblique sweep: status %d\n%s%s", status, out, errs)
	}
	if status, out, errs := in(ref, oblique, "models", "-runs", "runs", "-o", "models.arrow", "-quiet", "-seed", "2"); status != 0 {
		t.Fatalf("oblique models: status %d\n%s%s", status, out, errs)
	}
	// The preempted run: 100 of its 200 steps, with its checkpoint.
	if status, out, errs := in(job, oblique, "train", "-task", "romo", "-regime", "oblique", "-n", "8", "-steps", "100", "-seed", "2",
		"-o", filepath.Join("runs", "romo-oblique-s2"), "-quiet"); status != 0 {
		t.Fatalf("oblique train: status %d\n%s%s", status, out, errs)
	}
	exe, err := os.Executable()
	must(t, err)
	status, out, errs := in(job, exe, "sweep", file, "-runs", "runs", "-o", "models.arrow", "-seed", "2", "-ui-port", "-1", "-simulate")
	if status != 0 {
		t.Fatalf("oblique-beam sweep: status %d\n%s%s", status, out, errs)
	}
	for _, w := range []string{"train: 8/8 done (0 failed", "measure: 4/4 done (0 failed", "simulate: 8/8 done (0 failed"} {
		if !strings.Contains(out, w) {
			t.Errorf("oblique-beam sweep's output lacks %q:\n%s", w, out)
		}
	}
	for _, name := range jobs.ModelsPaths("models.arrow") {
		a, b := readArrow(t, filepath.Join(ref, name)), readArrow(t, filepath.Join(job, name))
		sameTables(t, name, a, b)
		if a.NumRows() == 0 {
			t.Errorf("%s has no rows", name)
		}
		ma, mb := metadata(a.Schema()), metadata(b.Schema())
		for k, v := range ma {
			if mb[k] != v {
				t.Errorf("%s: metadata %s = %q, oblique models wrote %q", name, k, mb[k], v)
			}
		}
	}
	for _, w := range []string{"weights_W.npy", "weights_W_out.npy"} {
		a, err := os.ReadFile(filepath.Join(ref, "runs", "romo-oblique-s2", w))
		must(t, err)
		b, err := os.ReadFile(filepath.Join(job, "runs", "romo-oblique-s2", w))
		must(t, err)
		if !bytes.Equal(a, b) {
			t.Errorf("%s of the resumed run differs from the run trained without a stop", w)
		}
	}
	// The simulated recordings: `oblique simulate` on each run, then
	// `oblique analyze` on them all, in the sweep's order.
	names, _, err := jobs.SweepRuns(jobs.SweepOptions{File: file})
	must(t, err)
	var manifests []string
	for _, n := range names {
		run := filepath.Join("runs", n)
		if status, out, errs := in(ref, oblique, "simulate", run, "-seed", "2"); status != 0 {
			t.Fatalf("oblique simulate %s: status %d\n%s%s", n, status, out, errs)
		}
		manifests = append(manifests, filepath.Join(run, "sim-noise-off-s2", "recording.toml"))
	}
	if status, out, errs := in(ref, oblique, append([]string{"analyze", "-quiet", "-seed", "2", "-o", "models-simulated.arrow"}, manifests...)...); status != 0 {
		t.Fatalf("oblique analyze: status %d\n%s%s", status, out, errs)
	}
	a, b := readArrow(t, filepath.Join(ref, "models-simulated.arrow")), readArrow(t, filepath.Join(job, "models-simulated.arrow"))
	if a.NumRows() != 8 {
		t.Errorf("%d simulated recordings analysed, want 8", a.NumRows())
	}
	sameTables(t, "simulated", a, b)

	// Again: every run is done and every setting's measures are reused.
	status, out, errs = in(job, exe, "sweep", file, "-runs", "runs", "-o", "models.arrow", "-seed", "2", "-ui-port", "-1")
	if status != 0 || !strings.Contains(out, "measure: 4/4 done (0 failed, 4 reused)") {
		t.Fatalf("second oblique-beam sweep: status %d\n%s%s", status, out, errs)
	}
}

// TestCompare places recordings among the bundled networks and checks the
// table against `oblique compare` on the same files.
func TestCompare(t *testing.T) {
	oblique := obliqueCmd(t)
	dir := t.TempDir()
	files := []string{filepath.Join(root, "data", "golub2018_bci", "before.toml"), filepath.Join(dir, "missing.toml")}
	for i, f := range files {
		a, err := filepath.Abs(f)
		must(t, err)
		files[i] = a
	}
	flags := []string{"-subsets", "1", "-bootstrap", "20", "-draws", "2", "-time-draws", "2", "-seed", "5", "-task", "romo"}
	ref := filepath.Join(dir, "ref.arrow")
	if status, out, errs := command(t, nil, oblique, append(append([]string{"compare", "-quiet", "-o", ref}, flags...), files...)...); status != 1 {
		t.Fatalf("oblique compare: status %d, want 1 (a missing file)\n%s%s", status, out, errs)
	}
	got := filepath.Join(dir, "job.arrow")
	status, out, errs := beamCmd(t, append(append([]string{"compare", "-o", got, "-ui-port", "-1"}, flags...), files...)...)
	if status != 1 || !strings.Contains(out, "item: 2/2 done (1 failed") {
		t.Fatalf("oblique-beam compare: status %d\n%s%s", status, out, errs)
	}
	a, b := readArrow(t, ref), readArrow(t, got)
	if a.NumRows() < 4 {
		t.Fatalf("oblique compare wrote %d rows, want the recording and its networks", a.NumRows())
	}
	// The job's table is compare's, with the added columns.
	for j, f := range a.Schema().Fields() {
		if b.Schema().Field(j).Name != f.Name {
			t.Fatalf("column %d is %s, oblique compare's %s", j, b.Schema().Field(j).Name, f.Name)
		}
	}
	sameTables(t, "compare", a, b, "item", "preset", "input_sha256", "elapsed_s", "worker", "reused")
}
