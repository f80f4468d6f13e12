package jsonin

import (
	"fmt"
	"math/big"
	"math/rand"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/require"
)

// decimalText writes unscaled/10^scale as JSON: a number or a string,
// plain, with zeros after the scale, or with an exponent.
func decimalText(r *rand.Rand, unscaled *big.Int, scale int32) string {
	digits := new(big.Int).Abs(unscaled).String()
	sign := ""
	if unscaled.Sign() < 0 {
		sign = "-"
	}
	var text string
	switch r.Intn(3) {
	case 0, 1: // plain, maybe with trailing zeros
		for len(digits) <= int(scale) {
			digits = "0" + digits
		}
		cut := len(digits) - int(scale)
		text = digits[:cut]
		if scale > 0 {
			text += "." + digits[cut:] + strings.Repeat("0", r.Intn(3))
		}
	default: // mantissa digits with an exponent
		text = digits + "e-" + fmt.Sprint(scale)
	}
	text = sign + text
	if r.Intn(2) == 0 {
		return `"` + text + `"`
	}
	return text
}

func TestDecimalIsReadExactly(t *testing.T) {
	r := rand.New(rand.NewSource(1511))
	for _, typ := range []*arrow.Decimal128Type{{Precision: 10, Scale: 2}, {Precision: 38, Scale: 10}, {Precision: 5, Scale: 0}, {Precision: 18, Scale: 18}} {
		t.Run(typ.String(), func(t *testing.T) {
			limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(typ.Precision)), nil)
			var want []*big.Int
			var sb strings.Builder
			for i := range 300 {
				if i%17 == 0 {
					sb.WriteString("{\"price\":null}\n")
					want = append(want, nil)
					continue
				}
				v := new(big.Int).Rand(r, limit)
				if r.Intn(4) == 0 {
					v.SetInt64(int64(r.Intn(1000))) // small values, leading zeros
				}
				if r.Intn(2) == 0 {
					v.Neg(v)
				}
				want = append(want, v)
				fmt.Fprintf(&sb, "{\"price\":%s}\n", decimalText(r, v, typ.Scale))
			}
			mem := checked(t)
			for _, batch := range []int{1, 7, 1000} {
				rows, schema, err := readAll(t, mem, one("d.ndjson", sb.String()), Options{
					Schema: []Field{{Name: "price", Type: typ}}, BatchRows: batch})
				require.NoError(t, err)
				require.True(t, arrow.TypeEqual(typ, schema.Field(0).Type), "%s", schema)
				require.Len(t, rows, len(want))
				for i, w := range want {
					got := rows[i]["price"]
					if w == nil {
						require.Nil(t, got, "row %d", i)
						continue
					}
					// GetOneForMarshal gives the decimal's shortest text.
					wantRat := new(big.Rat).SetFrac(w, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(typ.Scale)), nil))
					gotRat, ok := new(big.Rat).SetString(fmt.Sprint(got))
					require.True(t, ok, "row %d: %v", i, got)
					require.Zero(t, wantRat.Cmp(gotRat), "row %d: got %v, want %s", i, got, wantRat.FloatString(int(typ.Scale)))
				}
			}
		})
	}
}

func TestDecimalValuesAreNotRounded(t *testing.T) {
	typ := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	for _, tc := range []struct{ line, why string }{
		{`{"id":1,"price":1.555}`, "more than 2 fraction digits"},
		{`{"id":1,"price":"0.001"}`, "more than 2 fraction digits"},
		{`{"id":1,"price":123456789}`, "more than 8 integer digits"},
		{`{"id":1,"price":1e40}`, "more than 8 integer digits"},
		{`{"id":1,"price":"-1E+40"}`, "more than 8 integer digits"},
		{`{"id":1,"price":123456789.555}`, "more than 8 integer digits"}, // a larger scale would not do
		{`{"id":1,"price":1e-40}`, "more than 2 fraction digits"},
		{`{"id":1,"price":"abc"}`, "not such a number"},
		{`{"id":1,"price":NaN}`, "not such a number"},
		{`{"id":1,"price":true}`, "want a number or a numeric string"},
	} {
		mem := checked(t)
		_, _, err := readAll(t, mem, one("p.ndjson", "{\"id\":0,\"price\":1.5}\n"+tc.line+"\n"), Options{
			Schema: []Field{{Name: "price", Type: typ}}})
		de := dataError(t, err)
		require.Equal(t, "p.ndjson", de.File)
		require.EqualValues(t, 2, de.Line)
		require.Equal(t, "price", de.Field)
		require.Equal(t, strings.Index(tc.line, `"price":`)+9, de.Column, tc.line)
		require.ErrorIs(t, err, ErrType)
		require.Contains(t, err.Error(), tc.why)
	}
}

func TestDecimalKeepsTrailingZerosAndNull(t *testing.T) {
	mem := checked(t)
	typ := &arrow.Decimal128Type{Precision: 10, Scale: 2}
	src := "{\"p\":1.500}\n{\"p\":\"2\"}\n{\"p\":null}\n{}\n{\"p\":-0}\n{\"p\":1e2}\n"
	rows, _, err := readAll(t, mem, one("z.ndjson", src), Options{Schema: []Field{{Name: "p", Type: typ}}})
	require.NoError(t, err)
	var got []any
	for _, r := range rows {
		got = append(got, r["p"])
	}
	require.Equal(t, "[1.5 2 <nil> <nil> 0 100]", fmt.Sprint(got))
}
