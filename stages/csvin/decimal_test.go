package csvin

import (
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/textval"
)

// TestDecimalColumn reads random decimals written in several forms into
// decimal(p,s) columns, across batch sizes, and compares them with their
// exact value printed by math/big.
func TestDecimalColumn(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 1))
	types := []*arrow.Decimal128Type{{Precision: 10, Scale: 2}, {Precision: 38, Scale: 10}, {Precision: 5, Scale: 0}, {Precision: 18, Scale: 18}}
	var in strings.Builder
	in.WriteString("id,a,b,c,d\n")
	var want [][]string
	for row := range 300 {
		fields := []string{fmt.Sprint(row)}
		wantRow := []string{fmt.Sprint(row)}
		for _, dt := range types {
			if rng.IntN(10) == 0 {
				fields = append(fields, "")
				wantRow = append(wantRow, null)
				continue
			}
			text, exact := randomDecimal(rng, dt)
			fields = append(fields, text)
			wantRow = append(wantRow, exact)
		}
		in.WriteString(strings.Join(fields, ",") + "\n")
		want = append(want, wantRow)
	}
	spec, err := textval.ParseSpec("a:decimal(10,2),b:DECIMAL(38, 10),c:numeric(5),d:decimal(18,18)")
	require.NoError(t, err)
	for _, batch := range []int{1, 7, 1000} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			schema, rows, err := readString(t, in.String(), Options{Schema: spec, BatchRows: batch, Mem: checkedMem(t)})
			require.NoError(t, err)
			for i, dt := range types {
				assert.True(t, arrow.TypeEqual(dt, schema.Field(i+1).Type), schema.Field(i+1).Type.String())
			}
			assert.Equal(t, want, rows)
		})
	}
}

// randomDecimal returns a value that fits dt, written in one of the forms
// a CSV may hold (trailing zeros, a '+', an exponent), and its exact text.
func randomDecimal(rng *rand.Rand, dt *arrow.Decimal128Type) (text, exact string) {
	digits := 1 + rng.IntN(int(dt.Precision))
	v := new(big.Int)
	for range digits {
		v.Mul(v, big.NewInt(10)).Add(v, big.NewInt(int64(rng.IntN(10))))
	}
	if rng.IntN(2) == 0 {
		v.Neg(v)
	}
	r := new(big.Rat).SetFrac(v, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dt.Scale)), nil))
	exact = r.FloatString(int(dt.Scale))
	switch rng.IntN(4) {
	case 0:
		return exact, exact
	case 1:
		if dt.Scale == 0 {
			return exact + "." + strings.Repeat("0", rng.IntN(3)), exact // "5." and "5.00"
		}
		return exact + strings.Repeat("0", rng.IntN(3)), exact // zeros beyond the scale
	case 2:
		if v.Sign() >= 0 {
			return "+" + exact, exact
		}
		return exact, exact
	}
	// The unscaled digits with an exponent: 12345e-2.
	return v.String() + "e-" + fmt.Sprint(dt.Scale), exact
}

func TestDecimalErrors(t *testing.T) {
	spec, err := textval.ParseSpec("price:decimal(10,2)")
	require.NoError(t, err)
	for _, c := range []struct{ value, msg string }{
		{"1.555", `"1.555" has more than 2 fraction digits, which decimal(10,2) would round`},
		{"123456789.5", `"123456789.5" has more than 8 integer digits, which decimal(10,2) holds`},
		{"1e40", `"1e40" has more than 8 integer digits, which decimal(10,2) holds (give column price a larger precision`},
		{"-1E+40", `"-1E+40" has more than 8 integer digits`},
		{"123456789.555", `"123456789.555" has more than 8 integer digits`}, // a larger scale would not do
		{"1e-40", `"1e-40" has more than 2 fraction digits, which decimal(10,2) would round (give column price a larger scale`},
		{"abc", `"abc" is not a number, which the decimal(10,2) column price needs`},
		{"NaN", `"NaN" is not a number`},
	} {
		t.Run(c.value, func(t *testing.T) {
			in := "id,price\n1,1.5\n2,\"2.25\"\n3," + c.value + "\n"
			_, _, err := readString(t, in, Options{Schema: spec, Mem: checkedMem(t)})
			var de *pipeline.DataError
			require.True(t, errors.As(err, &de), "%v", err)
			assert.EqualValues(t, 4, de.Line)
			assert.EqualValues(t, 2, de.Column)
			assert.ErrorIs(t, err, ErrValue)
			assert.Contains(t, err.Error(), c.msg)
			assert.Contains(t, err.Error(), "in.csv")
		})
	}
}

// FuzzDecodeDecimal reads one column as decimal(p,s) and as a string: the
// decimal read succeeds exactly when every non-null string parses with
// textval.ParseDecimal128, and then holds those values.
func FuzzDecodeDecimal(f *testing.F) {
	f.Add([]byte("p\n1.5\n\n\"2.25\"\n-0\n1e2\n"), uint8(10), uint8(2), uint8(3))
	f.Add([]byte("p\n1.555\n"), uint8(10), uint8(2), uint8(1))
	f.Add([]byte("p\n99999999999999999999999999999999999999\n"), uint8(38), uint8(0), uint8(7))
	f.Fuzz(func(t *testing.T, in []byte, p, s, batch uint8) {
		precision := int32(p%textval.MaxDecimalPrecision) + 1
		scale := int32(s) % (precision + 1)
		dt := &arrow.Decimal128Type{Precision: precision, Scale: scale}
		asText := Options{Schema: textval.Spec{{Name: "p", Type: arrow.BinaryTypes.String}}, BatchRows: 1 + int(batch%8), SampleRows: 1 << 20}
		_, texts, err := readString(t, string(in), asText)
		if err != nil || len(texts) == 0 {
			return
		}
		asDec := asText
		asDec.Schema = textval.Spec{{Name: "p", Type: dt}}
		asDec.Mem = checkedMem(t)
		schema, got, err := readString(t, string(in), asDec)
		if schema == nil || schema.NumFields() != 1 || schema.Field(0).Name != "p" {
			return // another header: nothing to compare
		}
		want := make([][]string, len(texts))
		ok := true
		for i, row := range texts {
			v := row[0]
			if v != null && v != "" {
				d, fits := textval.ParseDecimal128([]byte(v), precision, scale)
				if !fits {
					ok = false
					break
				}
				v = d.ToString(scale)
			} else {
				v = null // a quoted "" is null in a decimal column
			}
			want[i] = []string{v}
		}
		if !ok {
			require.Error(t, err)
			return
		}
		require.NoError(t, err)
		require.Equal(t, want, got)
	})
}
