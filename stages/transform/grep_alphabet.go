package transform

import "github.com/apache/arrow-go/v18/arrow"

// textAlphabet returns every byte that to_string can print for a value
// of type dt, when grep knows it: a column whose text is made of these
// alone cannot match a pattern that needs another byte, and grep skips
// printing it (a third of grep's CPU time on the generated orders).
// TestTextAlphabet checks the sets against to_string.
func textAlphabet(dt arrow.DataType) (string, bool) {
	switch dt.ID() {
	case arrow.INT8, arrow.INT16, arrow.INT32, arrow.INT64,
		arrow.UINT8, arrow.UINT16, arrow.UINT32, arrow.UINT64, arrow.DATE32:
		return "0123456789-", true
	case arrow.FLOAT32, arrow.FLOAT64: // 'g' format, NaN, +Inf, -Inf
		return "0123456789-+.eNaInf", true
	case arrow.BOOL:
		return "truefals", true
	case arrow.TIMESTAMP: // RFC 3339 in UTC
		if tz := dt.(*arrow.TimestampType).TimeZone; tz == "" || tz == "UTC" {
			return "0123456789-+:.TZ", true
		}
	}
	return "", false
}
