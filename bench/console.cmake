# weimin_console_bench: the console's store-level figures at 1,000,000 cases — the projection's
# rebuild, inbox pages and case rows on the embedded store or PostgreSQL (docs/PERFORMANCE.md).
if(TARGET weimin_server)
  add_executable(weimin_console_bench console_bench.cpp)
  # libpqxx for the PostgreSQL fill (COPY straight into the store's tables).
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
  target_link_libraries(weimin_console_bench PRIVATE weimin_server PkgConfig::PQXX)
  target_compile_definitions(weimin_console_bench PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  weimin_warnings(weimin_console_bench)
endif()
