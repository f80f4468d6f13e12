#!/usr/bin/env bash
# compare.sh times arrowpipe against other command-line tools on the same
# generated orders CSV: count rows, filter+project, group-by and derive, each
# writing CSV to /dev/null. The other tools run only when found on PATH:
#
#   mlr     Miller 6
#   duckdb  DuckDB, SQL over read_csv_auto: its command, or else its
#           Node.js API (@duckdb/node-api) through bench/tools/duckdb.cjs
#   polars  Polars, lazy scan_csv queries, through its Node.js bindings
#           (nodejs-polars) and bench/tools/polars.cjs
#   gawk    GNU awk, naive comma split: wrong on quoted fields (the notes
#           column has quoted commas and newlines), so its counts and sums
#           are off; it shows the cost of the simplest possible scan
#
# The Node.js packages are looked for in $NODE_TOOLS/node_modules (default
# ~/.cache/arrowpipe-compare); with INSTALL=1, compare.sh first installs
# them there from the npm registry (npm install @duckdb/node-api
# nodejs-polars nodejs-polars-linux-x64-gnu).
#
# Timing uses hyperfine (--warmup 1 --runs $RUNS, markdown export) when it
# is installed; otherwise each command runs once to warm up and $RUNS times
# under GNU /usr/bin/time (which also gives the peak RSS), or bash's clock.
# The table shows the median wall time per workload and tool.
#
# Environment:
#   ROWS  rows to generate (default 10000000, ~1 GB)
#   RUNS  measured runs per command (default 3)
#   OUT   directory for the markdown/CSV results (default: a temp dir,
#         removed at exit)
#   NODE_TOOLS, INSTALL  see above
#   TOOLS the tools to compare with, of "mlr duckdb polars gawk" (default:
#         all of them that are found)
#
# Run from anywhere inside the repository: bash bench/compare.sh
set -uo pipefail

ROWS=${ROWS:-10000000}
RUNS=${RUNS:-3}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/arrowpipe-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
out=${OUT:-$tmp/out}
mkdir -p "$out"

log() { printf '%s\n' "$*" >&2; }
die() { log "compare.sh: $*"; exit 1; }

[[ $ROWS =~ ^[0-9]+$ ]] || die "ROWS must be a number, not '$ROWS'"
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$RUNS'"

node_tools=${NODE_TOOLS:-$HOME/.cache/arrowpipe-compare}
if [[ ${INSTALL:-} == 1 ]]; then
	log "installing DuckDB's and Polars' Node.js packages into $node_tools"
	mkdir -p "$node_tools"
	npm install --prefix "$node_tools" --no-audit --no-fund --silent \
		@duckdb/node-api nodejs-polars nodejs-polars-linux-x64-gnu >&2 || die "npm install failed"
fi
export NODE_PATH=$node_tools/node_modules${NODE_PATH:+:$NODE_PATH}

# has_node_module NAME tells whether node can load the package NAME.
has_node_module() {
	command -v node >/dev/null 2>&1 && node -e "require('$1')" >/dev/null 2>&1
}

log "building arrowpipe"
(cd "$repo" && go build -o "$tmp/arrowpipe" ./cmd/arrowpipe) || die "go build failed"
ap=$tmp/arrowpipe
data=$tmp/orders.csv
log "generating $ROWS rows"
"$ap" gen --rows "$ROWS" -o "$data" || die "arrowpipe gen failed"
log "input: $(wc -c <"$data") bytes"

# Workloads, in table order.
workloads=(count filter-project groupby derive)

# cmd TOOL WORKLOAD prints the shell command for one cell, or nothing when
# the tool cannot do the workload.
cmd() {
	local q="'" d=$data
	case "$1/$2" in
	arrowpipe/count) echo "$ap count $q$d$q" ;;
	arrowpipe/filter-project) echo "$ap filter 'qty > 50 and region == \"EU\"' then select id,region,qty $q$d$q" ;;
	arrowpipe/groupby) echo "$ap groupby region 'count() as n, sum(qty), mean(price)' $q$d$q" ;;
	arrowpipe/derive) echo "$ap derive 'total = qty * price' $q$d$q" ;;

	mlr/count) echo "mlr --icsv --ocsv count $q$d$q" ;;
	mlr/filter-project) echo "mlr --icsv --ocsv filter '\$qty > 50 && \$region == \"EU\"' then cut -o -f id,region,qty $q$d$q" ;;
	mlr/groupby) echo "mlr --icsv --ocsv stats1 -a count,sum,mean -f qty,price -g region $q$d$q" ;;
	mlr/derive) echo "mlr --icsv --ocsv put '\$total = \$qty * \$price' $q$d$q" ;;

	duckdb/*)
		local from="read_csv_auto('$d')" sql
		case "$2" in
		count) sql="SELECT count(*) AS count FROM $from" ;;
		filter-project) sql="SELECT id, region, qty FROM $from WHERE qty > 50 AND region = 'EU'" ;;
		groupby) sql="SELECT region, count(*) AS n, sum(qty) AS sum_qty, avg(price) AS mean_price FROM $from GROUP BY region" ;;
		derive) sql="SELECT *, qty * price AS total FROM $from" ;;
		esac
		local copy="COPY ($sql) TO '/dev/stdout' (FORMAT csv, HEADER)"
		if command -v duckdb >/dev/null 2>&1; then
			echo "duckdb -c \"$copy\""
		else
			echo "node $q$repo/bench/tools/duckdb.cjs$q \"$copy\""
		fi
		;;

	polars/*) echo "node $q$repo/bench/tools/polars.cjs$q $2 $q$d$q" ;;

	gawk/count) echo "gawk 'END { print \"count\"; print NR - 1 }' $q$d$q" ;;
	gawk/filter-project) echo "gawk -F, -v OFS=, 'NR == 1 { print \"id\", \"region\", \"qty\"; next } \$5 > 50 && \$3 == \"EU\" { print \$1, \$3, \$5 }' $q$d$q" ;;
	gawk/groupby) echo "gawk -F, 'NR > 1 { n[\$3]++; q[\$3] += \$5; p[\$3] += \$6 } END { print \"region,n,sum_qty,mean_price\"; for (r in n) print r \",\" n[r] \",\" q[r] \",\" p[r] / n[r] }' $q$d$q" ;;
	gawk/derive) echo "gawk -F, -v OFS=, 'NR == 1 { print \$0, \"total\"; next } { print \$0, \$5 * \$6 }' $q$d$q" ;;
	esac
}

tools=(arrowpipe)
for t in ${TOOLS:-mlr duckdb polars gawk}; do
	case $t in
	duckdb) command -v duckdb >/dev/null 2>&1 || has_node_module @duckdb/node-api ;;
	polars) has_node_module nodejs-polars ;;
	*) command -v "$t" >/dev/null 2>&1 ;;
	esac
	if [[ $? == 0 ]]; then
		tools+=("$t")
	else
		log "$t not found (on PATH, or as a Node.js package for duckdb and polars): skipped"
	fi
done

gnutime=
if [[ -x /usr/bin/time ]] && /usr/bin/time -f '%e' true >/dev/null 2>&1; then
	gnutime=/usr/bin/time
fi
hyperfine=
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine=hyperfine
fi

# median reads numbers, one a line, and prints their median.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) exit 1; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_cell NAME COMMAND prints "SECONDS RSS_KB" (RSS "-" when unknown), or
# "fail" when the command fails.
time_cell() {
	local name=$1 c=$2 i
	if [[ -n $hyperfine ]]; then
		if ! "$hyperfine" --warmup 1 --runs "$RUNS" --style basic --output null \
			--export-csv "$tmp/$name.csv" --export-markdown "$out/$name.md" \
			-n "$name" "$c" >&2; then
			echo fail
			return
		fi
		# command,mean,stddev,median,user,system,min,max
		local med
		med=$(awk -F, 'NR == 2 { print $4 }' "$tmp/$name.csv")
		echo "$med $(rss_once "$c")"
		return
	fi
	: >"$tmp/$name.times"
	: >"$tmp/$name.rss"
	for ((i = 0; i <= RUNS; i++)); do
		if [[ -n $gnutime ]]; then
			if ! "$gnutime" -f '%e %M' -o "$tmp/$name.one" bash -c "$c" >/dev/null 2>"$tmp/$name.err"; then
				echo fail
				return
			fi
			((i > 0)) && awk '{ print $1 > "'"$tmp/$name.times"'"; print $2 > "'"$tmp/$name.rss"'" }' "$tmp/$name.one"
		else
			local t0 t1
			t0=$(date +%s.%N)
			if ! bash -c "$c" >/dev/null 2>"$tmp/$name.err"; then
				echo fail
				return
			fi
			t1=$(date +%s.%N)
			((i > 0)) && awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }' >>"$tmp/$name.times"
		fi
	done
	local rss=-
	[[ -s $tmp/$name.rss ]] && rss=$(median <"$tmp/$name.rss")
	echo "$(median <"$tmp/$name.times") $rss"
}

# rss_once COMMAND prints the peak RSS in KB of one run, or "-".
rss_once() {
	if [[ -z $gnutime ]]; then
		echo -
		return
	fi
	if "$gnutime" -f '%M' -o "$tmp/rss.one" bash -c "$1" >/dev/null 2>&1; then
		tail -n 1 "$tmp/rss.one"
	else
		echo -
	fi
}

if [[ -n $hyperfine ]]; then
	log "timing with hyperfine: 1 warm-up + $RUNS runs per command"
elif [[ -n $gnutime ]]; then
	log "timing with /usr/bin/time: 1 warm-up + $RUNS runs per command"
else
	log "timing with bash's clock: 1 warm-up + $RUNS runs per command"
fi

declare -A cell
for w in "${workloads[@]}"; do
	for t in "${tools[@]}"; do
		c=$(cmd "$t" "$w")
		if [[ -z $c ]]; then
			cell[$w/$t]=-
			continue
		fi
		log "$w: $t"
		read -r secs rss < <(time_cell "$w-$t" "$c")
		if [[ $secs == fail ]]; then
			log "  failed: $(head -c 300 "$tmp/$w-$t.err" 2>/dev/null)"
			cell[$w/$t]=fail
		elif [[ $rss == - ]]; then
			cell[$w/$t]=$(printf '%.3fs' "$secs")
		else
			cell[$w/$t]=$(awk -v s="$secs" -v k="$rss" 'BEGIN { printf "%.3fs/%.0fMB", s, k / 1024 }')
		fi
	done
done

# The side-by-side table, also saved as CSV.
{
	printf 'workload'
	printf ',%s' "${tools[@]}"
	printf '\n'
	for w in "${workloads[@]}"; do
		printf '%s' "$w"
		for t in "${tools[@]}"; do
			printf ',%s' "${cell[$w/$t]}"
		done
		printf '\n'
	done
} >"$out/compare.csv"

echo
echo "$ROWS rows, $(wc -c <"$data") bytes of CSV; median wall time of $RUNS runs (/peak RSS when measured)"
column -s, -t <"$out/compare.csv"
if [[ " ${tools[*]} " == *" gawk "* ]]; then
	echo "gawk splits on every comma, quoted or not: its results are wrong on quoted fields"
fi
if [[ -n ${OUT:-} ]]; then
	echo "results in $out"
fi
