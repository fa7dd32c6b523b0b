package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io/fs"
	"math"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/oblique-neuro/oblique/internal/golden"
	"github.com/oblique-neuro/oblique/models"
	"github.com/oblique-neuro/oblique/models/bundled"
	"github.com/oblique-neuro/oblique/pipeline"
	"github.com/oblique-neuro/oblique/regimes"
	"github.com/oblique-neuro/oblique/reports"
	"github.com/oblique-neuro/oblique/reports/figures"
	"github.com/oblique-neuro/oblique/reports/page"
)

// requireTools reports whether the tests that need Chromium and Node.js
// must run (CI, or `make test`, whose set-up installs them) rather than
// skip when those are missing.
func requireTools() bool {
	return os.Getenv("CI") != "" || os.Getenv("OBLIQUE_REQUIRE_TOOLS") != ""
}

// tool finds an external program or skips (fails when required).
func tool(t *testing.T, name, why string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if requireTools() {
			t.Fatalf("%s not found (%s); scripts/setup.sh installs it", name, why)
		}
		t.Skipf("%s not found (%s); run scripts/setup.sh, or `make test`", name, why)
	}
	return p
}

// bundledReport renders, once per test binary, the report of the bundled
// data: the analysis of the Golub BCI recording (as `make demo` makes it),
// the paper's values and, when the models and compare commands are there,
// the model tables of the bundled flip-flop networks (up to two seeds per
// regime: the shortest task, so that the perturbation analysis stays
// quick) and the Golub recording compared with them.
var bundledRep struct {
	once   sync.Once
	dir    string
	rep    *page.Report
	res    *regimes.Result
	models bool
	err    error
}

func hasCommand(name string) bool {
	for _, c := range commands {
		if c.name == name {
			return true
		}
	}
	return false
}

func bundledReport(t *testing.T) (string, *page.Report) {
	t.Helper()
	bundledRep.once.Do(func() { bundledRep.err = makeBundledReport() })
	if bundledRep.err != nil {
		t.Fatal(bundledRep.err)
	}
	return bundledRep.dir, bundledRep.rep
}

func makeBundledReport() error {
	dir, err := os.MkdirTemp("", "oblique-report-")
	if err != nil {
		return err
	}
	bundledRep.dir = filepath.Join(dir, "report")
	golub := filepath.Join(golden.Root(), "data", "golub2018_bci", "before.toml")
	a := analyzeFile(golub, regimes.Settings{})
	if a.Err != nil {
		return a.Err
	}
	bundledRep.res = a.Result
	tab := reports.AnalyzeTable([]pipeline.Analysis{a}, regimes.Settings{}, nil)
	in := filepath.Join(dir, "golub2018-before.arrow")
	err = tab.WriteFile(in)
	tab.Release()
	if err != nil {
		return err
	}
	inputs := []string{in}
	if hasCommand("models") && hasCommand("compare") {
		runs := filepath.Join(dir, "runs")
		n, err := extractRuns(runs, "flipflop", 2)
		if err != nil {
			return err
		}
		if n > 0 {
			var out, errb bytes.Buffer
			mo := filepath.Join(dir, "models.arrow")
			if code := Main([]string{"models", "-runs", runs, "-o", mo, "-quiet"}, &out, &errb); code != 0 {
				return fmt.Errorf("oblique models: exit %d: %s", code, errb.String())
			}
			co := filepath.Join(dir, "compare.arrow")
			if code := Main([]string{"compare", golub, "-runs", runs, "-o", co, "-quiet",
				"-subsets", "2", "-draws", "5", "-time-draws", "5", "-bootstrap", "200"}, &out, &errb); code != 0 {
				return fmt.Errorf("oblique compare: exit %d: %s", code, errb.String())
			}
			inputs = append(inputs, mo, strings.TrimSuffix(mo, ".arrow")+"-settings.arrow",
				strings.TrimSuffix(mo, ".arrow")+"-trajectories.arrow", co)
			bundledRep.models = true
		}
	}
	bundledRep.rep, err = reports.WriteReport(bundledRep.dir, inputs, reports.ReportOptions{})
	return err
}

// extractRuns writes up to perRegime finished bundled runs of a task per
// regime into dir as run directories and returns how many.
func extractRuns(dir, task string, perRegime int) (int, error) {
	runs, err := bundled.Runs()
	if err != nil {
		return 0, err
	}
	count := map[string]int{}
	n := 0
	for _, r := range runs {
		s := r.Info.Settings
		if s.Task != task || count[r.Info.Regime] >= perRegime {
			continue
		}
		count[r.Info.Regime]++
		name := path.Base(r.Dir)
		for _, f := range []string{models.InfoFile, models.WeightsW, models.WeightsWIn, models.WeightsWOut, models.LossFile} {
			b, err := fs.ReadFile(bundled.FS(), path.Join("runs", name, f))
			if err != nil {
				return 0, err
			}
			if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
				return 0, err
			}
			if err := os.WriteFile(filepath.Join(dir, name, f), b, 0o644); err != nil {
				return 0, err
			}
		}
		n++
	}
	if count["aligned"] == 0 || count["oblique"] == 0 {
		return 0, nil // not both regimes bundled yet
	}
	return n, nil
}

func TestMain(m *testing.M) {
	// Presets cache each file's digest in the user's cache folder: the
	// tests keep theirs in a temporary one (Linux; elsewhere the digest
	// cache is left to its own tests in ingest).
	cache, err := os.MkdirTemp("", "oblique-test-cache")
	if err == nil {
		os.Setenv("XDG_CACHE_HOME", cache)
	}
	code := m.Run()
	if err == nil {
		os.RemoveAll(cache)
	}
	if bundledRep.dir != "" {
		os.RemoveAll(filepath.Dir(bundledRep.dir))
	}
	os.Exit(code)
}

// TestReportBrowser opens the bundled data's report in headless Chromium:
// the page loads without console or script errors, every figure is there
// and drew something, and a screenshot is kept as a test artefact.
func TestReportBrowser(t *testing.T) {
	chromium := tool(t, "chromium", "the report's browser test")
	dir, rep := bundledReport(t)
	index := filepath.Join(dir, page.Index)
	url := "file://" + index
	run := func(args ...string) (stdout, stderr string) {
		t.Helper()
		profile := t.TempDir() // a fresh profile for every start
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
			"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
			"--user-data-dir=" + profile, "--enable-logging=stderr", "--v=0", "--window-size=1280,2400"}
		cmd := exec.Command(chromium, append(append(base, args...), url)...)
		var o, e bytes.Buffer
		cmd.Stdout, cmd.Stderr = &o, &e
		done := make(chan error, 1)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("chromium %v: %v\n%s", args, err, e.String())
			}
		case <-time.After(90 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("chromium %v: no answer in 90 s", args)
		}
		return o.String(), e.String()
	}

	dom, logs := run("--dump-dom")
	for _, line := range strings.Split(logs, "\n") {
		// Console messages and uncaught exceptions are logged as CONSOLE
		// lines; the page writes none when all is well.
		if strings.Contains(line, ":CONSOLE") || strings.Contains(line, "Uncaught") {
			t.Errorf("console: %s", line)
		}
	}
	if m := regexp.MustCompile(`(?s)<pre id="page-errors"[^>]*>(.*?)</pre>`).FindStringSubmatch(dom); m == nil {
		t.Error("the DOM has no #page-errors element")
	} else if strings.TrimSpace(m[1]) != "" {
		t.Errorf("script errors on the page: %s", html.UnescapeString(m[1]))
	}
	m := regexp.MustCompile(`(?s)<div id="page-check"[^>]*data-done="1"[^>]*>(.*?)</div>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatal("the page's check script did not run (no #page-check[data-done])")
	}
	check := map[string][3]int{}
	for _, line := range strings.Split(m[1], "\n") {
		var id string
		var n, w, h int
		if _, err := fmt.Sscanf(line, "%s elements=%d width=%d height=%d", &id, &n, &w, &h); err == nil {
			check[id] = [3]int{n, w, h}
		}
	}
	want := []string{"fig7b", "fig8", "fig3b"}
	if bundledRep.models {
		want = append(want, "compare", "fig2b", "fig3a", "fig3c", "fig4c", "fig5", "fig6")
	} else {
		t.Log("no model tables in the report (the models and compare commands or the bundled flip-flop runs are missing)")
	}
	if len(rep.Figures) < len(want) {
		t.Errorf("%d figures, want at least %v", len(rep.Figures), want)
	}
	for _, f := range rep.Figures {
		c, ok := check[f.ID]
		switch {
		case !ok:
			t.Errorf("figure %s is not on the page", f.ID)
		case c[0] < 20 || c[1] < 200 || c[2] < 150:
			t.Errorf("figure %s looks empty in the browser: %d SVG elements, %d×%d px", f.ID, c[0], c[1], c[2])
		}
		if !strings.Contains(dom, `data-figure="`+f.ID+`"`) {
			t.Errorf("figure %s missing from the DOM", f.ID)
		}
	}
	for _, id := range want {
		if _, ok := check[id]; !ok {
			t.Errorf("figure %s missing", id)
		}
	}
	if !strings.Contains(dom, `id="values-table"`) {
		t.Error("no table of values in the DOM")
	}

	shotDir := filepath.Join(golden.Root(), "out", "test-artefacts")
	if err := os.MkdirAll(shotDir, 0o755); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(shotDir, "report-screenshot.png")
	os.Remove(shot)
	run("--screenshot=" + shot)
	st, err := os.Stat(shot)
	if err != nil || st.Size() < 10000 {
		t.Fatalf("no screenshot (%v)", err)
	}
	t.Logf("screenshot of the report: %s (%d bytes); report: %s", shot, st.Size(), index)
}

// TestReportSelfContained checks that the page loads nothing from the
// network: no src, href or url() outside the report directory.
func TestReportSelfContained(t *testing.T) {
	dir, _ := bundledReport(t)
	b, err := os.ReadFile(filepath.Join(dir, page.Index))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`(?i)(?:src|href)\s*=\s*"([^"]*)"|url\(([^)]*)\)|@import`).FindAllStringSubmatch(string(b), -1) {
		ref := m[1] + m[2]
		if m[0] == "@import" || strings.Contains(ref, "//") || strings.HasPrefix(ref, "/") || strings.Contains(ref, "..") {
			t.Errorf("external or absolute reference %q", m[0])
			continue
		}
		if strings.HasPrefix(ref, "#") {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, ref)); err != nil {
			t.Errorf("link %q: %v", ref, err)
		}
	}
}

// valueRow is one row of the page's table of values.
type valueRow struct {
	figure, table, column string
	row                   int
	index                 []int
	value                 float64
}

var valueRowRE = regexp.MustCompile(`<tr data-figure="([^"]*)" data-table="([^"]*)" data-column="([^"]*)" data-row="(-?\d+)" data-index="([^"]*)" data-value="([^"]*)">`)

func pageValues(t *testing.T, dir string) []valueRow {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, page.Index))
	if err != nil {
		t.Fatal(err)
	}
	var out []valueRow
	for _, m := range valueRowRE.FindAllStringSubmatch(string(b), -1) {
		v := valueRow{figure: m[1], table: html.UnescapeString(m[2]), column: html.UnescapeString(m[3])}
		v.row, _ = strconv.Atoi(m[4])
		if m[5] != "" {
			for _, s := range strings.Split(m[5], ",") {
				i, err := strconv.Atoi(s)
				if err != nil {
					t.Fatalf("bad index %q", m[5])
				}
				v.index = append(v.index, i)
			}
		}
		v.value, err = strconv.ParseFloat(m[6], 64)
		if err != nil {
			t.Fatalf("bad value %q", m[6])
		}
		out = append(out, v)
	}
	return out
}

// TestReportValuesMatchTables checks that every number of the page's
// table of values is the number in the Arrow table it names (read back
// from the report's tables directory), that every figure is drawn from
// tables the report lists, and that each figure's key numbers are there.
func TestReportValuesMatchTables(t *testing.T) {
	dir, rep := bundledReport(t)
	vals := pageValues(t, dir)
	total := 0
	for _, f := range rep.Figures {
		total += len(f.Values)
	}
	if len(vals) != total || total == 0 {
		t.Fatalf("%d rows in the page's table of values, %d values drawn", len(vals), total)
	}
	listed := map[string]*figures.Table{}
	for _, tb := range rep.Tables {
		listed[tb.Name] = tb
	}
	files := map[string]*figures.Table{}
	for _, v := range vals {
		if listed[v.table] == nil {
			t.Fatalf("%s draws from %s, which the report does not list", v.figure, v.table)
		}
		tb := files[v.table]
		if tb == nil {
			var err error
			tb, err = figures.ReadTable(filepath.Join(dir, page.TablesDir, v.table))
			if err != nil {
				t.Fatal(err)
			}
			files[v.table] = tb
		}
		var want float64
		var ok bool
		if key, meta := strings.CutPrefix(v.column, "@"); meta {
			want, ok = tb.MetaNum(key)
		} else {
			want, ok = tb.Num(v.column, v.row, v.index...)
		}
		if !ok || want != v.value {
			t.Errorf("%s: %s:%s[%d]%v is %v in the page, %v (%v) in the table", v.figure, v.table, v.column, v.row, v.index, v.value, want, ok)
		}
	}
	for _, f := range rep.Figures {
		for _, tn := range f.Tables {
			if listed[tn] == nil {
				t.Errorf("figure %s names table %s, not listed", f.ID, tn)
			}
		}
	}
	// The key numbers of the Golub analysis are on the page.
	res := bundledRep.res
	has := func(fig, col string, want float64) {
		t.Helper()
		for _, v := range vals {
			if v.figure == fig && v.column == col && v.table == "golub2018-before.arrow" && v.value == want {
				return
			}
		}
		t.Errorf("%s does not show %s = %v", fig, col, want)
	}
	has("fig7b", "rho", res.Rho)
	has("fig7b", "fit_ratio", res.Ratio)
	has("fig8", "slope", res.Neuron.Slope)
	has("fig3b", "d_var", float64(res.DVar))
	has("fig3b", "d_fit", float64(res.DFit))
}

// TestReportArrowJS reads every table of the bundled data's report with
// Arrow JS (the apache-arrow npm package under Node.js, an independent
// Arrow implementation) and checks column names, types, row counts,
// schema metadata and every value against what Go wrote.
func TestReportArrowJS(t *testing.T) {
	node := tool(t, "node", "Arrow JS reads the tables")
	script := filepath.Join(golden.Root(), "reports", "testdata", "node", "read_arrow.mjs")
	if _, err := os.Stat(filepath.Join(filepath.Dir(script), "node_modules", "apache-arrow")); err != nil {
		if requireTools() {
			t.Fatal("Arrow JS is not installed; scripts/setup.sh installs it (npm ci in reports/testdata/node)")
		}
		t.Skip("Arrow JS is not installed; run scripts/setup.sh")
	}
	dir, rep := bundledReport(t)
	var paths []string
	for _, tb := range rep.Tables {
		paths = append(paths, filepath.Join(dir, page.TablesDir, tb.Name))
	}
	cmd := exec.Command(node, append([]string{script}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var js map[string]struct {
		Rows     int
		Metadata map[string]string
		Fields   []struct {
			Name, Type string
			Nullable   bool
			Metadata   map[string]string
		}
		Columns map[string][]any
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&js); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]bool{}
	for i, tb := range rep.Tables {
		got, ok := js[paths[i]]
		if !ok {
			t.Fatalf("Arrow JS did not read %s", tb.Name)
		}
		kinds[tb.Kind] = true
		if got.Rows != tb.Rows {
			t.Errorf("%s: %d rows in Arrow JS, %d in Go", tb.Name, got.Rows, tb.Rows)
		}
		for k, v := range tb.Meta {
			if got.Metadata[k] != v {
				t.Errorf("%s: metadata %s = %q in Arrow JS, %q in Go", tb.Name, k, got.Metadata[k], v)
			}
		}
		fields := tb.Schema.Fields()
		if len(got.Fields) != len(fields) {
			t.Fatalf("%s: %d columns in Arrow JS, %d in Go", tb.Name, len(got.Fields), len(fields))
		}
		for j, f := range fields {
			g := got.Fields[j]
			if g.Name != f.Name || g.Type != jsType(f.Type) {
				t.Errorf("%s: column %d is %s %s in Arrow JS, %s %s (%s) in Go", tb.Name, j, g.Name, g.Type, f.Name, f.Type, jsType(f.Type))
			}
			if u, ok := f.Metadata.GetValue("unit"); ok && g.Metadata["unit"] != u {
				t.Errorf("%s.%s: unit %q in Arrow JS, %q in Go", tb.Name, f.Name, g.Metadata["unit"], u)
			}
			col := got.Columns[f.Name]
			if len(col) != tb.Rows {
				t.Errorf("%s.%s: %d values in Arrow JS, %d rows", tb.Name, f.Name, len(col), tb.Rows)
				continue
			}
			for r := 0; r < tb.Rows; r++ {
				if err := sameCell(tb.Cell(f.Name, r), col[r]); err != nil {
					t.Errorf("%s.%s[%d]: %v", tb.Name, f.Name, r, err)
				}
			}
		}
	}
	want := []string{"analyze", "paper"}
	if bundledRep.models {
		want = append(want, "models", "models-settings", "models-trajectories", "compare")
	}
	for _, k := range want {
		if !kinds[k] {
			t.Errorf("no %s table in the report", k)
		}
	}
	// And against the numbers in memory, before any file: ρ and the
	// scaling curve of the Golub analysis.
	res := bundledRep.res
	for i, tb := range rep.Tables {
		if tb.Kind != "analyze" {
			continue
		}
		c := js[paths[i]].Columns
		if v, _ := c["rho"][0].(json.Number).Float64(); v != res.Rho {
			t.Errorf("ρ is %v in Arrow JS, %v in memory", v, res.Rho)
		}
		for j, m := range c["rho_sqrt_n_mean"][0].([]any) {
			if v, _ := m.(json.Number).Float64(); v != res.Neuron.Mean[j] {
				t.Errorf("ρ·√n[%d] is %v in Arrow JS, %v in memory", j, v, res.Neuron.Mean[j])
			}
		}
		if s := c["seed"][0]; s != "0" {
			t.Errorf("seed is %v in Arrow JS", s)
		}
	}
}

// jsType is the name Arrow JS gives a type.
func jsType(dt arrow.DataType) string {
	switch dt := dt.(type) {
	case *arrow.ListType:
		return "List<" + jsType(dt.Elem()) + ">"
	case *arrow.StringType:
		return "Utf8"
	case *arrow.BooleanType:
		return "Bool"
	}
	name := dt.Name() // float64, int64, uint64, …
	return strings.ToUpper(name[:1]) + name[1:]
}

// sameCell compares a Go cell (figures.Table) with Arrow JS's JSON value:
// floats exactly (shortest round-trip form both ways), 64-bit integers as
// decimal strings, lists element by element.
func sameCell(g any, j any) error {
	switch g := g.(type) {
	case nil:
		if j != nil {
			return fmt.Errorf("null in Go, %v in Arrow JS", j)
		}
	case string:
		if j != g {
			return fmt.Errorf("%q in Go, %v in Arrow JS", g, j)
		}
	case bool:
		if j != g {
			return fmt.Errorf("%v in Go, %v in Arrow JS", g, j)
		}
	case float64:
		n, ok := j.(json.Number)
		if !ok {
			return fmt.Errorf("%v in Go, %v in Arrow JS", g, j)
		}
		v, err := n.Float64()
		if err != nil || v != g && !(math.IsNaN(g) && math.IsNaN(v)) {
			return fmt.Errorf("%v in Go, %v in Arrow JS", g, n)
		}
	case int64:
		if j != strconv.FormatInt(g, 10) {
			return fmt.Errorf("%d in Go, %v in Arrow JS", g, j)
		}
	case uint64:
		if j != strconv.FormatUint(g, 10) {
			return fmt.Errorf("%d in Go, %v in Arrow JS", g, j)
		}
	case []any:
		l, ok := j.([]any)
		if !ok || len(l) != len(g) {
			return fmt.Errorf("a list of %d in Go, %v in Arrow JS", len(g), j)
		}
		for i := range g {
			if err := sameCell(g[i], l[i]); err != nil {
				return fmt.Errorf("[%d]: %v", i, err)
			}
		}
	default:
		return fmt.Errorf("unexpected Go cell %T", g)
	}
	return nil
}

// TestReportUsage checks the command's flags and errors.
func TestReportUsage(t *testing.T) {
	var out, errb bytes.Buffer
	if code := Main([]string{"report", "-no-paper"}, &out, &errb); code != 2 {
		t.Errorf("report -no-paper without inputs: exit %d, want 2", code)
	}
	out.Reset()
	errb.Reset()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.arrow")
	os.WriteFile(bad, []byte("not arrow"), 0o644)
	if code := Main([]string{"report", bad, "-o", filepath.Join(dir, "r")}, &out, &errb); code != 1 || !strings.Contains(errb.String(), "not an Arrow IPC file") {
		t.Errorf("report of a bad file: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	errb.Reset()
	// The paper's values alone make Fig. 7B.
	if code := Main([]string{"report", "-o", filepath.Join(dir, "paper")}, &out, &errb); code != 0 {
		t.Fatalf("report of the paper's values: exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "1 figure") {
		t.Errorf("report of the paper's values: %q", out.String())
	}
	out.Reset()
	if code := Main([]string{"report", "-run", "nosuch-run", "-o", filepath.Join(dir, "paper2")}, &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "-run nosuch-run: no table given has this run") {
		t.Errorf("report -run of an unknown run: exit %d, %q", code, out.String())
	}
}
