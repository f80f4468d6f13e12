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
# object, a tags array and keys that some lines lack), messy.csv (a
# spreadsheet export: byte order mark, CRLF line ends, quoted commas, quotes
# and newlines, a blank line, NA for missing, and two bad rows) and daily/
# (two daily exports whose columns drifted).
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

# events-by-country: NDJSON in, a dotted name reads a field of a nested object (its struct is flattened for the verb), missing keys as nulls
arrowpipe groupby user.country 'count() as events, count(amount) as purchases, sum(amount) as revenue' then derive 'revenue = round(revenue, 2)' then sort 'revenue desc nulls last' events.ndjson

# purchases-to-ndjson: backticks quote a dotted name in an expression; NDJSON out
arrowpipe --to ndjson filter 'event == "purchase" and `user.plan` != "free"' then select ts,user.id,user.plan,amount then head 4 events.ndjson

# daily-union: two daily exports whose columns drifted (reordered, a new channel column) read as one table by column name, with each row's file
arrowpipe --filename-column file groupby file,channel 'count() as orders, sum(qty) as qty' then sort file,channel 'daily/*.csv'

# nested-as-struct: NDJSON objects stay objects (struct columns) from NDJSON to NDJSON; unnamed structs pass through whole
arrowpipe --to ndjson filter 'event == "signup"' then head 2 then select ts,user,page events.ndjson

# flatten-user: flatten makes one column per field of a struct, named user.id, user.country, ...
arrowpipe flatten user then head 3 then select event,user.id,user.country,user.plan events.ndjson

# struct-in-csv: CSV writes a struct as its JSON text in one cell
arrowpipe head 2 then select event,user events.ndjson

# order-gaps: durations from timestamps: epoch() gives seconds, and the mean gap between orders per region
arrowpipe groupby region "count() as orders, min(ts) as first, max(ts) as last" then derive 'mean_gap_s = round((epoch(last) - epoch(first)) / (orders - 1), 1)' then sort 'region' orders.csv

# messy-skip: NA as null, bad rows dropped and counted (on stderr)
arrowpipe --null NA --on-error skip messy.csv

# messy-fail: the default stops at the first bad row, naming file, line and column
arrowpipe --null NA --schema amount:float64 messy.csv

# products-by-category: enrich orders from a dimension table (join on product), then group on its column
arrowpipe join product products.csv then groupby category 'count() as orders, sum(qty) as units' then sort 'units desc' orders.csv

# unsold-products: an anti join keeps the rows with no match in the other file
arrowpipe join anti product orders.csv products.csv

# running-totals: per-region running total, the previous price and a row number, rows in input order
arrowpipe select id,region,qty,price then window region 'total = running_sum(qty), prev_price = lag(price), n = row_number()' then head 6 orders.csv

# moving-average: a 3-row moving mean, the change from the previous row and an exponentially weighted mean, over the whole stream
arrowpipe select id,qty then window - 'avg3 = moving_mean(qty, 3), change = delta(qty), smooth = ewma(qty, 0.5)' then head 5 orders.csv

# cheapest-per-product: rank within each product by price, keep the cheapest
arrowpipe select id,product,price then window product 'r = rank(price), d = dense_rank(price)' then filter 'r == 1' then head 5 orders.csv

# fill-discount: fill a missing discount down from the last one in the same region
arrowpipe select id,region,discount then fill discount by region then head 10 orders.csv

# sample-five: five orders chosen uniformly (reservoir), the same five for seed 42, in input order
arrowpipe sample 5 42 then select id,region,qty orders.csv

# sample-per-region: two orders of each region (a reservoir per group), the same ones for seed 7, in input order
arrowpipe sample 2 7 by region then select id,region,qty orders.csv

# top-price-spilled: the most expensive order of each region and the next order's qty there, with lead and rank spilling under a 256 KB cap
arrowpipe --max-memory 256KB window region 'r = rank(price desc), next_qty = lead(qty)' then filter 'r == 1' then select id,region,price,r,next_qty orders.csv

# clean-messy: regexp_extract, a time zone and strftime, case when: cleaning a spreadsheet export
arrowpipe --null NA --on-error skip derive 'first = regexp_extract(name, "^([^ ,]+)", 1); paid_berlin = strftime(to_timezone(paid_at, "Europe/Berlin"), "%d.%m.%Y %H:%M"); kind = case when to_float(amount) >= 100 then "big" when to_float(amount) is null then "unknown" else "small" end' then select id,first,paid_berlin,kind messy.csv

# grep-messy: the rows where a regular expression matches in any column, ignoring case
arrowpipe --null NA --on-error skip grep -i 'paris|lagos' messy.csv

# dates-layouts: strftime and strptime with % layouts, ISO week, the hour in New York
arrowpipe derive 'day = strftime(ts, "%a %d %b %Y"); week = week(ts); local_hour = hour(to_timezone(ts, "America/New_York")); back = strftime(strptime(strftime(ts, "%m/%d/%Y %I:%M %p"), "%m/%d/%Y %I:%M %p"), "%FT%TZ")' then select id,ts,day,week,local_hour,back then head 3 orders.csv

# bad-regexp: an invalid pattern is an error before any data, with a caret
arrowpipe filter "regexp_matches(note, 'a(b')" orders.csv

# explode-tags: NDJSON arrays are list columns: explode makes one row per element
arrowpipe explode tags then groupby tags 'count() as n' then sort 'n desc, tags' events.ndjson

# top-per-region: the 2 dearest orders of each region (DuckDB: QUALIFY row_number() OVER (PARTITION BY region ORDER BY price DESC, id) <= 2), regions in order of first appearance
arrowpipe top 2 'price desc, id' region then select region,id,product,price orders.csv

# list-per-region: list() gathers each group's values in input order, nulls kept
arrowpipe filter 'qty == 100 and price > 950' then groupby region 'count() as n, list(id) as ids, list(discount) as discounts' orders.csv

# implode-tags: explode then groupby list() puts the arrays back together
arrowpipe --to ndjson head 6 then explode tags then groupby ts,event 'list(tags) as tags' events.ndjson

# format-readings: format() with DuckDB's {} specs: pad, align and round the fields of a messy export
arrowpipe derive "label = format('{:<5}|{:>8}|{:>6.1f}|{:>2} tags', upper(trim(device)), trim(site), coalesce(list_max(temps), 0.0), list_length(tags))" then select label readings.ndjson

# printf-readings: printf with C's % codes, the last element of a list and its sorted elements joined
arrowpipe derive "line = printf('%-5s last %6.2f of %d readings, %s', trim(device), coalesce(list_get(temps, -1), 0.0), coalesce(list_length(temps), 0), list_join(list_sort(tags), '+'))" then select line readings.ndjson

# list-stats: --schema reads an array as list<float64> (DuckDB's DOUBLE[] works too); list_sum, list_contains, list_min and a [..] list literal
arrowpipe --schema 'counts:double[]' derive 'total = list_sum(counts); roof = list_contains(tags, "roof"); coldest = list_min(temps); first_two = [list_get(counts, 1), list_get(counts, 2)]' then select device,total,roof,coldest,first_two readings.ndjson

# list-sum-overflow: an integer list whose sum is beyond int64 is an error naming the row, never a wrapped number
arrowpipe derive 'total = list_sum(counts)' readings.ndjson

# bad-printf: a format code that does not fit its argument is an error before any data, with a caret
arrowpipe filter "printf('%d', device) == ''" readings.ndjson

# list-text: to_string writes a list as the writers do (a JSON array) and to_list reads such text back, strictly (null when an element is of another type)
arrowpipe derive "t = to_string(counts); back = list_length(to_list(t, 'bigint[]')); strict = to_list('[1, 2.5]', 'bigint[]') is null" then select device,t,back,strict then head 3 readings.ndjson

# schema-all-rows: the column types from every row of the file (--infer-rows all), with unit and zone
arrowpipe --infer-rows all schema orders.csv

# notes-as-tsv: TSV output writes quotes as they are and escapes tabs and newlines (\t \n), never quoting
arrowpipe --to tsv filter "contains(note, ',')" then head 2 then select id,note orders.csv
