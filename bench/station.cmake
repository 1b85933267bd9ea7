# weimin_station_bench: a station with three years of data (a million facts) against an empty
# one, side by side: open, a ticket, today's and a month's figures, the case list
# (docs/PERFORMANCE.md, "A station with years of data").
if(TARGET weimin_station)
  add_executable(weimin_station_bench station_bench.cpp)
  target_link_libraries(weimin_station_bench PRIVATE weimin_station)
  target_compile_definitions(weimin_station_bench PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  weimin_warnings(weimin_station_bench)
endif()
