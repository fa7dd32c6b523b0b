package figures_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/oblique-neuro/oblique/arrowtable"
	"github.com/oblique-neuro/oblique/reports"
	"github.com/oblique-neuro/oblique/reports/figures"
)

// readmeType is the README's name of an Arrow type.
func readmeType(dt arrow.DataType) string {
	if l, ok := dt.(*arrow.ListType); ok {
		return "list<" + readmeType(l.Elem()) + ">"
	}
	if dt.ID() == arrow.STRING {
		return "string"
	}
	return dt.Name()
}

// TestReadmeSchemas checks that the README documents every column of the
// analyze and paper tables with its type and unit, in the section that
// starts with the given heading.
func TestReadmeSchemas(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, c := range []struct {
		heading string
		fields  []arrowtable.Field
	}{
		{"## The Arrow table of `analyze`", reports.AnalyzeFields},
		{"## The Arrow table of the published values (`paper`)", figures.PaperFields},
	} {
		i := strings.Index(readme, c.heading)
		if i < 0 {
			t.Errorf("README has no section %q", c.heading)
			continue
		}
		sec := readme[i+len(c.heading):]
		if j := strings.Index(sec, "\n## "); j >= 0 {
			sec = sec[:j]
		}
		type doc struct{ typ, unit string }
		docs := map[string]doc{}
		for _, line := range strings.Split(sec, "\n") {
			cells := strings.Split(strings.Trim(line, "| "), "|")
			if len(cells) != 4 || strings.HasPrefix(cells[0], "-") {
				continue
			}
			names := strings.Split(strings.TrimSpace(cells[0]), ", ")
			types := strings.Split(strings.TrimSpace(cells[1]), ", ")
			units := strings.Split(strings.TrimSpace(cells[2]), ", ")
			for k, n := range names {
				d := doc{types[0], units[0]}
				if len(types) == len(names) {
					d.typ = types[k]
				}
				if len(units) == len(names) {
					d.unit = units[k]
				}
				if d.unit == "–" {
					d.unit = ""
				}
				docs[n] = d
			}
		}
		for _, f := range c.fields {
			d, ok := docs[f.Name]
			switch {
			case !ok:
				t.Errorf("%s: column %s is not documented", c.heading, f.Name)
			case d.typ != readmeType(f.Type) || d.unit != f.Unit:
				t.Errorf("%s: column %s documented as %s [%s], is %s [%s]", c.heading, f.Name, d.typ, d.unit, readmeType(f.Type), f.Unit)
			}
		}
	}
}
