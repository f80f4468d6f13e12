package join

import "sync/atomic"

// Stats are a join's counters, updated as it runs; they are safe to read
// concurrently (the --stats report reads them).
type Stats struct {
	// BuildRows and BuildBytes are the table's rows and the bytes of its
	// Arrow data held in memory (or spilled).
	BuildRows, BuildBytes atomic.Int64
	// SpilledBytes counts the bytes of the spill files written: both
	// sides' partitions and the joined partitions before their merge.
	SpilledBytes atomic.Int64
	// ProbeRows counts the stream rows probed; Matches the pairs of a
	// stream row and a table row found equal.
	ProbeRows, Matches atomic.Int64
}
