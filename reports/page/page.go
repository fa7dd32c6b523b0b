// Package page writes oblique's HTML report: one self-contained
// index.html (no network access needed: figures are inline SVG, styles and
// the small error-recording script are inline) beside the figures as SVG,
// PNG and PDF files and the Arrow tables they were drawn from.
//
// The page's table of values has one row per number drawn, with the
// table, column, row and list index it came from (data-* attributes, the
// value at full precision in data-value), so that tests and readers can
// check every number against the files; each figure's values are a
// collapsed section (<details>), so that the page opens on the figures
// however many values they draw.
package page

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/oblique-neuro/oblique/internal/atomicfile"
	"github.com/oblique-neuro/oblique/internal/version"
	"github.com/oblique-neuro/oblique/reports/figures"
)

// Layout of the report directory.
const (
	Index      = "index.html"
	FiguresDir = "figures"
	TablesDir  = "tables"
)

// Report is what the page shows.
type Report struct {
	// Title heads the page.
	Title string
	// Tables are the tables the figures were drawn from; their files are
	// expected in DIR/tables under their names.
	Tables []*figures.Table
	// Figures in the order shown.
	Figures []*figures.Figure
	// Notes are remarks on the whole report (tables ignored, figures left
	// out and why).
	Notes []string
	// Warnings say what the reader must know first (no recording of the
	// user's has results); the page shows them above everything else.
	Warnings []string
}

// Write writes dir/index.html and the figures' SVG, PNG and PDF files
// into dir/figures. The tables must already be in dir/tables.
func Write(dir string, r *Report) error {
	fdir := filepath.Join(dir, FiguresDir)
	if err := os.MkdirAll(fdir, 0o755); err != nil {
		return err
	}
	data := pageData{Title: r.Title, Version: version.String(), Notes: r.Notes, Warnings: r.Warnings}
	for _, t := range r.Tables {
		data.Tables = append(data.Tables, tableData(t))
		data.Recordings = append(data.Recordings, recordings(t)...)
	}
	for _, f := range r.Figures {
		svg, err := f.SVG()
		if err != nil {
			return err
		}
		png, err := f.PNG()
		if err != nil {
			return err
		}
		pdf, err := f.PDF()
		if err != nil {
			return err
		}
		for name, b := range map[string][]byte{f.ID + ".svg": svg, f.ID + ".png": png, f.ID + ".pdf": pdf} {
			if err := writeBytes(filepath.Join(fdir, name), b); err != nil {
				return err
			}
		}
		data.Figures = append(data.Figures, figureData{
			ID: f.ID, Title: f.Title, Caption: f.Caption, Notes: f.Notes, Tables: f.Tables,
			SVG: template.HTML(inlineSVG(svg, f.ID)),
			Src: FiguresDir + "/" + f.ID, Count: len(f.Values),
			// Shown at up to 1.6 times its size (9 pt tick labels at
			// most about 19 px): the column's width for the figures of
			// two or three panels, less for one panel.
			MaxWidth: int(math.Round(f.Width.Points() * 96 / 72 * 1.6)),
		})
		g := valueGroup{Figure: f.ID, Title: f.Title}
		for _, v := range f.Values {
			g.Values = append(g.Values, valueData(v))
		}
		data.Groups = append(data.Groups, g)
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return err
	}
	return writeBytes(filepath.Join(dir, Index), b.Bytes())
}

var xmlHeader = regexp.MustCompile(`^<\?xml[^>]*\?>\s*`)

// inlineSVG prepares an SVG document for inclusion in HTML: no XML
// declaration, scaled to the page's width, labelled for assistive
// technology.
func inlineSVG(svg []byte, id string) string {
	s := xmlHeader.ReplaceAllString(string(svg), "")
	return strings.Replace(s, "<svg ", fmt.Sprintf(`<svg class="plot" role="img" aria-labelledby="%s-title" `, id), 1)
}

type pageData struct {
	Title, Version string
	Notes          []string
	Warnings       []string
	Tables         []tableInfo
	Figures        []figureData
	Groups         []valueGroup
	Recordings     []recordingInfo
}

// recordingInfo is a recording of an analyze table: its error, the caveat
// on its numbers, its notes.
type recordingInfo struct {
	Name, Table, Error, Caveat string
	Row                        int
	Notes                      []string
}

// recordings lists the recordings of t, when it is an analyze table.
func recordings(t *figures.Table) []recordingInfo {
	if t.Kind != "analyze" {
		return nil
	}
	out := make([]recordingInfo, t.Rows)
	for i := range out {
		out[i] = recordingInfo{Name: t.Str("recording", i), Table: t.Name, Row: i,
			Error: t.Str("error", i), Caveat: figures.Caveat(t, i)}
		for k := 0; k < t.Len("notes", i); k++ {
			if n, ok := t.Cell("notes", i, k).(string); ok {
				out[i].Notes = append(out[i].Notes, n)
			}
		}
	}
	return out
}

type valueGroup struct {
	Figure, Title string
	Values        []valueInfo
}

type tableInfo struct {
	Name, Kind, Href string
	Rows, Columns    int
	Meta             []kv
	Fields           []fieldInfo
}

type kv struct {
	Key   string
	Value template.HTML
}

type fieldInfo struct{ Name, Type, Unit, Doc string }

func tableData(t *figures.Table) tableInfo {
	ti := tableInfo{Name: t.Name, Kind: t.Kind, Href: TablesDir + "/" + t.Name, Rows: t.Rows, Columns: len(t.Schema.Fields())}
	keys := make([]string, 0, len(t.Meta))
	for k := range t.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ti.Meta = append(ti.Meta, kv{k, metaHTML(t.Meta[k])})
	}
	for _, f := range t.Schema.Fields() {
		fi := fieldInfo{Name: f.Name, Type: f.Type.String()}
		if i := f.Metadata.FindKey("unit"); i >= 0 {
			fi.Unit = f.Metadata.Values()[i]
		}
		if i := f.Metadata.FindKey("description"); i >= 0 {
			fi.Doc = f.Metadata.Values()[i]
		}
		ti.Fields = append(ti.Fields, fi)
	}
	return ti
}

type figureData struct {
	ID, Title, Caption string
	Notes, Tables      []string
	SVG                template.HTML
	Src                string
	Count, MaxWidth    int
}

type valueInfo struct {
	Figure, Quantity, Subject, At string
	Shown, Full                   string
	Table, Column, Index, Ref     string
	Row                           int
	Seed, Settings                string
}

func valueData(v figures.Value) valueInfo {
	idx := make([]string, len(v.Index))
	for i, x := range v.Index {
		idx[i] = strconv.Itoa(x)
	}
	return valueInfo{
		Figure: v.Figure, Quantity: v.Quantity, Subject: v.Subject, At: v.At,
		Shown: strconv.FormatFloat(v.Value, 'g', 4, 64), Full: strconv.FormatFloat(v.Value, 'g', -1, 64),
		Table: v.Table, Column: v.Column, Row: v.Row, Index: strings.Join(idx, ","), Ref: v.Ref.String(),
		Seed: v.Seed, Settings: v.Settings,
	}
}

func writeBytes(path string, b []byte) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}
