package main

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/spf13/pflag"

	"github.com/arrowpipe/arrowpipe/stages/output"
	"github.com/arrowpipe/arrowpipe/stages/verb"
)

// options are the flags of a processing run.
type options struct {
	// Input.
	from       string
	delimiter  string
	noHeader   bool
	schema     string
	nullValues []string
	// inferRows is --infer-rows: a number of rows, or all.
	inferRows string
	// timestampFormat is --timestamp-format, a strftime-style layout.
	timestampFormat string
	// jsonFlatten is --json-flatten: NDJSON objects as dotted columns.
	jsonFlatten bool
	// Many files.
	strictSchema   bool
	filenameColumn string
	noHive         bool
	maxOpenFiles   int
	// textColumns is plan.ReadOptions.TextColumns, set from the chain.
	textColumns func(inferred *arrow.Schema) []string
	// prune is the chain's first verb, for plan.ReadOptions.Prune.
	prune *verb.Verb
	// Output.
	output      string
	to          string
	compress    string
	compression string
	partitionBy []string
	splitRows   int64
	splitBytes  string
	overwrite   bool
	// Engine.
	handoff       string
	copyThreshold string
	workers       int
	stageWorkers  []string
	batchRows     int
	batchBytes    string
	flushInterval time.Duration
	unordered     bool
	queueDepth    int
	// Stateful stages.
	maxMemory string
	tempDir   string
	// Operations.
	onError    string
	rejects    string
	stats      string
	statsFile  string
	progress   progressValue
	noProgress bool
	// cluster runs the chain on a cluster's workers (--cluster).
	cluster string
	// clusterUpload sends the input files to the workers through the
	// cluster's object store (--cluster-upload).
	clusterUpload bool

	// temps records the outputs' temporary files for a hurried exit
	// (tempFilesOf); nil records nothing.
	temps *output.TempFiles

	help    bool
	version bool
}

func (o *options) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.from, "from", "", "input format: csv, tsv, ndjson, arrow, arrows, parquet (default: from the file extension, else sniffed)")
	fs.StringVar(&o.delimiter, "delimiter", "", "CSV field delimiter (default: from the first line, ',' unless it has only ';', '|' or tabs; '\\t' for .tsv); 'tab' is accepted")
	fs.BoolVar(&o.noHeader, "no-header", false, "CSV input has no header line: columns are named c1, c2, ...")
	fs.StringVar(&o.schema, "schema", "", "column types, e.g. 'id:int64,price:float64,ts:timestamp' (int64, float64, bool, string, date, timestamp[us] without a zone, timestamp or timestamp[us, UTC], timestamp[ns], timestamp_ns, decimal(p,s) for CSV and TSV, read exactly (DECIMAL(10,2), numeric(p,s)); list<int64> or BIGINT[] for NDJSON arrays; the rest is inferred from --infer-rows rows, which a pipe waits for)")
	fs.StringSliceVar(&o.nullValues, "null", nil, "extra field texts read as null in CSV, e.g. --null NA,NULL")
	fs.StringVar(&o.inferRows, "infer-rows", "", "rows of CSV, TSV or NDJSON input the column types are inferred from (default 1000); all reads a whole CSV or TSV file once more for them")
	fs.BoolVar(&o.jsonFlatten, "json-flatten", false, "read NDJSON nested objects as one column per key named user.id, user.geo.lat (default: one struct column per object, written back as an object)")
	fs.StringVar(&o.timestampFormat, "timestamp-format", "", "also read CSV, TSV and NDJSON timestamps written in this strftime layout, e.g. '%d/%m/%Y %H:%M' (%Y %y %m %d %e %H %I %p %M %S %f %j %b %B %z %Z %F %T)")
	fs.BoolVar(&o.strictSchema, "strict-schema", false, "several input files must have the same columns in the same order (default: combine them by column name, widening types)")
	fs.StringVar(&o.filenameColumn, "filename-column", "", "add a column of this name holding each row's input file path")
	fs.BoolVar(&o.noHive, "no-hive", false, "do not add partition columns for key=value directories in input paths")
	fs.IntVar(&o.maxOpenFiles, "max-open-files", 64, "files open at once at most, inputs and outputs together (an eighth for reading, the rest less a reserve for writing --partition-by files)")

	fs.StringVarP(&o.output, "output", "o", "", "output file (default: stdout); written to a temporary file and renamed on success; with {column} parts a template, one file per key: -o 'out/region={region}/part.parquet' (a key=value directory's column is left out of the files)")
	fs.StringVar(&o.to, "to", "", "output format: csv, tsv, ndjson, arrow, arrows, parquet (default: from -o extension, else csv)")
	fs.StringVar(&o.compress, "compress", "", "compress the output: gzip, zstd or none (default: from -o extension)")
	fs.StringSliceVar(&o.partitionBy, "partition-by", nil, "write one directory per value of these columns under -o DIR (DIR/region=EU/part-00001.csv), in any output format")
	fs.Int64Var(&o.splitRows, "split-rows", 0, "write numbered files of at most this many rows under -o DIR (part-00001.csv, ...), each complete")
	fs.StringVar(&o.splitBytes, "split-bytes", "", "write numbered files of at most this size under -o DIR, e.g. 64MiB (uncompressed; Parquet and Arrow files are cut once they reach it)")
	fs.BoolVar(&o.overwrite, "overwrite", false, "with --partition-by or --split-*: replace a non-empty -o DIR whole when the run succeeds (it is never merged)")
	fs.StringVar(&o.compression, "compression", "", "column compression of Parquet output (zstd, snappy or none; default zstd) or of Arrow output's batches (zstd, lz4 or none; default none)")

	fs.StringVar(&o.handoff, "handoff", "auto", "how batches cross between stages: copy, shared or auto")
	fs.StringVar(&o.copyThreshold, "copy-threshold", "", "with --handoff auto (only), also copy batches smaller than this (default 0: auto copies only small slices that pin large buffers)")
	fs.IntVar(&o.workers, "workers", 0, "workers per CPU-bound stage (default: GOMAXPROCS = "+strconv.Itoa(runtime.GOMAXPROCS(0))+")")
	fs.StringSliceVar(&o.stageWorkers, "stage-workers", nil, "per-stage worker counts, e.g. decode=2,filter=1,encode=1 (decode, encode or a verb of the chain; a verb's second use is VERB-2)")
	fs.IntVar(&o.batchRows, "batch-rows", 0, "rows per batch at most, at least 1 (default 65536)")
	fs.StringVar(&o.batchBytes, "batch-bytes", "", "input bytes per batch at most, 1B to 256MiB (default 2MiB for CSV and NDJSON)")
	fs.DurationVar(&o.flushInterval, "flush-interval", 200*time.Millisecond, "emit a partial batch when input trickles for this long (> 0), once the types are known (after the first 1000 rows, or at once when --schema types every column)")
	fs.BoolVar(&o.unordered, "unordered", false, "let batches leave each stage as soon as they are done (output order not kept; head, tail and distinct still see input order)")
	fs.IntVar(&o.queueDepth, "queue-depth", 0, "batches that may wait before each stage beyond one per worker (default: one per worker)")

	fs.StringVar(&o.maxMemory, "max-memory", "1GiB", "memory cap for the state of stateful stages (sort, top, tail, distinct last, join's table, window's lead and ranks and exact quantiles spill beyond it; a group-by stops)")
	fs.StringVar(&o.tempDir, "temp-dir", "", "directory for spill files of stateful verbs and the rejects file's sorted runs (default: the system's)")

	fs.StringVar(&o.onError, "on-error", "fail", "bad input rows: fail (stop at the first), skip (drop and count) or reject (write to --rejects)")
	fs.StringVar(&o.rejects, "rejects", "", "with --on-error reject: CSV file for the bad rows (file, line, column, field, reason, record)")
	fs.StringVar(&o.stats, "stats", "", "print per-stage statistics at the end: text or json")
	fs.Lookup("stats").NoOptDefVal = "text"
	fs.StringVar(&o.statsFile, "stats-file", "", "with --stats: write the statistics to this file instead of stderr")
	fs.Var(&o.progress, "progress", progressUsage)
	fs.Lookup("progress").NoOptDefVal = "on"
	fs.BoolVar(&o.noProgress, "no-progress", false, "never show progress")
	fs.BoolVar(&o.clusterUpload, "cluster-upload", false, "with --cluster: send the input files to the workers through the cluster's object store, for workers that do not share this machine's file system (stdin always goes this way)")
	fs.StringVar(&o.cluster, "cluster", "", "run the chain on a cluster: nats://HOST:4222 (workers started with arrowpipe worker) or local:N (an embedded server and N worker processes on this machine)")

	fs.BoolVarP(&o.help, "help", "h", false, "show this help")
	fs.BoolVar(&o.version, "version", false, "print the version")
}

// parseBytes reads sizes like 65536, 64KiB, 4MiB, 1GiB, 512MB.
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("invalid size %q (want e.g. 65536, 64KiB, 4MiB, 1GiB)", s)
	}
	return n * mult, nil
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + "GiB"
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + "MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + "KiB"
	}
	return strconv.FormatInt(n, 10) + "B"
}
