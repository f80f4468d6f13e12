// Writes the corpus of small files other tools write, for the readers'
// tests (stages/parquetio, stages/arrowio), the corpus tests of every
// output format and verb (cmd/arrowpipe/corpus_*_test.go) and
// bench/readback.sh: DuckDB's Parquet in every codec
// and both page versions, Polars' Parquet and Arrow IPC, with the types
// those tools use (decimal, interval, time, uuid, timestamps of every unit
// with and without a zone, lists, structs, maps, categoricals, string
// views). Run from this directory:
//   NODE_PATH=~/.cache/arrowpipe-compare/node_modules node make.cjs
const { DuckDBInstance } = require('@duckdb/node-api');
const pl = require('nodejs-polars');

const duckTable = `
SELECT i::INTEGER AS i, (i * 1.5)::DECIMAL(10,2) AS dec, (i * 1234567.891)::DECIMAL(38,6) AS dec38,
  'r' || (i % 3) AS s, i % 2 = 0 AS b, i::DOUBLE / 7 AS f, i::UTINYINT AS u8, i::UBIGINT AS u64,
  DATE '2026-01-01' + i::INTEGER AS d, TIME '03:04:05' + INTERVAL (i) SECOND AS t,
  TIMESTAMP '2026-01-02 03:04:05' + INTERVAL (i) HOUR AS ts_us,
  TIMESTAMPTZ '2026-01-02 03:04:05+00' + INTERVAL (i) HOUR AS ts_tz,
  (TIMESTAMP '2026-01-02 03:04:05')::TIMESTAMP_S AS ts_s, (TIMESTAMP '2026-01-02 03:04:05')::TIMESTAMP_MS AS ts_ms,
  (TIMESTAMP '2026-01-02 03:04:05.123456')::TIMESTAMP_NS AS ts_ns,
  INTERVAL (i) DAY + INTERVAL 3 HOUR AS iv, 
  '00000000-0000-0000-0000-00000000000' || (i % 10) AS uuid_text,
  ('00000000-0000-0000-0000-00000000000' || (i % 10))::UUID AS uuid,
  [i, i + 1] AS lst, {'a': i, 'b': 'x' || i} AS st, MAP {'k': i} AS mp,
  CASE WHEN i % 4 = 0 THEN NULL ELSE 'n' || i END AS maybe, 'blob'::BLOB AS bin
FROM range(0, 50) t(i)`;

async function duck() {
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`CREATE TABLE t AS ${duckTable}`);
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli']) {
    await con.run(`COPY t TO 'duckdb_${codec}.parquet' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 20)`);
  }
  await con.run(`COPY t TO 'duckdb_v2.parquet' (FORMAT parquet, PARQUET_VERSION v2, ROW_GROUP_SIZE 20)`);
}

function polars() {
  const n = 50;
  const idx = [...Array(n).keys()];
  const df = pl.DataFrame({
    i: idx,
    s: idx.map((i) => (i % 4 === 0 ? null : 'p' + (i % 3))),
    f: idx.map((i) => i / 7),
    lst: idx.map((i) => [i, i + 1]),
    st: idx.map((i) => ({ a: i, b: 'x' + i })),
  }).withColumns(
    pl.col('s').cast(pl.Categorical).alias('cat'),
    pl.col('i').cast(pl.Datetime('ms')).alias('ts_ms'),
    pl.col('i').cast(pl.Datetime('us', 'UTC')).alias('ts_utc'),
    pl.col('i').cast(pl.Date).alias('d'),
    pl.col('i').cast(pl.UInt32).alias('u32'),
  );
  for (const codec of ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4', 'brotli']) {
    df.writeParquet(`polars_${codec}.parquet`, { compression: codec });
  }
  df.writeIPC('polars.arrow');
  df.writeIPCStream ? df.writeIPCStream('polars.arrows') : null;
}

duck().then(polars).catch((e) => { console.error(e); process.exit(1); });
