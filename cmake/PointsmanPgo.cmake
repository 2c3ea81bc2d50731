# Profile-guided optimization (GCC). scripts/build-pgo runs both steps in one build folder:
#
#   POINTSMAN_PGO=generate  instrumented build; each gateway run writes .gcda profiles next to
#                           the object files when it stops
#   POINTSMAN_PGO=use       build that reads those profiles
#
# The relay's time goes to straight-line code more than to loops: under cachegrind, with a 32 KB
# first-level instruction cache as on the benchmark machine, a relayed request missed that cache
# about 2,600 times, so it ran through about 160 KB of code. With a profile, GCC moves the
# blocks that the training never ran out of the hot functions and inlines along the hot paths.
# That cut the instructions per request by about 8 % and the cache misses by about 3 %
# (docs/benchmarks.md).
set(POINTSMAN_PGO "" CACHE STRING "Profile-guided optimization step: empty, generate or use")
set_property(CACHE POINTSMAN_PGO PROPERTY STRINGS "" generate use)

if(POINTSMAN_PGO STREQUAL "generate")
  # Worker threads update the same counters, so the updates are atomic.
  add_compile_options(-fprofile-generate -fprofile-update=prefer-atomic)
  # The gateway ends with _Exit and calls __gcov_dump itself (see gateway.cpp). It declares the
  # function weak, and a weak reference alone does not pull it from libgcov.
  add_link_options(-fprofile-generate LINKER:-u,__gcov_dump)
elseif(POINTSMAN_PGO STREQUAL "use")
  # Code the training did not run keeps the usual optimization instead of being optimized for
  # size. A source file changed since the profile was taken gets a warning, not an error.
  add_compile_options(-fprofile-use -fprofile-partial-training -Wno-missing-profile
                      -Wno-error=coverage-mismatch)
elseif(NOT POINTSMAN_PGO STREQUAL "")
  message(FATAL_ERROR "POINTSMAN_PGO is '${POINTSMAN_PGO}': set it to generate, use or leave it empty")
endif()
