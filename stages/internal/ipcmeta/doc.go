// Package ipcmeta reads and checks the metadata of Arrow IPC messages
// and footers before arrow-go decodes them. arrow-go sizes its slices by
// the lengths the flatbuffer claims before it reads the entries, and
// allocates the uncompressed length a compressed buffer declares, so a
// few corrupt bytes could make it allocate gigabytes and kill the process
// instead of failing. Check refuses a schema list longer than the bytes
// that hold it, a field table visited more often than the buffer has
// entries (tables shared or looped) and nesting deeper than 64;
// CheckBatch refuses a compressed buffer that declares more than its
// codec can expand it to.
//
//	message bytes ──► Check / CheckMessage / CheckBatch ──► nil, or an error ──► arrow-go's decoder
//
// It also lists what arrowio's readers and writers need without arrow-go:
// a batch's compressed buffers (CompressedBuffers, SetBuffer), a footer's
// blocks (FooterBlocks) and a footer with blocks put in (FooterWithBlocks).
//
// The readers of Arrow IPC (stages/arrowio) and of the Arrow schema that
// Parquet files carry in their footer (stages/parquetio) share it. The
// checks are pure, do not allocate and are safe for concurrent use; each
// costs one pass over the metadata.
package ipcmeta
