# The kiosk: decisions without drawing, whole flows driven by synthetic SDL events under SDL's
# dummy video driver with the software renderer, and the tour (every screen to PNG, checked).
if(TARGET weimin_kiosk)
  file(GLOB WEIMIN_KIOSK_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/kiosk/*_test.cpp)
  # The handheld's sync runs against a district in the same process (tests/sync/sync_fixture.hpp).
  set(WEIMIN_KIOSK_LIBS weimin_kiosk)
  if(TARGET weimin_server AND TARGET weimin_sync_client)
    list(APPEND WEIMIN_KIOSK_LIBS weimin_server weimin_sync_client)
  else()
    list(FILTER WEIMIN_KIOSK_TESTS EXCLUDE REGEX "handheld_sync_test\\.cpp$")
  endif()
  # Three CTest tests: the tour, the handheld, keyboard, layout, board, governance and wish
  # files, and the rest (each about half of the cases' time; under ASan one test held them all
  # near its 600 s timeout).
  weimin_test(weimin_kiosk_test SOURCES ${WEIMIN_KIOSK_TESTS} LIBS ${WEIMIN_KIOSK_LIBS}
              SPLIT *tour*
              SPLIT_FILES *handheld*,*keyboard_test*,*layout_test*,*board_test*,*govern_test*,*wishes_test*)
  target_compile_definitions(weimin_kiosk_test PRIVATE WEIMIN_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
  target_include_directories(weimin_kiosk_test PRIVATE ${CMAKE_SOURCE_DIR}/tests/station
                                                       ${CMAKE_SOURCE_DIR}/tests/sync)
  set_tests_properties(weimin_kiosk_test weimin_kiosk_test_slow weimin_kiosk_test_part2 PROPERTIES
                       ENVIRONMENT "SDL_VIDEODRIVER=dummy;SDL_AUDIODRIVER=dummy")
endif()
