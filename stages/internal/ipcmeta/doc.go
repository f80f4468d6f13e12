// Package ipcmeta checks the metadata of an Arrow IPC schema message
// before arrow-go decodes it. arrow-go sizes its slices by the lengths
// the flatbuffer claims before it reads the entries, so a few corrupt
// bytes could make it allocate gigabytes and kill the process instead of
// failing; Check refuses a list longer than the bytes that hold it, a
// field table visited more often than the buffer has entries (tables
// shared or looped) and nesting deeper than 64.
//
//	message bytes ──► Check / CheckMessage ──► nil, or ErrCorrupt ──► arrow-go's decoder
//
// The readers of Arrow IPC (stages/arrowio) and of the Arrow schema that
// Parquet files carry in their footer (stages/parquetio) share it. The
// functions are pure, do not allocate and are safe for concurrent use;
// each costs one pass over the schema's fields.
package ipcmeta
