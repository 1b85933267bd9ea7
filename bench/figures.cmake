# weimin_figures_bench: the district figures over a year of 1,000,000 cases and 20,000,000 facts
# on the embedded store and PostgreSQL side by side (issue 15; docs/PERFORMANCE.md, "Figures").
if(TARGET weimin_server)
  add_executable(weimin_figures_bench figures_bench.cpp figures_district.cpp)
  find_package(PkgConfig REQUIRED)
  pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
  target_link_libraries(weimin_figures_bench PRIVATE weimin_server PkgConfig::PQXX)
  target_compile_definitions(weimin_figures_bench PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  weimin_warnings(weimin_figures_bench)
endif()
