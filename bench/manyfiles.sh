#!/usr/bin/env bash
# manyfiles.sh measures issue 17's two workloads with the arrowpipe
# binaries given, alternating them round by round, and DuckDB side by side
# when its Node.js API is installed (see compare.sh):
#
#   read    group-by over one ~1 GB CSV file, then over the same rows cut
#           into ~1000 files of 1 MiB (union by name), plain and with
#           --filename-column
#   write   10M rows partitioned by a key of 1000 values, as CSV and as
#           Parquet, with the default --max-open-files
#
# Each line is one run: wall seconds, CPU seconds (user+sys) and peak RSS
# from GNU /usr/bin/time. On a shared machine compare CPU and RSS: wall
# time there measures the other jobs.
#
# Usage: bench/manyfiles.sh DIR ARROWPIPE [ARROWPIPE...]
#   DIR     work directory for the data (~2 GB) and outputs
#   ROUNDS  rounds of the read workload (default 2)
#   NODE_TOOLS  where @duckdb/node-api is installed (default ~/.cache/arrowpipe-compare)
set -eu
dir=$1; shift
bins=()
for b in "$@"; do bins+=("$(realpath "$b")"); done
tools=$(realpath "$(dirname "$0")/tools")
node_tools=${NODE_TOOLS:-$HOME/.cache/arrowpipe-compare}
cd "$dir"
gen=${bins[0]}
[ -f one.csv ] || "$gen" gen --rows 16500000 -o one.csv
[ -d many ] || "$gen" --split-bytes 1MiB -o many one.csv
[ -f keyed.csv ] || "$gen" gen --rows 10000000 | "$gen" -o keyed.csv derive 'k = id % 1000'

run() { # NAME COMMAND...
	local name=$1; shift
	rm -rf out dd_out
	/usr/bin/time -o time.out -f "%e %U %S %M" "$@" >/dev/null 2>&1 || echo "$name: failed"
	read -r wall user sys rss <time.out
	printf '%-40s wall %6.2f s  cpu %6.2f s  rss %4d MB  load %s\n' "$name" "$wall" \
		"$(echo "$user + $sys" | bc)" $((rss / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
}
duck() { # SQL
	[ -d "$node_tools/node_modules/@duckdb" ] || return 0
	run "duckdb $2" env NODE_PATH="$node_tools/node_modules" node "$tools/duckdb.cjs" "$1"
}

for round in $(seq "${ROUNDS:-2}"); do
	for b in "${bins[@]}"; do
		for in in one.csv many; do
			run "$(basename "$b") groupby $in" "$b" groupby region 'sum(price)' $in
			run "$(basename "$b") filename groupby $in" "$b" --filename-column f groupby region 'sum(price)' $in
		done
	done
done
for fmt in csv parquet; do
	for b in "${bins[@]}"; do
		run "$(basename "$b") partition $fmt" "$b" --partition-by k --to $fmt -o out keyed.csv
	done
	duck "COPY (SELECT * FROM read_csv('keyed.csv')) TO 'dd_out' (FORMAT $fmt, PARTITION_BY (k))" "partition $fmt"
done
rm -rf out dd_out time.out
