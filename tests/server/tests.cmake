# The shared protocol library's tests.
weimin_test(weimin_sync_protocol_test
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/protocol_test.cpp
          ${CMAKE_CURRENT_SOURCE_DIR}/server/push_reader_test.cpp
  LIBS weimin_sync_protocol)

# The district server: DistrictService in process, the HTTP front without sockets, the real
# serve process over HTTPS, the CLI.
# WEIMIN_TEST_STORE=postgresql://… runs the same suite against the PostgreSQL store when the
# build has it (WEIMIN_SERVER_PG, set by whoever adds the pg_* sources to weimin_server).
if(TARGET weimin_server)
  pkg_check_modules(HTTPLIB_TEST REQUIRED IMPORTED_TARGET cpp-httplib)
  find_package(OpenSSL REQUIRED)
  find_package(ZLIB REQUIRED)
  weimin_test(weimin_server_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/service_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/front_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/serve_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/trust_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/accounts_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/console_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/figures_export_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/projection_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/figures_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/bulk_load_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/calendar_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/loop_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/doctor_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/govern_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/neighbour_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/grids_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/schema_test.cpp
            ${CMAKE_CURRENT_SOURCE_DIR}/server/pg_upgrade_test.cpp
    LIBS weimin_server PkgConfig::HTTPLIB_TEST OpenSSL::SSL ZLIB::ZLIB)
  # The console's figure tables and their CSV and .xlsx encoders are tested directly.
  target_include_directories(weimin_server_test PRIVATE ${CMAKE_SOURCE_DIR}/server/src)
  target_compile_definitions(weimin_server_test PRIVATE
    WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>"
    WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  if(WEIMIN_SERVER_PG)
    target_compile_definitions(weimin_server_test PRIVATE WEIMIN_SERVER_PG=1)
  endif()
  add_dependencies(weimin_server_test weimin-district)

  # Issue 12's attacks replayed against the real serve process, with a health probe throughout.
  weimin_test(weimin_server_attack_test
    SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/attack_test.cpp
    LIBS weimin_sync_protocol PkgConfig::HTTPLIB_TEST OpenSSL::SSL ZLIB::ZLIB)
  target_compile_definitions(weimin_server_attack_test PRIVATE
    WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>")
  add_dependencies(weimin_server_attack_test weimin-district)
endif()
