package sketch

import (
	"math"
	"math/bits"
	"slices"
)

// HLLPrecision is the number of hash bits that pick a register.
const HLLPrecision = 14

const (
	hllRegisters = 1 << HLLPrecision
	hllQ         = 64 - HLLPrecision // bits left to count leading zeros in
	// hllSparseMax is the number of distinct registers a sparse HLL holds
	// before it turns dense: 3072 entries of 4 bytes, 12 KiB, under the
	// 16 KiB of the dense form.
	hllSparseMax = 3072
	hllSparseMin = 64
)

// HLLStdError is the relative standard error of HLL.Estimate:
// 1.04/sqrt(16384) ≈ 0.81 %.
const HLLStdError = 1.04 / 128

// HLL is a HyperLogLog distinct counter over 64-bit hashes. Feed it well
// mixed hashes (every bit equally likely), not raw values.
type HLL struct {
	// sparse holds register<<8 | rank entries, possibly repeated, until the
	// set turns dense. limit is the length at which it is compacted.
	sparse []uint32
	limit  int
	dense  []uint8
}

// Add records one hash.
func (h *HLL) Add(hash uint64) {
	idx := uint32(hash >> hllQ)
	// The guard bit caps the rank at hllQ+1 when the low bits are all zero.
	rank := uint8(bits.LeadingZeros64(hash<<HLLPrecision|1<<(HLLPrecision-1)) + 1)
	if h.dense != nil {
		if rank > h.dense[idx] {
			h.dense[idx] = rank
		}
		return
	}
	h.sparse = append(h.sparse, idx<<8|uint32(rank))
	if len(h.sparse) >= max(h.limit, hllSparseMin) {
		h.compact()
	}
}

// compact sorts and deduplicates the sparse list, keeping the highest rank
// of each register, and turns the sketch dense when the list is long.
func (h *HLL) compact() {
	slices.Sort(h.sparse)
	out := h.sparse[:0]
	for _, e := range h.sparse {
		// Sorted by register then rank: the last entry of a register wins.
		if n := len(out); n > 0 && out[n-1]>>8 == e>>8 {
			out[n-1] = e
			continue
		}
		out = append(out, e)
	}
	h.sparse = out
	h.limit = 2 * len(out)
	if len(out) > hllSparseMax {
		h.toDense()
	}
}

func (h *HLL) toDense() {
	d := make([]uint8, hllRegisters)
	for _, e := range h.sparse {
		if r := uint8(e); r > d[e>>8] {
			d[e>>8] = r
		}
	}
	h.dense, h.sparse, h.limit = d, nil, 0
}

// Merge adds every hash that other has seen. other is unchanged.
func (h *HLL) Merge(other *HLL) {
	if other.dense == nil {
		if h.dense == nil {
			h.sparse = append(h.sparse, other.sparse...)
			h.compact()
			return
		}
		for _, e := range other.sparse {
			if r := uint8(e); r > h.dense[e>>8] {
				h.dense[e>>8] = r
			}
		}
		return
	}
	if h.dense == nil {
		h.toDense()
	}
	for i, r := range other.dense {
		if r > h.dense[i] {
			h.dense[i] = r
		}
	}
}

// Bytes is the memory the sketch holds, for accounting.
func (h *HLL) Bytes() int {
	return cap(h.sparse)*4 + cap(h.dense)
}

// Estimate returns the estimated number of distinct hashes added, with the
// relative standard error HLLStdError. It is 0 for an empty sketch.
func (h *HLL) Estimate() float64 {
	var counts [hllQ + 2]int
	if h.dense != nil {
		for _, r := range h.dense {
			counts[r]++
		}
	} else {
		if len(h.sparse) == 0 {
			return 0
		}
		h.compact()
		if h.dense != nil {
			return h.Estimate()
		}
		counts[0] = hllRegisters - len(h.sparse)
		for _, e := range h.sparse {
			counts[uint8(e)]++
		}
	}
	return ertlEstimate(&counts)
}

// ertlEstimate is the improved raw estimator of Ertl, "New cardinality
// estimation algorithms for HyperLogLog sketches" (2017), eq. 25: accurate
// from zero to far beyond 2^32 without bias correction tables.
func ertlEstimate(c *[hllQ + 2]int) float64 {
	const m = float64(hllRegisters)
	z := m * hllTau(1-float64(c[hllQ+1])/m)
	for k := hllQ; k >= 1; k-- {
		z = 0.5 * (z + float64(c[k]))
	}
	z += m * hllSigma(float64(c[0])/m)
	const alphaInf = 0.5 / math.Ln2
	return alphaInf * m * m / z
}

func hllSigma(x float64) float64 {
	if x == 1 {
		return math.Inf(1)
	}
	y, z := 1.0, x
	for {
		x *= x
		zOld := z
		z += x * y
		y += y
		if z == zOld {
			return z
		}
	}
}

func hllTau(x float64) float64 {
	if x == 0 || x == 1 {
		return 0
	}
	y, z := 1.0, 1-x
	for {
		x = math.Sqrt(x)
		zOld := z
		y *= 0.5
		z -= (1 - x) * (1 - x) * y
		if z == zOld {
			return z / 3
		}
	}
}
