package aggregate

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/stages/aggregate/sketch"
)

// The partial state of one accumulator, as a column of a batch, one row
// per group. Each kind keeps exactly what the accumulator's merge reads,
// so that loading an exported state and merging it gives the merge of the
// accumulator itself, bit for bit:
//
//	words   count, sum, mean, var, stddev: the accumulator's words of the
//	        state rows (fixed_size_list<uint64>), null for an integer sum
//	        without a value: Neumaier sum and compensation with the count
//	        and flags (float sum, mean), Welford count, mean and M2
//	        (var, stddev), 128-bit total (integer sum, mean)
//	value   min, max, first, last: the group's value, of the input type
//	        (first and last of later tasks lose to earlier ones by the
//	        position of the state row, which follows task order)
//	set     count_distinct: the distinct values (list<int64> of their
//	        keys' bits, floats as in group keys; a list of the input's
//	        type, utf8 or large_utf8, for text)
//	values  median, pNN, quantile: every value (list<float64>, NaN
//	        included, unsorted)
//	hll     approx_count_distinct: the HyperLogLog registers (binary,
//	        sketch.HLL.AppendState), which merge by register-wise max
//	list    list: the group's values in input order (list<type>), which
//	        later parts append to
//	digest  approx_median, approx_pNN, approx_quantile: the values while
//	        a group has at most ApproxExactMax, else its t-digest's
//	        centroids and totals (sketch.TDigestState), in a struct
const (
	stateWords  = "words"
	stateValue  = "value"
	stateSet    = "set"
	stateValues = "values"
	stateHLL    = "hll"
	stateDigest = "digest"
	stateList   = "list"
)

// digestType is the state column of the approximate quantiles.
var digestType = arrow.StructOf(
	arrow.Field{Name: "raw", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
	arrow.Field{Name: "means", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
	arrow.Field{Name: "weights", Type: arrow.ListOf(arrow.PrimitiveTypes.Float64)},
	arrow.Field{Name: "buffered", Type: arrow.PrimitiveTypes.Int64},
	arrow.Field{Name: "total", Type: arrow.PrimitiveTypes.Float64},
	arrow.Field{Name: "min", Type: arrow.PrimitiveTypes.Float64},
	arrow.Field{Name: "max", Type: arrow.PrimitiveTypes.Float64},
	arrow.Field{Name: "count", Type: arrow.PrimitiveTypes.Float64},
)

// stateKind names the state an accumulator exports; every accumulator
// has one.
func stateKind(a accumulator) string {
	switch a.(type) {
	case *countAcc, *isumAcc, *fsumAcc, *varAcc:
		return stateWords
	case *pickAcc:
		return stateValue
	case *distinctAcc:
		return stateSet
	case *quantAcc:
		return stateValues
	case *hllAcc:
		return stateHLL
	case *approxQuantAcc:
		return stateDigest
	case *listAcc:
		return stateList
	}
	panic(fmt.Sprintf("aggregate: no partial state for %T", a))
}

// stateType is the Arrow type of a's state column; words is a's width in
// the state rows.
func stateType(a accumulator, words int) arrow.DataType {
	switch a := a.(type) {
	case *pickAcc:
		return a.dt
	case *distinctAcc:
		if a.kind == kindString {
			return arrow.ListOf(a.dt)
		}
		return arrow.ListOf(arrow.PrimitiveTypes.Int64)
	case *quantAcc:
		return arrow.ListOf(arrow.PrimitiveTypes.Float64)
	case *hllAcc:
		return arrow.BinaryTypes.Binary
	case *approxQuantAcc:
		return digestType
	case *listAcc:
		return arrow.ListOf(a.dt)
	}
	return arrow.FixedSizeListOfNonNullable(int32(words), arrow.PrimitiveTypes.Uint64)
}

// exportState builds the state column of a for the groups in order; off
// and words are a's place in the state rows.
func exportState(a accumulator, mem memory.Allocator, order []uint32, off, words int) (arrow.Array, error) {
	switch a := a.(type) {
	case *pickAcc:
		return a.build(mem, order), nil
	case *distinctAcc:
		return exportSet(a, mem, order), nil
	case *quantAcc:
		return exportValues(a, mem, order)
	case *approxQuantAcc:
		return exportDigests(a, mem, order), nil
	case *listAcc:
		return a.build(mem, order)
	case *hllAcc:
		b := array.NewBinaryBuilder(mem, arrow.BinaryTypes.Binary)
		defer b.Release()
		var buf []byte
		for _, g := range order {
			buf = a.sk[g].AppendState(buf[:0])
			b.Append(buf)
		}
		return b.NewArray(), nil
	case *countAcc, *isumAcc, *fsumAcc, *varAcc:
		rows := wordRows(a)
		isum, _ := a.(*isumAcc)
		b := array.NewFixedSizeListBuilderWithField(mem, int32(words),
			arrow.Field{Name: "item", Type: arrow.PrimitiveTypes.Uint64})
		defer b.Release()
		vb := b.ValueBuilder().(*array.Uint64Builder)
		b.Reserve(len(order))
		vb.Reserve(len(order) * words)
		for _, g := range order {
			if isum != nil && !isum.counted && !isum.hasValue(g) {
				b.AppendNull() // with words null values
				continue
			}
			b.Append(true)
			vb.AppendValues(rows.w[int(g)*rows.stride+off:][:words], nil)
		}
		return b.NewArray(), nil
	}
	return nil, fmt.Errorf("aggregate: no partial state for %T", a)
}

func exportSet(a *distinctAcc, mem memory.Allocator, order []uint32) arrow.Array {
	at := make(map[uint32]int, len(order))
	for i, g := range order {
		at[g] = i
	}
	if a.kind == kindString {
		sets := make([][]string, len(order))
		for k := range a.strs {
			if i, ok := at[k.g]; ok {
				sets[i] = append(sets[i], k.v)
			}
		}
		return setsList(mem, a.dt, sets, func(b array.Builder, s []string, _ []bool) {
			tb := textBuilder(b)
			for _, v := range s {
				tb.AppendString(v)
			}
		})
	}
	sets := make([][]int64, len(order))
	for k := range a.ints {
		if i, ok := at[k.g]; ok {
			sets[i] = append(sets[i], k.v)
		}
	}
	return setsList(mem, arrow.PrimitiveTypes.Int64, sets, (*array.Int64Builder).AppendValues)
}

// setsList builds a list<dt> of one set per group.
func setsList[T any, B array.Builder](mem memory.Allocator, dt arrow.DataType, sets [][]T, appendValues func(B, []T, []bool)) arrow.Array {
	b := array.NewListBuilder(mem, dt)
	defer b.Release()
	vb := b.ValueBuilder().(B)
	for _, s := range sets {
		b.Append(true)
		appendValues(vb, s, nil)
	}
	return b.NewArray()
}

// exportValues lists every value of each group, those in spilled runs
// included: a task's values come back into memory to leave it.
func exportValues(a *quantAcc, mem memory.Allocator, order []uint32) (arrow.Array, error) {
	vals := a.vals
	if len(a.runs) > 0 {
		vals = make([][]float64, len(a.vals))
		for g, r := range a.vals {
			vals[g] = append([]float64(nil), r...)
		}
		for _, path := range a.runs {
			err := a.spill.readQuantRun(path, func(g uint32, x float64) error {
				vals[g] = append(vals[g], x)
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	b := array.NewListBuilder(mem, arrow.PrimitiveTypes.Float64)
	defer b.Release()
	vb := b.ValueBuilder().(*array.Float64Builder)
	for _, g := range order {
		b.Append(true)
		vb.AppendValues(vals[g], nil)
		for range a.nans[g] {
			vb.Append(math.NaN())
		}
	}
	return b.NewArray(), nil
}

// loadState makes the state of a's groups 0..n-1 (a fresh accumulator,
// grown to n) the rows of col, a column exportState built; seq is the
// batch's sequence number, the position of first and last values.
func loadState(a accumulator, col arrow.Array, seq uint64, off, words int) error {
	n := col.Len()
	switch a := a.(type) {
	case *pickAcc:
		if err := a.bind(col, seq); err != nil {
			return err
		}
		return a.update(identity(n), 0)
	case *distinctAcc:
		return loadSet(a, col)
	case *approxQuantAcc:
		return loadDigests(a, col)
	case *listAcc:
		l, ok := col.(*array.List)
		if !ok {
			return fmt.Errorf("aggregate: a list state of type %s", col.DataType())
		}
		offs := l.Offsets()
		vals := array.NewSlice(l.ListValues(), int64(offs[0]), int64(offs[n]))
		defer vals.Release()
		gids := make([]uint32, 0, vals.Len())
		for g := range n {
			for range offs[g+1] - offs[g] {
				gids = append(gids, uint32(g))
			}
		}
		if err := a.bind(vals, seq); err != nil {
			return err
		}
		return a.update(gids, 0)
	case *hllAcc:
		b, ok := col.(*array.Binary)
		if !ok {
			return fmt.Errorf("aggregate: an HLL state of type %s", col.DataType())
		}
		for g := range n {
			if err := a.sk[g].SetState(b.Value(g)); err != nil {
				return err
			}
			a.skBytes += int64(a.sk[g].Bytes())
		}
		return nil
	case *quantAcc:
		l := col.(*array.List)
		vals := l.ListValues().(*array.Float64).Float64Values()
		offs := l.Offsets()
		for g := range n {
			for _, x := range vals[offs[g]:offs[g+1]] {
				if x != x {
					a.nans[g]++
				} else {
					a.push(uint32(g), x)
				}
			}
		}
		return nil
	case *countAcc, *isumAcc, *fsumAcc, *varAcc:
		l, ok := col.(*array.FixedSizeList)
		if !ok || int(l.DataType().(*arrow.FixedSizeListType).Len()) != words {
			return fmt.Errorf("aggregate: a partial state of type %s, want %d words", col.DataType(), words)
		}
		vals := l.ListValues().(*array.Uint64).Uint64Values()
		base := l.Data().Offset() * words
		rows := wordRows(a)
		isum, _ := a.(*isumAcc)
		for g := range n {
			if l.IsNull(g) {
				continue // an integer sum without a value
			}
			copy(rows.w[g*rows.stride+off:g*rows.stride+off+words], vals[base+g*words:base+(g+1)*words])
			if isum != nil && !isum.counted {
				isum.has[g/64] |= 1 << (g % 64)
			}
		}
		return nil
	}
	return fmt.Errorf("aggregate: no partial state for %T", a)
}

func loadSet(a *distinctAcc, col arrow.Array) error {
	l, ok := col.(*array.List)
	if !ok {
		return fmt.Errorf("aggregate: a distinct set of type %s", col.DataType())
	}
	offs := l.Offsets()
	switch v := l.ListValues().(type) {
	case *array.String, *array.LargeString:
		if a.kind != kindString {
			break
		}
		voffs, data, err := strView(v, nil)
		if err != nil {
			return err
		}
		for g := range l.Len() {
			for i := offs[g]; i < offs[g+1]; i++ {
				b := data[voffs[i]:voffs[i+1]]
				if _, ok := a.strs[groupStr{uint32(g), string(b)}]; !ok {
					a.strs[groupStr{uint32(g), string(b)}] = struct{}{}
					a.strBytes += int64(len(b))
					a.counts[g]++
				}
			}
		}
		return nil
	case *array.Int64:
		if a.kind == kindString {
			break
		}
		vals := v.Int64Values()
		for g := range l.Len() {
			for _, x := range vals[offs[g]:offs[g+1]] {
				k := groupInt{g: uint32(g), v: x}
				if _, ok := a.ints[k]; !ok {
					a.ints[k] = struct{}{}
					a.counts[g]++
				}
			}
		}
		return nil
	}
	return fmt.Errorf("aggregate: a distinct set of type %s", col.DataType())
}

func exportDigests(a *approxQuantAcc, mem memory.Allocator, order []uint32) arrow.Array {
	b := array.NewStructBuilder(mem, digestType)
	defer b.Release()
	lists := []*array.ListBuilder{b.FieldBuilder(0).(*array.ListBuilder), b.FieldBuilder(1).(*array.ListBuilder), b.FieldBuilder(2).(*array.ListBuilder)}
	buffered := b.FieldBuilder(3).(*array.Int64Builder)
	floats := []*array.Float64Builder{b.FieldBuilder(4).(*array.Float64Builder), b.FieldBuilder(5).(*array.Float64Builder),
		b.FieldBuilder(6).(*array.Float64Builder), b.FieldBuilder(7).(*array.Float64Builder)}
	for _, g := range order {
		b.Append(true)
		var st sketch.TDigestState
		if d := a.td[g]; d != nil {
			st = d.State()
		}
		for i, vals := range [][]float64{a.raw[g], st.Means, st.Weights} {
			lists[i].Append(true)
			lists[i].ValueBuilder().(*array.Float64Builder).AppendValues(vals, nil)
		}
		buffered.Append(int64(st.Buffered))
		for i, x := range []float64{st.Total, st.Min, st.Max, st.Count} {
			floats[i].Append(x)
		}
	}
	return b.NewArray()
}

func loadDigests(a *approxQuantAcc, col arrow.Array) error {
	s, ok := col.(*array.Struct)
	if !ok || !arrow.TypeEqual(col.DataType(), digestType) {
		return fmt.Errorf("aggregate: a t-digest state of type %s", col.DataType())
	}
	list := func(i, g int) []float64 {
		l := s.Field(i).(*array.List)
		offs := l.Offsets()
		return l.ListValues().(*array.Float64).Float64Values()[offs[g]:offs[g+1]]
	}
	float := func(i, g int) float64 { return s.Field(i).(*array.Float64).Value(g) }
	for g := range s.Len() {
		if raw := list(0, g); len(raw) > 0 {
			a.raw[g] = append([]float64(nil), raw...)
			a.rawBytes += int64(cap(a.raw[g])) * 8
		}
		if float(7, g) == 0 {
			continue
		}
		d, err := sketch.NewTDigest(sketch.TDigestState{Means: list(1, g), Weights: list(2, g),
			Buffered: int(s.Field(3).(*array.Int64).Value(g)), Total: float(4, g), Min: float(5, g), Max: float(6, g), Count: float(7, g)})
		if err != nil {
			return err
		}
		a.td[g] = d
		a.tdBytes += tdigestBytes
	}
	return nil
}

// mergeRow adds group i of b to group g of a (merge, and the states'
// import); b's group is not used afterwards. A digest arriving in an
// empty group is taken as it is, as finish takes its first partial: merged
// into an empty digest it would be compressed again, and the result would
// depend on whether the group was new.
func (a *approxQuantAcc) mergeRow(b *approxQuantAcc, i int, g uint32) {
	if d := b.td[i]; d != nil {
		if a.td[g] == nil && len(a.raw[g]) == 0 {
			a.td[g] = d
			a.tdBytes += tdigestBytes
			b.td[i] = nil
			return
		}
		if a.td[g] == nil {
			a.td[g] = &sketch.TDigest{}
			a.tdBytes += tdigestBytes
			for _, x := range a.raw[g] {
				a.td[g].Add(x)
			}
			a.rawBytes -= int64(cap(a.raw[g])) * 8
			a.raw[g] = nil
		}
		a.td[g].Merge(d)
		return
	}
	for _, x := range b.raw[i] {
		a.add(g, x)
	}
}

// wordRows is the row words of an accumulator whose state lives there
// (count, sums, var); nil for the others.
func wordRows(a accumulator) *stateRows {
	switch a := a.(type) {
	case *countAcc:
		return a.rows
	case *isumAcc:
		return a.rows
	case *fsumAcc:
		return a.rows
	case *varAcc:
		return a.rows
	}
	return nil
}
