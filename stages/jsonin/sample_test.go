package jsonin

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/arrowpipe/arrowpipe/pipeline"
)

// TestInvalidLineInSampleIsAnError: a line of the sample that is not one
// JSON object fails NewSource (what `arrowpipe schema` calls) with the
// error the decoder gives for the same line after the sample: same file,
// line, column, key and message. It used to be skipped silently, so
// `schema` of a broken file printed nothing and succeeded.
func TestInvalidLineInSampleIsAnError(t *testing.T) {
	const head = `{"a":1,"s":"x","u":{"v":1}}` + "\n\n"
	for _, line := range []string{
		`{"a":1,}`, `[1]`, `"x"`, `{"a":1} x`, `{"a":tru}`, "{\"s\":\"a\xffb\"}", "{\"s\":\"a\tb\"}",
		`{"s":"a\qb"}`, `{"s":"\u12G4"}`, `{"s":"abc`, `{"a" 1}`, `{"a":01}`, `{"a":-}`, `{"a":1`,
		`{"u":{"v":}}`, `{"u":{"v":1,}}`, `{"a":[1,]}`, `{"s":"x"}}`, `{`, `}`,
	} {
		t.Run(line, func(t *testing.T) {
			text := head + line + "\n" + head
			_, _, afterSample := readAll(t, checked(t), one("in.ndjson", text), Options{SampleRows: 1})
			want := dataError(t, afterSample)
			require.ErrorIs(t, afterSample, ErrSyntax)

			_, err := NewSource(context.Background(), one("in.ndjson", text), Options{Mem: checked(t)})
			got := dataError(t, err)
			assert.Equal(t, want, got)
			assert.Equal(t, afterSample.Error(), err.Error())
			assert.True(t, strings.HasPrefix(err.Error(), "in.ndjson:3:"), err.Error())
		})
	}
}

// TestInvalidLineInSampleWithOnError: with OnError set the sample skips a
// bad line for inference and the decoder hands it to OnError in its turn,
// once.
func TestInvalidLineInSampleWithOnError(t *testing.T) {
	text := "{\"a\":1}\nnot json\n{\"a\":2}\n"
	var rejected []int64
	rows, schema, err := readAll(t, checked(t), []Input{{Name: "x", R: strings.NewReader(text)}}, Options{
		OnError: func(de *pipeline.DataError) error { rejected = append(rejected, de.Line); return nil },
	})
	require.NoError(t, err)
	assert.Equal(t, []int64{2}, rejected)
	assert.Equal(t, 1, schema.NumFields())
	assert.Equal(t, []map[string]any{{"a": int64(1)}, {"a": int64(2)}}, rows)
}

// TestInvalidLineInSecondInput names the input and its own line number.
func TestInvalidLineInSecondInput(t *testing.T) {
	_, err := NewSource(context.Background(), []Input{{Name: "one", R: strings.NewReader("{\"a\":1}\n{\"a\":2}\n")},
		{Name: "two", R: strings.NewReader("\n{\"a\":3}\n{\"a\":\n")}}, Options{Mem: checked(t)})
	de := dataError(t, err)
	assert.Equal(t, "two", de.File)
	assert.EqualValues(t, 3, de.Line)
	assert.EqualValues(t, len("\n{\"a\":3}\n"), de.Offset)
	assert.Equal(t, 6, de.Column)
}

// TestEmptyInputIsZeroRows: an empty input, or one of blank lines only, is
// zero rows and no columns, not an error (as `count` shows: 0).
func TestEmptyInputIsZeroRows(t *testing.T) {
	for _, text := range []string{"", "\n", " \r\n\t\n"} {
		rows, schema, err := readAll(t, checked(t), one("empty", text), Options{})
		require.NoError(t, err, "%q", text)
		assert.Empty(t, rows)
		assert.Zero(t, schema.NumFields())
	}
}
