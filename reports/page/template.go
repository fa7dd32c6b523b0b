package page

import "html/template"

// The page has no external resources: the style sheet and the script are
// inline, the figures inline SVG. The first script records JavaScript
// errors into #page-errors, so that a headless browser's DOM dump shows
// them; the last one checks that every figure drew something and writes
// the outcome into #page-check.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="oblique {{.Version}}">
<title>{{.Title}}</title>
<script>
window.__pageErrors = [];
window.addEventListener("error", function (e) {
  window.__pageErrors.push(String(e.message || e.type) + (e.filename ? " (" + e.filename + ":" + e.lineno + ")" : ""));
  var el = document.getElementById("page-errors");
  if (el) { el.textContent = window.__pageErrors.join("\n"); el.hidden = false; }
}, true);
</script>
<style>
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; margin: 2em auto; max-width: 62em; padding: 0 1em; color: #111; line-height: 1.4; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ccc; }
figure { margin: 1.5em 0; } figcaption { font-size: 0.92em; color: #333; }
.plot-box { margin: 0 auto; } svg.plot { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #ddd; padding: 0.2em 0.5em; text-align: left; vertical-align: top; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code, .ref { font-family: "Liberation Mono", monospace; font-size: 0.95em; }
.notes { color: #555; font-size: 0.9em; }
#page-errors { color: #a00; white-space: pre-wrap; }
.error { color: #a00; }
.warning { color: #a00; border: 1px solid #a00; padding: 0.4em 0.6em; }
table.recordings ul.notes { margin: 0; padding-left: 1.2em; }
table.meta > tbody > tr > th { white-space: nowrap; }
table.meta td { overflow-wrap: anywhere; }
table.kv { font-size: 1em; margin: 0.1em 0; }
table.kv th { background: #f6f6f6; font-weight: normal; white-space: nowrap; overflow-wrap: normal; }
details { margin: 0.4em 0; }
summary { cursor: pointer; }
details.values > table { margin: 0.4em 0 1em; }
</style>
</head>
<body>
<pre id="page-errors" hidden></pre>
<h1>{{.Title}}</h1>
{{range .Warnings}}<p class="warning"><strong>Warning:</strong> {{.}}</p>
{{end}}<p>Made by oblique {{.Version}}. Every figure is drawn from the Arrow tables listed below (in <code>tables/</code>);
the <a href="#values">table of values</a> gives every number drawn, where it comes from, and the seed and settings that produced it.</p>
{{with .Notes}}<ul class="notes">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
<nav><ul>{{range .Figures}}<li><a href="#{{.ID}}">{{.Title}}</a></li>{{end}}{{if .Recordings}}<li><a href="#recordings">Recordings</a></li>{{end}}<li><a href="#tables">Tables</a></li><li><a href="#values">Values</a></li></ul></nav>

{{range .Figures}}
<section class="figure" id="{{.ID}}">
<h2 id="{{.ID}}-title">{{.Title}}</h2>
<figure data-figure="{{.ID}}" data-values="{{.Count}}">
<div class="plot-box" style="max-width: {{.MaxWidth}}px">{{.SVG}}</div>
<figcaption>{{.Caption}} Drawn from {{range $i, $t := .Tables}}{{if $i}}, {{end}}<a href="tables/{{$t}}">{{$t}}</a>{{end}}.
Files: <a href="{{.Src}}.svg">SVG</a>, <a href="{{.Src}}.pdf">PDF</a>, <a href="{{.Src}}.png">PNG</a>.</figcaption>
</figure>
{{with .Notes}}<ul class="notes">{{range .}}<li>{{.}}</li>{{end}}</ul>{{end}}
</section>
{{end}}

{{with .Recordings}}
<h2 id="recordings">Recordings</h2>
<p>Each recording of the <code>analyze</code> tables with its notes (the table's <code>notes</code> column). Where the
numbers are not meaningful (<code>caveat</code>), the figures draw it hollow.</p>
<table class="recordings"><thead><tr><th>recording</th><th>table</th><th>status</th><th>notes</th></tr></thead><tbody>
{{range .}}<tr data-table="{{.Table}}" data-row="{{.Row}}"{{if .Caveat}} data-caveat="{{.Caveat}}"{{end}}><td>{{.Name}}</td><td><a href="#table-{{.Table}}">{{.Table}}</a></td>
<td>{{if .Error}}<span class="error">failed: {{.Error}}</span>{{else if .Caveat}}<strong>not meaningful: {{.Caveat}}</strong>{{else}}analysed{{end}}</td>
<td>{{with .Notes}}<ul class="notes">{{range .}}<li>{{.}}</li>{{end}}</ul>{{else}}—{{end}}</td></tr>
{{end}}</tbody></table>
{{end}}

<h2 id="tables">Tables</h2>
{{range .Tables}}
<section class="table-info" id="table-{{.Name}}" data-table="{{.Name}}">
<h3><a href="{{.Href}}">{{.Name}}</a> — {{if .Kind}}{{.Kind}}{{else}}(no kind){{end}}, {{.Rows}} rows, {{.Columns}} columns</h3>
<table class="meta"><tr><th>metadata</th><th>value</th></tr>
{{range .Meta}}<tr><th><code>{{.Key}}</code></th><td>{{.Value}}</td></tr>{{end}}
</table>
<details><summary>columns</summary>
<table class="schema"><tr><th>column</th><th>type</th><th>unit</th><th>meaning</th></tr>
{{range .Fields}}<tr><td><code>{{.Name}}</code></td><td><code>{{.Type}}</code></td><td>{{.Unit}}</td><td>{{.Doc}}</td></tr>{{end}}
</table></details>
</section>
{{end}}

<h2 id="values">Values</h2>
<p>Every number drawn in the figures, figure by figure (open a figure's list to see them). <em>source</em> is
<code>table:column[row][index…]</code> (rows and list indices from 0; <code>@key</code> is schema metadata,
<code>@key.Field</code> a field of JSON metadata) and links to the metadata (the settings) of the table that holds it;
the value is shown to 4 digits, the <code>data-value</code> attribute holds it in full.</p>
<div id="values-table">
{{range .Groups}}<details class="values" data-figure="{{.Figure}}"><summary>{{.Title}}: {{len .Values}} values</summary>
<table><thead><tr><th>quantity</th><th>recording / run</th><th>at</th><th>value</th><th>source</th><th>seed</th></tr></thead><tbody>
{{range .Values}}<tr data-figure="{{.Figure}}" data-table="{{.Table}}" data-column="{{.Column}}" data-row="{{.Row}}" data-index="{{.Index}}" data-value="{{.Full}}"><td>{{.Quantity}}</td><td>{{.Subject}}</td><td>{{.At}}</td><td class="num">{{.Shown}}</td><td class="ref"><a href="#table-{{.Table}}">{{.Ref}}</a></td><td>{{.Seed}}</td></tr>
{{end}}</tbody></table></details>
{{end}}</div>

<div id="page-check" hidden></div>
<script>
(function () {
  var out = [];
  var figs = document.querySelectorAll("figure[data-figure]");
  figs.forEach(function (f) {
    var svg = f.querySelector("svg");
    var n = svg ? svg.querySelectorAll("path, text").length : 0;
    var box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
    out.push(f.getAttribute("data-figure") + " elements=" + n + " width=" + Math.round(box.width) + " height=" + Math.round(box.height));
  });
  var el = document.getElementById("page-check");
  el.textContent = "figures=" + figs.length + "\n" + out.join("\n");
  el.setAttribute("data-done", "1");
})();
</script>
</body>
</html>
`))
