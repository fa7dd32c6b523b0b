package reports

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/ingest"
	"github.com/oblique-neuro/oblique/internal/atomicfile"
	"github.com/oblique-neuro/oblique/internal/inputfile"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/reports/figures"
	"github.com/oblique-neuro/oblique/reports/page"
)

// CheckOutput reports, before any work is done, an output path that the
// final write would refuse (empty, or naming a directory, device or pipe)
// or that must not be replaced: one of the run's inputs (a recording, a
// preset file), a file in a trained network's run directory, or an
// existing file that is not an Arrow table (an output replaces only a
// table, such as one oblique wrote; an empty file too).
func CheckOutput(path string, inputs ...string) error {
	if _, err := atomicfile.Destination(path); err != nil {
		return err
	}
	// A run directory's files are the run's (loss.arrow is an Arrow table
	// too): an output there would replace or mix with them.
	if dir := filepath.Dir(path); fileExists(filepath.Join(dir, "run.json")) {
		return fmt.Errorf("%s is inside the run directory %s, whose files are the run's: choose an output path outside it", path, dir)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil // nothing there to replace (or the write will say why)
	}
	for _, in := range inputs {
		if ii, err := os.Stat(in); err == nil && os.SameFile(fi, ii) {
			return fmt.Errorf("%s is an input of this run (%s): writing the output there would replace it; choose another output path", path, in)
		}
	}
	format, empty, err := ingest.FileFormat(path)
	if err != nil || empty || format == "arrow" {
		return err
	}
	what := "not an Arrow table"
	if name := ingest.FormatName(format); name != "" {
		what = name + ", not an Arrow table"
	}
	return fmt.Errorf("%s exists and is %s: an output replaces only a table; choose another output path, or remove the file first", path, what)
}

// PaperTableFile is the name of the published values' table in a report.
const PaperTableFile = "paper-fig7b.arrow"

// ReportOptions are the settings of WriteReport.
type ReportOptions struct {
	Title   string
	NoPaper bool
	// Runs are the model runs drawn one by one (figures.Options).
	Runs []string
}

// WriteReport writes the report of the given Arrow files into dir and returns
// what it showed. The inputs are read and checked, and the whole report is
// built in a temporary directory (beside dir, or inside it when it exists),
// before anything is put in dir: a report that fails leaves dir as it was.
// The inputs are copied into dir/tables; the figures are drawn from them as
// read.
func WriteReport(dir string, files []string, o ReportOptions) (*page.Report, error) {
	if dir == "" {
		return nil, errors.New("no report directory given")
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
	if w := noResults(inputs, o.NoPaper); w != "" {
		rep.Warnings = append(rep.Warnings, w)
	}
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

// noResults returns the warning of a report whose inputs hold no result
// ("no recording of yours has results: …"), "" when a row of one of them
// has results: a row without an error (rows of tables without an error
// column all count). noPaper: the page has no paper values either.
func noResults(inputs []*figures.Table, noPaper bool) string {
	const what = "no recording of yours has results: "
	only := "; the page shows the paper's published values only"
	if noPaper {
		only = "; the page has no figure of yours"
	}
	if len(inputs) == 0 {
		return what + "no table given" + only
	}
	rows := 0
	for _, t := range inputs {
		for i := 0; i < t.Rows; i++ {
			if t.Str("error", i) == "" {
				return ""
			}
		}
		rows += t.Rows
	}
	if rows == 0 {
		return what + "the tables given have no rows" + only
	}
	return what + fmt.Sprintf("every one of the %d rows of the tables given failed (their errors are listed under Recordings)", rows) + only
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
	in, err := inputfile.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return atomicfile.Write(dst, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

// WriteModels writes the three models tables — runs, settings and
// trajectories — to paths[0], paths[1] and paths[2], together
// (atomicfile.Group): all are written aside first, so that a failure (a
// full disk) leaves an earlier set whole; the runs table, the set's entry,
// is removed before the others are renamed into place and put back last.
func WriteModels(paths []string, rows []pipeline.ModelRun, sums []pipeline.SettingSummary, runs string, s pipeline.MeasureSettings) error {
	if len(paths) != 3 {
		return fmt.Errorf("reports: WriteModels takes 3 paths, got %d", len(paths))
	}
	tables := []*arrowtable.Table{ModelsTable(rows, runs, s), SettingsTable(sums, runs, s), TrajectoryTable(rows, runs, s)}
	defer func() {
		for _, t := range tables {
			t.Release()
		}
	}()
	var g atomicfile.Group
	g.Add(paths[1], tables[1].Write)
	g.Add(paths[2], tables[2].Write)
	g.AddEntry(paths[0], tables[0].Write)
	return g.Commit()
}

// IndexFile is the report page's file name in the report directory.
const IndexFile = page.Index

// fileExists tells whether path names something.
func fileExists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
