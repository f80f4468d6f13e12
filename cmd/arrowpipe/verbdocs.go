package main

// verbDoc is the help of one verb beyond its Spec's usage and summary:
// what each argument is, notes, and examples (command lines run from the
// repository's root; a test parses each).
type verbDoc struct {
	args     [][2]string // argument, what it is
	notes    string
	examples []string
}

// verbDocs returns every verb's help, by name. A test checks that each
// verb of plan.Specs has an entry.
func verbDocs() map[string]verbDoc {
	return map[string]verbDoc{
		"select": {
			args:     [][2]string{{"COLS", "column names, comma-separated; the output has them in this order"}},
			examples: []string{"arrowpipe select id,region,qty samples/orders.csv"},
		},
		"drop": {
			args:     [][2]string{{"COLS", "column names, comma-separated"}},
			examples: []string{"arrowpipe drop note,discount samples/orders.csv"},
		},
		"rename": {
			args:     [][2]string{{"OLD=NEW,...", "pairs of a column's name and its new name"}},
			examples: []string{"arrowpipe rename qty=quantity,ts=time samples/orders.csv"},
		},
		"cast": {
			args:     [][2]string{{"COL:TYPE,...", "a column and its new type: int, float, string, bool, date, decimal(p,s) or a timestamp type as --schema names them: timestamp (or timestamptz, timestamp_us: timestamp[us, UTC]), timestamp_ns (timestamp[ns, UTC]), timestamp[us] and timestamp[ns] (zone-less: a wall clock, DuckDB's TIMESTAMP), timestamp[us, UTC], timestamp[ns, UTC]"}},
			notes:    "decimal(p,s) rounds halves away from zero (a float from its exact binary value, as DuckDB's CAST); decimal alone is DuckDB's decimal(18,3). A decimal becomes int rounded the same way, float the nearest float, string with every digit of its scale (1.50). Timestamps cast as DuckDB's with its session zone UTC: a zoned one becomes its UTC wall clock, a zone-less one is read as a UTC wall clock, ns to us drops the ns digits (a ns column cast to timestamp loses them: use timestamp_ns to keep them); text and dates convert as to_timestamp does. Unlike DuckDB's CAST, timestamp here is the zoned type, as in --schema; DuckDB's TIMESTAMP is timestamp[us].",
			examples: []string{"arrowpipe cast qty:float,id:string samples/orders.csv", "arrowpipe cast 'price:decimal(10,2)' samples/orders.csv", "arrowpipe cast 'ts:timestamp[us]' samples/orders.csv"},
		},
		"filter": {
			args:     [][2]string{{"EXPR", "an expression (see 'arrowpipe help functions'); quote it for the shell"}},
			notes:    "A row is kept when EXPR is true; false and null drop it.",
			examples: []string{`arrowpipe filter 'qty > 50 and region == "EU"' samples/orders.csv`, `arrowpipe filter 'note is not null' samples/orders.csv`},
		},
		"derive": {
			args:     [][2]string{{"NAME = EXPR; ...", "new or replaced columns, separated by ';'"}},
			examples: []string{"arrowpipe derive 'total = qty * price; big = total > 1000' samples/orders.csv"},
		},
		"head": {
			args:     [][2]string{{"N", "how many rows to keep"}},
			notes:    "Reading stops once N rows are out, so head is cheap on a large file.",
			examples: []string{"arrowpipe head 10 samples/orders.csv"},
		},
		"grep": {
			args: [][2]string{
				{"[-v] [-i]", "-v keeps the rows where nothing matches; -i ignores case"},
				{"PATTERN", "a regular expression (Go's RE2 syntax)"},
				{"[COLS]", "the columns to search, comma-separated (default: every column)"},
			},
			examples: []string{"arrowpipe grep -i 'urgent|fragile' note samples/orders.csv"},
		},
		"explode": {
			args:     [][2]string{{"COL", "a list column (NDJSON arrays, Parquet or Arrow lists)"}},
			examples: []string{"arrowpipe explode tags then groupby tags 'count() as n' samples/events.ndjson"},
		},
		"flatten": {
			args:     [][2]string{{"[COLS]", "the struct columns to flatten, comma-separated (default: every struct column)"}},
			notes:    "Each struct column becomes one column per field, in place and in field order, named COL.FIELD; a field that is a struct is flattened too (user.geo.lat). A field is null where its struct is null. NDJSON nested objects are struct columns; --json-flatten reads them flattened instead. A verb that names a field by its dotted path (groupby user.country) flattens that struct before it by itself; other struct columns pass through whole and are written as JSON objects (one cell in CSV, TSV and table output).",
			examples: []string{"arrowpipe flatten user then head 3 samples/events.ndjson", "arrowpipe --to parquet -o events.parquet flatten samples/events.ndjson"},
		},
		"window": {
			args: [][2]string{
				{"KEYS", "the group columns, comma-separated, or - for the whole stream as one group"},
				{"FUNCS", "NAME = FUNC(ARGS), ...: lag, lead, row_number, rank, dense_rank, running_sum/count/mean/min/max, moving_sum/mean, delta, ratio, ewma"},
			},
			notes:    "New columns are appended and rows keep their input order; each row sees the rows before it in its group (lead and the ranks: the rows after it too). Nulls, ties and frames follow DuckDB's window functions. lead and the ranks hold rows until their values are known; past half of --max-memory the held rows spill to TempDir, with the same output. The per-group state does not spill: past the cap the run stops with an error.",
			examples: []string{"arrowpipe window region 'total = running_sum(qty), prev = lag(price)' samples/orders.csv", "arrowpipe window product 'r = rank(price)' then filter 'r == 1' samples/orders.csv"},
		},
		"fill": {
			args: [][2]string{
				{"COLS", "the columns whose nulls to fill, comma-separated"},
				{"[by KEYS | with VALUE | backward]", "fill down within groups of KEYS, with a constant, or up from the next value (default: down from the last value above)"},
			},
			examples: []string{"arrowpipe fill discount by region samples/orders.csv", "arrowpipe fill discount with 0 samples/orders.csv"},
		},
		"sample": {
			args: [][2]string{
				{"N|P%", "how many rows (a uniform reservoir sample) or what share of them"},
				{"[SEED]", "a seed, for the same rows on every run"},
				{"[by KEYS]", "N rows of each group of KEYS (comma-separated), a reservoir per group; not with P%"},
			},
			notes:    "The rows come out in input order. A sample of N rows is held to the end, within --max-memory (with by: the groups times N rows).",
			examples: []string{"arrowpipe sample 5 42 samples/orders.csv", "arrowpipe sample 1% samples/orders.csv", "arrowpipe sample 2 7 by region samples/orders.csv"},
		},
		"summary": {
			notes:    "One row per input column, as DuckDB's SUMMARIZE: count (rows) and nulls are exact; distinct and the quartiles are exact up to 10000 values and estimates past them (distinct_approx, quantiles_approx); mean, stddev and the quartiles are for number columns only; top lists the 5 most frequent values while distinct is exact. One pass, bounded memory, on every worker.",
			examples: []string{"arrowpipe summary samples/orders.csv", "arrowpipe filter 'region == \"EU\"' then summary samples/orders.csv"},
		},
		"tail": {
			args:     [][2]string{{"N", "how many rows to keep"}},
			examples: []string{"arrowpipe tail 5 samples/orders.csv"},
		},
		"groupby": {
			args: [][2]string{
				{"KEYS", "the key columns, comma-separated, or - for one group of everything"},
				{"AGGS", "aggregates, comma-separated, each with an optional 'as NAME' (see 'arrowpipe help functions')"},
			},
			notes:    "Groups come out in the order of their first row. list(col) gathers a group's values, nulls included, in input order (the inverse of explode). A group-by stops with an error when its state would pass --max-memory.",
			examples: []string{"arrowpipe groupby region 'count() as n, sum(qty), mean(price) as avg_price' samples/orders.csv", "arrowpipe groupby region 'list(product) as products' samples/orders.csv"},
		},
		"agg": {
			args:     [][2]string{{"AGGS", "aggregates, comma-separated, each with an optional 'as NAME'"}},
			examples: []string{"arrowpipe agg 'count() as n, min(ts), max(ts), p99(price)' samples/orders.csv"},
		},
		"count": {
			examples: []string{"arrowpipe count samples/orders.csv"},
		},
		"distinct": {
			args:     [][2]string{{"[COLS [last]]", "the columns whose combinations are kept once, comma-separated (without them, whole rows); after them, last keeps each combination's latest row instead of its first"}},
			notes:    "The first rows pass on as they arrive, in input order. With last (the latest record per key) the rows are held to the end and come out in the order of those latest rows; past --max-memory they spill to --temp-dir, partitioned by key, with the same output.",
			examples: []string{"arrowpipe distinct region,product samples/orders.csv", "arrowpipe distinct region last samples/orders.csv", "arrowpipe distinct samples/orders.csv"},
		},
		"count_distinct": {
			args:     [][2]string{{"COLS", "the columns to count combinations of, comma-separated"}},
			examples: []string{"arrowpipe count_distinct region samples/orders.csv"},
		},
		"sort": {
			args:     [][2]string{{"ORDER", "'COL [asc|desc] [nulls first|last], ...'"}},
			notes:    "The sort is stable and spills sorted runs to --temp-dir beyond --max-memory; the progress line says 'sorting' while it merges them.",
			examples: []string{"arrowpipe sort 'price desc, id' samples/orders.csv", "arrowpipe --max-memory 64MiB sort ts big.csv"},
		},
		"top": {
			args: [][2]string{
				{"N", "how many rows to keep (of each group with KEYS)"},
				{"ORDER", "'COL [asc|desc] [nulls first|last], ...'"},
				{"[KEYS]", "group columns, comma-separated: the top N rows of each combination (null is a key of its own)"},
			},
			notes:    "Ties keep input order. With KEYS, groups come out in the order of their first row, each group's rows in ORDER (DuckDB's QUALIFY row_number() OVER (PARTITION BY KEYS ORDER BY ORDER) <= N); past --max-memory the N rows kept per group spill to --temp-dir, partitioned by key, with the same output.",
			examples: []string{"arrowpipe top 5 'qty desc' samples/orders.csv", "arrowpipe top 2 'price desc' region samples/orders.csv"},
		},
		"tee": {
			args:     [][2]string{{"FILE", "the file to write; its extension names the format and compression"}},
			examples: []string{`arrowpipe filter 'region == "EU"' then tee eu.parquet then groupby product 'sum(qty)' samples/orders.csv`},
		},
		"join": {
			args: [][2]string{
				{"[TYPE]", "inner (default), left, right, full, semi, anti or asof"},
				{"[OPTIONS]", "--suffix S, added to the table's column names that clash (default _right); for asof, --tolerance D (the largest distance) and --direction backward|forward|nearest"},
				{"KEYS", "the key columns, comma-separated; LEFT=RIGHT when the names differ"},
				{"FILE", "the table to join with, read whole before the stream"},
			},
			examples: []string{"arrowpipe join product samples/products.csv then groupby category 'count() as n, sum(qty)' samples/orders.csv", "arrowpipe join anti product=product samples/orders.csv samples/products.csv"},
		},
	}
}
