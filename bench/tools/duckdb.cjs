// duckdb.cjs runs one SQL statement with DuckDB's Node.js API
// (@duckdb/node-api, found through NODE_PATH), for bench/compare.sh on
// machines without the duckdb command:
//
//   NODE_PATH=DIR/node_modules node bench/tools/duckdb.cjs "COPY (...) TO '/dev/stdout' (FORMAT csv)"
//
// DuckDB uses every core, as its command does.
const { DuckDBInstance } = require('@duckdb/node-api');

async function main() {
  const sql = process.argv[2];
  if (!sql) {
    throw new Error('usage: duckdb.cjs SQL');
  }
  const db = await DuckDBInstance.create(':memory:');
  const con = await db.connect();
  await con.run(sql);
}

main().catch((err) => {
  console.error(`duckdb.cjs: ${err.message}`);
  process.exit(1);
});
