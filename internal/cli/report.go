package cli

import (
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/reports"
)

const reportAbout = `Writes an HTML report of Arrow results (from 'oblique analyze', 'oblique
models' and 'oblique compare') into DIR: DIR/index.html, self-contained
(figures inline as SVG, no network access needed), the figures as SVG, PNG
and PDF in DIR/figures, and the tables they were drawn from in DIR/tables —
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
		helpFor(env.Stdout, fs, "report [flags] RESULTS.arrow… -o DIR", reportAbout)
		return err
	}
	if err != nil {
		return err
	}
	files, err := expand(pos)
	if err != nil {
		return err
	}
	if out == "" {
		return fmt.Errorf("%w: -o is empty: give the report directory", errUsage)
	}
	if len(files) == 0 && noPaper {
		return fmt.Errorf("%w: nothing to report: give result tables, or leave the paper's values in", errUsage)
	}
	rep, err := reports.WriteReport(out, files, reports.ReportOptions{Title: title, NoPaper: noPaper, Runs: runs})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s (%s, %s)\n", filepath.Join(out, reports.IndexFile),
		plural(len(rep.Figures), "figure"), plural(len(rep.Tables), "table"))
	for _, w := range rep.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(env.Stdout, "note: %s\n", n)
	}
	return nil
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
