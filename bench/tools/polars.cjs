// polars.cjs runs one of bench/compare.sh's workloads on a CSV file with
// Polars' Node.js bindings (nodejs-polars, found through NODE_PATH), lazily
// (scanCSV), and writes the result as CSV to standard output:
//
//   NODE_PATH=DIR/node_modules node bench/tools/polars.cjs WORKLOAD FILE
//
// WORKLOAD is count, filter-project, groupby or derive, the same queries
// compare.sh gives the other tools, or describe (DataFrame.describe, which
// reads the whole file into memory first). Polars uses every core.
const pl = require('nodejs-polars');

const workloads = {
  count: (lf) => lf.select(pl.len().alias('count')),
  'filter-project': (lf) =>
    lf.filter(pl.col('qty').gt(50).and(pl.col('region').eq(pl.lit('EU')))).select('id', 'region', 'qty'),
  groupby: (lf) =>
    lf.groupBy('region').agg(pl.len().alias('n'), pl.col('qty').sum().alias('sum_qty'), pl.col('price').mean().alias('mean_price')),
  derive: (lf) => lf.withColumns(pl.col('qty').mul(pl.col('price')).alias('total')),
};

function main() {
  const [workload, file] = process.argv.slice(2);
  if (workload === 'describe' && file) {
    process.stdout.write(pl.readCSV(file).describe().writeCSV().toString());
    return;
  }
  const query = workloads[workload];
  if (!query || !file) {
    throw new Error(`usage: polars.cjs ${Object.keys(workloads).join('|')} FILE`);
  }
  // Streams where the query allows it: a row count and a group-by are small.
  query(pl.scanCSV(file)).sinkCSV('/dev/stdout').collectSync();
}

try {
  main();
} catch (err) {
  console.error(`polars.cjs: ${err.message}`);
  process.exit(1);
}
