#!/usr/bin/env bash
# `make run`: the local demonstration on http://localhost:8080.
#   1. applies the database migrations;
#   2. builds the grid when its file is missing, of another format version, or older
#      than one of its inputs (the open-data files of the data folder, data/criteria.json
#      and the class files beside it, the layers of `vivrovert import` in var/imports);
#   3. creates the demo accounts and the demo partner with its listings (`vivrovert admin
#      seed-demo`, idempotent; the listings are placed on the grid);
#   4. prints the address and the demo accounts, then serves until Ctrl-C.
# Paths are the configuration's defaults or their environment overrides
# (VIVROVERT_PATHS_RESOURCE_DIR, VIVROVERT_PATHS_DATA_DIR, VIVROVERT_PATHS_VAR_DIR,
# VIVROVERT_PATHS_GRID_FILE, VIVROVERT_HTTP_PUBLIC_BASE_URL); the demo password is
# VIVROVERT_DEMO_PASSWORD, by default "demo-vivrovert" (a local demo only: the script
# turns demo mode on, VIVROVERT_DEMO_ENABLED=true, without which `seed-demo` refuses the
# documented password).
# Usage: scripts/run-demo.sh BIN
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: $0 BIN" >&2; exit 2; }
bin=$(realpath "$1")
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$bin" migrate

resource_dir=${VIVROVERT_PATHS_RESOURCE_DIR:-$root}
var_dir=${VIVROVERT_PATHS_VAR_DIR:-var}
grid_file=${VIVROVERT_PATHS_GRID_FILE:-$var_dir/grid/vivrovert.grid}
if [ -n "${VIVROVERT_PATHS_DATA_DIR:-}" ]; then
  data_dir=$VIVROVERT_PATHS_DATA_DIR
elif [ -d "$resource_dir/../shared/data" ]; then
  data_dir=$resource_dir/../shared/data
else
  data_dir=$resource_dir/data
fi
catalogue=$resource_dir/data/criteria.json
# Layers of `vivrovert import` (national files imported from wherever they were downloaded).
imports_dir=$var_dir/imports
[ -d "$imports_dir" ] || imports_dir=

if [ ! -f "$grid_file" ]; then
  echo "no grid at $grid_file: building it from $data_dir (the first build takes a while)"
  "$bin" grid build
elif ! "$bin" grid info >/dev/null 2>&1; then
  echo "the grid at $grid_file is unreadable by this version (see: $bin grid info): building it again"
  "$bin" grid build
elif [ -n "$(find -L "$data_dir" "$catalogue" "$resource_dir/data" ${imports_dir:+"$imports_dir"} -type f -newer "$grid_file" -print -quit)" ]; then
  echo "the grid at $grid_file is older than its inputs: building it again"
  "$bin" grid build
fi

accounts=$(VIVROVERT_DEMO_ENABLED=true "$bin" admin seed-demo)

url=${VIVROVERT_HTTP_PUBLIC_BASE_URL:-http://localhost:8080}
cat <<BANNER

VivroVert demo: $url
Demo accounts (role, e-mail, password):
$accounts
E-mails (verification, password reset) go to the SMTP relay of the configuration
(127.0.0.1:2525 by default); without one they wait in the outbox: $bin mail list

BANNER
exec "$bin" serve
