# The sync tests: the client's pieces, the station against the real DistrictService in one
# process, the HTTPS client against the real server through a fault-injecting proxy, and the
# seeded simulation (WEIMIN_SIM_ROUNDS, WEIMIN_SEED). Registered once the server part exists.
if(TARGET weimin_server AND TARGET weimin_sync_client)
  file(GLOB WEIMIN_SYNC_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/sync/*_test.cpp)
  weimin_test(weimin_sync_test SOURCES ${WEIMIN_SYNC_TESTS}
              LIBS weimin_station weimin_server weimin_sync_client SPLIT *simulation*)
  target_compile_definitions(weimin_sync_test PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  if(TARGET weimin-district)
    add_dependencies(weimin_sync_test weimin-district)
    target_compile_definitions(weimin_sync_test PRIVATE
                               WEIMIN_DISTRICT_BIN="$<TARGET_FILE:weimin-district>")
  endif()
endif()
