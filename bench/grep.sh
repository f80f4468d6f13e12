#!/bin/bash
# Side by side: keeping the rows of a CSV file that match a regular
# expression, arrowpipe against DuckDB and Polars (Node.js packages),
# alternating, 3 runs each; matching rows go as CSV to /dev/null. Wall,
# user+sys CPU and peak RSS from /usr/bin/time -v, the load average before
# each run, and the row count of the first run of each tool.
#
#   AP=path/to/arrowpipe CSV=big.csv bench/grep.sh            # grep, every column
#   AP=... CSV=... COL=product PAT='sm[a-z]+ p' bench/grep.sh  # one column
#
# AP_BEFORE=path/to/older/arrowpipe adds that build to each round.
#
# With COL, the three run the same filter on one string column:
#   arrowpipe filter "regexp_matches(COL, 'PAT')"
#   DuckDB    WHERE regexp_matches(COL, 'PAT')
#   Polars    filter(col(COL).str.contains(PAT))
# Without COL, every column is searched as its text:
#   arrowpipe grep PAT   (strings as they are, other types as to_string prints them)
#   DuckDB    WHERE regexp_matches(c1::VARCHAR, PAT) OR ... for every column
#   Polars    anyHorizontal(col(c).cast(Utf8).str.contains(PAT)) for every column
# Numbers and timestamps print differently in each tool (DuckDB writes
# 2026-01-01 00:00:05+00 for arrowpipe's 2026-01-01T00:00:05Z), so a
# pattern that can match such text gives different counts; compare with a
# pattern that only string columns hold (the default, urgent).
set -u -o pipefail
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
AP=${AP:-arrowpipe}
CSV=${CSV:-/dev/shm/big.csv}
PAT=${PAT:-urgent}
COL=${COL:-}
RUNS=${RUNS:-3}
NM=${NM:-$HOME/.cache/arrowpipe-compare/node_modules}
REPO=${REPO:-$(cd "$(dirname "$0")/.." && pwd)}
measure() { # name cmd...
	local name=$1; shift
	local load
	load=$(cut -d' ' -f1 /proc/loadavg)
	/usr/bin/time -v "$@" 2>"$tmp" | wc -l >"$tmp.rows" || { echo "$name failed"; cat "$tmp"; return; }
	awk -v n="$name" -v l="$load" -v rows="$(cat "$tmp.rows")" -F': ' \
		'/Elapsed \(wall/ {w=$2} /User time/ {u=$2} /System time/ {s=$2} /Maximum resident/ {r=$2}
		END {printf "%s wall=%s cpu=%.2fs rss=%.0fMB lines=%d load=%s\n", n, w, u+s, r/1024, rows, l}' "$tmp"
	rm -f "$tmp.rows"
}
q=${PAT//\'/\'\'} # SQL string literal
if [ -n "$COL" ]; then
	ap=("$AP" filter "regexp_matches($COL, '$q')" "$CSV")
	where="regexp_matches($COL, '$q')"
	pl=("$PAT" "$CSV" "$COL")
else
	ap=("$AP" grep -- "$PAT" "$CSV")
	where=$(head -1 "$CSV" | tr ',' '\n' | sed "s/.*/regexp_matches(\"&\"::VARCHAR, '$q')/" | paste -sd'|' | sed 's/|/ OR /g')
	pl=("$PAT" "$CSV")
fi
sql="COPY (SELECT * FROM read_csv('$CSV') WHERE $where) TO '/dev/stdout' (FORMAT csv, HEADER)"
echo "# $(nproc) cores; $(node --version); arrowpipe $("$AP" --version 2>/dev/null | head -1)"
echo "# arrowpipe: ${ap[*]}"
echo "# duckdb:    $sql"
echo "# polars:    polars_grep.cjs ${pl[*]}"
AP_BEFORE=${AP_BEFORE:-}
for i in $(seq "$RUNS"); do
	[ -n "$AP_BEFORE" ] && measure arrowpipe-before "$AP_BEFORE" "${ap[@]:1}"
	measure arrowpipe "${ap[@]}"
	measure duckdb env NODE_PATH="$NM" node "$REPO/bench/tools/duckdb.cjs" "$sql"
	measure polars env NODE_PATH="$NM" node "$REPO/bench/tools/polars_grep.cjs" "${pl[@]}"
done
