# The kiosk benchmark: start to first frame (a fresh process each time), frame times at
# 1920×1080 with the software renderer, CPU over 10 idle seconds, peak memory.
if(TARGET weimin_kiosk)
  add_executable(weimin_kiosk_bench kiosk_bench.cpp)
  target_link_libraries(weimin_kiosk_bench PRIVATE weimin_kiosk)
  target_compile_definitions(weimin_kiosk_bench PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  weimin_warnings(weimin_kiosk_bench)
endif()
