# Every dependency comes from Debian 12 packages that scripts/setup installs.
find_package(Threads REQUIRED)
find_package(Boost 1.81 EXACT REQUIRED)
find_package(OpenSSL 3 REQUIRED)
find_package(ZLIB REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(simdjson REQUIRED)
# The accounting stores: SQLite (libsqlite3-dev) and Redis through hiredis (libhiredis-dev), whose
# Debian package ships no CMake target. Its pkg-config file adds -D_FILE_OFFSET_BITS=64, which
# would disable the precompiled header in every target that links accounting, so the target is
# built here from the header and the library alone.
find_package(SQLite3 REQUIRED)
find_path(POINTSMAN_HIREDIS_INCLUDE_DIR hiredis/hiredis.h REQUIRED)
find_library(POINTSMAN_HIREDIS_LIBRARY hiredis REQUIRED)
add_library(Hiredis::hiredis UNKNOWN IMPORTED)
set_target_properties(Hiredis::hiredis PROPERTIES
  IMPORTED_LOCATION "${POINTSMAN_HIREDIS_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${POINTSMAN_HIREDIS_INCLUDE_DIR}")

# tcmalloc (Debian's libgoogle-perftools-dev): the request path allocates many small strings,
# and glibc's malloc and free were about 16 % of the gateway's instructions per request.
find_library(POINTSMAN_TCMALLOC tcmalloc_minimal)
