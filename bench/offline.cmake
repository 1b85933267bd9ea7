# weimin_offline_bench: a station 30 days offline with 300,000 facts waiting syncs them against
# the real district server process; its time and the station process's peak memory
# (docs/PERFORMANCE.md, "A month offline").
if(TARGET weimin_server AND TARGET weimin-district AND TARGET weimin_sync_client)
  add_executable(weimin_offline_bench offline_bench.cpp sync_fixture.cpp)
  target_link_libraries(weimin_offline_bench PRIVATE weimin_station weimin_server weimin_sync_client)
  target_compile_definitions(weimin_offline_bench PRIVATE
    WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>")
  add_dependencies(weimin_offline_bench weimin-district)
  weimin_warnings(weimin_offline_bench)
endif()
