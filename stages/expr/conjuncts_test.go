package expr

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConjuncts(t *testing.T) {
	got, err := Conjuncts(`qty > 50 and 'EU' = region and (id in (1, 2.5, null) and note is not null) and ` +
		`ts < ts'2026-01-02T03:04:05Z' and d >= date'2026-01-02' and (a < 1 or b > 2) and not c == 1 and x is null and ` +
		`id not in (3) and y != 18446744073709551615 and z + 1 > 2 and s <= "b"`)
	require.NoError(t, err)
	assert.Equal(t, []Comparison{
		{Column: "qty", Op: ">", Values: []any{int64(50)}},
		{Column: "region", Op: "==", Values: []any{"EU"}},
		{Column: "id", Op: "in", Values: []any{int64(1), 2.5}},
		{Column: "note", Op: "is not null"},
		{Column: "ts", Op: "<", Values: []any{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{Column: "d", Op: ">=", Values: []any{time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{Column: "x", Op: "is null"},
		{Column: "y", Op: "!=", Values: []any{uint64(18446744073709551615)}},
		{Column: "s", Op: "<=", Values: []any{"b"}},
	}, got)
	_, err = Conjuncts("qty >")
	assert.Error(t, err)
}
