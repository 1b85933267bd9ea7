# The shared protocol library's tests.
weimin_test(weimin_sync_protocol_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/protocol_test.cpp
  LIBS weimin_sync_protocol)

# The district server: DistrictService in process, the real serve process over HTTPS, the CLI.
# WEIMIN_TEST_STORE=postgresql://… runs the same suite against the PostgreSQL store when the
# build has it (WEIMIN_SERVER_PG, set by whoever adds the pg_* sources to weimin_server).
if(TARGET weimin_server)
  pkg_check_modules(HTTPLIB_TEST REQUIRED IMPORTED_TARGET cpp-httplib)
  weimin_test(weimin_server_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/service_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/serve_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/trust_test.cpp
    LIBS weimin_server PkgConfig::HTTPLIB_TEST)
  target_compile_definitions(weimin_server_test PRIVATE
    WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>"
    WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  if(WEIMIN_SERVER_PG)
    target_compile_definitions(weimin_server_test PRIVATE WEIMIN_SERVER_PG=1)
  endif()
  add_dependencies(weimin_server_test weimin-district)
endif()
