// Package gen writes deterministic order data of the shape of
// samples/orders.csv at any size: id, ts, region, product, qty, price, a
// nullable discount and a free-text note that sometimes holds commas,
// quotes and newlines. The same rows and seed always give the same bytes.
//
// Rows are made in blocks on a pool of goroutines (each block's random
// stream is seeded from the seed and the block number) and written in
// order, so a gigabyte takes a few seconds.
package gen
