package textval

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in   string
		want Kind
	}{
		{"true", KindBool},
		{"FALSE", KindBool},
		{"1", KindInt64},
		{"-42", KindInt64},
		{"1.5", KindFloat64},
		{"1e9", KindFloat64},
		// An integer beyond int64 would be rounded by a float.
		{"99999999999999999999", KindString},
		{"-12345678901234567890", KindString},
		{"9223372036854775807", KindInt64},
		{"99999999999999999999.5", KindFloat64},
		// Leading zeros and '+' signs are identifiers (zip codes, phone
		// numbers); DuckDB reads "02134" as BIGINT, we keep the text.
		{"02134", KindString},
		{"-007", KindString},
		{"007.5", KindString},
		{"+5", KindString},
		{"+4420", KindString},
		{"+1.5", KindString},
		{"0", KindInt64},
		{"-0", KindFloat64},
		{"0.5", KindFloat64},
		{"-0.5", KindFloat64},
		{"0e3", KindFloat64},
		{"10", KindInt64},
		// More than 6 fraction digits need nanoseconds.
		{"2026-01-02T03:04:05.123456Z", KindTimestamp},
		{"2026-01-02T03:04:05.1234567Z", KindTimestampNano},
		{"2026-01-02 03:04:05.123456000", KindTimestampNano},
		{"1500-01-02T03:04:05.123456789Z", KindString},
		{"2026-01-02", KindDate},
		{"2026-01-02T03:04:05Z", KindTimestamp},
		{"2026-01-02 03:04:05", KindTimestamp},
		{"NaN", KindFloat64},
		{"-inf", KindFloat64},
		{"+Infinity", KindFloat64},
		{"nano", KindString},
		{"yes", KindString},
		{"2026-02-30", KindString},
		{" 1", KindString},
	}
	for _, tt := range tests {
		t.Run("in="+tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Classify([]byte(tt.in)))
		})
	}
}

func TestInferrer(t *testing.T) {
	tests := []struct {
		name   string
		values []string // nil: no value (null-only)
		want   arrow.DataType
	}{
		{"null-only", nil, arrow.BinaryTypes.String},
		{"bool", []string{"true", "False"}, arrow.FixedWidthTypes.Boolean},
		{"int", []string{"1", "-2", "300"}, arrow.PrimitiveTypes.Int64},
		{"int-then-float", []string{"1", "2.5"}, arrow.PrimitiveTypes.Float64},
		{"float-then-int", []string{"2.5", "1"}, arrow.PrimitiveTypes.Float64},
		{"int-overflow", []string{"1", "99999999999999999999"}, arrow.BinaryTypes.String},
		{"float-then-int-overflow", []string{"1.5", "99999999999999999999"}, arrow.BinaryTypes.String},
		{"zip", []string{"12345", "02134"}, arrow.BinaryTypes.String},
		{"plus", []string{"1", "+5"}, arrow.BinaryTypes.String},
		{"float-leading-zero", []string{"1.5", "01.5"}, arrow.BinaryTypes.String},
		{"zero", []string{"0", "10"}, arrow.PrimitiveTypes.Int64},
		{"negative zero", []string{"0", "10", "-0"}, arrow.PrimitiveTypes.Float64},
		{"int-beyond-2^53-then-float", []string{"9007199254740993", "1.5"}, arrow.BinaryTypes.String},
		{"float-then-int-beyond-2^53", []string{"1.5", "9007199254740993"}, arrow.BinaryTypes.String},
		{"exact-big-int-then-float", []string{"9007199254740992", "1.5"}, arrow.PrimitiveTypes.Float64},
		{"big-int-alone", []string{"9007199254740993"}, arrow.PrimitiveTypes.Int64},
		{"timestamp-ns", []string{"2026-01-02T03:04:05Z", "2026-01-02T03:04:05.123456789Z"}, arrow.FixedWidthTypes.Timestamp_ns},
		{"ns-then-date", []string{"2026-01-02T03:04:05.123456789Z", "2026-01-02"}, arrow.FixedWidthTypes.Timestamp_ns},
		{"ns-then-old-date", []string{"2026-01-02T03:04:05.123456789Z", "1500-01-02"}, arrow.BinaryTypes.String},
		{"old-timestamp-then-ns", []string{"1500-01-02T00:00:00Z", "2026-01-02T03:04:05.123456789Z"}, arrow.BinaryTypes.String},
		{"date", []string{"2026-01-02", "1999-12-31"}, arrow.FixedWidthTypes.Date32},
		{"timestamp", []string{"2026-01-02T03:04:05Z"}, arrow.FixedWidthTypes.Timestamp_us},
		{"date-then-timestamp", []string{"2026-01-02", "2026-01-02 03:04:05"}, &arrow.TimestampType{Unit: arrow.Microsecond}},
		{"timestamp-then-date", []string{"2026-01-02 03:04:05", "2026-01-02"}, &arrow.TimestampType{Unit: arrow.Microsecond}},
		{"zoned", []string{"2026-01-02 03:04:05+00", "2026-01-02"}, arrow.FixedWidthTypes.Timestamp_us},
		{"zoned-and-local", []string{"2026-01-02 03:04:05", "2026-01-02T03:04:05Z"}, arrow.FixedWidthTypes.Timestamp_us},
		{"local-ns", []string{"2026-01-02 03:04:05.123456789"}, &arrow.TimestampType{Unit: arrow.Nanosecond}},
		{"zoned-ns", []string{"2026-01-02 03:04:05.123456789-05"}, arrow.FixedWidthTypes.Timestamp_ns},
		{"float-specials", []string{"2.0", "NaN", "inf", "-Infinity"}, arrow.PrimitiveTypes.Float64},
		{"bool-int", []string{"true", "1"}, arrow.BinaryTypes.String},
		{"int-date", []string{"1", "2026-01-02"}, arrow.BinaryTypes.String},
		{"float-timestamp", []string{"1.5", "2026-01-02T03:04:05Z"}, arrow.BinaryTypes.String},
		{"string-sticks", []string{"x", "1", "2"}, arrow.BinaryTypes.String},
		{"int-then-text", []string{"1", "2", "n/a"}, arrow.BinaryTypes.String},
	}
	for _, tt := range tests {
		t.Run("case="+tt.name, func(t *testing.T) {
			in := NewInferrer(2)
			for _, v := range tt.values {
				in.Add(1, []byte(v))
				in.Add(0, []byte("7"))
			}
			fields := in.Fields([]string{"a", "b"})
			require.Len(t, fields, 2)
			assert.True(t, arrow.TypeEqual(tt.want, fields[1].Type), "got %s", fields[1].Type)
			assert.Equal(t, "b", fields[1].Name)
			assert.True(t, fields[1].Nullable)
		})
	}
}

func TestJoinIsALattice(t *testing.T) {
	kinds := []Kind{KindNull, KindBool, KindInt64, KindFloat64, KindDate, KindTimestamp, KindString, KindTimestampNano}
	for _, a := range kinds {
		assert.Equal(t, a, Join(a, a), "idempotent %v", a)
		assert.Equal(t, a, Join(KindNull, a), "null is the identity for %v", a)
		assert.Equal(t, KindString, Join(KindString, a), "string is the top for %v", a)
		for _, b := range kinds {
			assert.Equal(t, Join(a, b), Join(b, a), "commutative %v %v", a, b)
			for _, c := range kinds {
				assert.Equal(t, Join(Join(a, b), c), Join(a, Join(b, c)), "associative %v %v %v", a, b, c)
			}
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, k := range []Kind{KindBool, KindInt64, KindFloat64, KindDate, KindTimestamp, KindString, KindTimestampNano} {
		got, ok := KindOf(k.DataType())
		assert.True(t, ok, k.String())
		assert.Equal(t, k, got)
	}
	_, ok := KindOf(arrow.PrimitiveTypes.Int32)
	assert.False(t, ok)
}

// TestInferenceKeepsValues checks, on random columns, that the inferred type
// does not depend on the order of the values and reads every value of the
// sample without changing what it says, against references written here:
// an int64 prints back to its exact text, a float64 holds an integer's
// exact value, a timestamp holds every fraction digit that time.Parse
// reads.
func TestInferenceKeepsValues(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	gen := []func() string{
		func() string { return strconv.Itoa(r.IntN(100000) - 50000) },
		func() string { return fmt.Sprintf("%05d", r.IntN(100000)) },
		func() string { return "+" + strconv.Itoa(r.IntN(1000)) },
		func() string { return strconv.FormatUint(r.Uint64(), 10) },
		func() string { return strconv.FormatFloat(r.NormFloat64()*1000, 'f', r.IntN(4), 64) },
		func() string { return "0" },
		func() string {
			return time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC().Format("2006-01-02T15:04:05.999999999Z")
		},
		func() string {
			return time.Unix(r.Int64N(4e9), r.Int64N(1e6)*1000).UTC().Format("2006-01-02 15:04:05.999999")
		},
		func() string { return time.Unix(r.Int64N(4e9)-1e11, 0).UTC().Format("2006-01-02") },
	}
	for round := range 2000 {
		n := 1 + r.IntN(5)
		vals := make([]string, n)
		for i := range vals {
			vals[i] = gen[r.IntN(len(gen))]()
		}
		in := NewInferrer(1)
		for _, v := range vals {
			in.Add(0, []byte(v))
		}
		kind := in.Kinds()[0]
		back := NewInferrer(1)
		for i := len(vals) - 1; i >= 0; i-- {
			back.Add(0, []byte(vals[i]))
		}
		require.Equal(t, kind, back.Kinds()[0], "round %d: order changes the type of %q", round, vals)
		for _, v := range vals {
			switch kind {
			case KindInt64:
				x, ok := ParseInt64([]byte(v))
				require.True(t, ok, v)
				require.Equal(t, v, strconv.FormatInt(x, 10), "%q in %q", v, vals)
			case KindFloat64:
				x, ok := ParseFloat64([]byte(v))
				require.True(t, ok, v)
				require.False(t, strings.HasPrefix(v, "+"), "%q in %q", v, vals)
				if exact, isInt := new(big.Int).SetString(v, 10); isInt {
					got, _ := big.NewFloat(x).Int(nil)
					require.Zero(t, exact.Cmp(got), "%q in %q is read as %v", v, vals, x)
				}
			case KindTimestamp, KindTimestampNano, KindDate:
				ref, ok := timeReferenceTime(v)
				require.True(t, ok, v)
				switch kind {
				case KindTimestamp:
					x, ok := ParseTimestamp([]byte(v))
					require.True(t, ok, "%q in %q", v, vals)
					require.Equal(t, ref.UnixNano(), int64(x)*1000, "%q in %q", v, vals)
				case KindTimestampNano:
					x, ok := ParseTimestampNano([]byte(v))
					require.True(t, ok, "%q in %q", v, vals)
					require.Equal(t, ref.UnixNano(), int64(x), "%q in %q", v, vals)
				}
			}
		}
	}
}

func TestKeeps(t *testing.T) {
	tests := []struct {
		kind Kind
		in   string
		want bool
	}{
		{KindInt64, "2134", true},
		{KindInt64, "-5", true},
		{KindInt64, "0", true},
		{KindInt64, "-0", false},
		{KindFloat64, "-0", true},
		{KindInt64, "02134", false},
		{KindInt64, "-007", false},
		{KindInt64, "+5", false},
		{KindFloat64, "0.5", true},
		{KindFloat64, "-0.5", true},
		{KindFloat64, "12", true},
		{KindFloat64, "1e300", true},
		{KindFloat64, "007.5", false},
		{KindFloat64, "+1.5", false},
		{KindFloat64, "9007199254740992", true},
		{KindFloat64, "9007199254740993", false},
		{KindFloat64, "12345678901234567890", false},
		{KindString, "007", true},
	}
	for _, tt := range tests {
		t.Run(tt.kind.String()+"/"+tt.in, func(t *testing.T) {
			assert.Equal(t, tt.want, Keeps(tt.kind, []byte(tt.in)))
			// The same rule as inference: a value Keeps rejects makes
			// its column a string.
			in := NewInferrer(1)
			in.Add(0, []byte(map[Kind]string{KindInt64: "1", KindFloat64: "1.5", KindString: "x"}[tt.kind]))
			in.Add(0, []byte(tt.in))
			assert.Equal(t, tt.want, in.Kinds()[0] == tt.kind, "inference agrees")
		})
	}
}

// FuzzClassify checks that whatever kind Classify picks reads the value
// without changing it: an int64 prints back as the same text, a float64
// holds an integer's exact value and has no leading zero or '+', a
// timestamp keeps every fraction digit.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"1", "02134", "+5", "-0", "0.5", "12345678901234567890", "9007199254740993",
		"2026-01-02T03:04:05.123456789Z", "2026-01-02", "true", "1e5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v := []byte(s)
		switch Classify(v) {
		case KindInt64:
			x, ok := ParseInt64(v)
			if !ok || strconv.FormatInt(x, 10) != s {
				t.Fatalf("int64 %q prints back as %d", s, x)
			}
		case KindFloat64:
			x, ok := ParseFloat64(v)
			if !ok || !Keeps(KindFloat64, v) {
				t.Fatalf("float64 %q: ok %v, Keeps false", s, ok)
			}
			if exact, isInt := new(big.Int).SetString(s, 10); isInt {
				got, _ := big.NewFloat(x).Int(nil)
				if exact.Cmp(got) != 0 {
					t.Fatalf("float64 %q reads as %v", s, x)
				}
			}
		case KindTimestamp:
			if _, ok := ParseTimestamp(v); !ok {
				t.Fatalf("timestamp %q does not parse", s)
			}
		case KindTimestampNano:
			if _, ok := ParseTimestampNano(v); !ok {
				t.Fatalf("timestamp_ns %q does not parse", s)
			}
		}
	})
}
