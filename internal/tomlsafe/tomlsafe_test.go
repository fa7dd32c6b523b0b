package tomlsafe

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// deep returns TOML nested n levels deep in each of the ways the parser
// is quadratic in (or that the scan must see).
func deep(n int) map[string]string {
	return map[string]string{
		"inline tables":           "a = " + strings.Repeat("{b=", n) + "1" + strings.Repeat("}", n),
		"unclosed":                "a = " + strings.Repeat("{b=", n),
		"dotted key":              strings.Repeat("a.", n) + "b = 1",
		"table header":            "[" + strings.Repeat("a.", n) + "b]\nc = 1",
		"header + key":            "[" + strings.Repeat("a.", n/2) + "b]\n" + strings.Repeat("c.", n/2) + "d = 1",
		"arrays":                  "a = " + strings.Repeat("[", n) + strings.Repeat("]", n),
		"arrays of inline tables": "a = " + strings.Repeat("[{b=", n/2) + "1" + strings.Repeat("}]", n/2),
		"quoted parts":            strings.Repeat(`"a".`, n) + "b = 1",
		"multi-line":              "a = [\n" + strings.Repeat("{b=\n", n),
	}
}

// TestTooDeep: the manifest nested 10,000 deep (41 KB) took 2.85 GB
// in the parser; it must now be refused by the scan, quickly and with a
// short message, whichever way it nests.
func TestTooDeep(t *testing.T) {
	for _, n := range []int{MaxDepth + 1, 10000} {
		for name, s := range deep(n) {
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			start := time.Now()
			var v map[string]any
			_, err := Decode([]byte(s), &v)
			runtime.ReadMemStats(&ms1)
			if !errors.Is(err, ErrTooDeep) || !strings.Contains(err.Error(), "nested more than 16 levels deep") {
				t.Errorf("%s %d deep: %v, want ErrTooDeep", name, n, err)
			}
			// The scan allocates its stack only: 8 bytes a level.
			if a := ms1.TotalAlloc - ms0.TotalAlloc; a > 1<<20 {
				t.Errorf("%s %d deep: %d bytes allocated", name, n, a)
			}
			if d := time.Since(start); d > 100*time.Millisecond {
				t.Errorf("%s %d deep: took %v", name, n, d)
			}
		}
	}
}

// TestDeepestAccepted: one level less than refused parses as TOML.
func TestDeepestAccepted(t *testing.T) {
	cases := map[string]string{
		"inline tables": "a = " + strings.Repeat("{b=", MaxDepth-1) + "1" + strings.Repeat("}", MaxDepth-1),
		"dotted key":    strings.Repeat("a.", MaxDepth-1) + "b = 1",
		"table header":  "[" + strings.Repeat("a.", MaxDepth-2) + "b]\nc = 1",
		"arrays":        "a = " + strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
	}
	for name, s := range cases {
		var v map[string]any
		if _, err := Decode([]byte(s), &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TestLargestCost: the costliest files within the bounds (MaxBytes of
// keys MaxDepth deep, or of tiny keys) parse in bounded memory: 30 MB
// allocated in all for the deep keys when measured (go1.26, amd64), 8 MB
// for the others; the bound is twice the largest.
func TestLargestCost(t *testing.T) {
	key := strings.Repeat("a.", MaxDepth-2) + "b"
	var deepKeys, flat, inline strings.Builder
	for i := 0; deepKeys.Len() < MaxBytes-100; i++ {
		deepKeys.WriteString("[t" + strconv.Itoa(i) + "]\n" + key + " = 1\n")
	}
	for i := 0; flat.Len() < MaxBytes-20; i++ {
		flat.WriteString("k" + strconv.Itoa(i) + "=1\n")
	}
	inline.WriteString("a = {")
	for i := 0; inline.Len() < MaxBytes-20; i++ {
		inline.WriteString("k" + strconv.Itoa(i) + "=1,")
	}
	inline.WriteString("z=1}")
	for name, s := range map[string]string{"deep keys": deepKeys.String(), "flat keys": flat.String(), "inline table": inline.String()} {
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		var v map[string]any
		if _, err := Decode([]byte(s), &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		runtime.ReadMemStats(&ms1)
		t.Logf("%s: %d bytes, %.1f MB allocated", name, len(s), float64(ms1.TotalAlloc-ms0.TotalAlloc)/1e6)
		if a := ms1.TotalAlloc - ms0.TotalAlloc; a > 64<<20 {
			t.Errorf("%s (%d bytes): %d MB allocated", name, len(s), a>>20)
		}
	}
}

func TestTooLong(t *testing.T) {
	_, err := Decode(make([]byte, MaxBytes+1), new(map[string]any))
	if !errors.Is(err, ErrTooLong) || err.Error() != "65537 bytes, more than the 65536 a TOML file of oblique may hold" {
		t.Errorf("too long: %v", err)
	}
}

// TestStringsAndComments: brackets, dots and quotes inside strings and
// comments do not count.
func TestStringsAndComments(t *testing.T) {
	many := strings.Repeat("[{.", 100)
	s := "# " + many + "\n" +
		"a = \"" + many + "\\\"" + many + "\"\n" +
		"b = '" + many + "'\n" +
		"c = \"\"\"\n" + many + "\n\"\"\"\"\n" +
		"d = '''" + many + "''''\n" +
		"[\"" + many + "\".x]\n" +
		"e = 1.5 # " + many + "\n"
	var v map[string]any
	if _, err := Decode([]byte(s), &v); err != nil {
		t.Fatal(err)
	}
	if v["c"] != many+"\n\"" || v["d"] != many+"'" {
		t.Errorf("strings: c = %q, d = %q", v["c"], v["d"])
	}
}

// TestMessagesCut: a parse error that repeats a long key is cut to
// MaxMessage bytes; its line is kept.
func TestMessagesCut(t *testing.T) {
	long := strings.Repeat("k", 10000)
	_, err := Decode([]byte("\n"+long+" = 1\n"+long+" = 2\n"), new(map[string]any))
	var e *Error
	if !errors.As(err, &e) || e.Line != 3 || len(e.Msg) > MaxMessage || !strings.Contains(e.Msg, "more bytes)") {
		t.Errorf("duplicate long key: %v", err)
	}
	type small struct{ A int }
	md, err := Decode([]byte(strings.Repeat("x", 500)+" = 1\nA = 2\n"+"b = 1\nc = 2\nd = 3\ne = 4\nf = 5\ng = 6\nh = 7\ni = 8\nj = 9\nk = 10\nl = 11\n"), new(small))
	if err != nil {
		t.Fatal(err)
	}
	if u := UnknownKeys(md); len(u) > MaxMessage || !strings.HasSuffix(u, " more bytes)") {
		t.Errorf("UnknownKeys: %q", u)
	}
	md, _ = Decode([]byte("A = 1\nb = 2\nc = 3\n"), new(small))
	if u := UnknownKeys(md); u != "b, c" {
		t.Errorf("UnknownKeys = %q, want \"b, c\"", u)
	}
	md, _ = Decode([]byte(strings.Repeat("b = 2\n", 1)+"c0=1\nc1=1\nc2=1\nc3=1\nc4=1\nc5=1\nc6=1\nc7=1\nc8=1\nc9=1\n"), new(small))
	if u := UnknownKeys(md); u != "b, c0, c1, c2, c3, c4, c5, c6, c7, c8 and 1 more" {
		t.Errorf("UnknownKeys = %q", u)
	}
}

// TestRepositoryFiles: every TOML file of the repository passes.
func TestRepositoryFiles(t *testing.T) {
	var n int
	err := filepath.WalkDir("../..", func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == "node_modules" || d.Name() == ".git") {
			return err
		}
		if strings.HasSuffix(p, ".toml") {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if _, err := Decode(b, new(map[string]any)); err != nil {
				t.Errorf("%s: %v", p, err)
			}
			n++
		}
		return nil
	})
	if err != nil || n < 7 {
		t.Errorf("walked %d TOML files: %v", n, err)
	}
}
