# PostgreSQL tests (issue 7): a throwaway PostgreSQL 15 cluster on 127.0.0.1 as a CTest fixture
# (tests/postgres/cluster.sh; port 55432 or WEIMIN_PG_PORT), the server's whole suite against it,
# and two real district server processes over one database.
set(WEIMIN_PG_CLUSTER ${CMAKE_CURRENT_LIST_DIR}/cluster.sh)

# Fails (never skips) when the machine is not root or PostgreSQL cannot start: CI runs as root.
add_test(NAME weimin_pg_cluster_start COMMAND ${WEIMIN_PG_CLUSTER} start)
set_tests_properties(weimin_pg_cluster_start PROPERTIES FIXTURES_SETUP weimin_pg TIMEOUT 120)
add_test(NAME weimin_pg_cluster_stop COMMAND ${WEIMIN_PG_CLUSTER} stop)
set_tests_properties(weimin_pg_cluster_stop PROPERTIES FIXTURES_CLEANUP weimin_pg TIMEOUT 60)

# The server engineer's suite, every test against a fresh schema in the cluster's database.
if(TARGET weimin_server_test)
  add_test(NAME weimin_server_test_postgres
           COMMAND ${WEIMIN_PG_CLUSTER} run WEIMIN_TEST_STORE $<TARGET_FILE:weimin_server_test>)
  set_tests_properties(weimin_server_test_postgres PROPERTIES FIXTURES_REQUIRED weimin_pg)
endif()
