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

# tcmalloc (Debian's libgoogle-perftools-dev): the request path allocates many small strings,
# and glibc's malloc and free were about 16 % of the gateway's instructions per request.
find_library(POINTSMAN_TCMALLOC tcmalloc_minimal)
