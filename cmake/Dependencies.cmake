# All third-party libraries come from Debian 12 packages (see scripts/install-deps.sh).

find_package(Threads REQUIRED)

# Debian's PocoDataPostgreSQL config refers to PostgreSQL::client, which no module defines.
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()

find_package(Poco REQUIRED COMPONENTS Foundation Util Net NetSSL JSON Zip Data DataSQLite DataPostgreSQL)
# `vivrovert backup`: SQLite's online backup API (libsqlite3-dev, which Poco's SQLite uses).
find_package(SQLite3 REQUIRED)
find_package(mstch REQUIRED)
find_package(CLI11 REQUIRED)
find_package(nlohmann_json REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
find_package(GTest REQUIRED)
find_package(benchmark REQUIRED)

# Geography and the grid.
find_package(PROJ REQUIRED CONFIG)
find_package(GEOS REQUIRED CONFIG)
find_package(GDAL REQUIRED)
find_package(nanoflann REQUIRED)
find_library(CSV_LIBRARY NAMES csv REQUIRED)
find_path(CSV_INCLUDE_DIR NAMES csv.h REQUIRED)
add_library(libcsv::csv UNKNOWN IMPORTED)
set_target_properties(libcsv::csv PROPERTIES IMPORTED_LOCATION ${CSV_LIBRARY}
  INTERFACE_INCLUDE_DIRECTORIES ${CSV_INCLUDE_DIR})
# The XLSX exports of listings (libxlsxwriter-dev).
pkg_check_modules(XLSXWRITER REQUIRED IMPORTED_TARGET xlsxwriter)
# Map tiles (libpng-dev): PNG encoding of the server-rendered tiles.
find_package(PNG REQUIRED)
# Lead reports (libicu-dev): calendar periods of Europe/Paris, from ICU's own time-zone data.
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-i18n icu-uc)
# PDF documents (libcairo2-dev, libpango1.0-dev; fonts-dejavu-core): quotes and invoices.
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo cairo-pdf)
pkg_check_modules(PANGOCAIRO REQUIRED IMPORTED_TARGET pangocairo)
# Invoices as UN/CEFACT CII XML for Chorus Pro (libxml2-dev: xmlwriter, and XPath in tests).
pkg_check_modules(LIBXML2 REQUIRED IMPORTED_TARGET libxml-2.0)
