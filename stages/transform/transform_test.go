package transform

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

var salesSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "tags", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	{Name: "note", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

const salesRows = `[
{"id": 1, "region": "EU", "qty": 60, "price": 2.5, "tags": ["a"], "note": "12"},
{"id": 2, "region": "US", "qty": 70, "price": 1.0, "tags": [], "note": "x7"},
{"id": 3, "region": "EU", "qty": 10, "price": null, "tags": null, "note": null},
{"id": 4, "region": null, "qty": null, "price": 4.0, "tags": ["b", "c"], "note": "-3"}
]`

func batchFromJSON(t *testing.T, mem memory.Allocator, schema *arrow.Schema, rows string) arrow.RecordBatch {
	t.Helper()
	rec, _, err := array.RecordFromJSON(mem, schema, strings.NewReader(rows))
	require.NoError(t, err)
	return rec
}

// jsonOf renders a batch as JSON rows for comparison with expected text.
func jsonOf(t *testing.T, rec arrow.RecordBatch) string {
	t.Helper()
	if rec == nil {
		return "<nil>"
	}
	var b bytes.Buffer
	require.NoError(t, array.RecordToJSON(rec, &b))
	return strings.TrimSpace(b.String())
}

func build(t *testing.T, name string, args ...string) (pipeline.Stage, *arrow.Schema, error) {
	t.Helper()
	for _, s := range Verbs() {
		if s.Name == name {
			require.Len(t, args, len(s.Args), "arguments of %s", name)
			return s.Build(verb.Env{Workers: 2, Mem: memory.NewGoAllocator()}, args, salesSchema)
		}
	}
	t.Fatalf("no verb %q", name)
	return pipeline.Stage{}, nil, nil
}

// run feeds batches (each retained once for the stage) through one worker
// and Finish, and returns the outputs and the first error.
func run(t *testing.T, st pipeline.Stage, batches ...arrow.RecordBatch) ([]arrow.RecordBatch, error) {
	t.Helper()
	w := st.NewWorker()
	var out []arrow.RecordBatch
	var stop error
	for _, b := range batches {
		b.Retain()
		res, err := w.Process(context.Background(), 0, b)
		if res != nil {
			out = append(out, res)
		}
		if err != nil {
			stop = err
			if !errors.Is(err, pipeline.ErrStop) {
				return out, err
			}
		}
	}
	if st.Finish != nil {
		err := st.Finish(context.Background(), []pipeline.Worker{w}, func(b arrow.RecordBatch) error {
			out = append(out, b)
			return nil
		})
		if err != nil {
			return out, err
		}
	}
	return out, stop
}

func releaseAll(bs []arrow.RecordBatch) {
	for _, b := range bs {
		b.Release()
	}
}

func TestColumnVerbs(t *testing.T) {
	tests := []struct {
		verb, arg string
		names     []string
		rows      string // first row of the output
	}{
		{"select", "price, id", []string{"price", "id"}, `{"price":2.5,"id":1}`},
		{"select", "tags,`note`", []string{"tags", "note"}, `{"tags":["a"],"note":"12"}`},
		{"drop", "tags,note,price", []string{"id", "region", "qty"}, `{"id":1,"region":"EU","qty":60}`},
		{"rename", "qty=quantity, note = remark", []string{"id", "region", "quantity", "price", "tags", "remark"},
			`{"id":1,"region":"EU","quantity":60,"price":2.5,"tags":["a"],"remark":"12"}`},
	}
	for _, tt := range tests {
		t.Run(tt.verb+"="+tt.arg, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := batchFromJSON(t, mem, salesSchema, salesRows)
			defer rec.Release()
			st, schema, err := build(t, tt.verb, tt.arg)
			require.NoError(t, err)
			assert.Equal(t, 2, st.Workers)
			var names []string
			for _, f := range schema.Fields() {
				names = append(names, f.Name)
			}
			assert.Equal(t, tt.names, names)
			out, err := run(t, st, rec)
			require.NoError(t, err)
			defer releaseAll(out)
			require.Len(t, out, 1)
			assert.Equal(t, int64(4), out[0].NumRows())
			assert.True(t, out[0].Schema().Equal(schema))
			first, _, _ := strings.Cut(jsonOf(t, out[0]), "\n")
			assert.JSONEq(t, tt.rows, first)
			for k, f := range schema.Fields() { // zero-copy: the very same arrays
				assert.Same(t, rec.Column(rec.Schema().FieldIndices(originalName(tt, f.Name))[0]), out[0].Column(k))
			}
		})
	}
}

func originalName(tt struct {
	verb, arg string
	names     []string
	rows      string
}, name string) string {
	if tt.verb == "rename" {
		switch name {
		case "quantity":
			return "qty"
		case "remark":
			return "note"
		}
	}
	return name
}

func TestBuildErrors(t *testing.T) {
	tests := []struct{ verb, arg, want string }{
		{"select", "id,qtty", "select: unknown column \"qtty\" at 1:4, did you mean \"qty\"?\nid,qtty\n   ^"},
		{"select", "id, `qtty` ,region", "select: unknown column \"qtty\" at 1:5, did you mean \"qty\"?\nid, `qtty` ,region\n    ^"},
		{"select", "id,,qty", `select: empty column name in "id,,qty"`},
		{"select", "id,id", "select: column \"id\" listed twice at 1:4\nid,id\n   ^"},
		{"select", "zzzzzzz", "select: unknown column \"zzzzzzz\" (columns: id, region, qty, price, tags, note) at 1:1\nzzzzzzz\n^"},
		{"drop", "note,regoin", "drop: unknown column \"regoin\" at 1:6, did you mean \"region\"?\nnote,regoin\n     ^"},
		{"rename", "id=key, pric=cost", "rename: unknown column \"pric\" at 1:9, did you mean \"price\"?\nid=key, pric=cost\n        ^"},
		{"rename", "qty", `rename: "qty" is not OLD=NEW`},
		{"rename", "qty=id", `rename: two columns would be named "id"`},
		{"cast", "qty:integr", `cast: unknown type "integr", did you mean "integer"?`},
		{"cast", "qtyy:int", "cast: unknown column \"qtyy\" at 1:1, did you mean \"qty\"?\nqtyy:int\n^"},
		{"cast", "qty", `cast: "qty" is not COL:TYPE`},
		{"cast", "tags:int", `cast: column "tags" to int: to_int does not take a list (lists go to list_length, list_get, list_contains, list_join, or out as a column) at 1:8`},
		{"filter", "qty + 1", `filter: "qty + 1" is int64, not a condition`},
		{"filter", "qtty > 1", "filter: unknown column \"qtty\" at 1:1, did you mean \"qty\"?\nqtty > 1\n^"},
		{"derive", "a = qty * 2; b = a + pricee", "derive: b: unknown column \"pricee\" at 1:22, did you mean \"price\"?\na = qty * 2; b = a + pricee\n                     ^"},
		{"derive", "a == qty", `derive: "a == qty" is not NAME = EXPR`},
		{"derive", "a = 1;; b = 2", `derive: empty assignment in "a = 1;; b = 2"`},
		{"head", "-1", `head: "-1" is not a row count (a whole number ≥ 0)`},
		{"tail", "x", `tail: "x" is not a row count (a whole number ≥ 0)`},
	}
	for _, tt := range tests {
		t.Run(tt.verb+"="+tt.arg, func(t *testing.T) {
			_, _, err := build(t, tt.verb, tt.arg)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestFilter(t *testing.T) {
	tests := []struct{ expr, ids string }{
		{`qty > 50 and region == "EU"`, "1"},
		{"qty > 50", "1 2"},     // the null qty row is dropped
		{"not (qty > 50)", "3"}, // null stays null, dropped
		{"price is null or qty is null", "3 4"},
		{"region in ('EU', 'US')", "1 2 3"},
		{"id > 0", "1 2 3 4"},
		{"id > 9", ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := batchFromJSON(t, mem, salesSchema, salesRows)
			defer rec.Release()
			st, schema, err := verbNamed(t, "filter").Build(verb.Env{Workers: 3, Mem: mem}, []string{tt.expr}, salesSchema)
			require.NoError(t, err)
			assert.Same(t, salesSchema, schema)
			assert.Equal(t, 3, st.Workers)
			out, err := run(t, st, rec)
			require.NoError(t, err)
			defer releaseAll(out)
			if tt.ids == "" {
				assert.Empty(t, out)
				return
			}
			require.Len(t, out, 1)
			var ids []string
			col := out[0].Column(0).(*array.Int64)
			for r := 0; r < col.Len(); r++ {
				ids = append(ids, col.ValueStr(r))
			}
			assert.Equal(t, tt.ids, strings.Join(ids, " "))
			assert.Equal(t, len(ids), out[0].Column(4).Len(), "list column compacted too")
			if len(ids) == 4 {
				assert.Same(t, rec.Column(1), out[0].Column(1), "all rows pass: zero-copy")
			}
		})
	}
}

func TestDerive(t *testing.T) {
	tests := []struct {
		arg   string
		names string
		rows  []string
	}{
		{"total = qty * price", "id region qty price tags note total",
			[]string{`"total":150`, `"total":70`, `"total":null`, `"total":null`}},
		{"qty = qty * 2; double = qty + 1", "id region qty price tags note double",
			[]string{`"double":121,.*"qty":120,`, `"double":141,.*"qty":140,`, `"double":21,.*"qty":20,`, `"double":null,.*"qty":null,`}},
		{"region = coalesce(region, 'n/a'); `is eu` = region == 'EU';", "id region qty price tags note is eu",
			[]string{`"is eu":true.*"region":"EU"`, `"is eu":false.*"region":"US"`, `"is eu":true.*"region":"EU"`, `"is eu":false.*"region":"n/a"`}},
		{"label = if(qty > 50, 'big; very', 'small')", "id region qty price tags note label",
			[]string{`"label":"big; very"`, `"label":"big; very"`, `"label":"small"`, `"label":"small"`}},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
			defer mem.AssertSize(t, 0)
			rec := batchFromJSON(t, mem, salesSchema, salesRows)
			defer rec.Release()
			st, schema, err := verbNamed(t, "derive").Build(verb.Env{Mem: mem}, []string{tt.arg}, salesSchema)
			require.NoError(t, err)
			var names []string
			for _, f := range schema.Fields() {
				names = append(names, f.Name)
			}
			assert.Equal(t, tt.names, strings.Join(names, " "))
			out, err := run(t, st, rec)
			require.NoError(t, err)
			defer releaseAll(out)
			require.Len(t, out, 1)
			assert.True(t, out[0].Schema().Equal(schema))
			lines := strings.Split(jsonOf(t, out[0]), "\n") // keys come sorted
			require.Len(t, lines, len(tt.rows))
			for r, want := range tt.rows {
				assert.Regexp(t, want, lines[r], "row %d", r)
			}
			assert.Same(t, rec.Column(4), out[0].Column(4), "untouched columns are shared")
		})
	}
}

func TestCast(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rows := `[{"id": 1, "region": "EU", "qty": 60, "price": 2.5, "tags": [], "note": " 12"},
	          {"id": 2, "region": "US", "qty": 7, "price": 1.75, "tags": [], "note": null}]`
	rec := batchFromJSON(t, mem, salesSchema, rows)
	defer rec.Release()
	st, schema, err := verbNamed(t, "cast").Build(verb.Env{Mem: mem}, []string{"note:int, qty:string, price:int, id:int"}, salesSchema)
	require.NoError(t, err)
	assert.Equal(t, arrow.PrimitiveTypes.Int64, schema.Field(5).Type)
	assert.Equal(t, arrow.BinaryTypes.String, schema.Field(2).Type)
	out, err := run(t, st, rec)
	require.NoError(t, err)
	defer releaseAll(out)
	require.Len(t, out, 1)
	// price 2.5 and 1.75 round to the nearest int, halves away from zero.
	assert.Equal(t, `{"id":1,"note":12,"price":3,"qty":"60","region":"EU","tags":[]}`+"\n"+
		`{"id":2,"note":null,"price":2,"qty":"7","region":"US","tags":[]}`, sortedJSON(t, out[0]))
	assert.Same(t, rec.Column(0), out[0].Column(0), "id is already int64")

	bad := batchFromJSON(t, mem, salesSchema, salesRows)
	defer bad.Release()
	st, _, err = verbNamed(t, "cast").Build(verb.Env{Mem: mem}, []string{"note:int"}, salesSchema)
	require.NoError(t, err)
	out2, err := run(t, st, bad)
	releaseAll(out2)
	require.Error(t, err)
	assert.Equal(t, `cast: column "note" row 2 of the batch: cannot convert "x7" to int64`, err.Error())
}

// sortedJSON renders rows with keys in a stable order.
func sortedJSON(t *testing.T, rec arrow.RecordBatch) string {
	var lines []string
	for _, l := range strings.Split(jsonOf(t, rec), "\n") {
		var b bytes.Buffer
		require.NoError(t, jsonCompactSorted(&b, l))
		lines = append(lines, b.String())
	}
	return strings.Join(lines, "\n")
}

func TestSchemaMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := idBatches(mem, 3)[0]
	defer rec.Release()
	for _, c := range []struct{ verb, arg, want string }{
		{"select", "price,id", "select: batch has 1 columns, the stage was built for 6"},
		{"derive", "x = qty + 1", "derive: batch has 1 columns, the stage was built for 6"},
		{"cast", "id:int", "cast: batch has 1 columns, the stage was built for 6"},
	} {
		st, _, err := build(t, c.verb, c.arg)
		require.NoError(t, err)
		_, err = run(t, st, rec)
		assert.EqualError(t, err, c.want, c.verb)
	}
	other := arrow.NewSchema([]arrow.Field{{Name: "id", Type: arrow.BinaryTypes.String}}, nil)
	st, _, err := verbNamed(t, "select").Build(verb.Env{Mem: mem}, []string{"id"}, other)
	require.NoError(t, err)
	_, err = run(t, st, rec)
	assert.EqualError(t, err, `select: column 1 "id" is int64, the stage was built for utf8`)
}
