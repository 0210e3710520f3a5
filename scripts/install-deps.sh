#!/usr/bin/env bash
# Installs the Debian packages VivroVert needs to build, run and test, when missing.
# Idempotent and quiet when everything is there. Needs root (or sudo) to install; without
# either it prints the apt-get command to run and fails. scripts/check-deps.py (run by
# `make test`) checks that this list covers every header, library and program used.
set -euo pipefail

packages=(
  # build (ccache is used when present, never required)
  build-essential cmake pkg-config git ccache
  # style (scripts/check-format.sh, scripts/lint.sh)
  clang-format clang-tidy
  # libraries
  libpoco-dev libssl-dev libmstch-dev libsodium-dev libsqlite3-dev libpq-dev
  nlohmann-json3-dev libcli11-dev
  libproj-dev proj-data libgeos-dev libgdal-dev libnanoflann-dev libcsv-dev
  libxlsxwriter-dev libpng-dev libicu-dev zlib1g-dev
  libosmium2-dev libprotozero-dev
  # PDF documents (quotes, invoices): cairo + pango, DejaVu fonts
  libcairo2-dev libpango1.0-dev fonts-dejavu-core
  # invoices as CII XML (Chorus Pro)
  libxml2-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql python3-aiosmtpd chromium
  # text of the PDF documents (pdftotext)
  poppler-utils
  # benchmarks' scripts (bench/)
  wrk curl bc sqlite3
  # `make cluster` (scripts/cluster.sh): the reverse proxy and load balancer, its certificate
  nginx openssl
  # front end
  nodejs npm
)

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
# The machine may have its own Node.js (newer than Debian's): keep it when present.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for package in "${missing[@]}"; do
    case "$package" in nodejs|npm) ;; *) filtered+=("$package") ;; esac
  done
  missing=("${filtered[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
if [ "$(id -u)" != 0 ]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: these Debian packages are missing and installing them needs root:" >&2
    echo "  apt-get install ${missing[*]}" >&2
    exit 1
  fi
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
