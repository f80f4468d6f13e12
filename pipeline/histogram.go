package pipeline

import (
	"math"
	"math/bits"
	"sync/atomic"
	"time"
)

// histogram counts durations in log-linear buckets: 8 per power of two, so a
// quantile read from it is within ~9 % of the true value. Recording is one
// atomic add; it is safe for concurrent use.
type histogram struct {
	counts [64 * subBuckets]atomic.Int64
}

const subBuckets = 8

func bucketOf(ns int64) int {
	if ns < subBuckets {
		if ns < 0 {
			return 0
		}
		return int(ns)
	}
	exp := bits.Len64(uint64(ns)) - 1 // ns in [2^exp, 2^(exp+1))
	sub := int(uint64(ns)>>(exp-3)) & (subBuckets - 1)
	return (exp-2)*subBuckets + sub
}

// bucketLow is the smallest duration that falls in bucket i.
func bucketLow(i int) int64 {
	if i < subBuckets {
		return int64(i)
	}
	exp := i/subBuckets + 2
	sub := i % subBuckets
	return int64(subBuckets+sub) << (exp - 3)
}

func (h *histogram) record(d time.Duration) {
	h.counts[bucketOf(int64(d))].Add(1)
}

// quantile returns the duration at quantile q (0..1), the midpoint of its
// bucket; 0 when nothing was recorded.
func (h *histogram) quantile(q float64) time.Duration {
	var total int64
	for i := range h.counts {
		total += h.counts[i].Load()
	}
	if total == 0 {
		return 0
	}
	rank := int64(math.Ceil(q * float64(total)))
	if rank < 1 {
		rank = 1
	}
	var seen int64
	for i := range h.counts {
		seen += h.counts[i].Load()
		if seen >= rank {
			lo, hi := bucketLow(i), bucketLow(i+1)
			return time.Duration(lo + (hi-lo)/2)
		}
	}
	return 0
}
