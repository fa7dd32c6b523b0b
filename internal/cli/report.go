package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
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
it, ends the page.`

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
	fs.StringVar(&out, "o", "oblique-report", "write the report into `DIR`")
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
// what it showed. The inputs are copied into dir/tables; the figures are
// drawn from those copies.
func Report(dir string, files []string, o ReportOptions) (*page.Report, error) {
	tdir := filepath.Join(dir, page.TablesDir)
	if err := os.MkdirAll(tdir, 0o755); err != nil {
		return nil, err
	}
	rep := &page.Report{Title: o.Title}
	if rep.Title == "" {
		rep.Title = "oblique report"
	}
	used := map[string]bool{}
	var names []string
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
		names = append(names, n)
		return n
	}
	if !o.NoPaper {
		pt := figures.PaperTable()
		err := pt.WriteFile(filepath.Join(tdir, unique(PaperTableFile)))
		pt.Release()
		if err != nil {
			return nil, err
		}
	}
	for _, f := range files {
		if _, err := figures.ReadTable(f); err != nil {
			return nil, err
		}
		if err := copyFile(filepath.Join(tdir, unique(filepath.Base(f))), f); err != nil {
			return nil, err
		}
	}
	set := &figures.Set{}
	for _, n := range names {
		t, err := figures.ReadTable(filepath.Join(tdir, n))
		if err != nil {
			return nil, err
		}
		set.Tables = append(set.Tables, t)
		if t.Kind == "" {
			rep.Notes = append(rep.Notes, fmt.Sprintf("%s has no \"table\" schema metadata: not an oblique table, no figure drawn from it", n))
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
	rep.Figures = figures.Build(set, figures.Options{Runs: o.Runs})
	if len(rep.Figures) == 0 {
		rep.Notes = append(rep.Notes, "no figure: none of the tables given holds what a figure needs")
	}
	if err := page.Write(dir, rep); err != nil {
		return nil, err
	}
	return rep, nil
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
