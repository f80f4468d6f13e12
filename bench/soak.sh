#!/usr/bin/env bash
# soak.sh streams a large generated orders CSV through a pipe into one
# long-running arrowpipe chain and checks that nothing was lost or changed:
#
#   arrowpipe gen --rows $ROWS --seed $SEED
#     | arrowpipe filter 'qty > $QTY_MIN' then derive 'total = qty * price'
#                 then select id,qty,price,total            <- the chain
#     | arrowpipe agg 'count() as n, sum(id), sum(qty), sum(total)'
#
# The reference runs on a second gen stream (gen is deterministic per seed)
# through a different code path: derive marks each row with the filter's
# condition and groupby aggregates per mark, so the filter stage is not
# checked against itself. Counts and integer sums must match exactly,
# sum(total) to a relative 1e-9 (float sums may be added in another
# order). The input must hold $ROWS rows with ids 1..$ROWS (their sum
# is checked), so the reference itself read the whole stream.
#
# Prints PASS or FAIL, the chain's wall time, throughput and peak RSS (from
# GNU /usr/bin/time -v when installed), and exits 1 on a mismatch or any
# failed command.
#
# Environment:
#   ROWS       rows to generate (default 30000000, ~2 GB of CSV)
#   SEED       gen seed (default 1)
#   QTY_MIN    the chain keeps rows with qty > QTY_MIN (default 0; gen's
#              qty is 1..100, so e.g. 50 drops about half the rows)
#   ARROWPIPE  an arrowpipe binary to use instead of building one
#
# Run from anywhere inside the repository: bash bench/soak.sh
set -uo pipefail

ROWS=${ROWS:-30000000}
SEED=${SEED:-1}
QTY_MIN=${QTY_MIN:-0}

log() { printf '%s\n' "$*" >&2; }
die() { log "soak.sh: $*"; exit 1; }

[[ $ROWS =~ ^[1-9][0-9]*$ ]] || die "ROWS must be a positive number, not '$ROWS'"
[[ $SEED =~ ^[0-9]+$ ]] || die "SEED must be a number, not '$SEED'"
[[ $QTY_MIN =~ ^-?[0-9]+$ ]] || die "QTY_MIN must be an integer, not '$QTY_MIN'"

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/arrowpipe-soak.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

ap=${ARROWPIPE:-}
if [[ -z $ap ]]; then
	ap=$tmp/arrowpipe
	log "building arrowpipe..."
	(cd "$repo" && go build -o "$ap" ./cmd/arrowpipe) || die "build failed"
fi
[[ -x $ap ]] || die "$ap is not executable"

timer=()
if /usr/bin/time -v true >/dev/null 2>&1; then
	timer=(/usr/bin/time -v -o "$tmp/time.txt")
else
	log "GNU time not found (apt-get install -y time): peak RSS not measured"
fi

cond="qty > $QTY_MIN"

# field FILE COLUMN: the value of COLUMN in the one data row of a CSV
# written by agg (a header line, then one line; no quoting in numbers).
field() {
	awk -F, -v col="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == col) c = i; next }
		NR == 2 && c { print $c; found = 1 } END { exit !found }' "$1"
}

log "chain: gen --rows $ROWS | filter '$cond' then derive 'total = qty * price' then select id,qty,price,total"
start=$(date +%s.%N)
"$ap" gen --rows "$ROWS" --seed "$SEED" 2>"$tmp/gen.err" |
	"${timer[@]}" "$ap" --no-progress filter "$cond" then derive 'total = qty * price' \
		then select id,qty,price,total 2>"$tmp/chain.err" |
	"$ap" agg 'count() as n, sum(id), sum(qty), sum(total)' >"$tmp/got.csv" 2>"$tmp/agg.err"
status=("${PIPESTATUS[@]}")
end=$(date +%s.%N)
name=(gen chain agg)
for i in 0 1 2; do
	if [[ ${status[$i]} != 0 ]]; then
		log "soak.sh: ${name[$i]} exited ${status[$i]}:"
		cat "$tmp/${name[$i]}.err" >&2
		echo "FAIL"
		exit 1
	fi
done

log "reference: gen --rows $ROWS | derive 'keep = $cond; total = qty * price' then groupby keep ..."
"$ap" gen --rows "$ROWS" --seed "$SEED" |
	"$ap" --no-progress derive "keep = $cond; total = qty * price" \
		then groupby keep 'count() as n, sum(id), sum(qty), sum(total)' >"$tmp/ref.csv" ||
	die "reference run failed"

# The reference has one row per value of keep: true, false (and null, if
# qty could be null). Total input rows and the kept rows' sums.
read -r in_rows in_id ref_n ref_id ref_qty ref_total < <(awk -F, '
	NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
	{ rows += $h["n"]; ids += $h["sum_id"] }
	$h["keep"] == "true" { n = $h["n"]; id = $h["sum_id"]; qty = $h["sum_qty"]; tot = $h["sum_total"] }
	END { printf "%d %.0f %s %s %s %s\n", rows, ids, n + 0, (id == "" ? 0 : id), (qty == "" ? 0 : qty), (tot == "" ? 0 : tot) }' "$tmp/ref.csv")

got_n=$(field "$tmp/got.csv" n) || die "no n in the chain's result: $(cat "$tmp/got.csv")"
got_id=$(field "$tmp/got.csv" sum_id)
got_qty=$(field "$tmp/got.csv" sum_qty)
got_total=$(field "$tmp/got.csv" sum_total)
# Sums over no rows are null (empty): compare them as 0.
got_id=${got_id:-0} got_qty=${got_qty:-0} got_total=${got_total:-0}

ok=1
check() { # name want got
	if [[ $2 == "$3" ]]; then
		printf '  %-13s %s\n' "$1" "$3"
	else
		printf '  %-13s want %s, got %s   MISMATCH\n' "$1" "$2" "$3"
		ok=0
	fi
}
echo "soak: $ROWS rows, seed $SEED, filter '$cond'"
check "input rows" "$ROWS" "$in_rows"
# gen numbers the rows 1..ROWS.
check "input sum(id)" "$(awk -v n="$ROWS" 'BEGIN { printf "%.0f", n * (n + 1) / 2 }')" "$in_id"
check "rows out" "$ref_n" "$got_n"
check "sum(id)" "$ref_id" "$got_id"
check "sum(qty)" "$ref_qty" "$got_qty"
if awk -v a="$ref_total" -v b="$got_total" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); exit !(d <= 1e-9 * m + 1e-6) }'; then
	printf '  %-13s %s (reference %s)\n' "sum(total)" "$got_total" "$ref_total"
else
	printf '  %-13s want %s, got %s   MISMATCH\n' "sum(total)" "$ref_total" "$got_total"
	ok=0
fi

secs=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }')
printf '  %-13s %ss, %s rows/s\n' "wall" "$secs" "$(awk -v r="$ROWS" -v s="$secs" 'BEGIN { printf "%.0f", (s > 0 ? r / s : 0) }')"
if [[ -s $tmp/time.txt ]]; then
	rss=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/time.txt")
	cpu=$(awk -F': ' '/Percent of CPU/ { print $2 }' "$tmp/time.txt")
	printf '  %-13s %s MiB peak RSS, %s CPU (the chain process)\n' "memory" "$((rss / 1024))" "$cpu"
fi
if [[ -s $tmp/chain.err ]]; then
	log "chain stderr:"
	cat "$tmp/chain.err" >&2
fi

if ((ok)); then
	echo "PASS"
else
	echo "FAIL"
	exit 1
fi
