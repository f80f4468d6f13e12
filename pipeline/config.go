package pipeline

import (
	"runtime"

	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/arrowpipe/arrowpipe/sharedmem"
)

// Config tunes a pipeline. The zero value is ready to use.
type Config struct {
	// Handoff chooses how batches cross between stages; the zero value is
	// Auto with the default copy threshold.
	Handoff sharedmem.Policy
	// Mem allocates every Arrow buffer the pipeline's own handoffs create;
	// nil means a new sharedmem.Pool. Sources, stages and sinks get theirs
	// from their own constructors (normally the same allocator).
	Mem memory.Allocator
	// DecodeWorkers and EncodeWorkers size the source's and the sink's
	// pools; 0 means GOMAXPROCS.
	DecodeWorkers, EncodeWorkers int
	// QueueDepth is how many batches may wait for each step beyond one per
	// worker; 0 means one per worker. With the batch size it bounds memory.
	QueueDepth int
	// Unordered lets each step pass on batches as soon as they are done
	// instead of in input order.
	Unordered bool
}

func poolSize(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return n
}
