# weimin_sync_bench: push, the 100-station fleet, pull and wire bytes against the real district
# server process, and the bulk-insert bound in its store (docs/PERFORMANCE.md, "Sync").
if(TARGET weimin_server AND TARGET weimin-district AND TARGET weimin_sync_client)
  add_executable(weimin_sync_bench sync_bench.cpp sync_fixture.cpp)
  target_link_libraries(weimin_sync_bench PRIVATE weimin_station weimin_server weimin_sync_client)
  target_compile_definitions(weimin_sync_bench PRIVATE
    WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>")
  add_dependencies(weimin_sync_bench weimin-district)
  weimin_warnings(weimin_sync_bench)
endif()
