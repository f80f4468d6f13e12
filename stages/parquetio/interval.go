package parquetio

import (
	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/parquet"
	"github.com/apache/arrow-go/v18/parquet/metadata"
	"github.com/apache/arrow-go/v18/parquet/schema"
)

// Parquet's INTERVAL (months, days, milliseconds as three little-endian
// uint32, a 12-byte FIXED_LEN_BYTE_ARRAY) has no Arrow type that pqarrow
// writes, so it is read as fixed_size_binary[12] with this field
// metadata, and a field so marked is written back annotated INTERVAL:
// DuckDB reads it as INTERVAL again, not as BLOB.
const (
	convertedTypeKey = "parquet.converted_type"
	intervalName     = "INTERVAL"
	intervalBytes    = 12
)

// markIntervals returns sc with its top-level INTERVAL columns (per the
// file's Parquet schema md) marked by convertedTypeKey.
func markIntervals(sc *arrow.Schema, md *schema.Schema) *arrow.Schema {
	fields := sc.Fields()
	changed := false
	for c := 0; c < md.NumColumns(); c++ {
		col := md.Column(c)
		if len(col.ColumnPath()) != 1 || col.ConvertedType() != schema.ConvertedTypes.Interval {
			continue
		}
		for i := range fields {
			if fields[i].Name == col.Name() && isIntervalStorage(fields[i].Type) {
				fields[i].Metadata = withKey(fields[i].Metadata, convertedTypeKey, intervalName)
				changed = true
			}
		}
	}
	if !changed {
		return sc
	}
	md2 := sc.Metadata()
	return arrow.NewSchema(fields, &md2)
}

func isIntervalStorage(t arrow.DataType) bool {
	fsb, ok := t.(*arrow.FixedSizeBinaryType)
	return ok && fsb.ByteWidth == intervalBytes
}

// isInterval reports whether f is a column to write as INTERVAL.
func isInterval(f arrow.Field) bool {
	v, ok := f.Metadata.GetValue(convertedTypeKey)
	return ok && v == intervalName && isIntervalStorage(f.Type)
}

// withKey returns md with key set to val.
func withKey(md arrow.Metadata, key, val string) arrow.Metadata {
	md = without(md, key)
	return arrow.NewMetadata(append(md.Keys(), key), append(md.Values(), val))
}

// annotateIntervals sets converted type INTERVAL on the footer's schema
// elements of sc's INTERVAL-marked top-level columns.
func annotateIntervals(md *metadata.FileMetaData, sc *arrow.Schema) {
	elems := md.FileMetaData.Schema
	if len(elems) == 0 {
		return
	}
	// Walk the root's children, skipping each one's subtree.
	i := 1
	for range elems[0].GetNumChildren() {
		if i >= len(elems) {
			return
		}
		e := elems[i]
		if e.GetNumChildren() == 0 && e.IsSetType() && parquet.Type(e.GetType()) == parquet.Types.FixedLenByteArray &&
			e.GetTypeLength() == intervalBytes {
			for _, f := range sc.Fields() {
				if f.Name == e.GetName() && isInterval(f) {
					setEnum(&e.ConvertedType, int64(schema.ConvertedTypes.Interval))
				}
			}
		}
		// Skip e and its descendants.
		for pending := 1; pending > 0 && i < len(elems); i++ {
			pending += int(elems[i].GetNumChildren()) - 1
		}
	}
}

// setEnum points p at v, for thrift enum fields whose type is internal
// to arrow-go.
func setEnum[T ~int64](p **T, v int64) {
	x := T(v)
	*p = &x
}
