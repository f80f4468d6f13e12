#!/bin/bash
# Does what arrowpipe writes read back in DuckDB and Polars with the same
# types and values? For each corpus file below, arrowpipe writes every
# output format (CSV, TSV, NDJSON, Arrow file, Arrow stream, Parquet), and
# bench/tools/readback.cjs reads each back with DuckDB and Polars (their
# Node.js packages) and prints, per peer, the type it sees for each column
# and whether the values equal its own reading of the original.
#
#   bench/readback.sh                 # builds arrowpipe into a temp dir
#   AP=path/to/arrowpipe bench/readback.sh
#
# Environment: AP (arrowpipe binary), NM (node_modules holding
# @duckdb/node-api and nodejs-polars; default
# ~/.cache/arrowpipe-compare/node_modules), FILES (corpus files, names
# under samples/corpus).
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
NM=${NM:-$HOME/.cache/arrowpipe-compare/node_modules}
FILES=${FILES:-duckdb_zstd.parquet polars_zstd.parquet polars.arrow}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -z "${AP:-}" ]; then
	AP=$tmp/arrowpipe
	(cd "$REPO" && go build -o "$AP" ./cmd/arrowpipe) || exit 1
fi
echo "arrowpipe $("$AP" --version 2>/dev/null | head -1), DuckDB $(node -p "require('$NM/@duckdb/node-api/package.json').version"), nodejs-polars $(node -p "require('$NM/nodejs-polars/package.json').version")"
for name in $FILES; do
	src=$REPO/samples/corpus/$name
	outs=()
	for fmt in csv tsv ndjson arrow arrows parquet; do
		out=$tmp/${name%%.*}.$fmt
		if ! err=$("$AP" -o "$out" "$src" 2>&1); then
			echo "arrowpipe -o x.$fmt $name: $err"
		fi
		outs+=("$out")
	done
	# Polars prints a deprecation notice for each cast from text: not ours.
	NODE_PATH=$NM node "$REPO/bench/tools/readback.cjs" "$src" "${outs[@]}" 2>"$tmp/err"
	grep -v -e '^Deprecation: ' -e '^Use `' -e '^Hint: ' "$tmp/err" >&2
done
