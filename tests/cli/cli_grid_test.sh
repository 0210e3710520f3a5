#!/usr/bin/env bash
# The command line as a user runs it: grid build / info / export and search, on the Lot
# and on Paris.
# Usage: cli_grid_test.sh VIVROVERT_BIN. Prints "N passed, M failed" and fails if M > 0.
set -uo pipefail
bin="$1"
source "$(dirname "$0")/cli_support.sh"

grid="$work/lot.grid"
"$bin" grid build --departements 46 -o "$grid" >"$work/build.out" 2>&1
check "grid build succeeds" test -s "$grid"
check "grid build reports both levels" grep -q "5km: " "$work/build.out"

"$bin" grid info --grid "$grid" >"$work/info.out" 2>&1
check "grid info prints the format version" grep -Eq "format version: [0-9]+" "$work/info.out"
check "grid info names the unavailable criteria" grep -q "dist_gp_km .*not available" "$work/info.out"

"$bin" grid export --format csv --grid "$grid" >"$work/export.csv"
check "export header" grep -q "^tile_id,level,commune_codes,dist_gp_km," "$work/export.csv"
# Cahors station lies in CRS3035RES1000mN2410000E3639000: within 1 km of a station.
station_column=$(head -1 "$work/export.csv" | tr ',' '\n' | grep -n '^dist_station_km$' | cut -d: -f1)
cahors_distance=$(grep '^CRS3035RES1000mN2410000E3639000,' "$work/export.csv" | cut -d, -f"$station_column")
check "Cahors station tile within 1 km of a station (got '$cahors_distance')" \
  awk -v d="$cahors_distance" 'BEGIN { exit !(d != "" && d >= 0 && d <= 1) }'
check "Cahors station tile lists the commune of Cahors" grep -q '^CRS3035RES1000mN2410000E3639000,1km,46042' "$work/export.csv"
"$bin" grid export --format csv --level 5km --grid "$grid" >"$work/export5.csv"
check "5 km export" grep -q '^CRS3035RES5000mN2410000E3635000,5km,' "$work/export5.csv"

# Paris: its figures come from its arrondissements. The commune table has its population
# and centre; its tiles have its population and lie within a tile's half-diagonal (0.71 km)
# of a city of 200,000 and of a préfecture, Paris itself.
"$bin" grid build --departements 75 -o "$work/paris.grid" >/dev/null 2>&1
"$bin" grid export --table communes --grid "$work/paris.grid" >"$work/paris-communes.csv"
check "commune table header" grep -qx "code,name,departement,epci,population,longitude,latitude,postcodes" "$work/paris-communes.csv"
check "Paris has its population and centre in the commune table ($(grep '^75056,' "$work/paris-communes.csv"))" \
  grep -Eq '^75056,Paris,75,[0-9]*,[0-9]{7},2\.[0-9]+,48\.[0-9]+,75001\|' "$work/paris-communes.csv"
"$bin" grid export --grid "$work/paris.grid" >"$work/paris.csv"
paris_min() {  # paris_min CRITERION: the smallest value over the tiles of Paris alone, or "none"
  awk -F, -v c="$(column_of "$work/paris.csv" "$1")" '$3 == "75056" && $c != "" { if (m == "" || $c < m) m = $c; n++ }
    END { print (n ? m : "none") }' "$work/paris.csv"
}
check "a tile of Paris is at most 0.71 km from a city of 200,000 ($(paris_min dist_city_200k_km))" \
  awk -v v="$(paris_min dist_city_200k_km)" 'BEGIN { exit !(v != "none" && v <= 0.71) }'
check "and from a préfecture ($(paris_min dist_prefecture_km))" \
  awk -v v="$(paris_min dist_prefecture_km)" 'BEGIN { exit !(v != "none" && v <= 0.71) }'
check "the tiles of Paris have its population ($(paris_min commune_pop))" \
  awk -v v="$(paris_min commune_pop)" 'BEGIN { exit !(v != "none" && v > 2000000) }'
"$bin" grid export --table rivers --grid "$work/paris.grid" >/dev/null 2>"$work/table.err"
check "an unknown table is refused by name" grep -q "unknown table 'rivers'" "$work/table.err"

cat >"$work/request.json" <<'JSON'
{"level":"1km","criteria":[{"criterion":"dist_station_km","max":10},
 {"criterion":"density","min":10,"max":150,"importance":"preferred","weight":3}]}
JSON
"$bin" search --criteria "$work/request.json" --grid "$grid" --format ids >"$work/ids.txt"
"$bin" search --criteria "$work/request.json" --grid "$grid" --format json >"$work/answer.json"
green=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["green_count"])' "$work/answer.json")
check "ids and json agree on the green count ($green)" test "$(wc -l <"$work/ids.txt")" -eq "$green"
check "ids are sorted" sort -c "$work/ids.txt"
# The same answer from the export: tiles with a station within 10 km.
expected=$(awk -F, -v c="$station_column" 'NR > 1 && $c != "" && $c <= 10 { n++ } END { print n + 0 }' "$work/export.csv")
check "green count equals the export's count ($expected)" test "$green" -eq "$expected"

# Places: the same oracle with two of the person's own points (a commune's centre and
# coordinates), the green tiles recomputed from the export and the answer's projected points.
cat >"$work/places.json" <<'JSON'
{"level":"1km","criteria":[{"criterion":"dist_station_km","max":10}],
 "places":[{"name":"travail de Léa","commune":"46042","max_km":25},
           {"name":"travail de Sam","lat":44.608,"lon":1.64,"max_km":30},
           {"name":"piscine","lat":44.5,"lon":1.5,"max_km":5,"importance":"preferred","weight":2}]}
JSON
"$bin" search --criteria "$work/places.json" --grid "$grid" --format ids >"$work/places-ids.txt"
"$bin" search --criteria "$work/places.json" --grid "$grid" --format json >"$work/places-answer.json"
python3 - "$work/export.csv" "$work/places-answer.json" "$station_column" >"$work/places-expected.txt" <<'PY'
import csv, json, math, re, sys
answer = json.load(open(sys.argv[2]))
column = int(sys.argv[3]) - 1
required = [p for p in answer["places"] if p["importance"] == "required"]
green = []
for row in list(csv.reader(open(sys.argv[1])))[1:]:
    if row[1] != "1km" or row[column] == "" or float(row[column]) > 10:
        continue
    north, east = map(int, re.match(r"CRS3035RES1000mN(\d+)E(\d+)", row[0]).groups())
    if all(math.hypot(east + 500 - p["x"], north + 500 - p["y"]) <= p["max_km"] * 1000 for p in required):
        green.append(row[0])
print("\n".join(sorted(green)))
PY
check "places: the ids agree with brute force over the export ($(wc -l <"$work/places-ids.txt") tiles)" \
  cmp -s "$work/places-ids.txt" "$work/places-expected.txt"
check "places: some tiles are green, fewer than without places" \
  test "$(wc -l <"$work/places-ids.txt")" -gt 0 -a "$(wc -l <"$work/places-ids.txt")" -lt "$green"
check "places: the answer labels distances as straight lines" \
  grep -q '"distance": "straight_line"' "$work/places-answer.json"
# Cahors' station (44.449275, 1.433325) lies in CRS3035RES1000mN2410000E3639000, whose centre is
# within the half-diagonal (0.71 km) of any point of the tile.
echo '{"level":"1km","criteria":[],"places":[{"name":"gare","lat":44.449275,"lon":1.433325,"max_km":0.8}]}' >"$work/station.json"
"$bin" search --criteria "$work/station.json" --grid "$grid" --format ids >"$work/station-ids.txt"
check "a place is projected into its own tile ($(cat "$work/station-ids.txt"))" \
  grep -qx "CRS3035RES1000mN2410000E3639000" "$work/station-ids.txt"
echo '{"level":"1km","criteria":[],"places":[{"name":"Berlin","lat":52.52,"lon":13.4,"max_km":25}]}' >"$work/berlin.json"
"$bin" search --criteria "$work/berlin.json" --grid "$grid" >/dev/null 2>"$work/berlin.err"
status=$?
check "a place abroad exits 2" test "$status" -eq 2
check "a place abroad is named ($(cat "$work/berlin.err"))" grep -q "Berlin.*places\[0\].lat" "$work/berlin.err"

echo '{"level":"1km","criteria":[{"criterion":"inconnu","max":1}]}' >"$work/bad.json"
"$bin" search --criteria "$work/bad.json" --grid "$grid" >/dev/null 2>"$work/bad.err"
status=$?
check "a bad request exits 2" test "$status" -eq 2
check "a bad request names the field" grep -q "criteria\[0\].criterion" "$work/bad.err"

echo "tile_id,level,commune_codes: this is a CSV export, not a grid file" >"$work/foreign.grid"
"$bin" grid info --grid "$work/foreign.grid" >/dev/null 2>"$work/foreign.err"
check "a foreign grid file is refused" grep -q "not a VivroVert grid file" "$work/foreign.err"
"$bin" grid build --departements 99 -o "$work/none.grid" >/dev/null 2>"$work/unknown.err"
check "an unknown département is refused by name" grep -q "unknown département code '99'" "$work/unknown.err"
check "nothing is written for a refused build" test ! -e "$work/none.grid"

summary
