// Writes Polars' form of the first 300 rows of samples/orders.csv, for
// largetext_test.go: Polars' streaming Parquet sink writes text as
// large_utf8 in the stored ARROW:schema (its IPC sink writes string_view,
// which plan reads as utf8). Run from this directory:
//   NODE_PATH=~/.cache/arrowpipe-compare/node_modules node make.cjs
const pl = require('nodejs-polars');

pl.scanCSV('../../../../samples/orders.csv').head(300)
  .sinkParquet('orders_polars.parquet', { compression: 'zstd' }).collectSync();
