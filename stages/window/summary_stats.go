package window

import (
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
	"github.com/cespare/xxhash/v2"

	"github.com/arrowpipe/arrowpipe/stages/aggregate/sketch"
)

// sumKind is how summary reads a column's values.
type sumKind int

const (
	sumInt    sumKind = iota // signed integers and uint8..uint32: numbers
	sumFloat                 // float32, float64: numbers
	sumString                // string, large string: byte order
	sumBool                  // false < true
	sumTime                  // dates, times, timestamps: by their instant
	sumOther                 // anything else: as text, in byte order
)

func kindOfSummary(t arrow.DataType) sumKind {
	switch t.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64, arrow.UINT8, arrow.UINT16, arrow.UINT32:
		return sumInt
	case arrow.FLOAT32, arrow.FLOAT64:
		return sumFloat
	case arrow.STRING, arrow.LARGE_STRING:
		return sumString
	case arrow.BOOL:
		return sumBool
	case arrow.DATE32, arrow.DATE64, arrow.TIMESTAMP, arrow.TIME32, arrow.TIME64:
		return sumTime
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
		return sumInt // ordered by unscaled value (see addDecimals)
	}
	return sumOther
}

// summaryKeyBytes caps the bytes of the distinct values kept exactly, so
// that long strings cannot hold unbounded memory below SummaryExact.
const summaryKeyBytes = 1 << 20

// colStats is one column's statistics so far. min and max are held as
// numbers (minI/minF) where the kind has them and as text (minS) for
// display; counts holds each distinct value's text and count until it
// passes SummaryExact values or summaryKeyBytes, then hll takes over.
type colStats struct {
	kind        sumKind
	rows, nulls int64

	has        bool
	minI, maxI int64
	minF, maxF float64
	minS, maxS string

	n        int64 // values in mean and m2
	mean, m2 float64

	vals   []float64
	digest *sketch.TDigest

	// counts' values are pointers so that counting a seen value never
	// assigns to the map: Go's map assignment replaces a string key with
	// the one given, which may alias a batch that is released next.
	counts   map[string]*int64
	keyBytes int
	hll      *sketch.HLL
	// binKeys: counts and hll take numbers and instants by their 8-byte
	// value, not their text, which is made for the top values only.
	binKeys bool
	typ     arrow.DataType
}

func newColStats(t arrow.DataType) colStats {
	s := colStats{kind: kindOfSummary(t), counts: map[string]*int64{}, typ: t}
	switch t.ID() {
	case arrow.DECIMAL32, arrow.DECIMAL64, arrow.DECIMAL128, arrow.DECIMAL256:
	default:
		s.binKeys = s.kind == sumInt || s.kind == sumFloat || s.kind == sumTime
	}
	return s
}

// add takes one batch's column; buf is scratch, returned for reuse.
func (s *colStats) add(col arrow.Array, buf []byte) []byte {
	s.rows += int64(col.Len())
	s.nulls += int64(col.NullN())
	switch a := col.(type) {
	case *array.Int8:
		return addInts(s, a, buf)
	case *array.Int16:
		return addInts(s, a, buf)
	case *array.Int32:
		return addInts(s, a, buf)
	case *array.Int64:
		return addInts(s, a, buf)
	case *array.Uint8:
		return addInts(s, a, buf)
	case *array.Uint16:
		return addInts(s, a, buf)
	case *array.Uint32:
		return addInts(s, a, buf)
	case *array.Float32:
		return addFloats(s, a, buf)
	case *array.Float64:
		return addFloats(s, a, buf)
	case *array.String:
		addStrings(s, a)
	case *array.LargeString:
		addStrings(s, a)
	case *array.Boolean:
		for i := range a.Len() {
			if a.IsValid(i) {
				v := int64(0)
				if a.Value(i) {
					v = 1
				}
				s.minMaxInt(v, func() string { return strconv.FormatBool(v == 1) })
				s.count(strconv.FormatBool(v == 1))
			}
		}
	case *array.Date32:
		addTimes(s, a)
	case *array.Date64:
		addTimes(s, a)
	case *array.Timestamp:
		addTimes(s, a)
	case *array.Time32:
		addTimes(s, a)
	case *array.Time64:
		addTimes(s, a)
	case *array.Decimal32, *array.Decimal64, *array.Decimal128, *array.Decimal256:
		return addDecimals(s, col, buf)
	default:
		for i := range col.Len() {
			if col.IsValid(i) {
				v := col.ValueStr(i)
				s.minMaxString(v)
				s.count(v)
			}
		}
	}
	return buf
}

type valuer[T any] interface {
	Len() int
	IsValid(int) bool
	Value(int) T
}

func addInts[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32](s *colStats, a valuer[T], buf []byte) []byte {
	for i := range a.Len() {
		if !a.IsValid(i) {
			continue
		}
		v := int64(a.Value(i))
		s.minMaxInt(v, func() string { return strconv.FormatInt(v, 10) })
		s.moment(float64(v))
		buf = binary.LittleEndian.AppendUint64(buf[:0], uint64(v))
		s.countBytes(buf)
	}
	return buf
}

func addFloats[T float32 | float64](s *colStats, a valuer[T], buf []byte) []byte {
	for i := range a.Len() {
		if !a.IsValid(i) {
			continue
		}
		v := float64(a.Value(i))
		if v == 0 {
			v = 0 // -0 is 0
		}
		if !s.has || floatLess(v, s.minF) {
			s.minF = v
		}
		if !s.has || floatLess(s.maxF, v) {
			s.maxF = v
		}
		s.has = true
		s.moment(v)
		bits := math.Float64bits(v)
		if math.IsNaN(v) {
			bits = math.Float64bits(math.NaN()) // one NaN, as its text is one
		}
		buf = binary.LittleEndian.AppendUint64(buf[:0], bits)
		s.countBytes(buf)
	}
	return buf
}

// floatLess orders NaN above every number, as DuckDB does.
func floatLess(a, b float64) bool {
	return a < b || (!math.IsNaN(a) && math.IsNaN(b))
}

func addStrings[T string](s *colStats, a valuer[T]) {
	for i := range a.Len() {
		if a.IsValid(i) {
			v := string(a.Value(i))
			s.minMaxString(v)
			s.count(v)
		}
	}
}

func addTimes[T ~int32 | ~int64](s *colStats, a interface {
	valuer[T]
	ValueStr(int) string
}) {
	var key [8]byte
	for i := range a.Len() {
		if a.IsValid(i) {
			v := int64(a.Value(i))
			s.minMaxInt(v, func() string { return a.ValueStr(i) })
			binary.LittleEndian.PutUint64(key[:], uint64(v))
			s.countBytes(key[:])
		}
	}
}

// minMaxInt updates min and max with v; text gives v's display, called
// only when v is a new min or max.
func (s *colStats) minMaxInt(v int64, text func() string) {
	if !s.has || v < s.minI {
		s.minI, s.minS = v, text()
	}
	if !s.has || v > s.maxI {
		s.maxI, s.maxS = v, text()
	}
	s.has = true
}

func (s *colStats) minMaxString(v string) {
	if !s.has || v < s.minS {
		s.minS = strings.Clone(v)
	}
	if !s.has || v > s.maxS {
		s.maxS = strings.Clone(v)
	}
	s.has = true
}

// moment adds v to the mean and variance (Welford) and the quantiles.
func (s *colStats) moment(v float64) {
	s.n++
	d := v - s.mean
	s.mean += d / float64(s.n)
	s.m2 += d * (v - s.mean)
	if math.IsNaN(v) {
		return
	}
	if s.digest != nil {
		s.digest.Add(v)
		return
	}
	s.vals = append(s.vals, v)
	if len(s.vals) > SummaryExact {
		s.toDigest()
	}
}

func (s *colStats) toDigest() {
	s.digest = &sketch.TDigest{}
	for _, v := range s.vals {
		s.digest.Add(v)
	}
	s.vals = nil
}

// countBytes counts the value whose text is b without allocating when
// it was seen before.
func (s *colStats) countBytes(b []byte) {
	if s.hll != nil {
		s.hll.Add(xxhash.Sum64(b))
		return
	}
	if n, ok := s.counts[string(b)]; ok {
		*n++
		return
	}
	s.count(string(b))
}

func (s *colStats) count(v string) {
	if s.hll != nil {
		s.hll.Add(xxhash.Sum64String(v))
		return
	}
	if n, ok := s.counts[v]; ok {
		*n++
		return
	}
	one := int64(1)
	s.counts[strings.Clone(v)] = &one
	s.keyBytes += len(v)
	if len(s.counts) > SummaryExact || s.keyBytes > summaryKeyBytes {
		s.toHLL()
	}
}

// toHLL replaces the exact counts by a HyperLogLog of the same values.
func (s *colStats) toHLL() {
	s.hll = &sketch.HLL{}
	for v := range s.counts {
		s.hll.Add(xxhash.Sum64String(v))
	}
	s.counts, s.keyBytes = nil, 0
}

// merge adds o's statistics (of the same column) to s's.
func (s *colStats) merge(o *colStats) {
	s.rows += o.rows
	s.nulls += o.nulls
	if o.has {
		switch s.kind {
		case sumFloat:
			if !s.has || floatLess(o.minF, s.minF) {
				s.minF = o.minF
			}
			if !s.has || floatLess(s.maxF, o.maxF) {
				s.maxF = o.maxF
			}
		case sumString, sumOther:
			if !s.has || o.minS < s.minS {
				s.minS = o.minS
			}
			if !s.has || o.maxS > s.maxS {
				s.maxS = o.maxS
			}
		default:
			if !s.has || o.minI < s.minI {
				s.minI, s.minS = o.minI, o.minS
			}
			if !s.has || o.maxI > s.maxI {
				s.maxI, s.maxS = o.maxI, o.maxS
			}
		}
		s.has = true
	}
	// Chan et al.'s pairwise update of mean and m2.
	if o.n > 0 {
		n := s.n + o.n
		d := o.mean - s.mean
		s.m2 += o.m2 + d*d*float64(s.n)*float64(o.n)/float64(n)
		s.mean += d * float64(o.n) / float64(n)
		s.n = n
	}
	switch {
	case o.digest != nil:
		if s.digest == nil {
			s.toDigest()
		}
		s.digest.Merge(o.digest)
	case s.digest != nil:
		for _, v := range o.vals {
			s.digest.Add(v)
		}
	default:
		s.vals = append(s.vals, o.vals...)
		if len(s.vals) > SummaryExact {
			s.toDigest()
		}
	}
	switch {
	case o.hll != nil:
		if s.hll == nil {
			s.toHLL()
		}
		s.hll.Merge(o.hll)
	case s.hll != nil:
		for v := range o.counts {
			s.hll.Add(xxhash.Sum64String(v))
		}
	default:
		for v, n := range o.counts {
			if m, ok := s.counts[v]; ok {
				*m += *n
				continue
			}
			c := *n
			s.counts[v] = &c // v is o's own copy
			s.keyBytes += len(v)
		}
		if len(s.counts) > SummaryExact || s.keyBytes > summaryKeyBytes {
			s.toHLL()
		}
	}
}

// summaryResult is one column's output row.
type summaryResult struct {
	distinct           int64
	distinctApprox     bool
	min, max           string
	hasMinMax          bool
	mean, stddev       float64
	hasMean, hasStddev bool
	q                  [3]float64
	hasQ, qApprox      bool
	top                string
	hasTop             bool
}

func (s *colStats) result() summaryResult {
	var r summaryResult
	if s.hll != nil {
		r.distinct, r.distinctApprox = int64(math.Round(s.hll.Estimate())), true
	} else {
		r.distinct = int64(len(s.counts))
		r.top, r.hasTop = topValues(s.textCounts(), s.kind == sumInt || s.kind == sumFloat), len(s.counts) > 0
	}
	if s.has {
		r.hasMinMax = true
		r.min, r.max = s.minS, s.maxS
		if s.kind == sumFloat {
			r.min = strconv.FormatFloat(s.minF, 'g', -1, 64)
			r.max = strconv.FormatFloat(s.maxF, 'g', -1, 64)
		}
	}
	if s.n > 0 {
		r.mean, r.hasMean = s.mean, true
	}
	if s.n > 1 {
		r.stddev, r.hasStddev = math.Sqrt(s.m2/float64(s.n-1)), true
	}
	qs := [3]float64{0.25, 0.5, 0.75}
	switch {
	case s.digest != nil:
		r.hasQ, r.qApprox = true, true
		for i, q := range qs {
			r.q[i] = s.digest.Quantile(q)
		}
	case len(s.vals) > 0:
		r.hasQ = true
		slices.Sort(s.vals)
		for i, q := range qs {
			r.q[i] = exactQuantile(s.vals, q)
		}
	}
	return r
}

// textCounts is counts keyed by the values' text.
func (s *colStats) textCounts() map[string]int64 {
	out := make(map[string]int64, len(s.counts))
	for k, n := range s.counts {
		if s.binKeys {
			k = s.keyText(k)
		}
		out[k] = *n
	}
	return out
}

// keyText is the text of a value counted by its 8-byte key, as the
// column's array prints it.
func (s *colStats) keyText(k string) string {
	v := binary.LittleEndian.Uint64([]byte(k))
	switch s.kind {
	case sumInt:
		return strconv.FormatInt(int64(v), 10)
	case sumFloat:
		return strconv.FormatFloat(math.Float64frombits(v), 'g', -1, 64)
	}
	width := s.typ.(arrow.FixedWidthDataType).BitWidth() / 8
	b := make([]byte, width)
	if width == 4 {
		binary.LittleEndian.PutUint32(b, uint32(v))
	} else {
		binary.LittleEndian.PutUint64(b, v)
	}
	data := array.NewData(s.typ, 1, []*memory.Buffer{nil, memory.NewBufferBytes(b)}, nil, 0, 0)
	defer data.Release()
	a := array.MakeFromData(data)
	defer a.Release()
	return a.ValueStr(0)
}

// exactQuantile is DuckDB's quantile_cont over sorted: the value at
// position q·(n-1), interpolated linearly between its neighbours.
func exactQuantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	if lo+1 >= len(sorted) {
		return sorted[lo]
	}
	return sketch.Lerp(sorted[lo], sorted[lo+1], pos-float64(lo))
}

// topValues lists the summaryTop most frequent values as
// "value (count), ...", by count descending, then value ascending (as
// numbers when numeric, else by text).
func topValues(counts map[string]int64, numeric bool) string {
	type vc struct {
		v string
		n int64
	}
	all := make([]vc, 0, len(counts))
	for v, n := range counts {
		all = append(all, vc{v, n})
	}
	slices.SortFunc(all, func(a, b vc) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		if numeric {
			x, _ := strconv.ParseFloat(a.v, 64)
			y, _ := strconv.ParseFloat(b.v, 64)
			if c := cmp.Compare(x, y); c != 0 {
				return c
			}
		}
		return strings.Compare(a.v, b.v)
	})
	var sb strings.Builder
	for i, e := range all[:min(summaryTop, len(all))] {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(e.v)
		sb.WriteString(" (")
		sb.WriteString(strconv.FormatInt(e.n, 10))
		sb.WriteString(")")
	}
	return sb.String()
}
