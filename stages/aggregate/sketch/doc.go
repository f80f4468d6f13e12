// Package sketch holds the two mergeable summaries the aggregate stage uses
// when exact answers would need unbounded memory:
//
//   - HLL, a HyperLogLog distinct counter with precision 14 (16384 one-byte
//     registers, 16 KiB once dense; small sets stay in a sparse list of a few
//     KiB). Its standard error is 1.04/sqrt(16384) ≈ 0.81 % of the true
//     count, over the whole range, using Ertl's improved estimator (no bias
//     tables, no switch to linear counting).
//   - TDigest, a merging t-digest (Dunning) with the arcsine scale function.
//     With the default compression of 200 the rank error measured on 10M
//     values is below 0.5 % at the median and below 0.05 % at p99 (see the
//     tests); it is exact for the extreme ranks.
//
// Both take 64-bit inputs one at a time (Add) and merge with another sketch
// of the same kind (Merge), so partial sketches built by parallel workers
// combine into one. HLL is order-independent: the same set of hashes gives
// the same estimate however it was split and merged. A TDigest depends, in
// its last digits, on the order of adds and merges.
//
// Neither type is safe for concurrent use; the zero value of each is an
// empty sketch ready to use.
package sketch
