package expr

import (
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestColumns(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{`qty > 50 and region == "EU"`, []string{"qty", "region"}},
		{`qty * price * (1 - coalesce(discount, 0)) + qty`, []string{"qty", "price", "discount"}},
		{"`unit price` in (1, 2) or note is not null", []string{"unit price", "note"}},
		{`not ok and -x < date_trunc('day', at)`, []string{"ok", "x", "at"}},
		{`1 + 2`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			got, err := Columns(tt.src)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	_, err := Columns("qty >")
	require.Error(t, err)
}

// Whatever Compile resolves against a schema is among Columns' names, so a
// reader that decodes only those loses nothing the expression needs.
func TestColumnsCoverWhatCompileUses(t *testing.T) {
	for _, src := range []string{
		`qty > 50 and region == "EU"`,
		`if(ok, price, -price) / 2`,
		`substr(region, 1, 2) in ("EU", "US") or day is null`,
	} {
		names, err := Columns(src)
		require.NoError(t, err)
		var fields []arrow.Field
		for _, f := range smallSchema.Fields() {
			for _, n := range names {
				if f.Name == n {
					fields = append(fields, f)
				}
			}
		}
		_, err = Compile(src, arrow.NewSchema(fields, nil))
		assert.NoError(t, err, src)
	}
}
