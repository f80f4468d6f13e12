#!/bin/bash
# Side-by-side: running sum and lag per group (1000 groups, id % 1000) over
# the 10M-row generated CSV, arrowpipe vs DuckDB (Node API), alternating,
# 3 runs each; wall, user+sys CPU and peak RSS from /usr/bin/time -v.
set -u
# usage: AP=path/to/arrowpipe CSV=big.csv bench/window.sh
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
AP=${AP:-arrowpipe}
CSV=${CSV:-/dev/shm/big.csv}
NM=${NM:-$HOME/.cache/arrowpipe-compare/node_modules}
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
SQL="COPY (SELECT *, sum(qty) OVER w AS total, lag(price) OVER w AS prev FROM read_csv_auto('$CSV') WINDOW w AS (PARTITION BY id % 1000 ORDER BY id ROWS UNBOUNDED PRECEDING)) TO '/dev/null' (FORMAT csv)"
measure() { # name cmd...
	local name=$1; shift
	/usr/bin/time -v "$@" >/dev/null 2>"$tmp" || { echo "$name failed"; cat "$tmp"; return; }
	awk -v n="$name" -F': ' '/Elapsed \(wall/ {w=$2} /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
		END {printf "%s wall=%s cpu=%.2fs rss=%.0fMB\n", n, w, u+s, r/1024}' "$tmp"
}
for i in 1 2 3; do
	measure arrowpipe "$AP" derive 'g = id % 1000' then window g 'total = running_sum(qty), prev = lag(price)' "$CSV"
	measure duckdb env NODE_PATH="$NM" node "$REPO/bench/tools/duckdb.cjs" "$SQL"
done
