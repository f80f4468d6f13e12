// readback.cjs reads the files arrowpipe wrote from one original with
// DuckDB and Polars (Node.js packages, found through NODE_PATH) and prints,
// per peer, a markdown table: a row per column of the original, a column
// per format, each cell the type the peer sees and whether its values
// equal the peer's own reading of the original (the value read back cast
// to the original's type, row by row: = equal, ≠ N rows differ). For
// bench/readback.sh:
//
//   NODE_PATH=DIR/node_modules node bench/tools/readback.cjs ORIGINAL OUT.csv OUT.tsv ...
//
// A peer that cannot read the original column takes arrowpipe's Parquet
// output as its reference (marked in the heading); a file or column a
// peer cannot read shows its error.
const fs = require('fs');
const path = require('path');
const { DuckDBInstance } = require('@duckdb/node-api');
const pl = require('nodejs-polars');

const sq = (s) => `'${s.replaceAll("'", "''")}'`;
const qi = (s) => `"${s.replaceAll('"', '""')}"`;
const fmtOf = (f) => path.extname(f).slice(1);
// short is an error as a table cell: known ones by name, others cut.
function short(msg) {
  const m = String(msg).split('\n')[0];
  if (m.includes('Binary is not supported for JS conversion')) return 'nodejs-polars cannot show binary';
  if (m.includes('cannot create series from Extension')) return 'Polars has no arrow.uuid';
  return m.replaceAll('|', '\\|').slice(0, 70);
}

// DuckDB ---------------------------------------------------------------

function duckFrom(file) {
  switch (fmtOf(file)) {
    case 'parquet': return `read_parquet(${sq(file)})`;
    case 'csv': return `read_csv(${sq(file)})`;
    case 'tsv': return `read_csv(${sq(file)}, delim='\t', quote='', escape='')`;
    case 'ndjson': return `read_json(${sq(file)}, format='newline_delimited')`;
    default: return null; // Arrow IPC needs the community arrow extension
  }
}

async function duckdb(original, outputs) {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjects();
  const describe = async (from) => {
    const types = new Map();
    for (const r of await rows(`DESCRIBE SELECT * FROM ${from}`)) types.set(r.column_name, r.column_type);
    return types;
  };
  const table = { peer: 'DuckDB', cells: new Map(), counts: new Map(), note: '' };
  let ref = duckFrom(original);
  let refTypes;
  try {
    if (!ref) throw new Error('an Arrow IPC file needs the arrow extension');
    refTypes = await describe(ref);
  } catch (e) {
    const pq = outputs.find((f) => fmtOf(f) === 'parquet' && fs.existsSync(f));
    if (!pq) {
      table.note = `no reference: DuckDB cannot read the original (${short(e.message)}) and there is no Parquet copy`;
      table.columns = [];
      return table;
    }
    table.note = `reference: arrowpipe's Parquet (DuckDB cannot read the original: ${short(e.message)})`;
    ref = duckFrom(pq);
    refTypes = await describe(ref);
  }
  table.columns = [...refTypes.keys()];
  const n = Number((await rows(`SELECT count(*) AS n FROM ${ref}`))[0].n);
  for (const out of outputs) {
    const f = fmtOf(out);
    const from = duckFrom(out);
    if (!fs.existsSync(out)) {
      table.counts.set(f, 'not written');
      continue;
    }
    if (!from) {
      table.counts.set(f, 'not read (needs the arrow extension)');
      continue;
    }
    let types;
    try {
      types = await describe(from);
      const m = Number((await rows(`SELECT count(*) AS n FROM ${from}`))[0].n);
      table.counts.set(f, m === n ? `${m} =` : `${m} ≠ ${n}`);
    } catch (e) {
      table.counts.set(f, `error: ${short(e.message)}`);
      continue;
    }
    for (const [col, refType] of refTypes) {
      if (!types.has(col)) {
        table.cells.set(`${col}/${f}`, 'missing');
        continue;
      }
      const sql = `WITH a AS (SELECT row_number() OVER () AS rn, ${qi(col)} AS v FROM ${ref}),
        b AS (SELECT row_number() OVER () AS rn, ${qi(col)} AS v FROM ${from})
        SELECT count(*) FILTER (WHERE a.v IS DISTINCT FROM TRY_CAST(b.v AS ${refType})) AS d
        FROM a FULL JOIN b USING (rn)`;
      let mark;
      try {
        const d = Number((await rows(sql))[0].d);
        mark = d === 0 ? '=' : `≠ ${d}`;
      } catch (e) {
        mark = `≠ (${short(e.message)})`;
      }
      table.cells.set(`${col}/${f}`, `${types.get(col)} ${mark}`);
    }
  }
  return table;
}

// Polars ---------------------------------------------------------------

function dtypeName(s) {
  try {
    return String(s.dtype).replace(/^DataType\((.*)\)$/, '$1').replaceAll('DataType(', '(');
  } catch (e) {
    return `(${short(e.message)})`;
  }
}

function polarsRead(file, col) {
  const opts = col ? { columns: [col] } : {};
  switch (fmtOf(file)) {
    case 'parquet': return pl.readParquet(file, opts);
    case 'arrow': return pl.readIPC(fs.readFileSync(file), opts);
    case 'arrows': return pl.readIPCStream(fs.readFileSync(file), opts);
    case 'csv': return pl.readCSV(file);
    case 'tsv': return pl.readCSV(file, { sep: '\t', quoteChar: '' });
    case 'ndjson': return pl.readJSON(fs.readFileSync(file), { format: 'lines' }); // its path form fails in 0.26
  }
  throw new Error(`no reader for ${file}`);
}

const columnar = (f) => ['parquet', 'arrow', 'arrows'].includes(fmtOf(f));

function polarsColumn(file, col, whole) {
  const df = columnar(file) ? polarsRead(file, col) : whole;
  return df.getColumn(col);
}

function polars(original, outputs, columns) {
  const table = { peer: 'Polars', cells: new Map(), counts: new Map(), columns, note: '' };
  const refs = new Map();
  const fallback = [];
  for (const col of columns) {
    for (const file of [original, outputs.find((f) => fmtOf(f) === 'parquet')]) {
      try {
        const s = polarsColumn(file, col, null);
        refs.set(col, s);
        if (file !== original) fallback.push(col);
        break;
      } catch (e) {
        table.cells.set(`${col}/original`, short(e.message));
      }
    }
  }
  if (fallback.length) table.note = `reference for ${fallback.join(', ')}: arrowpipe's Parquet (Polars cannot read them from the original)`;
  const n = refs.size ? [...refs.values()][0].length : 0;
  for (const out of outputs) {
    const f = fmtOf(out);
    let whole = null;
    if (!fs.existsSync(out)) {
      table.counts.set(f, 'not written');
      continue;
    }
    if (!columnar(out)) {
      try {
        whole = polarsRead(out);
        table.counts.set(f, whole.height === n ? `${whole.height} =` : `${whole.height} ≠ ${n}`);
      } catch (e) {
        table.counts.set(f, `error: ${short(e.message)}`);
        continue;
      }
    }
    for (const col of columns) {
      let s;
      try {
        s = polarsColumn(out, col, whole);
      } catch (e) {
        table.cells.set(`${col}/${f}`, `error: ${short(e.message)}`);
        continue;
      }
      if (columnar(out) && !table.counts.has(f)) table.counts.set(f, s.length === n ? `${s.length} =` : `${s.length} ≠ ${n}`);
      const ref = refs.get(col);
      let mark = 'no reference';
      if (ref) {
        try {
          const cast = s.cast(ref.dtype, false);
          mark = ref.seriesEqual(cast, true) ? '=' : '≠';
        } catch (e) {
          mark = `≠ (${short(e.message)})`;
        }
      }
      table.cells.set(`${col}/${f}`, `${dtypeName(s)} ${mark}`);
    }
  }
  return table;
}

// Output ---------------------------------------------------------------

function print(original, outputs, table) {
  const formats = outputs.map(fmtOf);
  console.log(`\n#### ${table.peer} reads what arrowpipe wrote from ${path.basename(original)}\n`);
  if (table.note) console.log(`${table.note}\n`);
  console.log(`| column | ${formats.join(' | ')} |`);
  console.log(`|---|${formats.map(() => '---').join('|')}|`);
  console.log(`| rows | ${formats.map((f) => table.counts.get(f) ?? '').join(' | ')} |`);
  for (const col of table.columns) {
    console.log(`| ${col} | ${formats.map((f) => table.cells.get(`${col}/${f}`) ?? '').join(' | ')} |`);
  }
}

async function main() {
  const [original, ...outputs] = process.argv.slice(2);
  if (!original || outputs.length === 0) throw new Error('usage: readback.cjs ORIGINAL OUTPUT...');
  const duck = await duckdb(original, outputs);
  print(original, outputs, duck);
  const columns = duck.columns.length ? duck.columns : polarsRead(original).columns;
  print(original, outputs, polars(original, outputs, columns));
}

main().catch((err) => {
  console.error(`readback.cjs: ${err.message}`);
  process.exit(1);
});
