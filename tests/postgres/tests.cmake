# PostgreSQL tests (issue 7): a throwaway PostgreSQL 15 cluster on 127.0.0.1 as a CTest fixture
# (tests/postgres/cluster.sh; port 55432 or WEIMIN_PG_PORT, read when the tests run), the
# server's whole suite against it, PgStore's own tests, and two real district server processes
# over one database. The URL reaches each test as WEIMIN_TEST_STORE through `cluster.sh run`.
set(WEIMIN_PG_CLUSTER ${CMAKE_CURRENT_LIST_DIR}/cluster.sh)

# Fails (never skips) when the machine is not root or PostgreSQL cannot start: CI runs as root.
add_test(NAME weimin_pg_cluster_start COMMAND ${WEIMIN_PG_CLUSTER} start)
set_tests_properties(weimin_pg_cluster_start PROPERTIES FIXTURES_SETUP weimin_pg TIMEOUT 120)
add_test(NAME weimin_pg_cluster_stop COMMAND ${WEIMIN_PG_CLUSTER} stop)
set_tests_properties(weimin_pg_cluster_stop PROPERTIES FIXTURES_CLEANUP weimin_pg TIMEOUT 60)

# weimin_pg_test(name COMMAND...): a test that runs against the cluster.
function(weimin_pg_test name)
  add_test(NAME ${name} COMMAND ${WEIMIN_PG_CLUSTER} run WEIMIN_TEST_STORE ${ARGN})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED weimin_pg TIMEOUT 600)
endfunction()

# The server engineer's suite, every test against a fresh schema in the cluster's database.
if(TARGET weimin_server_test)
  weimin_pg_test(weimin_server_test_postgres $<TARGET_FILE:weimin_server_test>)
endif()

set(weimin_server_has_pg FALSE)
if(TARGET weimin_server)
  get_target_property(weimin_server_sources weimin_server SOURCES)
  if("src/pg_store.cpp" IN_LIST weimin_server_sources)
    set(weimin_server_has_pg TRUE)
  endif()
endif()
if(weimin_server_has_pg)
  pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
  foreach(t pg_store pg_two_servers)
    add_executable(weimin_${t}_test ${CMAKE_CURRENT_LIST_DIR}/${t}_test.cpp
                                    ${CMAKE_SOURCE_DIR}/tests/support/doctest_main.cpp)
    target_link_libraries(weimin_${t}_test PRIVATE weimin_server PkgConfig::PQXX doctest::doctest)
    # server/src: the loops' kinds clauses (neighbour_tables.hpp, govern_tables.hpp).
    target_include_directories(weimin_${t}_test PRIVATE ${CMAKE_SOURCE_DIR}/tests/support
                                                        ${CMAKE_SOURCE_DIR}/server/src)
    weimin_warnings(weimin_${t}_test)
  endforeach()
  target_link_libraries(weimin_pg_two_servers_test PRIVATE PkgConfig::HTTPLIB)
  # The PostgreSQL-only fleet measurement (docs/PERFORMANCE.md); not a test.
  add_executable(weimin_pg_fleet_bench ${CMAKE_CURRENT_LIST_DIR}/pg_fleet_bench.cpp)
  target_link_libraries(weimin_pg_fleet_bench PRIVATE weimin_server)
  weimin_warnings(weimin_pg_fleet_bench)
  weimin_pg_test(weimin_pg_store_test $<TARGET_FILE:weimin_pg_store_test>)
  weimin_pg_test(weimin_pg_two_servers_test
                 env WEIMIN_DISTRICT_BIN=$<TARGET_FILE:weimin-district>
                 $<TARGET_FILE:weimin_pg_two_servers_test>)
endif()
