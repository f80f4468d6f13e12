package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// keptType is one row of the README's table of what a conversion keeps:
// a family of Arrow types and the type each output format gives back when
// arrowpipe reads what it wrote. The corpus tests check every column of
// every corpus file against it, and the README's table is generated from
// it (TestREADMETypeTable), so that the two cannot drift.
type keptType struct {
	// in names the family as the README shows it; match recognises it.
	in    string
	match func(arrow.DataType) bool
	// text and ndjson are the types CSV/TSV and NDJSON give back.
	text, ndjson cell
	// columnar is what Arrow (file and stream) and Parquet give back; the
	// zero cell means the same type.
	arrow, parquet cell
	// written says how text formats write a value, for the README.
	written string
}

// cell is one answer of the table: its README text and the type the test
// expects (nil: the text is the type's name as schema prints it).
type cell struct {
	text string
	typ  func(in arrow.DataType) string
	// gap, when set, is what is still wrong with this conversion; the test
	// holds it to the behaviour described, so fixing it means updating
	// this row and the README with it.
	gap string
	// also, when set, is a second answer accepted while a change to it is
	// under way.
	also func(in arrow.DataType) string
	// refusal, when set, is the error writing this type fails with today.
	refusal string
}

func (c cell) want(in arrow.DataType) string {
	switch {
	case c.typ != nil:
		return c.typ(in)
	case c.text == "":
		return typeName(in)
	}
	return c.text
}

func (c cell) readme() string {
	text := c.text
	if text == "" {
		text = "same"
	}
	if c.gap != "" {
		text += " (" + c.gap + ")"
	}
	return text
}

// keptTypes is the table. Rows are tried in order; every column of the
// corpus must match one.
func keptTypes() []keptType {
	is := func(ids ...arrow.Type) func(arrow.DataType) bool {
		return func(t arrow.DataType) bool {
			for _, id := range ids {
				if t.ID() == id {
					return true
				}
			}
			return false
		}
	}
	timestamp := func(zoned, ns bool) func(arrow.DataType) bool {
		return func(t arrow.DataType) bool {
			ts, ok := t.(*arrow.TimestampType)
			return ok && (ts.TimeZone != "") == zoned && (ts.Unit == arrow.Nanosecond) == ns
		}
	}
	json := "JSON text"
	return []keptType{
		{in: "int8 … int64", match: is(arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64),
			text: cell{text: "int64"}, ndjson: cell{text: "int64"}, written: "`-12`"},
		{in: "uint8 … uint64", match: is(arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64),
			text: cell{text: "int64"}, ndjson: cell{text: "int64"}, written: "`12`"},
		{in: "float32, float64", match: is(arrow.FLOAT32, arrow.FLOAT64),
			text: cell{text: "float64"}, ndjson: cell{text: "float64"}, written: "`2.0`, `0.14285714285714285`"},
		{in: "decimal(p,s)", match: is(arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256),
			text: cell{text: "float64"}, ndjson: cell{text: "float64"}, written: "every digit of the scale: `1.50`"},
		{in: "bool", match: is(arrow.BOOL),
			text: cell{text: "bool"}, ndjson: cell{text: "bool"}, written: "`true`"},
		{in: "date32", match: is(arrow.DATE32),
			text: cell{text: "date"}, ndjson: cell{text: "date"}, written: "`2026-01-02`"},
		{in: "time64", match: is(arrow.TIME32, arrow.TIME64),
			text: cell{text: "string"}, ndjson: cell{text: "string"},
			written: "DuckDB's TIME text, `03:04:05` or the fraction digits needed (`03:04:05.5`), in every text format"},
		{in: "timestamp[s], [ms], [us]", match: timestamp(false, false),
			text: cell{text: "timestamp[us]"}, ndjson: cell{text: "timestamp[us]"}, written: "`2026-01-02T03:04:05` (no `Z`)"},
		{in: "timestamp[ns]", match: timestamp(false, true),
			text: cell{text: "timestamp[ns]"}, ndjson: cell{text: "timestamp[ns]"}, written: "9 fraction digits"},
		{in: "timestamp[s], [ms], [us] with a zone", match: timestamp(true, false),
			text: cell{text: "timestamp[us, UTC]"}, ndjson: cell{text: "timestamp[us, UTC]"}, written: "UTC: `2026-01-02T03:04:05Z`"},
		{in: "timestamp[ns] with a zone", match: timestamp(true, true),
			text: cell{text: "timestamp[ns, UTC]"}, ndjson: cell{text: "timestamp[ns, UTC]"}, written: "UTC, 9 fraction digits"},
		{in: "string, large_utf8", match: is(arrow.STRING, arrow.LARGE_STRING),
			text: cell{text: "string"}, ndjson: cell{text: "string"}, written: "as is"},
		{in: "string_view (Polars' default; read as string)", match: is(arrow.STRING_VIEW),
			text: cell{text: "string"}, ndjson: cell{text: "string"},
			arrow: cell{text: "string"}, parquet: cell{text: "string"},
			written: "as is"},
		{in: "dictionary (categorical)", match: is(arrow.DICTIONARY),
			text: cell{text: "string"}, ndjson: cell{text: "string"},
			parquet: cell{text: "dictionary of utf8", typ: func(t arrow.DataType) string {
				d := t.(*arrow.DictionaryType)
				return typeName(&arrow.DictionaryType{IndexType: d.IndexType, ValueType: arrow.BinaryTypes.String, Ordered: d.Ordered})
			}},
			written: "its value"},
		{in: "binary, large_binary", match: is(arrow.BINARY, arrow.LARGE_BINARY),
			text: cell{text: "string"}, ndjson: cell{text: "string"}, written: "base64"},
		{in: "fixed_size_binary (DuckDB's INTERVAL reads as fixed_size_binary[12])", match: is(arrow.FIXED_SIZE_BINARY),
			text: cell{text: "string"}, ndjson: cell{text: "string"}, written: "base64"},
		{in: "uuid", match: func(t arrow.DataType) bool {
			e, ok := t.(arrow.ExtensionType)
			return ok && e.ExtensionName() == "arrow.uuid"
		}, text: cell{text: "string"}, ndjson: cell{text: "string"}, written: "`00000000-0000-0000-0000-000000000001`"},
		{in: "list, large_list", match: is(arrow.LIST, arrow.LARGE_LIST),
			text:    cell{text: "string"},
			ndjson:  cell{text: "list<…>", typ: ndjsonList},
			written: json + ": `[0.0,1.0]`"},
		{in: "struct", match: is(arrow.STRUCT),
			text:    cell{text: "string"},
			ndjson:  cell{text: "struct<…>", typ: ndjsonStruct},
			written: json + ": `{\"a\":0.0,\"b\":\"x0\"}`"},
		{in: "map", match: is(arrow.MAP),
			text: cell{text: "string"}, ndjson: cell{text: "struct<…> of the keys", typ: ndjsonMap},
			written: "a JSON object, as DuckDB writes a MAP: `{\"k\":0}`"},
	}
}

// ndjsonList is the list type NDJSON gives back: list<element>, with the
// element read as NDJSON reads a value (whole floats stay float64).
func ndjsonList(t arrow.DataType) string {
	elem := t.(arrow.ListLikeType).Elem()
	switch {
	case arrow.IsFloating(elem.ID()):
		return "list<float64>"
	case arrow.IsInteger(elem.ID()):
		return "list<int64>"
	}
	return "list<string>"
}

// ndjsonMap is what NDJSON gives back for the corpus' map (one entry, key
// "k"): the object written for it, read as a struct of its keys, as DuckDB
// reads it (STRUCT).
func ndjsonMap(t arrow.DataType) string {
	item := t.(*arrow.MapType).ItemField().Type
	return ndjsonStruct(arrow.StructOf(arrow.Field{Name: "k", Type: item}))
}

// ndjsonStruct is the struct NDJSON gives back: its fields as NDJSON reads
// a value (floats stay float64 here, unlike in a list).
func ndjsonStruct(t arrow.DataType) string {
	var parts []string
	for _, f := range t.(*arrow.StructType).Fields() {
		typ := "utf8"
		switch {
		case arrow.IsInteger(f.Type.ID()):
			typ = "int64"
		case arrow.IsFloating(f.Type.ID()):
			typ = "float64"
		case f.Type.ID() == arrow.BOOL:
			typ = "bool"
		}
		parts = append(parts, f.Name+": "+typ+" nullable")
	}
	return "struct<" + strings.Join(parts, ", ") + ">"
}

// typeName is a type as arrowpipe's schema prints it, with a list's
// element field name left out (Parquet calls it element, Arrow item).
func typeName(t arrow.DataType) string {
	s := strings.TrimPrefix(textval.FormatSchema(arrow.NewSchema([]arrow.Field{{Name: "c", Type: t}}, nil)), "c:")
	for _, name := range []string{"item: ", "element: "} {
		s = strings.ReplaceAll(s, "<"+name, "<")
	}
	return s
}

// rowFor is the table's row for a type.
func rowFor(t *testing.T, table []keptType, dt arrow.DataType) keptType {
	t.Helper()
	for _, r := range table {
		if r.match(dt) {
			return r
		}
	}
	require.Failf(t, "type missing from the README's table", "%s: add a row to keptTypes", dt)
	return keptType{}
}

// typeTableMarkdown renders the table for the README.
func typeTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| Arrow type | CSV, TSV give back | NDJSON gives back | Arrow, Arrow stream | Parquet | written to text as |\n")
	b.WriteString("|---|---|---|---|---|---|\n")
	for _, r := range keptTypes() {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", r.in, r.text.readme(), r.ndjson.readme(), r.arrow.readme(), r.parquet.readme(), r.written)
	}
	return b.String()
}

const (
	readmePath       = "../../README.md"
	typeTableBegin   = "<!-- kept-types: generated by go test ./cmd/arrowpipe -run TestREADMETypeTable -update -->\n"
	typeTableEnd     = "<!-- /kept-types -->\n"
	typeTableMissing = "README.md has no kept-types table yet: add the two marker lines and run go test ./cmd/arrowpipe -run TestREADMETypeTable -update"
)

// The README's table of what each conversion keeps is the one the corpus
// tests check (-update rewrites it between its markers).
func TestREADMETypeTable(t *testing.T) {
	raw, err := os.ReadFile(readmePath)
	require.NoError(t, err)
	text := string(raw)
	begin := strings.Index(text, typeTableBegin)
	end := strings.Index(text, typeTableEnd)
	if begin < 0 || end < begin {
		t.Skip(typeTableMissing)
	}
	begin += len(typeTableBegin)
	want := typeTableMarkdown()
	if *updateMan {
		require.NoError(t, os.WriteFile(readmePath, []byte(text[:begin]+want+text[end:]), 0o644))
		return
	}
	require.Equal(t, want, text[begin:end], "README's kept-types table is stale: go test ./cmd/arrowpipe -run TestREADMETypeTable -update")
}
