package expr

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// specBatch has three rows: (7, 2.5, "EU", true), (-7, null, "ß x", null),
// (null, 0, null, false) in columns a int64, f float64, s string, b bool,
// plus t = 2026-03-04T05:06:07.5Z, 1969-12-31T23:59:59Z, null and
// d = 2024-02-29, 1970-01-01, null.
func specBatch(t *testing.T, mem memory.Allocator) arrow.RecordBatch {
	t.Helper()
	schema := arrow.NewSchema([]arrow.Field{
		{Name: "a", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
		{Name: "f", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
		{Name: "s", Type: arrow.BinaryTypes.String, Nullable: true},
		{Name: "b", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
		{Name: "t", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
		{Name: "d", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	}, nil)
	b := array.NewRecordBuilder(mem, schema)
	defer b.Release()
	b.Field(0).(*array.Int64Builder).AppendValues([]int64{7, -7, 0}, []bool{true, true, false})
	b.Field(1).(*array.Float64Builder).AppendValues([]float64{2.5, 0, 0}, []bool{true, false, true})
	b.Field(2).(*array.StringBuilder).AppendValues([]string{"EU", "ß x", ""}, []bool{true, true, false})
	b.Field(3).(*array.BooleanBuilder).AppendValues([]bool{true, false, false}, []bool{true, false, true})
	b.Field(4).(*array.TimestampBuilder).AppendValues([]arrow.Timestamp{1772600767500, -1000, 0}, []bool{true, true, false})
	b.Field(5).(*array.Date32Builder).AppendValues([]arrow.Date32{19782, 0, 0}, []bool{true, true, false})
	return b.NewRecordBatch()
}

// TestEvalSemantics checks documented semantics with hand-computed results
// (nil is null).
func TestEvalSemantics(t *testing.T) {
	tests := []struct {
		src  string
		want []any
	}{
		{"a + 1", []any{int64(8), int64(-6), nil}},
		{"a / 2", []any{3.5, -3.5, nil}},
		{"a % 3", []any{int64(1), int64(-1), nil}},
		{"a % 0", []any{nil, nil, nil}},
		{"a / 0", []any{nil, nil, nil}},
		{"f / f", []any{1.0, nil, nil}},
		{"a * f", []any{17.5, nil, nil}},
		{"-a", []any{int64(-7), int64(7), nil}},
		{"9223372036854775800 + a", []any{int64(math.MaxInt64), int64(math.MaxInt64 - 14), nil}},
		{"a > 0", []any{true, false, nil}},
		{"s == 'EU'", []any{true, false, nil}},
		{"s != 'EU'", []any{false, true, nil}},
		{"s < 'F'", []any{true, false, nil}},
		{"b and false", []any{false, false, false}},
		{"b and true", []any{true, nil, false}},
		{"b or true", []any{true, true, true}},
		{"b or false", []any{true, nil, false}},
		{"not b", []any{false, nil, true}},
		{"a is null", []any{false, false, true}},
		{"f is not null", []any{true, false, true}},
		{"a in (7, 8)", []any{true, false, nil}},
		{"a in (8, null)", []any{nil, nil, nil}},
		{"a not in (8, 9)", []any{true, true, nil}},
		{"a in (7, null)", []any{true, nil, nil}},
		{"coalesce(f, a, -1)", []any{2.5, -7.0, 0.0}},
		{"coalesce(s, 'none')", []any{"EU", "ß x", "none"}},
		{"coalesce(b, true)", []any{true, true, false}},
		{"if(b, 'yes', 'no')", []any{"yes", "no", "no"}},
		{"if(a > 0, a, null)", []any{int64(7), nil, nil}},
		{"abs(a)", []any{int64(7), int64(7), nil}},
		{"round(2.5)", []any{3.0, 3.0, 3.0}},
		{"round(-2.5)", []any{-3.0, -3.0, -3.0}},
		{"round(f * 1.234, 2)", []any{3.09, nil, 0.0}},
		{"round(a * 10 + 5, -1)", []any{int64(80), int64(-70), nil}},
		{"floor(-f)", []any{-3.0, nil, 0.0}},
		{"ceil(f)", []any{3.0, nil, 0.0}},
		{"lower(s)", []any{"eu", "ß x", nil}},
		{"upper(s)", []any{"EU", "ß X", nil}},
		{"length(s)", []any{int64(2), int64(3), nil}},
		{"trim('  x y  ')", []any{"x y", "x y", "x y"}},
		{"contains(s, 'x')", []any{false, true, nil}},
		{"starts_with(s, 'ß')", []any{false, true, nil}},
		{"ends_with(s, 'U')", []any{true, false, nil}},
		{"substr(s, 2)", []any{"U", " x", nil}},
		{"substr(s, 1, 1)", []any{"E", "ß", nil}},
		{"substr('hello', 0, 3)", []any{"he", "he", "he"}},
		{"substr('hello', 4, 100)", []any{"lo", "lo", "lo"}},
		{"substr('hello', 2, -1)", []any{"", "", ""}},
		{"replace(s, 'E', 'EE')", []any{"EEU", "ß x", nil}},
		{"to_int('42') + to_int(' -1 ')", []any{int64(41), int64(41), int64(41)}},
		{"to_int('4x')", []any{nil, nil, nil}},
		{"to_int(-2.9)", []any{int64(-3), int64(-3), int64(-3)}},
		{"to_int(2.5) + to_int(-2.5) * 10", []any{int64(-27), int64(-27), int64(-27)}},
		{"to_int(-2.4)", []any{int64(-2), int64(-2), int64(-2)}},
		{"to_int(1e300)", []any{nil, nil, nil}},
		{"to_float('2.5')", []any{2.5, 2.5, 2.5}},
		{"to_string(a)", []any{"7", "-7", nil}},
		{"to_string(f)", []any{"2.5", nil, "0"}},
		{"to_string(t)", []any{"2026-03-04T05:06:07.5Z", "1969-12-31T23:59:59Z", nil}},
		{"to_string(d)", []any{"2024-02-29", "1970-01-01", nil}},
		{"to_bool('true')", []any{true, true, true}},
		{"year(t)", []any{int64(2026), int64(1969), nil}},
		{"month(t)", []any{int64(3), int64(12), nil}},
		{"day(t)", []any{int64(4), int64(31), nil}},
		{"hour(t)", []any{int64(5), int64(23), nil}},
		{"minute(t)", []any{int64(6), int64(59), nil}},
		{"epoch(t)", []any{1772600767.5, -1.0, nil}},
		{"epoch(d)", []any{1709164800.0, 0.0, nil}},
		{"(epoch(t) - epoch(d)) / 86400", []any{(1772600767.5 - 1709164800.0) / 86400, -1.0 / 86400, nil}},
		{"year(d) * 10000 + month(d) * 100 + day(d)", []any{int64(20240229), int64(19700101), nil}},
		{"to_string(date_trunc('year', t))", []any{"2026-01-01T00:00:00Z", "1969-01-01T00:00:00Z", nil}},
		{"to_string(date_trunc('month', t))", []any{"2026-03-01T00:00:00Z", "1969-12-01T00:00:00Z", nil}},
		{"to_string(date_trunc('day', t))", []any{"2026-03-04T00:00:00Z", "1969-12-31T00:00:00Z", nil}},
		{"to_string(date_trunc('hour', t))", []any{"2026-03-04T05:00:00Z", "1969-12-31T23:00:00Z", nil}},
		{"to_string(date_trunc('minute', t))", []any{"2026-03-04T05:06:00Z", "1969-12-31T23:59:00Z", nil}},
		{"to_string(date_trunc('month', d))", []any{"2024-02-01", "1970-01-01", nil}},
		{"t > ts'2000-01-01T00:00:00Z'", []any{true, false, nil}},
		{"d == date'2024-02-29'", []any{true, false, nil}},
		{"t >= d", []any{true, false, nil}},
		{"to_date(t) == date'1969-12-31'", []any{false, true, nil}},
	}
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			e, err := Compile(tt.src, rec.Schema())
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err)
			defer got.Release()
			require.Equal(t, len(tt.want), got.Len())
			for r, w := range tt.want {
				have := refValue(got, r)
				if ts, ok := have.(tsVal); ok {
					have = refTime(ts).UnixMicro()
				}
				if f, ok := w.(float64); ok && have != nil {
					assert.InDelta(t, f, have, 1e-9, "row %d", r)
					continue
				}
				assert.Equal(t, w, have, "row %d", r)
			}
			// The reference evaluator must agree with the hand-computed values too.
			checkAgainstReference(t, tt.src, rec, mem)
		})
	}
}

// TestEveryOperatorAndFunction runs one expression per operator and
// function over each column type against the reference, with and without
// nulls, on whole and sliced batches.
func TestEveryOperatorAndFunction(t *testing.T) {
	var srcs []string
	nums := []string{"i1", "i2", "n32", "f1", "`unit price`", "3", "-1.5"}
	for _, op := range []string{"+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">="} {
		for _, l := range nums {
			for _, r := range nums {
				srcs = append(srcs, l+" "+op+" "+r)
			}
		}
	}
	for _, op := range []string{"==", "!=", "<", "<=", ">", ">="} {
		for _, p := range [][2]string{{"s1", "s2"}, {"s1", "'EU'"}, {"'US'", "ls"}, {"ls", "'a long literal string'"},
			{"t1", "t2"}, {"t3", "d1"}, {"d1", "date'2000-01-01'"}, {"t1", "ts'2000-01-01T00:00:00Z'"}} {
			srcs = append(srcs, p[0]+" "+op+" "+p[1])
		}
	}
	srcs = append(srcs, "b1 and b2", "b1 or b2", "not b1", "b1 && true", "b2 || false", "!b2",
		"b1 and null", "b1 or null", "b1 == b2", "b1 != true")
	for _, c := range []string{"i1", "f1", "s1", "b1", "t2", "d1", "ls"} {
		srcs = append(srcs, c+" is null", c+" is not null", "to_string("+c+")", "coalesce("+c+", "+c+")",
			"if(b1, "+c+", "+c+")")
	}
	srcs = append(srcs,
		"-i1", "-f1", "i1 in (1, 2, i2)", "b1 in (true, b2)", "b1 not in (null)", "d1 in (date'2000-01-01', d1)", "t2 not in (t1, d1)", "i1 in (f1, 2.5)", "f1 in (0, 1.5)", "s1 in ('EU', 'US')", "s1 not in ('EU')", "t1 in (t2)",
		"coalesce(i1, i2, 0)", "coalesce(f1, i1)", "coalesce(s1, s2, 'z')", "coalesce(t1, d1)", "if(b1, i1, f1)",
		"abs(i1)", "abs(f1)", "round(f1)", "round(f1, 1)", "round(i1, -1)", "floor(f1)", "ceil(f1)",
		"lower(s1)", "upper(ls)", "length(s1)", "trim(s1)", "contains(s1, s2)", "starts_with(s1, 'a')",
		"ends_with(ls, 'é')", "substr(s1, i2)", "substr(s1, i2, 2)", "replace(s1, 'a', 'b')",
		"to_int(s1)", "to_int(f1)", "to_int(b1)", "to_float(s1)", "to_float(i1)", "to_bool(s1)", "to_bool(i2)",
		"to_timestamp(s1)", "to_timestamp(d1)", "to_date(t3)", "to_date(s1)",
		"year(t1)", "month(t2)", "day(t3)", "hour(t1)", "minute(t2)", "year(d1)", "month(d1)", "day(d1)",
		"date_trunc('year', t1)", "date_trunc('month', t2)", "date_trunc('day', t3)", "date_trunc('hour', t1)",
		"date_trunc('minute', t1)", "date_trunc('year', d1)", "date_trunc('month', d1)", "date_trunc('day', d1)")
	for _, nullRate := range []float64{0, 0.3} {
		for _, sliced := range []bool{false, true} {
			t.Run(fmt.Sprintf("nulls=%v/sliced=%v", nullRate, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rng := rand.New(rand.NewPCG(3, 4))
				rec := randomBatch(rng, mem, 150, nullRate)
				defer rec.Release()
				if sliced {
					s := rec.NewSlice(3, 141)
					defer s.Release()
					rec = s
				}
				for _, src := range srcs {
					checkAgainstReference(t, src, rec, mem)
				}
			})
		}
	}
}

func TestEvalSchemaMismatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	other := arrow.NewSchema([]arrow.Field{{Name: "a", Type: arrow.BinaryTypes.String}}, nil)
	e, err := Compile("a == 'x'", other)
	require.NoError(t, err)
	_, err = e.Eval(context.Background(), rec, mem)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "does not match the compiled schema")
}

func TestEvalColumnIsZeroCopy(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := specBatch(t, mem)
	defer rec.Release()
	e, err := Compile("s", rec.Schema())
	require.NoError(t, err)
	got, err := e.Eval(context.Background(), rec, mem)
	require.NoError(t, err)
	defer got.Release()
	assert.Same(t, rec.Column(2), got)
}

func TestEvaluatorConcurrent(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	rec := randomBatch(rand.New(rand.NewPCG(9, 9)), mem, 500, 0.2)
	defer rec.Release()
	e, err := Compile("if(b1, lower(s1), to_string(i2 * 2 + f1))", rec.Schema())
	require.NoError(t, err)
	want, err := e.NewEvaluator().Eval(context.Background(), rec, mem)
	require.NoError(t, err)
	defer want.Release()
	done := make(chan error, 4)
	for range 4 {
		go func() {
			for range 20 {
				got, err := e.Eval(context.Background(), rec, mem)
				if err != nil {
					done <- err
					return
				}
				eq := array.Equal(want, got)
				got.Release()
				if !eq {
					done <- fmt.Errorf("concurrent result differs")
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(30 * time.Second):
			t.Fatal("concurrent evaluation timed out")
		}
	}
}

// TestEmptyBatch evaluates every kind of node on batches without rows.
func TestEmptyBatch(t *testing.T) {
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	empty := randomBatch(rand.New(rand.NewPCG(1, 1)), mem, 0, 0)
	defer empty.Release()
	full := randomBatch(rand.New(rand.NewPCG(1, 1)), mem, 10, 0.2)
	defer full.Release()
	slice := full.NewSlice(4, 4)
	defer slice.Release()
	for _, rec := range []arrow.RecordBatch{empty, slice} {
		for _, src := range []string{"s1 == 'EU'", "s1 < s2", "i1 + 1", "f1 / i2", "coalesce(f1, 0)", "lower(ls)",
			"b1 and b2", "i1 in (1, 2)", "to_string(t1)", "if(b1, s1, s2)", "1 + 2", "null", "s1"} {
			e, err := Compile(src, rec.Schema())
			require.NoError(t, err)
			got, err := e.Eval(context.Background(), rec, mem)
			require.NoError(t, err, src)
			assert.Equal(t, 0, got.Len(), src)
			got.Release()
		}
		e, err := Compile("s1 == 'EU'", rec.Schema())
		require.NoError(t, err)
		out, err := e.NewEvaluator().Filter(context.Background(), rec, mem)
		require.NoError(t, err)
		assert.Nil(t, out, "no row passes")
	}
}
