package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// Whatever mix of cheap and costly batches a worker sees, the busy time it
// accounts for is the timed durations, each counted for the untimed
// batches before it: with constant durations, exactly the true total.
func TestWorkerClockAccountsForUntimedBatches(t *testing.T) {
	tests := []struct {
		name      string
		durations func(seq uint64) int64
		seqStep   uint64 // the worker sees every seqStep-th batch (a pool of that size)
		wantTimed int
	}{
		{"cheap batches, one worker", func(uint64) int64 { return 500 }, 1, 1000 / sampleEvery},
		{"cheap batches, two workers", func(uint64) int64 { return 500 }, 2, 500 / (sampleEvery / 2)},
		{"costly batches are all timed", func(uint64) int64 { return sampleBelow }, 1, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := workerClock{every: true}
			var busy, truth int64
			timed := 0
			n := 0
			for seq := uint64(0); n < 1000/int(tt.seqStep); seq += tt.seqStep {
				n++
				d := tt.durations(seq)
				truth += d
				if c.times(seq) {
					timed++
					busy += c.account(d)
				}
			}
			// The batches after the last timed one are counted with the
			// next timed batch, which did not come.
			assert.InDelta(t, truth, busy+c.untimed*tt.durations(0), 0)
			assert.InDelta(t, tt.wantTimed, timed, 1)
		})
	}
}
