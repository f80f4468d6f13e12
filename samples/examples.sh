#!/usr/bin/env bash
# Example pipelines on the bundled samples. Run them from a checkout, from
# any directory; the script builds arrowpipe from the checkout into a
# temporary directory first (or uses $ARROWPIPE when it names a binary):
#
#   bash samples/examples.sh            # every example
#   bash samples/examples.sh top-orders # one of them
#
# Each example is a "# name: what it shows" line and one arrowpipe command;
# what it prints is in expected/NAME.out, which cmd/arrowpipe's
# TestSampleExamples checks by running every command here. The script
# exits non-zero when a command's exit status is not the one its expected
# output ends with ("--- exit N", else 0), or when a name matches nothing.
#
# The samples: orders.csv (10,000 orders: id, ts, region, product, qty,
# price, discount, note), events.ndjson (400 web events with a nested user
# object, a tags array and keys that some lines lack) and messy.csv (a
# spreadsheet export: byte order mark, CRLF line ends, quoted commas, quotes
# and newlines, a blank line, NA for missing, and two bad rows).
set -euo pipefail
# The script's own path, before cd: the examples are read from it.
script="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
samples="$(dirname "$script")"
bin="${ARROWPIPE:-}"
if [ -z "$bin" ]; then
  if ! command -v go >/dev/null; then
    echo "arrowpipe examples: building arrowpipe needs Go (https://go.dev/dl/); or set ARROWPIPE=/path/to/arrowpipe" >&2
    exit 2
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  echo "building arrowpipe from $(dirname "$samples") ..." >&2
  (cd "$samples/.." && go build -o "$tmp/arrowpipe" ./cmd/arrowpipe)
  bin="$tmp/arrowpipe"
fi
arrowpipe() { "$bin" "$@"; }
cd "$samples"
only="${1:-}"
name=""
ran=0
failed=0
while IFS= read -r line; do
  case "$line" in
    "# "*:*) name="${line#\# }"; name="${name%%:*}" ;;
    arrowpipe\ *)
      if [ -z "$only" ] || [ "$only" = "$name" ]; then
        echo "== $name: $line" >&2
        want=0
        if [ -f "expected/$name.out" ]; then
          want="$(sed -n 's/^--- exit \([0-9]*\)$/\1/p' "expected/$name.out")"
          want="${want:-0}"
        fi
        status=0
        eval "$line" || status=$?
        ran=$((ran + 1))
        if [ "$status" != "$want" ]; then
          echo "arrowpipe examples: $name exited $status, want $want" >&2
          failed=$((failed + 1))
        fi
      fi ;;
  esac
done < <(sed -n '/^# --- examples ---$/,$p' "$script")
if [ "$ran" -eq 0 ]; then
  echo "arrowpipe examples: no example named '$only'" >&2
  exit 2
fi
if [ "$failed" -gt 0 ]; then
  echo "arrowpipe examples: $failed of $ran failed" >&2
  exit 1
fi
exit 0

# --- examples ---$/,$p' "$script")
exit 0

# --- examples ---

# eu-big-orders: filter rows with an expression, keep three columns
arrowpipe filter 'qty > 90 and region == "EU"' then select id,region,qty then head 8 orders.csv

# top-orders: a derived column and the five largest rows by it (a bounded heap, not a sort)
arrowpipe derive 'total = round(qty * price * (1 - coalesce(discount, 0)), 2)' then top 5 'total desc' then select id,region,product,total orders.csv

# revenue-by-region: a group-by, then expressions and a sort on its results
arrowpipe derive 'total = qty * price * (1 - coalesce(discount, 0))' then groupby region 'count() as orders, sum(total) as revenue, p99(price) as p99_price' then derive 'revenue = round(revenue); avg_order = round(revenue / orders, 2)' then sort 'revenue desc' orders.csv

# busiest-hours: group on a timestamp truncated to the hour, keep the three with the most units
arrowpipe derive 'hour = date_trunc("hour", ts)' then groupby hour 'count() as orders, sum(qty) as units' then top 3 'units desc' orders.csv

# distinct-products: exact and approximate distinct counts, and the whole stream as one group
arrowpipe agg 'count() as rows, count_distinct(product) as products, approx_count_distinct(id) as ids_approx, median(price)' orders.csv

# schema: the types inferred from the first 1000 rows
arrowpipe schema orders.csv

# events-by-country: NDJSON in, nested keys as dotted columns, missing keys as nulls
arrowpipe groupby user.country 'count() as events, count(amount) as purchases, sum(amount) as revenue' then derive 'revenue = round(revenue, 2)' then sort 'revenue desc nulls last' events.ndjson

# purchases-to-ndjson: backticks quote a dotted name in an expression; NDJSON out
arrowpipe --to ndjson filter 'event == "purchase" and `user.plan` != "free"' then select ts,user.id,user.plan,amount then head 4 events.ndjson

# order-gaps: durations from timestamps: epoch() gives seconds, and the mean gap between orders per region
arrowpipe groupby region "count() as orders, min(ts) as first, max(ts) as last" then derive 'mean_gap_s = round((epoch(last) - epoch(first)) / (orders - 1), 1)' then sort 'region' orders.csv

# messy-skip: NA as null, bad rows dropped and counted (on stderr)
arrowpipe --null NA --on-error skip messy.csv

# messy-fail: the default stops at the first bad row, naming file, line and column
arrowpipe --null NA --schema amount:float64 messy.csv
