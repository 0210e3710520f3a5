#!/usr/bin/env bash
# The command line as a user runs it: grid build / info / export and search, on the Lot.
# Usage: cli_test.sh VIVROVERT_BIN. Prints "N passed, M failed" and fails if M > 0.
set -uo pipefail
bin="$1"
work=$(mktemp -d /tmp/vivrovert-cli.XXXXXX)
trap 'rm -rf "$work"' EXIT
export VIVROVERT_PATHS_VAR_DIR="$work/var"
passed=0
failed=0
check() {  # check DESCRIPTION COMMAND…
  local description="$1"
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $description"; fi
}

column_of() { head -1 "$1" | tr ',' '\n' | grep -n "^$2\$" | cut -d: -f1; }

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

# Imports: a bad file is refused by file, line and column and leaves the grid as it was; a
# good one rebuilds the grid with the same scope; the same files give the same export.
data=$(cd "$(dirname "$0")/../../../shared/data" && pwd)
export VIVROVERT_PATHS_GRID_FILE="$work/var/grid/vivrovert.grid"
"$bin" grid build --departements 46 >/dev/null 2>&1
cp "$VIVROVERT_PATHS_GRID_FILE" "$work/before.grid"
printf 'Identifiant_de_l_etablissement;code_nature;etat;Code_departement;latitude;longitude\n0350122T;151;OUVERT;035;47.98;-1.92\n0350123U;151;OUVERT;035;47.9x;-1.92\n' >"$work/annuaire-bad.csv"
"$bin" import education "$work/annuaire-bad.csv" >/dev/null 2>"$work/import-bad.err"
status=$?
check "a bad import exits 2" test "$status" -eq 2
check "a bad import names file, line and column" grep -q "annuaire-bad.csv:3: column 'latitude'" "$work/import-bad.err"
check "a bad import leaves the grid unchanged" cmp -s "$work/before.grid" "$VIVROVERT_PATHS_GRID_FILE"
check "a bad import writes no layer" test ! -e "$work/var/imports/education.json"
"$bin" import altitude "$data/rcarto-geodata-lot/elevation.tif" --vintage "SRTM 2000" >"$work/import.out" 2>&1
check "import altitude writes its layer" test -s "$work/var/imports/altitude.json"
check "import altitude rebuilds the grid of the Lot" grep -q "(départements 46)" "$work/import.out"
"$bin" grid info >"$work/info2.out"
check "altitude has a coverage around Cahors" grep -Eq "altitude_m +[1-9][0-9]*\.[0-9] %" "$work/info2.out"
check "the grid names the DEM's vintage" grep -q "(SRTM 2000)" "$work/info2.out"
"$bin" grid export --format csv >"$work/import-export1.csv"
"$bin" import altitude "$data/rcarto-geodata-lot/elevation.tif" --vintage "SRTM 2000" >/dev/null 2>&1
"$bin" grid export --format csv >"$work/import-export2.csv"
check "the same import gives the same export, byte for byte" cmp -s "$work/import-export1.csv" "$work/import-export2.csv"

# DVF: the fixture's Cahors tile gets the median of its ten house sales; an isolated sale
# gives no price; the same file gives the same export.
fixtures=$(cd "$(dirname "$0")/../importers/fixtures" && pwd)
"$bin" import dvf "$fixtures/dvf/dvf_46_fixture.csv" >"$work/import-dvf.out" 2>&1
check "import dvf writes its layer" test -s "$work/var/imports/dvf.json"
check "import dvf names the sales window" grep -q "ventes du 2019-06-29 au 2024-06-28" "$work/var/imports/dvf.json"
"$bin" grid export --format csv >"$work/dvf-export1.csv"
price=$(grep '^CRS3035RES1000mN2409000E3640000,' "$work/dvf-export1.csv" | cut -d, -f"$(column_of "$work/dvf-export1.csv" price_m2_house)")
sales=$(grep '^CRS3035RES1000mN2409000E3640000,' "$work/dvf-export1.csv" | cut -d, -f"$(column_of "$work/dvf-export1.csv" price_m2_house_sales)")
check "the Cahors tile has the median price of its ten house sales ($price)" test "$price" = "2034"
check "and the number of sales used ($sales)" test "$sales" = "10"
isolated=$(grep '^CRS3035RES1000mN2442000E3638000,' "$work/dvf-export1.csv" | cut -d, -f"$(column_of "$work/dvf-export1.csv" price_m2_house)")
check "an isolated sale gives no price ('$isolated')" test -z "$isolated"
"$bin" import dvf "$fixtures/dvf/dvf_46_fixture.csv" >/dev/null 2>&1
"$bin" grid export --format csv >"$work/dvf-export2.csv"
check "the same DVF file gives the same export, byte for byte" cmp -s "$work/dvf-export1.csv" "$work/dvf-export2.csv"

# Figures per commune (INSEE comparateur, ARCEP fibre): spread over the tiles of the commune.
"$bin" import insee "$fixtures/insee-comparateur/base_cc_comparateur_46.csv" --no-build >"$work/import-insee.out" 2>&1
check "import insee writes its layer" test -s "$work/var/imports/insee.json"
"$bin" import arcep "$fixtures/arcep/arcep_communes_46.csv" >"$work/import-arcep.out" 2>&1
check "import arcep rebuilds the grid" grep -q "(départements 46)" "$work/import-arcep.out"
"$bin" grid export --format csv >"$work/communes-export.csv"
value_in() {  # value_in COMMUNE CRITERION: the value of the first tile lying in that commune alone
  grep -m1 "^[^,]*,1km,$1," "$work/communes-export.csv" | cut -d, -f"$(column_of "$work/communes-export.csv" "$2")"
}
check "a Cahors tile has Cahors' median income ($(value_in 46042 median_income_eur))" test "$(value_in 46042 median_income_eur)" = "20110"
check "and its fibre share ($(value_in 46042 fibre_pct))" test "$(value_in 46042 fibre_pct)" = "99.23"
check "Arques, without dwellings, has no share of second homes" test -z "$(value_in 46008 second_homes_pct)"
check "a tile of Anglars, whose income is not published, has none" test -n "$(value_in 46004 second_homes_pct)" -a -z "$(value_in 46004 median_income_eur)"
check "Arques has a tile (the checks above are not vacuous)" test -n "$(value_in 46008 median_income_eur)"

# Climate: station normals interpolated to the tiles, with the altitude imported above.
"$bin" import climate "$fixtures/meteo-france/MENSQ_46_fixture.csv" >"$work/import-climate.out" 2>&1
check "import climate measures three stations" grep -q "summer_temp_c: 3 stations" "$work/import-climate.out"
"$bin" grid export --format csv >"$work/climate-export.csv"
summer=$(grep '^CRS3035RES1000mN2409000E3640000,' "$work/climate-export.csv" | cut -d, -f"$(column_of "$work/climate-export.csv" summer_temp_c)")
check "the Cahors tile has a July normal between its stations' ($summer)" awk -v t="$summer" 'BEGIN { exit !(t > 19 && t < 23) }'

# OpenStreetMap: an extract must say what it covers; forest shares and distances from it.
"$bin" import osm "$fixtures/osm/cahors_fixture.osm.pbf" >/dev/null 2>"$work/import-osm-bad.err"
check "an OSM import without --covers is refused" grep -q "covers" "$work/import-osm-bad.err"
"$bin" import osm "$fixtures/osm/cahors_fixture.osm.pbf" --covers 46 >"$work/import-osm.out" 2>&1
"$bin" grid export --format csv >"$work/osm-export.csv"
forest=$(grep '^CRS3035RES1000mN2405000E3634000,' "$work/osm-export.csv" | cut -d, -f"$(column_of "$work/osm-export.csv" share_forest_pct)")
check "a wood with a quarter-cell hole covers 75 % of its tile ($forest)" awk -v v="$forest" 'BEGIN { exit !(v == 75) }'
pharmacy=$(grep '^CRS3035RES1000mN2410000E3639000,' "$work/osm-export.csv" | cut -d, -f"$(column_of "$work/osm-export.csv" dist_pharmacy_km)")
check "the pharmacy on the Cahors tile's centre is at 0 km ($pharmacy)" awk -v v="$pharmacy" 'BEGIN { exit !(v == 0) }'

# The mail outbox's counts, as `vivrovert mail stats` prints them, on a database of its own:
# a message due an hour ago and one for tomorrow.
mail_db="$work/mail.db"
VIVROVERT_DATABASE_URL="sqlite:$mail_db" "$bin" migrate >/dev/null 2>&1
python3 - "$mail_db" <<'PY'
import sqlite3, sys, time
now = int(time.time())
db = sqlite3.connect(sys.argv[1])
for key, due in (("cli:1", now - 3600), ("cli:2", now + 86400)):
    db.execute("INSERT INTO mail_outbox (idempotency_key, to_address, subject, body_text, body_html, status, "
               "next_attempt_at, created_at) VALUES (?, 'a@example.test', 's', 't', '', 'pending', ?, ?)",
               (key, due, due))
db.execute("INSERT INTO mail_bounces (address, first_failed_at, last_failed_at, last_error) "
           "VALUES ('b@example.test', ?, ?, '550')", (now, now))
db.commit()
PY
VIVROVERT_DATABASE_URL="sqlite:$mail_db" "$bin" mail stats >"$work/mail-stats.out" 2>&1
check "mail stats counts the pending mail and the due one" grep -qx "pending 2 (due now 1)" "$work/mail-stats.out"
oldest=$(sed -n 's/^oldest due pending \([0-9]*\) s$/\1/p' "$work/mail-stats.out")
check "mail stats gives the age of the oldest due mail, an hour at least ($oldest s)" \
  awk -v v="$oldest" 'BEGIN { exit !(v != "" && v >= 3600) }'
check "mail stats counts the bouncing addresses" grep -qx "bouncing addresses 1" "$work/mail-stats.out"

# seed-demo gives the demo operator the README's password in demo mode only; elsewhere the
# password must come from VIVROVERT_DEMO_PASSWORD.
demo_db="$work/demo.db"
demo_run() {  # demo_run [NAME=VALUE…] ARGS…: the binary on the demo database, neither variable inherited
  env -u VIVROVERT_DEMO_PASSWORD -u VIVROVERT_DEMO_ENABLED VIVROVERT_DATABASE_URL="sqlite:$demo_db" \
    VIVROVERT_PATHS_GRID_FILE="$work/absent.grid" "$@"
}
demo_run "$bin" migrate >/dev/null 2>&1
users() { python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("SELECT COUNT(*) FROM users").fetchone()[0])' "$demo_db"; }
demo_run "$bin" admin seed-demo >/dev/null 2>"$work/seed.err"
status=$?
check "seed-demo outside demo mode without a password fails" test "$status" -ne 0
check "and says how to proceed" grep -q "VIVROVERT_DEMO_PASSWORD" "$work/seed.err"
check "and creates no account" test "$(users)" = 0
demo_run VIVROVERT_DEMO_PASSWORD=mot-de-passe-choisi "$bin" admin seed-demo >"$work/seed.out" 2>&1
check "seed-demo with a password from the environment works anywhere" grep -q "operateur@vivrovert.localhost.*password: mot-de-passe-choisi" "$work/seed.out"
demo_run VIVROVERT_DEMO_ENABLED=true "$bin" admin seed-demo >"$work/seed-demo.out" 2>&1
check "seed-demo in demo mode uses the documented password" grep -q "operateur@vivrovert.localhost.*password: demo-vivrovert" "$work/seed-demo.out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
