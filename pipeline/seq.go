package pipeline

import "context"

type seqKey struct{}

// seqContext carries the sequence number of the batch a worker is
// processing. Each worker reuses one, so passing the number costs no
// allocation per batch.
type seqContext struct {
	context.Context
	seq uint64
}

func (c *seqContext) Value(key any) any {
	if key == (seqKey{}) {
		return c.seq
	}
	return c.Context.Value(key)
}

// SeqOf returns the sequence number of the batch being processed, from the
// ctx that the pipeline passes to Worker.Process and Decoder.Decode.
// Sequence numbers start at 0 and strictly increase along each step's
// output, Finish output included (numbered after the stage's last input),
// so a stateful stage can order what it saw by first appearance even when
// its workers see batches out of order.
func SeqOf(ctx context.Context) (uint64, bool) {
	seq, ok := ctx.Value(seqKey{}).(uint64)
	return seq, ok
}

// WithSeq returns a ctx that carries seq, as the pipeline's does. It is for
// driving stages outside a pipeline, as tests do.
func WithSeq(ctx context.Context, seq uint64) context.Context {
	return &seqContext{Context: ctx, seq: seq}
}
