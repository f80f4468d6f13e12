// Writes cast_timestamp_cases.json: DuckDB's results (session zone UTC)
// for cast's timestamp targets on columns of each timestamp kind, a date
// and a string. Run from this directory:
//   NODE_PATH=~/.cache/arrowpipe-compare/node_modules node make-cast-timestamp-cases.cjs
// Cast's names follow --schema: timestamp and timestamptz are DuckDB's
// TIMESTAMPTZ, timestamp[us] its TIMESTAMP, timestamp[ns] TIMESTAMP_NS;
// DuckDB has no zoned ns type, so timestamp_ns and timestamp[ns, UTC] are
// TIMESTAMP_NS's UTC wall clock with +00.
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');
const columns = {
  tz: ['TIMESTAMPTZ', ["'2026-01-02 03:04:05.123456+02'", "'1969-12-31 23:59:59.5+00'", 'NULL', "'2262-01-01 00:00:00+00'", "'1969-12-31 23:59:59.999999+00'"]],
  ts: ['TIMESTAMP', ["'2026-01-02 03:04:05.123456'", "'1900-03-01 00:00:00'", 'NULL', "'1678-01-01 00:00:00'", "'1969-12-31 23:59:59.999999'"]],
  tn: ['TIMESTAMP_NS', ["'2026-01-02 03:04:05.123456789'", "'1970-01-01 00:00:01.000000999'", 'NULL', "'2001-02-03 04:05:06.000000001'", "'1969-12-31 23:59:59.999999999'"]],
  s: ['VARCHAR', ["'2026-01-02 03:04:05'", "'2026-01-02 03:04:05.5'", 'NULL', "'1999-12-31 23:59:59.999999'", "'1969-12-31 23:59:59'"]],
  d: ['DATE', ["'2026-01-02'", "'1969-12-31'", 'NULL', "'2000-02-29'", "'1970-01-01'"]],
};
const targets = {
  'timestamp': ['TIMESTAMPTZ', ''], 'timestamptz': ['TIMESTAMPTZ', ''], 'timestamp_us': ['TIMESTAMPTZ', ''],
  'timestamp_ns': ['TIMESTAMP_NS', '+00'], 'timestamp[us]': ['TIMESTAMP', ''], 'timestamp[us, UTC]': ['TIMESTAMPTZ', ''],
  'timestamp[ns]': ['TIMESTAMP_NS', ''], 'timestamp[ns, UTC]': ['TIMESTAMP_NS', '+00'],
};
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  await c.run("SET TimeZone='UTC'");
  const cases = [];
  for (const [col, [ctype, vals]] of Object.entries(columns)) {
    for (const [name, [dtype, suffix]] of Object.entries(targets)) {
      const values = [];
      for (const v of vals) {
        const r = await c.runAndReadAll(`SELECT CAST(CAST(${v} AS ${ctype}) AS ${dtype})::VARCHAR`);
        const x = r.getRows()[0][0];
        values.push(x === null ? null : x + suffix);
      }
      cases.push({ column: col, target: name, duckdb: `CAST(${col} AS ${dtype})`, values });
    }
  }
  const inputs = {};
  for (const [col, [ctype, vals]] of Object.entries(columns)) {
    inputs[col] = [];
    for (const v of vals) {
      const r = await c.runAndReadAll(`SELECT CAST(${v} AS ${ctype})::VARCHAR`);
      inputs[col].push(r.getRows()[0][0]);
    }
  }
  fs.writeFileSync('cast_timestamp_cases.json', JSON.stringify({ inputs, cases }, null, 1) + '\n');
})();
