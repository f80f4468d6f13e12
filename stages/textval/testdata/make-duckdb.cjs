// make-duckdb.cjs writes the DuckDB text fixtures that the csvin and jsonin
// DuckDB writes as text, with its float specials, TIMESTAMP and
// TIMESTAMPTZ forms, and a null in each column. Run from this directory:
//
//   NODE_PATH=~/.cache/arrowpipe-compare/node_modules node make-duckdb.cjs
const { DuckDBInstance } = require('@duckdb/node-api');

const query = `
  SELECT * FROM (VALUES
    (1, 2.0::DOUBLE, TIMESTAMP '2026-01-02 03:04:05', TIMESTAMPTZ '2026-01-02 03:04:05.5+00', DATE '2026-01-02', 'a, "b"', true),
    (-2, 'NaN'::DOUBLE, TIMESTAMP '1999-12-31 23:59:59.123456', TIMESTAMPTZ '1999-12-31 23:00:00-02', DATE '1999-12-31', 'tab	and
newline', false),
    (3, 'inf'::DOUBLE, NULL, NULL, NULL, NULL, NULL),
    (NULL, '-inf'::DOUBLE, TIMESTAMP '2026-06-30 12:00:00', TIMESTAMPTZ '2026-06-30 12:00:00+00', DATE '2026-06-30', '', true),
    (5, 1e20::DOUBLE, TIMESTAMP '2026-01-02 00:00:00', TIMESTAMPTZ '2026-01-02 00:00:00+00', DATE '2026-01-03', 'x', false),
    (6, NULL, TIMESTAMP '2026-01-02 00:00:01', TIMESTAMPTZ '2026-01-02 00:00:01+00', DATE '2026-01-04', 'y', true)
  ) AS t(i, f, ts, tz, d, s, b)`;

async function main() {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run("SET TimeZone = 'UTC'");
  await con.run(`COPY (${query}) TO 'duckdb.csv'`);
  await con.run(`COPY (${query}) TO 'duckdb.json'`);
}

main().catch((err) => {
  console.error(`make-duckdb.cjs: ${err.message}`);
  process.exit(1);
});
