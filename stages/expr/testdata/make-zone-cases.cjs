// make-zone-cases.cjs writes zone_cases.json, DuckDB's results for the
// zone-less (TIMESTAMP) and zoned (TIMESTAMPTZ) cases that
// TestZoneCasesAgainstDuckDB runs through expressions: each case is our
// expression, the DuckDB SQL of the same meaning, DuckDB's result type
// and its values on the rows below (timestamps as µs since the epoch),
// and the rows themselves (µs, µs, days since the epoch).
// Run from this directory, with the session zone UTC as ours:
//
//   NODE_PATH=~/.cache/arrowpipe-compare/node_modules node make-zone-cases.cjs
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');

// ts is zone-less, tz zoned, d a date; DST changes in Paris (2026-03-29,
// 2026-10-25) and New York (2026-03-08, 2026-11-01) included.
const rows = `(VALUES
  (TIMESTAMP '2026-01-02 03:04:05.123456', TIMESTAMPTZ '2026-01-02 03:04:05.123456+00', DATE '2026-01-02'),
  (TIMESTAMP '2026-03-29 02:30:00', TIMESTAMPTZ '2026-03-29 00:59:59+00', DATE '2026-03-29'),
  (TIMESTAMP '2026-10-25 02:30:00', TIMESTAMPTZ '2026-10-25 01:00:00+00', DATE '2026-10-24'),
  (TIMESTAMP '2026-03-08 02:30:00', TIMESTAMPTZ '2026-11-01 05:30:00+00', DATE '2026-11-01'),
  (TIMESTAMP '1969-12-31 23:59:59.5', TIMESTAMPTZ '1970-01-01 00:00:00+00', DATE '1969-12-31'),
  (TIMESTAMP '2024-02-29 12:00:00', TIMESTAMPTZ '2024-02-29 12:00:00+00', DATE '2024-03-01'),
  (NULL, TIMESTAMPTZ '2026-06-30 12:00:00+00', NULL),
  (TIMESTAMP '2026-06-30 12:00:00', NULL, DATE '2026-06-30')
) AS t(ts, tz, d)`;

// [ours, DuckDB's]
const cases = [
  ["date_add(ts, '1 day')", "ts + INTERVAL 1 day"],
  ["date_add(ts, '1 month -2 hours')", "ts + INTERVAL 1 month - INTERVAL 2 hours"],
  ["date_add(tz, '1 month')", "tz + INTERVAL 1 month"],
  ["date_add(ts, 3, 'hours')", "ts + INTERVAL 3 hours"],
  ["date_trunc('day', ts)", "date_trunc('day', ts)"],
  ["date_trunc('month', ts)", "date_trunc('month', ts)"],
  ["date_trunc('hour', tz)", "date_trunc('hour', tz)"],
  ["date_trunc('day', ts, 'Europe/Paris')", "timezone('Europe/Paris', date_trunc('day', timezone('Europe/Paris', ts::TIMESTAMPTZ)))"],
  ["coalesce(ts, tz)", "coalesce(ts, tz)"],
  ["coalesce(ts, ts'2026-01-01T00:00:00Z')", "coalesce(ts, TIMESTAMP '2026-01-01 00:00:00')"],
  ["coalesce(ts, d)", "coalesce(ts, d)"],
  ["greatest(ts, d)", "greatest(ts, d)"],
  ["least(ts, tz)", "least(ts, tz)"],
  ["if(ts < tz, ts, tz)", "CASE WHEN ts < tz THEN ts ELSE tz END"],
  ["case when ts > ts'2026-01-01T00:00:00Z' then ts end", "CASE WHEN ts > TIMESTAMP '2026-01-01 00:00:00' THEN ts END"],
  ["nullif(ts, ts'2026-06-30T12:00:00Z')", "nullif(ts, TIMESTAMP '2026-06-30 12:00:00')"],
  ["ts < tz", "ts < tz"],
  ["ts == tz", "ts = tz"],
  ["ts >= d", "ts >= d"],
  ["ts in (tz, ts'2024-02-29T12:00:00Z')", "ts IN (tz, TIMESTAMP '2024-02-29 12:00:00')"],
  ["to_timezone(ts, 'Europe/Paris')", "timezone('Europe/Paris', ts)"],
  ["to_timezone(ts, 'America/New_York')", "timezone('America/New_York', ts)"],
  ["to_timezone(tz, 'America/New_York')", "timezone('America/New_York', tz)"],
  ["to_timezone(tz, 'Asia/Kolkata')", "timezone('Asia/Kolkata', tz)"],
  ["to_timezone(to_timezone(tz, 'Europe/Paris'), 'Europe/Paris')", "timezone('Europe/Paris', timezone('Europe/Paris', tz))"],
  ["hour(to_timezone(tz, 'Europe/Paris'))", "hour(timezone('Europe/Paris', tz))"],
  ["strftime(ts, '%Y-%m-%d %H:%M:%S')", "strftime(ts, '%Y-%m-%d %H:%M:%S')"],
  ["strftime(ts, '%d %Z|%%Z')", "strftime(ts, '%d %Z|%%Z')"],
  ["strftime(tz, '%d %Z|')", "strftime(tz, '%d %Z|')"],
  ["strftime(to_timezone(tz, 'America/New_York'), '%Y-%m-%d %H:%M')", "strftime(timezone('America/New_York', tz), '%Y-%m-%d %H:%M')"],
  ["date_diff('hour', ts, tz)", "date_diff('hour', ts, tz)"],
  ["date_diff('day', d, ts)", "date_diff('day', d, ts)"],
  ["year(ts) * 10000 + month(ts) * 100 + day(ts)", "year(ts) * 10000 + month(ts) * 100 + day(ts)"],
  ["epoch_ms(ts)", "epoch_ms(ts)"],
];

const micros = (t) => t.startsWith('TIMESTAMP');

async function main() {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run("SET TimeZone = 'UTC'");
  const data = await con.runAndReadAll(`SELECT epoch_us(ts), epoch_us(tz), d - DATE '1970-01-01' FROM ${rows}`);
  const asText = (row) => row.map((v) => (v === null ? null : v.toString()));
  const out = { rows: data.getRows().map(asText), cases: [] };
  for (const [ours, sql] of cases) {
    const probe = await con.runAndReadAll(`SELECT ${sql} AS x FROM ${rows}`);
    const type = probe.columnTypes()[0].toString();
    const sel = micros(type) ? `epoch_us(${sql})` : sql;
    const r = await con.runAndReadAll(`SELECT ${sel} AS x FROM ${rows}`);
    const values = r.getRows().map((row) => asText(row)[0]);
    out.cases.push({ expr: ours, duckdb: sql, type, values });
  }
  fs.writeFileSync('zone_cases.json', JSON.stringify(out, null, 1) + '\n');
}

main().catch((err) => {
  console.error(`make-zone-cases.cjs: ${err.message}`);
  process.exit(1);
});
