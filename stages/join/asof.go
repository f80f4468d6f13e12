package join

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
)

// checkAsOf checks the first key, which orders an as-of join, and reads
// the tolerance in its units.
func (j *joiner) checkAsOf() error {
	on := j.stream.Field(j.streamKeys[0])
	var unit time.Duration // of one step of the key; 0: a plain number
	switch dt := on.Type.(type) {
	case *arrow.TimestampType:
		unit = dt.Unit.Multiplier()
	case *arrow.Date32Type:
		unit = 24 * time.Hour
	case *arrow.Date64Type:
		unit = time.Millisecond
	case *arrow.Time32Type:
		unit = dt.Unit.Multiplier()
	case *arrow.Time64Type:
		unit = dt.Unit.Multiplier()
	case *arrow.DurationType:
		unit = dt.Unit.Multiplier()
	default:
		if c, _ := keyClass(on.Type); c != classInt {
			return fmt.Errorf("%w: an asof join orders by its first key, %s, which must be a timestamp, date, time or integer, not %s", ErrKey, on.Name, on.Type)
		}
	}
	if j.opts.Tolerance == "" {
		return nil
	}
	if unit == 0 {
		n, err := strconv.ParseInt(j.opts.Tolerance, 10, 64)
		if err != nil || n < 0 {
			return fmt.Errorf("tolerance %q: %s is an integer, so the tolerance is a whole number >= 0", j.opts.Tolerance, on.Name)
		}
		j.tolerance = n
		return nil
	}
	d, err := time.ParseDuration(j.opts.Tolerance)
	if err != nil || d < 0 {
		return fmt.Errorf("tolerance %q: %s is a time, so the tolerance is a duration >= 0 such as 90s, 5m or 36h", j.opts.Tolerance, on.Name)
	}
	j.tolerance = int64(d / unit)
	return nil
}

// asOfRow finds the table row for a stream row whose first key is v in
// the group g, or -1.
func (j *joiner) asOfRow(t *table, g int32, v int64) int32 {
	seg := t.groupRows[t.groupStart[g]:t.groupStart[g+1]]
	// First position whose key is > v, and first whose key is >= v.
	after, _ := slices.BinarySearchFunc(seg, v, func(r int32, v int64) int {
		if t.onVals[r] <= v {
			return -1
		}
		return 1
	})
	atOrAfter, _ := slices.BinarySearchFunc(seg, v, func(r int32, v int64) int {
		if t.onVals[r] < v {
			return -1
		}
		return 1
	})
	back, fwd := int32(-1), int32(-1)
	if after > 0 {
		back = seg[after-1] // the last of equal keys, in table order
	}
	if atOrAfter < len(seg) {
		fwd = seg[atOrAfter] // the first of equal keys
	}
	within := func(r int32) bool {
		if r < 0 {
			return false
		}
		d := t.onVals[r] - v
		if d < 0 {
			d = -d
		}
		return j.tolerance < 0 || d <= j.tolerance
	}
	var r int32 = -1
	switch j.opts.Direction {
	case Backward:
		r = back
	case Forward:
		r = fwd
	case Nearest:
		switch {
		case back < 0:
			r = fwd
		case fwd < 0:
			r = back
		case v-t.onVals[back] <= t.onVals[fwd]-v:
			r = back
		default:
			r = fwd
		}
	}
	if !within(r) {
		return -1
	}
	return r
}
