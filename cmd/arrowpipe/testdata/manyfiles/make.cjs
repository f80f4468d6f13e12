// make.cjs writes the many-files fixtures and what DuckDB reads from them,
// the reference for manyfiles_test.go. Run from this directory:
//
//   NODE_PATH=~/.cache/arrowpipe-compare/node_modules node make.cjs
//
// drift/*.csv have reordered, missing, extra and type-changing columns;
// hive/ is a tree written by DuckDB's COPY ... PARTITION_BY. The expected
// files are DuckDB's read_csv(union_by_name=true, filename=true) and
// read_parquet(hive_partitioning=true), in file then row order.
const fs = require('fs');
const { DuckDBInstance } = require('@duckdb/node-api');

const drift = {
  'drift/a.csv': 'id,name,price,qty\n1,apple,1.5,3\n2,pear,2.25,4\n',
  'drift/b.csv': 'price,id,extra\n3,3,x\n4,4,y\n',                 // reordered, name and qty missing, extra added, price integer
  'drift/c.csv': 'qty,name,id\n5,plum,c7\n6,,8\n',                 // id text: widens to string
  'drift/d.csv': 'id,name,price,qty\n',                            // header only
};

async function main() {
  fs.mkdirSync('drift', { recursive: true });
  for (const [p, text] of Object.entries(drift)) fs.writeFileSync(p, text);
  fs.rmSync('hive', { recursive: true, force: true });
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(`COPY (SELECT i AS id, 2025 + i % 2 AS year, CASE WHEN i % 3 = 0 THEN 'EU' ELSE 'US' END AS region, i * 1.5 AS amount
                       FROM range(12) t(i)) TO 'hive' (FORMAT parquet, PARTITION_BY (year, region))`);
  await con.run(`COPY (SELECT * FROM read_csv('drift/*.csv', union_by_name = true, filename = true))
                 TO 'expected-drift.csv' (HEADER)`);
  await con.run(`COPY (SELECT * FROM read_parquet('hive/**/*.parquet', hive_partitioning = true) ORDER BY id)
                 TO 'expected-hive.csv' (HEADER)`);
  await con.run(`COPY (SELECT * FROM read_parquet('hive/**/*.parquet', hive_partitioning = true) WHERE year = 2026 ORDER BY id)
                 TO 'expected-hive-2026.csv' (HEADER)`);
}

main().catch((err) => {
  console.error(`make.cjs: ${err.message}`);
  process.exit(1);
});
