package expr

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Random test data: every column type the language reads, with nulls at
// rate nullRate, including values that hit edge cases (zero divisors,
// int64 and uint64 extremes, NaN, non-ASCII and numeric-looking strings,
// timestamps 1 ns apart or equal in different units, at the ends of the ns
// range and beyond it in the coarser units).

var testSchema = arrow.NewSchema([]arrow.Field{
	{Name: "i1", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "i2", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
	{Name: "n32", Type: arrow.PrimitiveTypes.Int32, Nullable: true},
	{Name: "f1", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "f2", Type: arrow.PrimitiveTypes.Float64, Nullable: true},
	{Name: "s1", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "s2", Type: arrow.BinaryTypes.String, Nullable: true},
	{Name: "ls", Type: arrow.BinaryTypes.LargeString, Nullable: true},
	{Name: "b1", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "b2", Type: arrow.FixedWidthTypes.Boolean, Nullable: true},
	{Name: "t1", Type: arrow.FixedWidthTypes.Timestamp_us, Nullable: true},
	{Name: "t2", Type: arrow.FixedWidthTypes.Timestamp_ms, Nullable: true},
	{Name: "t3", Type: &arrow.TimestampType{Unit: arrow.Nanosecond, TimeZone: "UTC"}, Nullable: true},
	{Name: "t4", Type: arrow.FixedWidthTypes.Timestamp_s, Nullable: true},
	{Name: "t5", Type: arrow.FixedWidthTypes.Timestamp_ns, Nullable: true},
	{Name: "d1", Type: arrow.FixedWidthTypes.Date32, Nullable: true},
	{Name: "unit price", Type: arrow.PrimitiveTypes.Float32, Nullable: true},
	{Name: "u64", Type: arrow.PrimitiveTypes.Uint64, Nullable: true},
	{Name: "u32", Type: arrow.PrimitiveTypes.Uint32, Nullable: true},
	{Name: "u16", Type: arrow.PrimitiveTypes.Uint16, Nullable: true},
	{Name: "u8", Type: arrow.PrimitiveTypes.Uint8, Nullable: true},
	{Name: "i16", Type: arrow.PrimitiveTypes.Int16, Nullable: true},
	{Name: "i8", Type: arrow.PrimitiveTypes.Int8, Nullable: true},
	{Name: "l1", Type: arrow.ListOf(arrow.BinaryTypes.String), Nullable: true},
	{Name: "z1", Type: &arrow.TimestampType{Unit: arrow.Microsecond}, Nullable: true}, // zone-less
	{Name: "z5", Type: &arrow.TimestampType{Unit: arrow.Nanosecond}, Nullable: true},
}, nil)

var testStrings = []string{"", "a", "EU", "US", " hello ", "Ünïcödé", "straße", "abcabc", "12", "-7", " 42 ", "3.5",
	"true", "F", "2026-01-02", "2026-01-02T03:04:05Z", "xAyA", "ΩΩ", "2026-01-02T03:04:05.123456Z",
	"2026-01-02T03:04:05.123456789Z", "2026-01-02 03:04:05.000000001"}

func randomBatch(rng *rand.Rand, mem memory.Allocator, n int, nullRate float64) arrow.RecordBatch {
	b := array.NewRecordBuilder(mem, testSchema)
	defer b.Release()
	null := func() bool { return rng.Float64() < nullRate }
	randInt := func() int64 {
		switch rng.IntN(20) {
		case 0:
			return math.MaxInt64
		case 1:
			return math.MinInt64
		case 2:
			return 0
		}
		return rng.Int64N(41) - 20
	}
	randUint := func() uint64 {
		switch rng.IntN(12) {
		case 0:
			return math.MaxUint64
		case 1:
			return 1 << 63
		case 2:
			return math.MaxInt64
		case 3:
			return 0
		case 4:
			return 1 << 32
		}
		return rng.Uint64N(41)
	}
	randFloat := func() float64 {
		switch rng.IntN(40) {
		case 0:
			return math.NaN()
		case 1:
			return 0
		case 2:
			return math.Inf(1)
		case 3:
			return 1e300
		}
		return float64(rng.IntN(801)-400) / 8
	}
	// µs between 1960 and 2040, sometimes exactly on a day or hour
	randMicros := func() int64 {
		x := rng.Int64N(80*365*86400*1_000_000) - 10*365*86400*1_000_000
		switch rng.IntN(4) {
		case 0:
			x -= x % 86_400_000_000
		case 1:
			x -= x % 3_600_000_000
		}
		return x
	}
	// ns: mostly µs-like values with a ns remainder, sometimes within a
	// minute of either end of the ns range
	randNanos := func() int64 {
		switch rng.IntN(12) {
		case 0:
			return math.MinInt64 + rng.Int64N(60e9)
		case 1:
			return math.MaxInt64 - rng.Int64N(60e9)
		case 2:
			return randMicros() * 1000
		}
		return randMicros()*1000 + rng.Int64N(1000) - 500
	}
	var t3 int64 // this row's t3, which t5 is often equal to or 1 ns from
	for r := 0; r < n; r++ {
		t3 = randNanos()
		for k, f := range testSchema.Fields() {
			fb := b.Field(k)
			if null() {
				fb.AppendNull()
				continue
			}
			switch f.Name {
			case "i1":
				fb.(*array.Int64Builder).Append(randInt())
			case "i2":
				fb.(*array.Int64Builder).Append(rng.Int64N(7) - 3)
			case "n32":
				fb.(*array.Int32Builder).Append(int32(rng.IntN(2001) - 1000))
			case "f1", "f2":
				fb.(*array.Float64Builder).Append(randFloat())
			case "unit price":
				fb.(*array.Float32Builder).Append(float32(randFloat()))
			case "s1", "s2":
				fb.(*array.StringBuilder).Append(testStrings[rng.IntN(len(testStrings))])
			case "ls":
				fb.(*array.LargeStringBuilder).Append(testStrings[rng.IntN(len(testStrings))])
			case "b1", "b2":
				fb.(*array.BooleanBuilder).Append(rng.IntN(2) == 0)
			case "t1":
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(randMicros()))
			case "t2":
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(randMicros() / 1000))
			case "t3":
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(t3))
			case "t5":
				x := randNanos()
				switch d := rng.Int64N(4); {
				case d < 3 && t3 > math.MinInt64: // equal, or 1 ns either side
					x = t3 + d - 1
				}
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x))
			case "t4": // s: often t3's second, sometimes beyond the ns range
				x := floorDiv(t3, 1e9)
				switch rng.IntN(6) {
				case 0:
					x = -15e9 // 1494
				case 1:
					x = 16e9 // 2477
				case 2:
					x = randMicros() / 1e6
				}
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x))
			case "z1": // zone-less: often t3's µs, the same wall clock as a zoned instant
				x := floorDiv(t3, 1000)
				if rng.IntN(3) == 0 {
					x = randMicros()
				}
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x))
			case "z5":
				x := t3
				if rng.IntN(3) == 0 {
					x = randNanos()
				}
				fb.(*array.TimestampBuilder).Append(arrow.Timestamp(x))
			case "u64":
				fb.(*array.Uint64Builder).Append(randUint())
			case "u32":
				fb.(*array.Uint32Builder).Append([]uint32{0, 1, 7, math.MaxUint32}[rng.IntN(4)])
			case "u16":
				fb.(*array.Uint16Builder).Append(uint16(rng.IntN(1 << 16)))
			case "u8":
				fb.(*array.Uint8Builder).Append(uint8(rng.IntN(256)))
			case "i16":
				fb.(*array.Int16Builder).Append([]int16{math.MinInt16, -1, 0, 3, math.MaxInt16}[rng.IntN(5)])
			case "i8":
				fb.(*array.Int8Builder).Append(int8(rng.IntN(256) - 128))
			case "d1":
				fb.(*array.Date32Builder).Append(arrow.Date32(rng.IntN(80*365) - 10*365))
			case "l1": // 0 to 3 elements, some null
				lb := fb.(*array.ListBuilder)
				lb.Append(true)
				vb := lb.ValueBuilder().(*array.StringBuilder)
				for e := rng.IntN(4); e > 0; e-- {
					if rng.IntN(6) == 0 {
						vb.AppendNull()
					} else {
						vb.Append(testStrings[rng.IntN(len(testStrings))])
					}
				}
			}
		}
	}
	return b.NewRecordBatch()
}

// exprGen generates random well-typed expressions over testSchema.
type exprGen struct{ rng *rand.Rand }

func (g *exprGen) pick(options ...string) string { return options[g.rng.IntN(len(options))] }

func (g *exprGen) gen(t typ, depth int) string {
	if t != tTime && t != tTimeNs && g.rng.IntN(30) == 0 {
		return "null"
	}
	if depth <= 0 || g.rng.IntN(4) == 0 {
		return g.leaf(t)
	}
	d := depth - 1
	I := func() string { return g.gen(tInt, d) }
	F := func() string { return g.gen(tFloat, d) }
	B := func() string { return g.gen(tBool, d) }
	S := func() string { return g.gen(tString, d) }
	T := func() string { return g.gen(tTime, d) }
	TN := func() string { return g.gen(tTimeNs, d) }
	D := func() string { return g.gen(tDate, d) }
	AT := func() string { return g.pick(T(), D(), TN()) } // any time
	U := func() string { return g.gen(tUint, d) }
	N := func() string { return g.pick(I(), F(), U()) }
	A := func() string { return g.gen(typ(1+g.rng.IntN(8)), d) }
	L := func() string {
		return g.pick("l1", "split("+S()+", "+g.pick("','", "''", "'a'", S())+")", "regexp_split("+S()+", '"+g.pick("[a ]", "", "x*")+"')")
	}
	switch t {
	case tInt:
		return g.pick(
			"("+I()+" + "+I()+")", "("+I()+" - "+I()+")", "("+I()+" * "+I()+")", "("+I()+" % "+I()+")",
			"-"+I(), "abs("+I()+")", "round("+I()+", -1)", "round("+I()+")", "floor("+I()+")", "ceil("+I()+")",
			"length("+S()+")", "year("+AT()+")", "month("+AT()+")", "day("+AT()+")",
			"hour("+g.pick(T(), TN())+")", "minute("+g.pick(T(), TN())+")", "to_int("+g.pick(F(), S(), B(), I(), T(), D(), TN())+")",
			"coalesce("+I()+", "+I()+")", "coalesce("+I()+", "+I()+", "+I()+")", "if("+B()+", "+I()+", "+I()+")",
			// uint64 meeting int64 columns: int64, the uint64 must fit
			"("+U()+" + i2)", "(i1 - "+U()+")", "(n32 * "+U()+")", "-("+U()+")", "to_int("+U()+")", "coalesce("+U()+", i2)",
			"if("+B()+", i1, "+U()+")", "("+I()+" % u8)",
			"strpos("+S()+", "+S()+")", "levenshtein("+S()+", "+S()+")", "nullif("+I()+", "+I()+")",
			"greatest("+I()+", "+I()+")", "least("+I()+", "+I()+", "+I()+")",
			"case when "+B()+" then "+I()+" when "+B()+" then "+I()+" else "+I()+" end",
			"date_diff('"+g.pick("year", "quarter", "month", "week", "day", "hour", "minute", "second", "millisecond", "microsecond", "nanosecond")+"', "+AT()+", "+AT()+")",
			"week("+AT()+")", "dayofweek("+AT()+")", "quarter("+AT()+")", "epoch_ms("+AT()+")",
			"list_length("+L()+")")
	case tUint:
		return g.pick(
			"("+U()+" + "+U()+")", "("+U()+" - "+U()+")", "("+U()+" * "+U()+")", "("+U()+" % "+U()+")",
			"("+U()+" + 1)", "(2 * "+U()+")", "("+U()+" - 5)", "(7 % "+U()+")", "abs("+U()+")", "floor("+U()+")",
			"round("+U()+", -1)", "round("+U()+", -19)", "round("+U()+", 2)", "coalesce("+U()+", "+U()+")",
			"coalesce("+U()+", 0)", "if("+B()+", "+U()+", "+U()+")", "if("+B()+", 3, "+U()+")")
	case tFloat:
		return g.pick(
			"("+F()+" + "+N()+")", "("+N()+" - "+F()+")", "("+F()+" * "+N()+")", "("+N()+" / "+N()+")",
			"("+F()+" % "+N()+")", "-"+F(), "abs("+F()+")", "round("+F()+")", "round("+F()+", 1)",
			"round("+F()+", -1)", "floor("+F()+")", "ceil("+F()+")", "to_float("+g.pick(S(), I(), B(), F(), U())+")",
			"epoch("+AT()+")",
			"coalesce("+F()+", "+N()+")", "if("+B()+", "+F()+", "+N()+")",
			"greatest("+F()+", "+N()+")", "least("+N()+", "+F()+")", "nullif("+F()+", "+N()+")")
	case tBool:
		cmp := g.pick("==", "!=", "<", "<=", ">", ">=")
		eq := g.pick("==", "!=")
		return g.pick(
			"("+N()+" "+cmp+" "+N()+")", "("+S()+" "+cmp+" "+S()+")", "("+S()+" "+eq+" 'EU')",
			"("+AT()+" "+cmp+" "+AT()+")", "("+TN()+" "+cmp+" "+g.pick(T(), TN())+")", "("+B()+" "+eq+" "+B()+")",
			"("+AT()+" in ("+AT()+", "+AT()+"))", "("+TN()+" not in ("+g.pick(TN(), T())+"))",
			"("+B()+" and "+B()+")", "("+B()+" or "+B()+")", "(not "+B()+")", "("+B()+" && "+B()+")", "(!"+B()+")",
			"("+A()+" is null)", "("+A()+" is not null)", "("+I()+" in (1, 2, "+N()+"))",
			"("+S()+" in ('EU', 'US', "+S()+"))", "("+S()+" not in ('a', 'EU'))",
			"contains("+S()+", "+S()+")", "starts_with("+S()+", 'a')", "ends_with("+S()+", "+S()+")",
			"to_bool("+g.pick(S(), I(), F(), B(), U())+")", "coalesce("+B()+", "+B()+")", "if("+B()+", "+B()+", "+B()+")",
			"("+U()+" "+cmp+" "+g.pick(U(), I(), "-1", "i1")+")", "("+g.pick(I(), "i1")+" "+cmp+" "+U()+")",
			"("+U()+" in (0, 1, "+g.pick(I(), U(), F())+"))", "(i1 in ("+U()+", -1))", "("+U()+" not in ("+U()+"))",
			"("+S()+" like "+g.pick(S(), "'%a%'", "'_'", "'a%'", "'%_b'")+")", "("+S()+" not ilike "+S()+")",
			"is_nan("+F()+")", "regexp_matches("+S()+", '"+g.pick("a", "^[0-9]+$", "(?i)ß", "b.")+"')",
			"case "+S()+" when 'a' then "+B()+" when "+S()+" then "+B()+" end",
			"list_contains("+L()+", "+S()+")", "("+L()+" is null)")
	case tString:
		return g.pick(
			"lower("+S()+")", "upper("+S()+")", "trim("+S()+")", "substr("+S()+", "+I()+")",
			"substr("+S()+", "+I()+", "+I()+")", "replace("+S()+", 'a', 'xy')", "replace("+S()+", "+S()+", "+S()+")",
			"to_string("+A()+")", "coalesce("+S()+", "+S()+")", "if("+B()+", "+S()+", "+S()+")",
			"concat("+S()+", "+A()+", "+S()+")", "lpad("+S()+", "+g.pick("i2", "5", "0")+", "+S()+")",
			"rpad("+S()+", "+g.pick("i2", "5")+", 'é')", "split_part("+S()+", "+S()+", "+g.pick("i2", "1", "-1")+")",
			"reverse("+S()+")", "left("+S()+", i2)", "right("+S()+", "+g.pick("i2", "2", "-1")+")", "md5("+S()+")",
			"greatest("+S()+", "+S()+")", "nullif("+S()+", "+S()+")",
			"regexp_extract("+S()+", '"+g.pick("[0-9]+", "(a)(b)?", "ß")+"')",
			"regexp_replace("+S()+", '"+g.pick("a", "[a-z]", "")+"', '<\\\\0>'"+g.pick("", ", 'g'")+")",
			"case when "+B()+" then "+S()+" else "+S()+" end",
			"list_get("+L()+", "+g.pick("1", "-1", "i2", "3")+")", "list_join("+L()+", "+g.pick("'|'", "''", S())+")",
			"strftime("+AT()+", '"+g.pick("%Y-%m-%d %H:%M:%S.%f", "%a %d %b %y %I%p %j", "%F %T.%n %u %w %V %Z%z %%")+"')")
	case tTime:
		return g.pick(
			"date_trunc('"+g.pick("year", "month", "day", "hour", "minute")+"', "+T()+")",
			"to_timestamp("+g.pick(D(), S(), T())+")", "to_timestamp("+g.pick(D(), S(), T(), TN())+", '"+g.pick("timestamp", "timestamptz", "timestamp[us, UTC]")+"')",
			"coalesce("+T()+", "+g.pick(T(), D())+")",
			"if("+B()+", "+T()+", "+g.pick(T(), D())+")",
			"try_strptime("+S()+", '"+g.pick("%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%fZ", "%y", "%d", "%F %T")+"')",
			"to_timezone("+g.pick(T(), D())+", '"+g.pick("Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC")+"')",
			"from_timezone("+g.pick(T(), D())+", '"+g.pick("Europe/Paris", "America/Sao_Paulo", "Australia/Lord_Howe")+"')",
			"date_trunc('"+g.pick("year", "month", "day", "hour", "minute")+"', "+g.pick(T(), D())+", '"+g.pick("Europe/Paris", "Asia/Kathmandu", "America/New_York")+"')",
			"date_add("+g.pick(T(), D())+", '"+g.pick("1 month", "-1 day 3 hours", "2 years", "90 minutes", "1 week -1 microsecond")+"')",
			"date_add("+g.pick(T(), D())+", "+g.pick("i2", "n32", "-1")+", '"+g.pick("month", "days", "hour", "second", "quarter")+"')")
	case tTimeNs:
		return g.pick(
			"date_trunc('"+g.pick("year", "month", "day", "hour", "minute")+"', "+TN()+")",
			"to_timestamp("+TN()+")", "to_timestamp("+g.pick(T(), TN(), D())+", '"+g.pick("timestamp_ns", "timestamp[ns, UTC]")+"')",
			"coalesce("+TN()+", "+AT()+")", "coalesce("+g.pick(T(), D())+", "+TN()+")",
			"if("+B()+", "+TN()+", "+AT()+")", "if("+B()+", "+g.pick(T(), D())+", "+TN()+")",
			"try_strptime("+S()+", '%Y-%m-%dT%H:%M:%S.%nZ')", "to_timezone("+TN()+", 'Europe/Paris')",
			"from_timezone("+TN()+", 'America/New_York')", "date_trunc('day', "+TN()+", 'Asia/Kolkata')",
			"date_add("+TN()+", '"+g.pick("1 month", "-1 nanosecond", "1 day")+"')", "date_add("+TN()+", i2, 'nanoseconds')")
	case tDate:
		return g.pick(
			"date_trunc('"+g.pick("year", "month", "day")+"', "+D()+")",
			"to_date("+g.pick(T(), S(), D())+")", "coalesce("+D()+", "+D()+")", "if("+B()+", "+D()+", "+D()+")")
	}
	panic(fmt.Sprint("gen: type ", t))
}

func (g *exprGen) leaf(t typ) string {
	switch t {
	case tInt:
		return g.pick("i1", "i2", "n32", "0", "1", "-3", "7", "9223372036854775807", "u32", "u16", "u8", "i16", "i8")
	case tUint:
		return g.pick("u64", "u64", "18446744073709551615", "9223372036854775808")
	case tFloat:
		return g.pick("f1", "f2", "`unit price`", "0.0", "1.5", "-2.25", "1e10")
	case tBool:
		return g.pick("b1", "b2", "true", "false")
	case tString:
		return g.pick("s1", "s2", "ls", "'EU'", "\"a\"", "'ß'", "''", "'12'")
	case tTime:
		return g.pick("t1", "t2", "t4", "z1", "z1", "ts'2026-01-02T03:04:05Z'", "ts'1969-12-31T23:59:59.5Z'", "ts'2026-01-02T03:04:05.123456Z'")
	case tTimeNs:
		return g.pick("t3", "t5", "t3", "t5", "z5", "z5", "ts'2026-01-02T03:04:05.123456789Z'", "ts'1969-12-31T23:59:59.999999999Z'",
			"ts'1677-09-21T00:12:43.145224192Z'", "ts'2262-04-11T23:47:16.854775807Z'")
	case tDate:
		return g.pick("d1", "date'2026-01-02'", "date'1969-03-01'")
	}
	return "null"
}
