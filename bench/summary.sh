#!/bin/bash
# Side by side: a profile of every column of a CSV file, arrowpipe summary
# against DuckDB's SUMMARIZE and Polars' describe (Node.js packages),
# alternating, 3 runs each; wall, user+sys CPU and peak RSS from
# /usr/bin/time -v.
#
#   AP=path/to/arrowpipe CSV=big.csv bench/summary.sh
set -u
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
AP=${AP:-arrowpipe}
CSV=${CSV:-/dev/shm/big.csv}
NM=${NM:-$HOME/.cache/arrowpipe-compare/node_modules}
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
measure() { # name cmd...
	local name=$1; shift
	/usr/bin/time -v "$@" >/dev/null 2>"$tmp" || { echo "$name failed"; cat "$tmp"; return; }
	awk -v n="$name" -F': ' '/Elapsed \(wall/ {w=$2} /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
		END {printf "%s wall=%s cpu=%.2fs rss=%.0fMB\n", n, w, u+s, r/1024}' "$tmp"
}
for i in 1 2 3; do
	measure arrowpipe "$AP" summary "$CSV"
	measure duckdb env NODE_PATH="$NM" node "$REPO/bench/tools/duckdb.cjs" "SUMMARIZE SELECT * FROM read_csv('$CSV')"
	measure polars env NODE_PATH="$NM" node "$REPO/bench/tools/polars.cjs" describe "$CSV"
done
