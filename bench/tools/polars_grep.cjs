// polars_grep.cjs keeps the rows of a CSV file that match a regular
// expression, with Polars' Node.js bindings (nodejs-polars, found through
// NODE_PATH), lazily (scanCSV), and writes them as CSV to standard output:
//
//   NODE_PATH=DIR/node_modules node bench/tools/polars_grep.cjs PATTERN FILE [COLUMN]
//
// With COLUMN: filter(col(COLUMN).str.contains(PATTERN)), arrowpipe's
// filter "regexp_matches(COLUMN, PATTERN)". Without: any column, each cast
// to a string (null never matches), as arrowpipe grep does. Polars uses
// every core.
const pl = require('nodejs-polars');

function main() {
  const [pattern, file, column] = process.argv.slice(2);
  if (!pattern || !file) {
    throw new Error('usage: polars_grep.cjs PATTERN FILE [COLUMN]');
  }
  let lf = pl.scanCSV(file);
  let cond;
  if (column) {
    cond = pl.col(column).str.contains(pattern);
  } else {
    const names = lf.columns;
    cond = pl.anyHorizontal(names.map((c) => pl.col(c).cast(pl.Utf8).str.contains(pattern).fillNull(false)));
  }
  lf.filter(cond).sinkCSV('/dev/stdout').collectSync();
}

try {
  main();
} catch (err) {
  console.error(`polars_grep.cjs: ${err.message}`);
  process.exit(1);
}
