package page

import (
	"encoding/json"
	"html"
	"html/template"
	"sort"
	"strconv"
	"strings"
)

// metaHTML renders a schema metadata value for reading: JSON objects as
// tables of their fields, lists of objects as tables with a column per
// field, lists of numbers and comma-separated numbers as lists with the
// numbers to six digits (the full values are in the Arrow file), and any
// other text as it is.
func metaHTML(v string) template.HTML {
	var b strings.Builder
	if t := strings.TrimSpace(v); strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") {
		d := json.NewDecoder(strings.NewReader(t))
		d.UseNumber()
		var x any
		if d.Decode(&x) == nil && !d.More() {
			writeJSON(&b, x)
			return template.HTML(b.String())
		}
	}
	if nums, ok := numberList(v); ok {
		b.WriteString(html.EscapeString(nums))
		return template.HTML(b.String())
	}
	return template.HTML(html.EscapeString(v))
}

// numberList formats "a,b,c" when every part is a number.
func numberList(v string) (string, bool) {
	parts := strings.Split(v, ",")
	if len(parts) < 2 {
		return "", false
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil {
			return "", false
		}
		out[i] = strconv.FormatFloat(f, 'g', 6, 64)
	}
	return strings.Join(out, ", "), true
}

// writeJSON writes a decoded JSON value as HTML.
func writeJSON(b *strings.Builder, x any) {
	switch x := x.(type) {
	case map[string]any:
		if len(x) == 0 {
			b.WriteString("–")
			return
		}
		b.WriteString(`<table class="kv">`)
		for _, k := range sortedKeys(x) {
			b.WriteString("<tr><th>" + html.EscapeString(k) + "</th><td>")
			writeJSON(b, x[k])
			b.WriteString("</td></tr>")
		}
		b.WriteString("</table>")
	case []any:
		writeList(b, x)
	case json.Number:
		b.WriteString(html.EscapeString(number(x)))
	case string:
		b.WriteString(html.EscapeString(x))
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case nil:
		b.WriteString("null")
	}
}

// writeList writes a JSON list: objects as a table with a column per
// field, anything else as a comma-separated list.
func writeList(b *strings.Builder, l []any) {
	if len(l) == 0 {
		b.WriteString("–")
		return
	}
	var keys []string
	seen := map[string]bool{}
	for _, e := range l {
		m, ok := e.(map[string]any)
		if !ok {
			keys = nil
			break
		}
		for _, k := range sortedKeys(m) {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	if keys == nil {
		for i, e := range l {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, e)
		}
		return
	}
	b.WriteString(`<table class="kv"><tr>`)
	for _, k := range keys {
		b.WriteString("<th>" + html.EscapeString(k) + "</th>")
	}
	b.WriteString("</tr>")
	for _, e := range l {
		b.WriteString("<tr>")
		for _, k := range keys {
			b.WriteString("<td>")
			if v, ok := e.(map[string]any)[k]; ok {
				writeJSON(b, v)
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// number formats a JSON number to six significant digits; integers as
// they are.
func number(n json.Number) string {
	if _, err := n.Int64(); err == nil {
		return n.String()
	}
	f, err := n.Float64()
	if err != nil {
		return n.String()
	}
	return strconv.FormatFloat(f, 'g', 6, 64)
}
