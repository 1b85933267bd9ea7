# weimin_console_bench: the console's store-level figures at 1,000,000 cases — the projection's
# rebuild, inbox pages and case rows on the embedded store or PostgreSQL (docs/PERFORMANCE.md).
if(TARGET weimin_server)
  add_executable(weimin_console_bench console_bench.cpp)
  target_link_libraries(weimin_console_bench PRIVATE weimin_server)
  target_compile_definitions(weimin_console_bench PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  weimin_warnings(weimin_console_bench)
endif()
