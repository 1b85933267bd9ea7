# weimin_scale_bench: the district's sync at 1, 10 and 30 million facts on the embedded store and
# PostgreSQL, against the real server process (issue 17; docs/PERFORMANCE.md, "Scale").
if(TARGET weimin_server AND TARGET weimin-district AND TARGET weimin_sync_client)
  add_executable(weimin_scale_bench scale_bench.cpp sync_fixture.cpp figures_district.cpp)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
  target_link_libraries(weimin_scale_bench PRIVATE weimin_station weimin_server weimin_sync_client
                                                   PkgConfig::PQXX PkgConfig::SODIUM)
  target_compile_definitions(weimin_scale_bench PRIVATE
    WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>")
  add_dependencies(weimin_scale_bench weimin-district)
  weimin_warnings(weimin_scale_bench)
endif()
