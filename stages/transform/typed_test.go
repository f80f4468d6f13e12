package transform

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

var ordersSchema = arrow.NewSchema([]arrow.Field{
	{Name: "id", Type: arrow.PrimitiveTypes.Int64},
	{Name: "region", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "qty", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "unit price", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "day", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "paid", Type: arrow.BinaryTypes.String, Nullable: true},
}, nil)

// orderBatches cuts n rows into batches of size rows.
func orderBatches(t *testing.T, mem memory.Allocator, n, size int) []arrow.RecordBatch {
	t.Helper()
	regions := []string{"EU", "US", "APAC"}
	var out []arrow.RecordBatch
	for start := 0; start < n; start += size {
		var rows []string
		for r := start; r < min(start+size, n); r++ {
			qty, price := fmt.Sprint(r%7), fmt.Sprint(float64(r%5)+0.5)
			if r%6 == 5 {
				qty = "null"
			}
			if r%4 == 3 {
				price = "null"
			}
			rows = append(rows, fmt.Sprintf(`{"id": %d, "region": %q, "qty": %s, "unit price": %s, "day": "2024-03-%02d", "paid": "%t"}`,
				r, regions[r%3], qty, price, r%28+1, r%2 == 0))
		}
		out = append(out, batchFromJSON(t, mem, ordersSchema, "["+strings.Join(rows, ",")+"]"))
	}
	return out
}

// runChain runs one verb over batches on a pipeline with two workers and
// returns the output batches, which the caller releases.
func runChain(t *testing.T, mem memory.Allocator, v verb.Verb, batches []arrow.RecordBatch) ([]arrow.RecordBatch, *arrow.Schema) {
	t.Helper()
	st, schema, err := v.Build(verb.Env{Workers: 2, Mem: mem, MaxMemory: 1 << 20, TempDir: t.TempDir()}, ordersSchema)
	require.NoError(t, err)
	rr, err := array.NewRecordReader(ordersSchema, batches)
	require.NoError(t, err)
	defer rr.Release()
	var out []arrow.RecordBatch
	sink := pipeline.ToFunc(func(_ context.Context, rec arrow.RecordBatch) error {
		rec.Retain()
		out = append(out, rec)
		return nil
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p := pipeline.New(pipeline.FromRecordReader(rr), []pipeline.Stage{st}, sink, pipeline.Config{Mem: mem, DecodeWorkers: 1, EncodeWorkers: 1})
	require.NoError(t, p.Run(ctx))
	return out, schema
}

// The command line's words build the same verb as the typed constructor:
// same schema, same rows, in several batches.
func TestTypedMatchesCommandLine(t *testing.T) {
	cases := []struct {
		typed verb.Verb
		name  string
		words string
	}{
		{Select("unit price", "id"), "select", "`unit price`, id"},
		{Drop("day", "region"), "drop", "day,region"},
		{Rename(Renaming{"unit price", "price"}, Renaming{"id", "key"}), "rename", "unit price=price, `id`=key"},
		{Cast(Casting{"qty", arrow.PrimitiveTypes.Float64}, Casting{"unit price", arrow.PrimitiveTypes.Int64},
			Casting{"day", arrow.FixedWidthTypes.Date32}, Casting{"paid", arrow.FixedWidthTypes.Boolean},
			Casting{"id", arrow.BinaryTypes.String}), "cast", "qty:float, unit price:INT, day:date, paid:boolean, id:string"},
		{Cast(Casting{"day", arrow.FixedWidthTypes.Timestamp_us}), "cast", "day:timestamp"},
		{Filter(`qty > 2 and region != "US"`), "filter", `qty > 2 and region != "US"`},
		{Derive(Definition{"total", "qty * `unit price`"}, Definition{"qty", "coalesce(total, -1)"}, Definition{"big", "qty > 5"}),
			"derive", "total = qty * `unit price`; qty = coalesce(total, -1);big=qty > 5;"},
		{Head(23), "head", "23"},
		{Tail(31), "tail", "31"},
	}
	for _, c := range cases {
		for _, size := range []int{1, 7, 50} {
			t.Run(fmt.Sprintf("verb=%s/batch=%d", c.name, size), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				parsed, err := verbNamed(t, c.name).Parse([]string{c.words})
				require.NoError(t, err)
				assert.Equal(t, c.typed.Name, parsed.Name)
				assert.Equal(t, c.typed.Spills, parsed.Spills)

				batches := orderBatches(t, mem, 100, size)
				defer releaseAll(batches)
				want, wantSchema := runChain(t, mem, c.typed, batches)
				defer releaseAll(want)
				got, gotSchema := runChain(t, mem, parsed, batches)
				defer releaseAll(got)
				assert.True(t, wantSchema.Equal(gotSchema), "schemas:\n%v\n%v", wantSchema, gotSchema)
				assert.Equal(t, rowsOf(t, want), rowsOf(t, got))
				assert.NotEmpty(t, rowsOf(t, want), "the case must keep some rows")
			})
		}
	}
}

// rowsOf renders batches as JSON rows, one string each.
func rowsOf(t *testing.T, bs []arrow.RecordBatch) []string {
	var rows []string
	for _, b := range bs {
		if b.NumRows() > 0 {
			rows = append(rows, strings.Split(jsonOf(t, b), "\n")...)
		}
	}
	return rows
}

// A typed constructor takes its arguments as given; a bad one fails at
// Build with an error naming the verb.
func TestConstructorErrorsAtBuild(t *testing.T) {
	cases := []struct {
		v    verb.Verb
		want string
	}{
		{Head(-1), "head: -1 is not a row count (a whole number ≥ 0)"},
		{Tail(-3), "tail: -3 is not a row count (a whole number ≥ 0)"},
		{Cast(Casting{"qty", arrow.BinaryTypes.LargeString}), `cast: column "qty": cannot cast to large_utf8 (types: int64, float64, utf8, bool, timestamp[us, tz=UTC], timestamp[ns, tz=UTC], timestamp[us], timestamp[ns], date32)`},
		{Cast(Casting{"qty", &arrow.TimestampType{Unit: arrow.Second}}), `cast: column "qty": cannot cast to timestamp[s] (types: int64, float64, utf8, bool, timestamp[us, tz=UTC], timestamp[ns, tz=UTC], timestamp[us], timestamp[ns], date32)`},
		{Cast(Casting{Column: "qty"}), `cast: column "qty": cannot cast to <nil> (types: int64, float64, utf8, bool, timestamp[us, tz=UTC], timestamp[ns, tz=UTC], timestamp[us], timestamp[ns], date32)`},
		{Cast(Casting{"qtty", arrow.PrimitiveTypes.Int64}), `cast: unknown column "qtty", did you mean "qty"?`},
		{Derive(Definition{"", "qty + 1"}), `derive: definition 1 ("qty + 1") has no name`},
		{Derive(Definition{"a", "qty * 2"}, Definition{"b", "a + pricee"}), "derive: b: unknown column \"pricee\" at 1:5, did you mean \"price\"?\na + pricee\n    ^"},
		{Select(), "select: no columns"},
		{Select("id", "qtty"), `select: unknown column "qtty", did you mean "qty"?`},
		{Select("id", "id"), `select: column "id" listed twice`},
		{Drop("zzzzzzz"), `drop: unknown column "zzzzzzz" (columns: id, region, qty, price, tags, note)`},
		{Rename(Renaming{"qty", ""}), `rename: "qty" to "": a name is empty`},
		{Rename(Renaming{"qty", "id"}), `rename: two columns would be named "id"`},
		{Filter("qty +"), "filter: "},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			_, _, err := c.v.Build(verb.Env{Workers: 1, Mem: memory.NewGoAllocator()}, salesSchema)
			require.Error(t, err)
			if strings.HasSuffix(c.want, ": ") {
				assert.True(t, strings.HasPrefix(err.Error(), c.want), err.Error())
				return
			}
			assert.Equal(t, c.want, err.Error())
		})
	}
}

// The command line reports what the words show by themselves when parsing,
// before any schema is known.
func TestParseErrors(t *testing.T) {
	for _, c := range []struct{ verb, arg, want string }{
		{"head", "-1", `head: "-1" is not a row count (a whole number ≥ 0)`},
		{"cast", "qty:money", `cast: unknown type "money" (types: int, float, string, bool, timestamp, timestamptz, timestamp_us, timestamp_ns, timestamp[us], timestamp[us, UTC], timestamp[ns], timestamp[ns, UTC], date)`},
		{"cast", "qty:decimal(40,2)", `cast: bad decimal type "decimal(40,2)": want decimal(p,s) with precision 1 to 38 and scale 0 to 18, at most p`},
		{"derive", "= 1", `derive: "= 1" is not NAME = EXPR`},
		{"rename", "a=", `rename: "a=" is not OLD=NEW`},
		{"select", "a,`b", "select: unterminated backtick in \"a,`b\""},
	} {
		_, err := verbNamed(t, c.verb).Parse([]string{c.arg})
		assert.EqualError(t, err, c.want, c.verb+" "+c.arg)
	}
}

func TestReadsTyped(t *testing.T) {
	cases := []struct {
		name   string
		v      verb.Verb
		needed []string
		want   []string
	}{
		{"select", Select("price", "id"), nil, []string{"price", "id"}},
		{"select/needed", Select("price", "id"), []string{"id"}, []string{"price", "id"}},
		{"drop", Drop("tags"), []string{"id"}, []string{"id", "tags"}},
		{"drop/all", Drop("tags"), nil, nil},
		{"rename", Rename(Renaming{"qty", "quantity"}, Renaming{"note", "remark"}), []string{"quantity", "id"}, []string{"qty", "id", "note"}},
		{"cast", Cast(Casting{"note", arrow.PrimitiveTypes.Int64}), []string{"id", "note"}, []string{"id", "note"}},
		{"filter", Filter("qty > 2 and region == 'EU'"), []string{"id"}, []string{"id", "qty", "region"}},
		{"filter/unparsed", Filter("qty >"), []string{"id"}, nil},
		{"derive", Derive(Definition{"a", "qty * 2"}, Definition{"b", "a + price"}), []string{"b", "id"}, []string{"id", "price", "qty"}},
		{"derive/replaced", Derive(Definition{"qty", "qty + 1"}), []string{"qty"}, []string{"qty"}},
		{"head", Head(3), []string{"note"}, []string{"note"}},
		{"tail", Tail(3), nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NotNil(t, c.v.Reads)
			assert.Equal(t, c.want, c.v.Reads(salesSchema, c.needed))
		})
	}
	assert.Nil(t, Head(-1).Reads, "a failed verb reads every column")
	assert.True(t, Tail(1).Spills)
	assert.False(t, Head(1).Spills)
}

// Constructors keep their own copy of the arguments.
func TestConstructorsCopyArguments(t *testing.T) {
	cols := []string{"id", "qty"}
	v := Select(cols...)
	cols[0] = "note"
	_, out, err := v.Build(verb.Env{Workers: 1}, salesSchema)
	require.NoError(t, err)
	assert.Equal(t, "id", out.Field(0).Name)
}
