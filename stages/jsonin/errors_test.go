package jsonin

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

func TestDataErrors(t *testing.T) {
	const head = `{"a":1,"s":"x","u":{"v":1}}` + "\n\n"
	cases := []struct {
		name  string
		line  string
		col   int
		field string
		want  error
	}{
		{"wrong-type/string-for-int", `{"a":"x"}`, 6, "a", ErrType},
		{"wrong-type/fraction-for-int", `{"a":1.5}`, 6, "a", ErrType},
		{"wrong-type/int-overflow", `{"a":9223372036854775808}`, 6, "a", ErrType},
		{"wrong-type/scalar-for-object", `{"u":5}`, 6, "u", ErrType},
		{"wrong-type/object-for-int", `{"a":{"b":1}}`, 6, "a", ErrType},
		{"unknown-key", `{"a":1,"zz":1}`, 8, "zz", ErrUnknownKey},
		{"unknown-nested-key", `{"u":{"w":2}}`, 7, "u.w", ErrUnknownKey},
		{"trailing-comma", `{"a":1,}`, 8, "", ErrSyntax},
		{"not-an-object", `[1]`, 1, "", ErrSyntax},
		{"data-after-object", `{"a":1} x`, 9, "", ErrSyntax},
		{"bad-literal", `{"a":tru}`, 6, "a", ErrSyntax},
		{"invalid-utf8", "{\"s\":\"a\xffb\"}", 8, "s", ErrSyntax},
		{"control-char", "{\"s\":\"a\tb\"}", 8, "s", ErrSyntax},
		{"bad-escape", `{"s":"a\qb"}`, 8, "s", ErrSyntax},
		{"bad-unicode-escape", `{"s":"\u12G4"}`, 7, "s", ErrSyntax},
		{"unterminated-string", `{"s":"abc`, 6, "s", ErrSyntax},
		{"missing-colon", `{"a" 1}`, 6, "", ErrSyntax},
		{"leading-zero", `{"a":01}`, 7, "", ErrSyntax},
		{"bare-minus", `{"a":-}`, 6, "a", ErrSyntax},
		{"truncated", `{"a":1`, 7, "", ErrSyntax},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			text := head + tc.line + "\n"
			_, _, err := readAll(t, checked(t), one("in.ndjson", text), Options{SampleRows: 1})
			de := dataError(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Equal(t, "in.ndjson", de.File)
			assert.Equal(t, int64(3), de.Line)
			assert.Equal(t, tc.col, de.Column, "%v", err)
			assert.Equal(t, tc.field, de.Field)
			assert.Equal(t, tc.line, de.Record)
			assert.Equal(t, int64(len(head)), de.Offset)
			assert.True(t, strings.HasPrefix(err.Error(), "in.ndjson:3:"), err.Error())
		})
	}
}

func TestOnErrorDropsBadLines(t *testing.T) {
	text := "{\"a\":1}\n{\"a\":\"bad\"}\n{\"a\":2}\nnot json\n{\"a\":3}"
	var rejected []int64
	opts := Options{SampleRows: 1, BatchRows: 2, OnError: func(de *pipeline.DataError) error {
		rejected = append(rejected, de.Line)
		return nil
	}}
	rows, _, err := readAll(t, checked(t), one("x", text), opts)
	require.NoError(t, err)
	assert.Equal(t, []int64{2, 4}, rejected)
	require.Len(t, rows, 3)
	assert.Equal(t, []any{int64(1), int64(2), int64(3)}, []any{rows[0]["a"], rows[1]["a"], rows[2]["a"]})

	stop := errors.New("too many")
	opts.OnError = func(*pipeline.DataError) error { return stop }
	_, _, err = readAll(t, checked(t), one("x", text), opts)
	assert.ErrorIs(t, err, stop)
}
