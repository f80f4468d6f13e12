package csvin

import "bytes"

// nullSet holds Options.NullValues for fast lookup: most fields are rejected
// by a length check alone.
type nullSet struct {
	values [][]byte
	any    bool   // len(values) > 0
	lens   uint64 // bit n set when a value has length n (n < 64)
	long   bool   // some value is 64 bytes or longer
}

func newNullSet(values []string) nullSet {
	var s nullSet
	for _, v := range values {
		if v == "" {
			continue // the empty field is always null
		}
		s.values = append(s.values, []byte(v))
		s.any = true
		if len(v) < 64 {
			s.lens |= 1 << len(v)
		} else {
			s.long = true
		}
	}
	return s
}

// has reports whether f is one of the null values (not counting "").
func (s *nullSet) has(f []byte) bool {
	if len(s.values) == 0 || (len(f) < 64 && s.lens&(1<<len(f)) == 0) || (len(f) >= 64 && !s.long) {
		return false
	}
	for _, v := range s.values {
		if bytes.Equal(f, v) {
			return true
		}
	}
	return false
}
