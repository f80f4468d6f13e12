// Package format names the table formats arrowpipe reads and writes, and
// the compressions around them, in one table that the readers' format
// detection (stages/input), the output's naming (stages/output) and the
// command line's --from and --to all use, so that a name or extension
// accepted in one place means the same in every other.
//
// The table, by Format:
//
//	Format       names (first is String)     extensions
//	CSV          csv                          .csv
//	TSV          tsv                          .tsv .tab
//	NDJSON       ndjson jsonl json            .ndjson .jsonl .json
//	ArrowStream  arrows ipc stream            .arrows
//	ArrowFile    arrow feather                .arrow .feather .ipc
//	Parquet      parquet pq                   .parquet .pq
//	Table        table                        (output only)
//	Markdown     markdown md                  (output only)
//
// and by Compression: gzip (.gz .gzip), zstd (.zst .zstd). Names and
// extensions match without regard to case.
//
// A .json file is JSON: read as NDJSON or as one top-level array of
// objects (stages/jsonin), written as NDJSON, as DuckDB's COPY ... TO
// 'x.json' writes it. A .ipc file is the Arrow IPC file format, as Polars'
// write_ipc writes it (a reader tells the stream format by its first
// bytes). CheckPath refuses other compressions (.bz2, .xz, ...) and any
// compression around Parquet; ForOutput also refuses an output
// name whose extension names no format.
//
// Recognising a format from content (magic bytes, sniffing) is the
// input's business, in stages/input. The package holds no state and every
// function is safe for concurrent use.
package format
