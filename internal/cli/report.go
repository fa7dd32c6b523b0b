package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/internal/atomicfile"
	"github.com/oblique-neuro/oblique/reports/figures"
	"github.com/oblique-neuro/oblique/reports/page"
)

const reportAbout = `Writes an HTML report of Arrow results (from 'oblique analyze', 'oblique
models' and 'oblique compare') into DIR: DIR/index.html, self-contained
(figures inline as SVG, no network access needed), the figures as SVG and
PNG in DIR/figures, and the tables they were drawn from in DIR/tables —
the inputs and the paper's published Fig. 7B values (paper-fig7b.arrow).
Every input is optional: the report shows the figures its tables allow
(Figs. 7B, 8 and the PC curves of 3B from analyze; Figs. 3A–C, 4C, 5 and 6
from models and models-settings; Fig. 2B from models-trajectories; the
model runs of Fig. 7B and the regime score from compare). -run chooses the
runs drawn one by one (Fig. 2B, the curves of Figs. 3B and 5, Fig. 6B).
A table of every number drawn, with the seed and settings that produced
it, ends the page.

All inputs are read and checked, and the report is built in a temporary
directory, before anything is put in DIR: a report that fails leaves DIR
as it was. Into an existing DIR, index.html and the files of figures/ and
tables/ replace those of the same names (an earlier report's); nothing
else in DIR is removed.`

// PaperTableFile is the name of the published values' table in a report.
const PaperTableFile = "paper-fig7b.arrow"

func runReport(env *Env, args []string) error {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	var (
		out     string
		noPaper bool
		title   string
		runs    multiFlag
	)
	fs.StringVar(&out, "o", "oblique-report", "write the report into `DIR` (created, or updated in place)")
	fs.StringVar(&out, "out", "oblique-report", "same as -o")
	fs.BoolVar(&noPaper, "no-paper", false, "leave out the paper's published values")
	fs.StringVar(&title, "title", "oblique report: aligned and oblique dynamics", "the page's title")
	fs.Var(&runs, "run", "draw model run `NAME` one by one (Fig. 2B, …); repeatable (default: the first aligned and oblique run of the first task)")
	pos, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		helpFor(env.Stderr, fs, "report [flags] RESULTS.arrow… -o DIR", reportAbout)
		return err
	}
	if err != nil {
		return err
	}
	files, err := expand(pos)
	if err != nil {
		return err
	}
	if len(files) == 0 && noPaper {
		return fmt.Errorf("%w: nothing to report: give result tables, or leave the paper's values in", errUsage)
	}
	rep, err := Report(out, files, ReportOptions{Title: title, NoPaper: noPaper, Runs: runs})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %s)\n", filepath.Join(out, page.Index),
		plural(len(rep.Figures), "figure"), plural(len(rep.Tables), "table"))
	for _, n := range rep.Notes {
		fmt.Fprintf(env.Stdout, "note: %s\n", n)
	}
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// ReportOptions are the settings of Report.
type ReportOptions struct {
	Title   string
	NoPaper bool
	// Runs are the model runs drawn one by one (figures.Options).
	Runs []string
}

// Report writes the report of the given Arrow files into dir and returns
// what it showed. The inputs are read and checked, and the whole report is
// built in a temporary directory (beside dir, or inside it when it exists),
// before anything is put in dir: a report that fails leaves dir as it was.
// The inputs are copied into dir/tables; the figures are drawn from them as
// read.
func Report(dir string, files []string, o ReportOptions) (*page.Report, error) {
	if dir == "" {
		return nil, fmt.Errorf("%w: no report directory (-o is empty)", errUsage)
	}
	var inputs []*figures.Table
	for _, f := range files {
		t, err := figures.ReadTable(f)
		if err != nil {
			return nil, err
		}
		inputs = append(inputs, t)
	}
	rep := &page.Report{Title: o.Title}
	if rep.Title == "" {
		rep.Title = "oblique report"
	}
	used := map[string]bool{}
	unique := func(name string) string {
		base, ext := strings.TrimSuffix(name, filepath.Ext(name)), filepath.Ext(name)
		if ext == "" {
			ext = ".arrow"
		}
		n := base + ext
		for i := 2; used[n]; i++ {
			n = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		used[n] = true
		return n
	}
	stage, err := stageDir(dir)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)
	tdir := filepath.Join(stage, page.TablesDir)
	if err := os.Mkdir(tdir, 0o755); err != nil {
		return nil, err
	}
	set := &figures.Set{}
	if !o.NoPaper {
		path := filepath.Join(tdir, unique(PaperTableFile))
		pt := figures.PaperTable()
		err := pt.WriteFile(path)
		pt.Release()
		if err != nil {
			return nil, err
		}
		t, err := figures.ReadTable(path)
		if err != nil {
			return nil, err
		}
		set.Tables = append(set.Tables, t)
	}
	for i, t := range inputs {
		t.Name = unique(filepath.Base(files[i]))
		if err := copyFile(filepath.Join(tdir, t.Name), files[i]); err != nil {
			return nil, err
		}
		set.Tables = append(set.Tables, t)
		if t.Kind == "" {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s has no \"table\" schema metadata: not an oblique table, no figure drawn from it", t.Name))
		}
	}
	rep.Tables = set.Tables
	for _, name := range o.Runs {
		found := false
		for _, t := range set.Tables {
			for i := 0; i < t.Rows && !found; i++ {
				found = t.Str("run", i) == name
			}
		}
		if !found {
			rep.Notes = append(rep.Notes, fmt.Sprintf("-run %s: no table given has this run", name))
		}
	}
	rep.Figures, err = figures.Build(set, figures.Options{Runs: o.Runs})
	if err != nil {
		return nil, err
	}
	if len(rep.Figures) == 0 {
		rep.Notes = append(rep.Notes, "no figure: none of the tables given holds what a figure needs")
	}
	if err := page.Write(stage, rep); err != nil {
		return nil, err
	}
	if err := install(stage, dir); err != nil {
		return nil, err
	}
	return rep, nil
}

// stageDir makes the temporary directory a report is built in: inside dir
// when it exists, else beside it, so that install only renames.
func stageDir(dir string) (string, error) {
	parent, prefix := filepath.Dir(dir), "."+filepath.Base(dir)+".tmp-"
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return "", fmt.Errorf("%s: not a directory", dir)
		}
		parent, prefix = dir, ".oblique-report.tmp-"
	} else if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	stage, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return "", err
	}
	return stage, os.Chmod(stage, 0o755)
}

// install moves the report built in stage into dir: by one rename when dir
// does not exist; else file by file, index.html last, replacing the files
// of the same names (an earlier report's) and leaving every other file in
// dir as it was.
func install(stage, dir string) error {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return os.Rename(stage, dir)
	}
	for _, sub := range []string{page.TablesDir, page.FiguresDir} {
		entries, err := os.ReadDir(filepath.Join(stage, sub))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
		for _, e := range entries {
			if err := os.Rename(filepath.Join(stage, sub, e.Name()), filepath.Join(dir, sub, e.Name())); err != nil {
				return err
			}
		}
	}
	return os.Rename(filepath.Join(stage, page.Index), filepath.Join(dir, page.Index))
}

func copyFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.Write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}
