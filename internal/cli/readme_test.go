package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/golden"
)

// readmeExample is a command of the README and the output it shows.
type readmeExample struct {
	line int
	args []string
	want string
}

// readmeExamples finds the README's checked examples: in a fenced block, a
// line "$ oblique ARGS" (or "$ out/oblique ARGS") and the lines up to the
// next "$ " line or the block's end; and a block right after a line
// "<!-- check: oblique ARGS -->", whole. Lines with environment settings
// before the command ("$ VAR=x oblique …") are left out: the environment
// is read once per process.
func readmeExamples(t *testing.T, readme string) []readmeExample {
	t.Helper()
	lines := strings.Split(readme, "\n")
	var out []readmeExample
	var cur *readmeExample
	flush := func() {
		if cur != nil {
			out = append(out, *cur)
			cur = nil
		}
	}
	cmdArgs := func(s string) ([]string, bool) {
		f := strings.Fields(s)
		if len(f) == 0 || (f[0] != "oblique" && f[0] != "out/oblique") {
			return nil, false
		}
		return f[1:], true
	}
	in, pending := false, []string(nil)
	for i, l := range lines {
		if strings.HasPrefix(l, "```") {
			if in {
				flush()
			} else if pending != nil {
				cur = &readmeExample{line: i + 2, args: pending}
			}
			in, pending = !in, nil
			continue
		}
		if !in {
			if c, ok := strings.CutPrefix(strings.TrimSpace(l), "<!-- check: "); ok {
				if args, ok := cmdArgs(strings.TrimSuffix(c, " -->")); ok {
					pending = args
				}
			} else if strings.TrimSpace(l) != "" {
				pending = nil
			}
			continue
		}
		if c, ok := strings.CutPrefix(l, "$ "); ok {
			flush()
			if args, ok := cmdArgs(c); ok {
				cur = &readmeExample{line: i + 1, args: args}
			}
			continue
		}
		if cur != nil {
			cur.want += l + "\n"
		}
	}
	return out
}

// TestReadmeExamples runs the README's checked examples (its quick start
// among them) from a folder that holds the repository's data and presets
// test files, and compares what they print with what the README shows, line
// for line (trailing spaces aside). A README that drifts from the tool
// fails here.
func TestReadmeExamples(t *testing.T) {
	root := golden.Root()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	examples := readmeExamples(t, string(b))
	if len(examples) < 3 {
		t.Fatalf("the README has %d checked examples; want the quick start's and more", len(examples))
	}
	dir := t.TempDir()
	for _, d := range []string{"data", "presets"} {
		if err := os.Symlink(filepath.Join(root, d), filepath.Join(dir, d)); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	trim := func(s string) string {
		ls := strings.Split(strings.TrimRight(s, "\n"), "\n")
		for i := range ls {
			ls[i] = strings.TrimRight(ls[i], " ")
		}
		return strings.Join(ls, "\n")
	}
	for _, ex := range examples {
		var stdout, stderr bytes.Buffer
		Main(ex.args, &stdout, &stderr)
		if got, want := trim(stdout.String()), trim(ex.want); got != want {
			t.Errorf("README line %d: oblique %s prints\n%s\nthe README shows\n%s\n(stderr: %s)", ex.line, strings.Join(ex.args, " "), got, want, stderr.String())
		}
	}
}
