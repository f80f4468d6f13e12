package jsonin

import (
	"github.com/apache/arrow-go/v18/arrow"

	"github.com/arrowpipe/arrowpipe/stages/internal/civil"
)

// Why a date-time does not fit a timestamp column.
const (
	tsFits      = iota
	tsPrecision // it has a fraction finer than the unit
	tsRange     // beyond the unit's range (nanoseconds: years 1677 to 2262)
)

// timestampIn converts seconds and nanoseconds to a count of unit, exactly
// or not at all.
func timestampIn(unit arrow.TimeUnit, sec, nsec int64) (int64, int) {
	switch unit {
	case arrow.Second:
		if nsec != 0 {
			return 0, tsPrecision
		}
		return sec, tsFits
	case arrow.Millisecond:
		if nsec%1e6 != 0 {
			return 0, tsPrecision
		}
		return sec*1e3 + nsec/1e6, tsFits // textval's years 0-9999 fit
	case arrow.Microsecond:
		if nsec%1e3 != 0 {
			return 0, tsPrecision
		}
		return sec*1e6 + nsec/1e3, tsFits
	}
	v, ok := civil.UnixNano(sec, nsec)
	if !ok {
		return 0, tsRange
	}
	return v, tsFits
}
