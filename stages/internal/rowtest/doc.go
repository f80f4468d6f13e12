// Package rowtest turns rows of Go values into Arrow record batches and
// back, for the tests of the stage packages.
//
// A Row holds one value per column, nil for null: string for utf8,
// large_utf8 and string dictionaries; int64, int32, float64 and bool for
// their types; arrow.Date32 and arrow.Timestamp (or int64) for dates and
// timestamps. Rows reads batches back with the same types, and lists as
// []any. Everything here fails the test on a type it does not know rather
// than guess.
package rowtest
