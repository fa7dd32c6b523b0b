package presets_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/internal/tomlsafe"
	"github.com/oblique-neuro/oblique/presets"
)

// TestOpenFile checks that a -preset value with a path separator or a
// .toml suffix is read as a preset file, recorded with its path and
// digest, and that a built-in name is recorded as such.
func TestOpenFile(t *testing.T) {
	text, err := presets.Text("bci-hennig")
	if err != nil {
		t.Fatal(err)
	}
	text = strings.Replace(text, `name = "bci-hennig"`, `name = "my-bci"`, 1)
	dir := t.TempDir()
	file := filepath.Join(dir, "my.toml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := presets.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(text))
	want := presets.Record{Source: file, SHA256: hex.EncodeToString(sum[:]), TOML: text}
	if got := p.Record(); !reflect.DeepEqual(got, want) {
		t.Errorf("record %+v, want %+v", got, want)
	}
	all, err := p.LoadAll("testdata/hennig_like.mat", opener)
	if err != nil {
		t.Fatal(err)
	}
	if got := all[1].Recording.Name; got != "my-bci:hennig_like.mat#blocks(2)" {
		t.Errorf("recording named %q, want the file preset's name", got)
	}

	b, err := presets.Open("bci-hennig")
	if err != nil {
		t.Fatal(err)
	}
	builtin, _ := presets.Text("bci-hennig")
	if got := b.Record(); got.Source != "bci-hennig" || got.SHA256 != "" || got.TOML != builtin {
		t.Errorf("built-in record %+v", got)
	}
	for value, isFile := range map[string]bool{"bci-hennig": false, "my.toml": true, "./my": true, "a/b": true, "nlb-maze": false} {
		if presets.IsFile(value) != isFile {
			t.Errorf("IsFile(%q) = %v", value, !isFile)
		}
	}
}

// TestOpenErrors checks that a preset file that cannot be used gives an
// error naming the file and the fault.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		f := filepath.Join(dir, name)
		if err := os.WriteFile(f, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return f
	}
	big := write("big.toml", "# "+strings.Repeat("x", tomlsafe.MaxBytes)+"\n")
	cases := []struct {
		value string
		want  []string
	}{
		{filepath.Join(dir, "absent.toml"), []string{"absent.toml", "no such file"}},
		{dir + "/", []string{dir, "directory"}},
		{write("noname.toml", "layout = \"mat\"\n"), []string{"noname.toml", "no name"}},
		{write("typo.toml", "name = \"x\"\nlayout = \"mat\"\n[fit]\nlagms = 3\n"), []string{"typo.toml", "unknown key fit.lagms"}},
		{write("bad.toml", "name = \"x\"\nlayout = \n"), []string{"bad.toml", "line 2"}},
		{big, []string{"big.toml", "longer than"}},
		{"nlb-mase", []string{"nlb-mase", "nlb-maze", "must end in .toml"}},
		// Errors start with the file and the line, and say the key meant.
		{write("typo2.toml", "name = \"x\"\nlayout = \"nwb-aligned\"\n\n[trials]\n# a comment\nalling = \"x\"\n[[behaviour]]\nseries = \"/a\"\n[[behaviour]]\nserie = \"/b\"\nunits = { wher = { q = [\"g\"] } }\n"),
			[]string{"typo2.toml: line 6: unknown key trials.alling (did you mean align?); line 10: unknown key behaviour.serie (did you mean series?); line 11: unknown key behaviour.units.wher (did you mean where?)"}},
		{write("typo3.toml", "name = \"x\"\nlayout = \"nwb-aligned\"\nfit.lag = 3\n"), []string{"typo3.toml: line 3: unknown key fit.lag (did you mean lag_ms?)"}},
		{write("far.toml", "name = \"x\"\nlayout = \"mat\"\n[fit]\nzzzzzzzz = 3\n"), []string{"far.toml: line 4: unknown key fit.zzzzzzzz"}},
		// An empty file (left by 'presets init ... >' that failed), or
		// one of comments only.
		{write("empty.toml", "\n  \n"), []string{"empty.toml: empty file", "presets init"}},
		{write("comments.toml", "# nothing\n"), []string{"comments.toml: no name"}},
		{write("nolayout.toml", "name = \"x\"\n"), []string{"nolayout.toml: no layout: want layout", "nwb-continuous"}},
	}
	for _, c := range cases {
		_, err := presets.Open(c.value)
		if err == nil {
			t.Errorf("%s: no error", c.value)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q does not contain %q", c.value, err, w)
			}
		}
	}
}

// TestOpenMeantFile checks that a -preset value that is no built-in name
// but a file here (alm for alm.toml, alm.txt) gets a hint to the file.
func TestOpenMeantFile(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"alm.toml", "alm.txt"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("name = \"x\"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	for value, want := range map[string]string{"alm": "did you mean the file -preset ./alm.toml?", "alm.txt": "did you mean the file -preset ./alm.txt?"} {
		if _, err := presets.Open(value); !errors.Is(err, presets.ErrNoPreset) || !strings.Contains(err.Error(), want) {
			t.Errorf("-preset %s: %v, want %q", value, err, want)
		}
	}
	if _, err := presets.Open("nlb-mase"); err == nil || strings.Contains(err.Error(), "did you mean the file") {
		t.Errorf("no such file: %v", err)
	}
}

// TestValidateNamesFile checks that a preset file's settings errors name
// the file (they named only the preset's name).
func TestValidateNamesFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "kind.toml")
	if err := os.WriteFile(f, []byte("name = \"x\"\nlayout = \"nwb-continuous\"\n[nwb]\nunits = \"/units\"\n[bins]\nwidth_ms = 50\n[[behaviour]]\nseries = \"/a\"\nkind = \"event\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := presets.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err == nil || !strings.HasPrefix(err.Error(), f+": ") || !strings.Contains(err.Error(), `unknown kind "event"`) {
		t.Errorf("%v, want an error naming %s", err, f)
	}
}

// TestOverride checks -set: the key takes the value, the record keeps
// the overrides and a text that parses to the same preset, and keys that
// no preset has, values of the wrong type and malformed overrides are
// errors naming the key.
func TestOverride(t *testing.T) {
	p, err := presets.Get("nlb-maze")
	if err != nil {
		t.Fatal(err)
	}
	set := []string{"fit.lag_ms=50", "trials.min.delay = 400", `nwb.channels=["a", "b"]`, "fit.window_ms=[-10, 200.5]"}
	if err := presets.OverrideAll(p, set); err != nil {
		t.Fatal(err)
	}
	if p.Fit.LagMS != 50 || p.Trials.Min["delay"] != 400 || !reflect.DeepEqual(p.NWB.Channels, []string{"a", "b"}) ||
		p.Fit.WindowMS != [2]float64{-10, 200.5} {
		t.Errorf("after overrides: fit %+v, trials.min %v, channels %v", p.Fit, p.Trials.Min, p.NWB.Channels)
	}
	// Untouched keys keep their values.
	if p.Bins.WidthMS != 45 || p.Trials.Align != "move_onset_time" || p.Trials.Exclude["split"][0] != "test" {
		t.Errorf("other keys changed: bins %+v, trials %+v", p.Bins, p.Trials)
	}
	r := p.Record()
	if r.Source != "nlb-maze" || len(r.Set) != 4 || r.Set[1] != "trials.min.delay=400" {
		t.Errorf("record %+v", r)
	}
	again, err := presets.FromRecord(r)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, p) {
		t.Errorf("FromRecord(Record()) = %+v, want %+v", again, p)
	}

	for _, c := range []struct {
		kv   string
		want string
	}{
		{"fit.lagms=5", "unknown key fit.lagms (did you mean lag_ms?)"},
		{"fit.lag=5", "unknown key fit.lag (did you mean lag_ms?)"},
		{"fitt.lag_ms=5", "unknown key fitt.lag_ms"},
		{"fit.lag_ms='fifty'", "fit.lag_ms"},
		{"fit.lag_ms=fifty", "not one TOML value"},
		{"fit.lag_ms=1\nlayout=\"x\"", "not one TOML value"},
		{"fit.lag_ms.x=1", "fit.lag_ms is not a table"},
		{"fit.lag_ms", "want KEY=VALUE"},
		{"..=1", "want a key"},
		{`layout="nope"`, `unknown layout "nope"`},
	} {
		q, _ := presets.Get("nlb-maze")
		err := presets.OverrideAll(q, []string{c.kv})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("-set %s: %v, want an error containing %q", c.kv, err, c.want)
		}
		if strings.Contains(c.want, "unknown key") && !errors.Is(err, presets.ErrUnknownKey) {
			t.Errorf("-set %s: %v does not wrap ErrUnknownKey", c.kv, err)
		}
		if q.Fit.LagMS != 100 {
			t.Errorf("-set %s failed but changed the preset", c.kv)
		}
	}
}

// TestOverrideBlock checks that bci-hennig analyses one block when its
// root is overridden: D.blocks(2) alone is reference_mat.py's block 2
// (760 samples kept; block 1 keeps 776).
func TestOverrideBlock(t *testing.T) {
	p, err := presets.Get("bci-hennig")
	if err != nil {
		t.Fatal(err)
	}
	if err := presets.Override(p, "mat.root", `["D.blocks(2)"]`); err != nil {
		t.Fatal(err)
	}
	rec, s, err := p.Load("testdata/hennig_like.mat", opener)
	if err != nil {
		t.Fatal(err)
	}
	// Named as the (*) pattern names that block: the same data, the same
	// name.
	if rec.Name != "bci-hennig:hennig_like.mat#blocks(2)" {
		t.Errorf("recording named %q", rec.Name)
	}
	d, res := golden.Analyse(t, rec, s)
	compare(t, readReference(t, "mat_reference.json", "hennig2"), rec, d, res)
}

// TestBlockPatternErrors checks the errors of a [mat] root with (*) that
// cannot be used: two patterns, a pattern over something that is not a
// struct array, a path inside each element that is not a struct.
func TestBlockPatternErrors(t *testing.T) {
	const file = "testdata/hennig_like.mat"
	for root, want := range map[string]string{
		`["D.blocks(*).x(*)"]`:        "at most one (*) in a root",
		`["D.dec.spikeCountMean(*)"]`: "D.dec.spikeCountMean: is a 1×20 double, want a struct array",
		`["D.blocks(*).spikes"]`:      "D.blocks(1).spikes: is a 900×20",
		`["E.blocks(*)"]`:             "holds none of E.blocks(*)",
		`["D.blocks(3)"]`:             "holds none of D.blocks(3) (D.blocks has 2 elements)",
	} {
		p, err := presets.Get("bci-hennig")
		if err != nil {
			t.Fatal(err)
		}
		if err := presets.Override(p, "mat.root", root); err != nil {
			t.Fatal(err)
		}
		_, err = p.LoadAll(file, opener)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), file) {
			t.Errorf("root %s: %v, want an error naming the file and containing %q", root, err, want)
		}
	}
}
