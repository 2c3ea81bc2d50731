# ccache turns a rebuild after `git checkout` or a container layer rebuild into cache hits.
find_program(POINTSMAN_CCACHE ccache)
if(POINTSMAN_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${POINTSMAN_CCACHE}")
  # Precompiled headers are only cache hits when ccache ignores their timestamps.
  set(ENV{CCACHE_SLOPPINESS} "pch_defines,time_macros,include_file_mtime,include_file_ctime")
endif()
