#!/usr/bin/env bash
# Imports from the command line on the Lot: a bad file is refused by file, line and column and
# leaves the grid as it was; each good one rebuilds the grid with the same scope.
# Usage: cli_import_test.sh VIVROVERT_BIN. Prints "N passed, M failed" and fails if M > 0.
set -uo pipefail
bin="$1"
source "$(dirname "$0")/cli_support.sh"

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

summary
