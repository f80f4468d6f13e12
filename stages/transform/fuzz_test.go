package transform

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/pipeline"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// FuzzDerive feeds arbitrary derive arguments to Build: it must return an
// error or a stage whose output matches the schema it announced, without
// panics or leaks. Seeds live in testdata/fuzz/FuzzDerive.
func FuzzDerive(f *testing.F) {
	for _, s := range []string{
		"total = qty * price",
		"a = 1; b = a + 1; `c d` = to_string(b)",
		"region = coalesce(region, 'x;y'); n = length(region);",
		"x = if(qty > 50, \"big\", 'small')",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		defer mem.AssertSize(t, 0)
		st, schema, err := verbNamed(t, "derive").Build(verb.Env{Mem: mem}, []string{arg}, salesSchema)
		if err != nil {
			if strings.TrimSpace(err.Error()) == "" {
				t.Fatal("empty error")
			}
			return
		}
		rec := batchFromJSON(t, mem, salesSchema, salesRows)
		defer rec.Release()
		rec.Retain() // Process consumes one reference
		out, err := st.NewWorker().Process(context.Background(), 0, rec)
		if err != nil {
			if errors.Is(err, pipeline.ErrStop) {
				t.Fatal("derive must not stop the stream")
			}
			return
		}
		defer out.Release()
		if !out.Schema().Equal(schema) {
			t.Fatalf("output schema %v, announced %v", out.Schema(), schema)
		}
	})
}
