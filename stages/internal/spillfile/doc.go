// Package spillfile keeps a stream of batches of one schema in a
// temporary file and reads it back in the order written: the spill of a
// stage that holds rows for later (window's lead and ranks).
//
//	Create ─▶ Write, Write, ... ─▶ Close ─▶ Open ─▶ Next, Next, ... ─▶ Close
//	                                        (Remove at any point deletes the file)
//
// A file is a zstd-compressed Arrow IPC stream, written as aggregate's
// sort writes its runs: one encoder per file, set for little memory (1 MiB
// window, no concurrency), 256 KiB file buffers; a reader holds one
// decoded batch at a time. Write does not take ownership of the batch;
// Next returns a batch the caller releases. A Writer or Reader is for one
// goroutine at a time.
package spillfile
