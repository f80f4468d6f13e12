#!/usr/bin/env bash
# Writes samples/readings.ndjson: a sensor export of 8 lines with arrays of
# floats (with nulls and a missing array), integers and strings, padded
# names and a price as text, for the format/printf and list examples.
cd "$(dirname "$0")"
cat > readings.ndjson <<'JSON'
{"device":" t-01 ","site":"Oslo","temps":[21.5,22,null,23.25],"counts":[3,0,7],"tags":["roof","north"],"price":"12.5"}
{"device":"t-02","site":"Bergen  ","temps":[18,17.5,19],"counts":[1,1],"tags":["basement"],"price":"9"}
{"device":"T-03 ","site":"Oslo","temps":[],"counts":[],"tags":[],"price":"n/a"}
{"device":"t-04","site":"Tromsø","temps":[-3.5,-4,null],"counts":[12,5,0,2],"tags":["roof","arctic","north"],"price":"15.75"}
{"device":"t-05","site":"Bergen","counts":[4],"tags":["roof"],"price":"11"}
{"device":" t-06","site":"Oslo","temps":[25.125,24],"counts":[9223372036854775807,1],"tags":["south","roof"],"price":"1200"}
{"device":"t-07","site":"Tromsø","temps":[null],"counts":[2,2,2],"tags":["arctic"],"price":"7.2"}
{"device":"t-08","site":"Oslo","temps":[30,29.5],"counts":[0],"tags":["south"],"price":"8"}
JSON
