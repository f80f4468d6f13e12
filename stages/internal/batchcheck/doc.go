// Package batchcheck checks that a record batch read from a file holds what
// its metadata claims, before any verb reads it: the Arrow IPC and Parquet
// readers call it on every batch they return.
//
//	reader ──► batch ──► Check ──► nil: pass it on
//	                          └──► error naming the column: refuse the file
//
// arrow-go's ValidateRecordFull does most of the work (buffer sizes,
// list offsets, dictionary indices, UTF-8). Its string and binary check
// slices the values by each offset before it compares the offset with the
// values' length, so a corrupt offset panics inside the check itself
// (arrow-go v18.8.0): Check first walks every string and binary array,
// nested ones included, and checks their offsets itself. As a last resort,
// a panic that still escapes arrow-go's check is returned as an error
// wrapping ErrPanic, so a corrupt file cannot crash the process; tests
// treat any such error as a bug to fix here.
//
// Cost: one pass over each column's offsets and string bytes, O(rows).
// Check is pure and safe for concurrent use; it neither retains nor
// releases the batch.
package batchcheck
