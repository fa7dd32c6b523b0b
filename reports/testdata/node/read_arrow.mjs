// Reads Arrow IPC files with Arrow JS and prints, as JSON, each file's
// schema (field names, types, nullability, metadata), row count and every
// value. 64-bit integers are printed as strings (exact), floats as JSON
// numbers (shortest round-trip form), nested lists as arrays, nulls (and
// NaN) as null. Used by the Go tests: node read_arrow.mjs FILE…
import { readFileSync } from "node:fs";
import { tableFromIPC } from "apache-arrow";

function plain(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (typeof v === "string" || typeof v === "boolean") return v;
  if (typeof v[Symbol.iterator] === "function") return Array.from(v, plain);
  return String(v);
}

function metadata(m) {
  const out = {};
  for (const [k, v] of m ?? new Map()) out[k] = v;
  return out;
}

const out = {};
for (const file of process.argv.slice(2)) {
  const table = tableFromIPC(readFileSync(file));
  const columns = {};
  for (const field of table.schema.fields) {
    const col = table.getChild(field.name);
    const vals = [];
    for (let i = 0; i < table.numRows; i++) vals.push(plain(col.get(i)));
    columns[field.name] = vals;
  }
  out[file] = {
    rows: table.numRows,
    metadata: metadata(table.schema.metadata),
    fields: table.schema.fields.map((f) => ({
      name: f.name, type: String(f.type), nullable: f.nullable, metadata: metadata(f.metadata),
    })),
    columns,
  };
}
process.stdout.write(JSON.stringify(out));
