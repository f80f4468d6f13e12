package sketch

import (
	"encoding/binary"
	"errors"
	"slices"
)

// errHLLState is returned by SetState for bytes AppendState did not write.
var errHLLState = errors.New("sketch: not an HLL state")

// AppendState appends the sketch's registers to dst and returns it: a 0
// byte and its sparse entries (register<<8 | rank, 4 bytes little-endian
// each, sorted, one per register), or a 1 byte and the 16384 dense
// registers. h is unchanged. SetState reads it back: the sketch it makes
// estimates and merges as h does.
func (h *HLL) AppendState(dst []byte) []byte {
	if h.dense != nil {
		dst = append(dst, 1)
		return append(dst, h.dense...)
	}
	c := HLL{sparse: slices.Clone(h.sparse)}
	c.compact()
	if c.dense != nil {
		dst = append(dst, 1)
		return append(dst, c.dense...)
	}
	dst = append(dst, 0)
	for _, e := range c.sparse {
		dst = binary.LittleEndian.AppendUint32(dst, e)
	}
	return dst
}

// SetState makes h the sketch whose state AppendState wrote to b (b is
// not kept), or returns an error for bytes of another form.
func (h *HLL) SetState(b []byte) error {
	if len(b) == 0 {
		return errHLLState
	}
	switch kind, b := b[0], b[1:]; {
	case kind == 1 && len(b) == hllRegisters:
		*h = HLL{dense: slices.Clone(b)}
	case kind == 0 && len(b)%4 == 0 && len(b)/4 <= hllSparseMax:
		s := make([]uint32, len(b)/4)
		for i := range s {
			s[i] = binary.LittleEndian.Uint32(b[4*i:])
			if s[i]>>8 >= hllRegisters || uint8(s[i]) > hllQ+1 {
				return errHLLState
			}
		}
		*h = HLL{sparse: s, limit: 2 * len(s)}
	default:
		return errHLLState
	}
	return nil
}
