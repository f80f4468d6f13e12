package expr

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"strconv"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/stretchr/testify/require"
)

// checkAgainstReference evaluates src on rec with the kernels and with the
// row-at-a-time reference and fails on the first differing row.
func checkAgainstReference(t *testing.T, src string, rec arrow.RecordBatch, mem memory.Allocator) {
	t.Helper()
	e, err := Compile(src, rec.Schema())
	require.NoError(t, err, "compile %s", src)
	tree, err := parse(src)
	require.NoError(t, err)
	if err := diffReference(src, e, tree, rec, mem); err != nil {
		t.Fatal(err)
	}
}

var overflowRowRe = regexp.MustCompile(`at row (\d+) of the batch`)

// diffReference compares the kernels with the reference on every row. An
// evaluation error must be an overflow naming a row where the reference
// overflows too; a success must have no such row.
func diffReference(src string, e *Expr, tree astNode, rec arrow.RecordBatch, mem memory.Allocator) error {
	got, err := e.Eval(context.Background(), rec, mem)
	if err != nil {
		m := overflowRowRe.FindStringSubmatch(err.Error())
		if !errors.Is(err, ErrOverflow) && !errors.Is(err, ErrValue) || m == nil {
			return fmt.Errorf("eval %s: %v", src, err)
		}
		row, _ := strconv.Atoi(m[1])
		if want := refEval(tree, rec, row-1); !hasErr(want) {
			return fmt.Errorf("%s\n  canonical %s\n  kernels: %v\n  reference at that row: %#v\n  row: %s", src, e.String(), err, want, describeRow(rec, row-1))
		}
		return nil
	}
	defer got.Release()
	if got.Len() != int(rec.NumRows()) {
		return fmt.Errorf("%s: %d rows for %d", src, got.Len(), rec.NumRows())
	}
	if !arrow.TypeEqual(e.Type(), got.DataType()) {
		return fmt.Errorf("%s: type %s, array %s", src, e.Type(), got.DataType())
	}
	if _, bare := tree.(*colExpr); !bare && got.DataType().ID() == arrow.TIMESTAMP {
		if want := refResultType(tree, rec.Schema(), refType(tree, rec.Schema())); !arrow.TypeEqual(want, got.DataType()) {
			return fmt.Errorf("%s: type %s, the reference's %s", src, got.DataType(), want)
		}
	}
	for r := 0; r < got.Len(); r++ {
		want := toResultType(refEval(tree, rec, r), got.DataType())
		have := refValue(got, r)
		if !sameValue(want, have) {
			return fmt.Errorf("%s\n  canonical %s\n  row %d: kernels %#v, reference %#v\n  row: %s", src, e.String(), r, have, want, describeRow(rec, r))
		}
	}
	return nil
}

func describeRow(rec arrow.RecordBatch, r int) string {
	s := ""
	for k, c := range rec.Columns() {
		s += fmt.Sprintf("%s=%v ", rec.ColumnName(k), refValue(c, r))
	}
	return s
}

func toResultType(v any, dt arrow.DataType) any {
	switch x := v.(type) {
	case int64:
		if dt.ID() == arrow.FLOAT64 {
			return float64(x)
		}
		if dt.ID() == arrow.UINT64 {
			return uint64(x) // an adapted constant
		}
	case dateVal:
		if dt.ID() == arrow.TIMESTAMP {
			return tsOf(refTime(x))
		}
	}
	return v
}

func sameValue(a, b any) bool {
	if la, ok := a.([]any); ok {
		lb, ok := b.([]any)
		if !ok || len(la) != len(lb) {
			return false
		}
		for k := range la {
			if !sameValue(la[k], lb[k]) {
				return false
			}
		}
		return true
	}
	if _, ok := b.([]any); ok {
		return false
	}
	fa, ok1 := a.(float64)
	fb, ok2 := b.(float64)
	if ok1 && ok2 {
		return fa == fb || math.IsNaN(fa) && math.IsNaN(fb)
	}
	return a == b
}

func TestDifferentialRandom(t *testing.T) {
	for _, nullRate := range []float64{0, 0.25} {
		for _, sliced := range []bool{false, true} {
			t.Run(fmt.Sprintf("nulls=%v/sliced=%v", nullRate, sliced), func(t *testing.T) {
				mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
				defer mem.AssertSize(t, 0)
				rng := rand.New(rand.NewPCG(1, uint64(nullRate*100)+b2i(sliced)))
				rec := randomBatch(rng, mem, 203, nullRate)
				defer rec.Release()
				if sliced {
					s := rec.NewSlice(5, 200)
					defer s.Release()
					rec = s
				}
				g := &exprGen{rng: rng}
				for k := 0; k < 800; k++ {
					checkAgainstReference(t, g.gen(typ(1+k%8), 3), rec, mem)
				}
			})
		}
	}
}

func b2i(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}
